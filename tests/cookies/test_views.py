"""The cookie scan's staff pages: who may do what, another organisation's objects, the audit
entries and the queued work."""

import pytest
from django_tasks_db.models import DBTaskResult

from waarborg.audit.models import AuditEntry
from waarborg.cookies import actions, guard
from waarborg.cookies.models import CookieOverride, Observation, Scan, Website


@pytest.fixture(autouse=True)
def _public_test_host(settings):
    settings.SCAN_HOSTS = ["www.firma.example"]
    guard.clear()
    yield
    guard.clear()


@pytest.fixture
def website(organisation, owner):
    return actions.save_website(organisation, actor=owner, url="https://www.firma.example/")


@pytest.fixture
def done_scan(website):
    scan = Scan.objects.create(
        organisation=website.organisation, website=website, status=Scan.Status.DONE
    )
    Observation.objects.create(
        scan=scan, kind="cookie", name="wbtest_pref", first_seen="first", passes=["first"]
    )
    return scan


def test_the_pages_read_for_every_member(client_for, viewer, website, done_scan):
    client = client_for(viewer)
    assert "www.firma.example" in client.get("/cookies/").content.decode()
    assert client.get(f"/cookies/websites/{website.pk}/").status_code == 200
    page = client.get(f"/cookies/scans/{done_scan.pk}/").content.decode()
    assert "wbtest_pref" in page and "Onbekend" in page  # one language: Dutch
    assert "Unknown" not in page


@pytest.mark.parametrize("who", ["viewer", "handler"])
def test_only_privacy_officers_and_owners_change_things(request, client_for, who, website):
    client = client_for(request.getfixturevalue(who))
    assert client.post(f"/cookies/websites/{website.pk}/scan/").status_code == 403
    assert client.post("/cookies/websites/add/", {"url": "https://x.example/"}).status_code == 403
    assert client.post(f"/cookies/websites/{website.pk}/delete/").status_code == 403
    assert (
        client.post("/cookies/classify/", {"name": "a", "category": "analytics"}).status_code == 403
    )
    assert not Scan.objects.exists() and Website.objects.count() == 1


def test_another_organisations_objects_are_not_found(
    client_for, other_owner, other_organisation, website, done_scan
):
    client = client_for(other_owner)
    for url in (
        f"/cookies/websites/{website.pk}/",
        f"/cookies/websites/{website.pk}/edit/",
        f"/cookies/scans/{done_scan.pk}/",
        f"/cookies/scans/{done_scan.pk}/screenshot/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/cookies/websites/{website.pk}/scan/").status_code == 404
    assert client.post(f"/cookies/websites/{website.pk}/delete/").status_code == 404
    assert Scan.objects.count() == 1 and Website.objects.exists()


