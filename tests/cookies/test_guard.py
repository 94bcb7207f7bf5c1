"""A scan may not be aimed at the installation's own network: public addresses only, unless
the operator allows more (WAARBORG_SCAN_HOSTS). Tried as an owner of an organisation would."""

import pytest

from waarborg.audit.models import AuditEntry
from waarborg.cookies import actions, guard
from waarborg.cookies.models import Scan, Website

REFUSED_HOSTS = [
    "127.0.0.1",
    "127.1",
    "localhost",
    "10.0.0.5",
    "172.16.4.1",
    "192.168.1.1",
    "169.254.169.254",  # a cloud's metadata service
    "0.0.0.0",  # noqa: S104
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[fd00::1]",
    "224.0.0.1",
]


@pytest.fixture(autouse=True)
def _fresh_guard(settings):
    settings.SCAN_HOSTS = []
    guard.clear()
    yield
    guard.clear()


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_internal_and_unknown_hosts_are_refused(host):
    with pytest.raises(guard.ScanRefused, match="WAARBORG_SCAN_HOSTS"):
        guard.check_url(f"http://{host}:8080/")


def test_a_host_name_that_cannot_be_found_is_said_so():
    with pytest.raises(guard.ScanRefused, match="kan niet worden gevonden"):
        guard.check_url("https://no-such-host.invalid/")


@pytest.mark.parametrize(
    "url", ["ftp://8.8.8.8/", "file:///etc/passwd", "javascript:alert(1)", "https://", ""]
)
def test_only_web_pages(url):
    with pytest.raises(guard.ScanRefused):
        guard.check_url(url)


def test_credentials_in_the_address_are_refused():
    with pytest.raises(guard.ScanRefused, match="wachtwoord"):
        guard.check_url("https://user:secret@8.8.8.8/")


def test_public_addresses_are_allowed():
    guard.check_url("https://8.8.8.8/")
    guard.check_url("http://[2001:4860:4860::8888]/")


def test_the_operator_may_allow_hosts_by_name_domain_or_network(settings):
    settings.SCAN_HOSTS = ["intranet.example", ".test.example", "10.1.0.0/16"]
    guard.clear()
    assert guard.host_allowed("intranet.example")
    assert guard.host_allowed("www.test.example")
    assert guard.host_allowed("10.1.2.3")
    assert not guard.host_allowed("10.2.0.1")
    assert not guard.host_allowed("127.0.0.1")
    assert not guard.host_allowed("other.example.invalid")


def test_a_refused_website_is_not_saved_and_cannot_be_scanned(organisation, owner):
    with pytest.raises(actions.CookieError, match="WAARBORG_SCAN_HOSTS"):
        actions.save_website(organisation, actor=owner, url="http://169.254.169.254/latest/")
    assert not Website.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="cookies.").exists()
    # a website saved while a host was allowed cannot be scanned once it no longer is
    website = Website.objects.create(organisation=organisation, url="http://10.0.0.5/")
    with pytest.raises(actions.CookieError):
        actions.request_scan(website, actor=owner)
    assert not Scan.objects.exists()


def test_a_scan_of_a_host_refused_since_it_was_queued_fails_with_the_reason(organisation):
    website = Website.objects.create(organisation=organisation, url="http://10.0.0.5/")
    scan = Scan.objects.create(organisation=organisation, website=website)
    done = actions.carry_out_scan(scan.pk)
    assert done.status == Scan.Status.FAILED and done.error == "refused"
    assert not done.pages.exists()