def test_scan_now_queues_one_scan_for_the_worker(
    client_for, owner, website, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cookies/websites/{website.pk}/scan/")
    scan = Scan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cookies/scans/{scan.pk}/"
    assert scan.status == Scan.Status.QUEUED and scan.requested_by == owner
    client.post(f"/cookies/websites/{website.pk}/scan/")  # asked again: still one
    assert Scan.objects.count() == 1
    assert AuditEntry.objects.filter(action="cookies.scan_request").count() == 1
    assert DBTaskResult.objects.filter(task_path="waarborg.cookies.tasks.run_scan").count() == 1
    assert client.get(f"/cookies/scans/{scan.pk}/").content.decode().count("http-equiv") == 1


def test_an_internal_address_is_refused_in_the_form(client_for, owner, organisation):
    response = client_for(owner).post(
        "/cookies/websites/add/", {"url": "http://10.0.0.5/", "page_limit": 20}
    )
    assert response.status_code == 200
    assert "WAARBORG_SCAN_HOSTS" in response.content.decode()
    assert not Website.objects.exists()


def test_a_bad_page_limit_rerenders_with_a_message(client_for, owner, organisation):
    response = client_for(owner).post(
        "/cookies/websites/add/", {"url": "https://www.firma.example/", "page_limit": 900}
    )
    assert response.status_code == 200 and "tussen 1 en 200" in response.content.decode()
    assert not Website.objects.exists()


def test_classifying_a_cookie_applies_to_its_observations_and_is_audited(
    client_for, owner, done_scan
):
    client = client_for(owner)
    response = client.post(
        "/cookies/classify/",
        {"name": "wbtest_pref", "category": "functional", "purpose_nl": "Onthoudt de winkelwagen",
         "scan": done_scan.pk},
    )  # fmt: skip
    assert response.status_code == 302
    assert Observation.objects.get(name="wbtest_pref").category == "functional"
    assert AuditEntry.objects.filter(action="cookies.override").exists()
    override = CookieOverride.objects.get()
    client.post(f"/cookies/classify/{override.pk}/remove/")
    assert Observation.objects.get(name="wbtest_pref").category == "unknown"
    assert not CookieOverride.objects.exists()


def test_exempt_is_only_for_analytics(client_for, owner, done_scan):
    client_for(owner).post(
        "/cookies/classify/", {"name": "wbtest_pref", "category": "marketing", "exempt": "on"}
    )
    assert not CookieOverride.objects.exists()


def test_banner_settings(client_for, owner, organisation):
    client = client_for(owner)
    assert client.post("/cookies/settings/", {"consent_mode": "on"}).status_code == 302
    assert actions.settings_for(organisation).consent_mode
    assert AuditEntry.objects.filter(action="cookies.settings").exists()


def test_compare_lists_what_came_and_went(client_for, owner, website, done_scan):
    newer = Scan.objects.create(
        organisation=website.organisation, website=website, status=Scan.Status.DONE
    )
    Observation.objects.create(
        scan=newer, kind="cookie", name="_ga", first_seen="accepted", passes=["accepted"]
    )
    page = client_for(owner).get(f"/cookies/scans/{newer.pk}/compare/{done_scan.pk}/")
    text = page.content.decode()
    assert text.index("_ga") < text.index("Verdwenen") < text.index("wbtest_pref")


def test_the_monthly_scan_queues_websites_not_scanned_for_a_month(website, organisation, owner):
    import datetime

    from django.utils import timezone

    from waarborg.cookies import tasks

    quiet = actions.save_website(organisation, actor=owner, url="https://www.firma.example/a")
    quiet.monthly = False
    quiet.save()
    assert actions.due_for_monthly() == [website]
    scan = actions.request_scan(website, actor=owner)
    assert actions.due_for_monthly() == []
    Scan.objects.filter(pk=scan.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert actions.due_for_monthly() == [website]
    assert tasks.schedule_monthly() is not None
    assert tasks.schedule_monthly() is None  # one waits at a time


def test_the_command_line_runs_its_scan_itself_and_never_queues_it(
    website, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.request_scan(website, actor=owner, enqueue=False)
    assert Scan.objects.count() == 1
    assert not DBTaskResult.objects.filter(task_path="waarborg.cookies.tasks.run_scan").exists()


def test_the_banner_answers_not_modified_as_javascript(client, organisation):
    first = client.get(f"/c/{organisation.slug}/banner.js")
    again = client.get(f"/c/{organisation.slug}/banner.js", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    # with nosniff, a 304 that says text/html is blocked by Chromium's ORB on the next page
    assert again["Content-Type"].startswith("text/javascript")
    assert again["Access-Control-Allow-Origin"] == "*"


def test_a_refused_sitemap_is_named_on_its_own_field(client_for, owner, organisation):
    response = client_for(owner).post(
        "/cookies/websites/add/",
        {"url": "https://www.firma.example/", "sitemap_url": "http://169.254.169.254/s.xml",
         "page_limit": 20},
    )  # fmt: skip
    form = response.context["form"]
    assert "sitemap_url" in form.errors and "url" not in form.errors
    assert not Website.objects.exists()
