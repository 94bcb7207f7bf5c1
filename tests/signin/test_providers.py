"""Signing in with the organisation's own Entra ID or Google Workspace (OpenID Connect), against
a local provider that issues real signed ID tokens (tests/signin/oidc.py). The domain of the
address picks the organisation's provider; only an existing member of that organisation gets in,
never through another organisation's provider."""

import urllib.error
import urllib.request
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from tests.signin.oidc import Provider
from waarborg.audit.models import AuditEntry
from waarborg.core.actions import ActionError
from waarborg.signin import actions
from waarborg.signin.models import IdentityProvider

SECRET = "client-secret-of-the-firm"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def idp():
    with Provider("waarborg-firma", SECRET) as provider:
        yield provider


@pytest.fixture
def entra(idp, organisation, owner):
    return actions.set_identity_provider(
        organisation,
        actor=owner,
        kind="entra",
        domains=["firma.example"],
        client_id=idp.client_id,
        secret=SECRET,
        server_url=idp.base,
    )


def through_provider(client, idp, email, claims=None):
    """The browser's round trip: Waarborg -> the provider (who signs `claims` in) -> back."""
    idp.claims = claims if claims is not None else {"email": email}
    start = client.post(reverse("signin:provider"), {"email": email})
    assert start.status_code == 302 and start.url.startswith(idp.base + "/authorize?")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as back:
        opener.open(start.url, timeout=10)
    assert back.value.code == 302
    callback = urlparse(back.value.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_a_member_signs_in_with_the_organisations_provider(idp, entra, owner, organisation):
    client = Client()
    response = through_provider(client, idp, owner.email)
    assert response.status_code == 302 and response.url == reverse("core:dashboard")
    # The organisation's provider checks its own second factor: no set-up asked here.
    assert client.get(reverse("core:dashboard")).status_code == 200
    entry = AuditEntry.objects.filter(organisation=organisation, action="signin.succeeded").last()
    assert entry.actor == owner and entry.new["method"] == f"provider:{entra.key}"
    # The client secret went to the provider's token endpoint, with the PKCE verifier.
    assert idp.token_requests[-1]["client_secret"] == SECRET
    assert idp.token_requests[-1]["code_verifier"]
    # The password still works as before.
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_a_second_sign_in_finds_the_connected_account(idp, entra, owner):
    through_provider(Client(), idp, owner.email)
    client = Client()
    assert through_provider(client, idp, owner.email).url == reverse("core:dashboard")


@pytest.mark.parametrize(
    "email",
    [
        "onbekend@firma.example",  # no account: nobody signs up this way
        "buiten@firma.example",  # an account, but no member of this organisation
    ],
)
def test_only_members_of_the_providers_organisation_get_in(idp, entra, email, other_organisation):
    if email.startswith("buiten"):
        make_user(email)
    client = Client()
    response = through_provider(client, idp, email)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_another_organisations_provider_cannot_sign_in_its_neighbours(
    idp, entra, owner, other_owner, other_organisation
):
    # The firm's provider vouches for someone of another domain: refused.
    client = Client()
    idp.claims = {"email": other_owner.email}
    start = client.post(reverse("signin:provider"), {"email": owner.email})
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as back:
        opener.open(start.url, timeout=10)
    callback = urlparse(back.value.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_token_for_another_client_is_refused(idp, entra, owner):
    idp.audience = "someone-else"
    client = Client()
    response = through_provider(client, idp, owner.email)
    assert response.status_code == 401  # allauth's sign-in error page, in our layout
    assert "<main>" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_google_workspace_needs_a_verified_address_of_its_own_domain(idp, owner, organisation):
    actions.set_identity_provider(
        organisation,
        actor=owner,
        kind="google",
        domains=["firma.example"],
        client_id=idp.client_id,
        secret=SECRET,
        server_url=idp.base,
    )
    for claims in [
        {"email": owner.email, "email_verified": True},  # a consumer account: no hd
        {"email": owner.email, "email_verified": False, "hd": "firma.example"},
    ]:
        client = Client()
        assert through_provider(client, idp, owner.email, claims).status_code == 403
        assert "_auth_user_id" not in client.session
    client = Client()
    claims = {"email": owner.email, "email_verified": True, "hd": "firma.example"}
    assert through_provider(client, idp, owner.email, claims).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_an_address_without_a_provider_is_told_so(client, db):
    page = client.post(reverse("signin:provider"), {"email": "iemand@nergens.example"})
    assert page.status_code == 200
    assert "Bij dit domein logt geen organisatie in" in page.content.decode()


def test_setting_a_provider_is_audited_without_its_secret(idp, entra, organisation, owner):
    entry = AuditEntry.objects.get(organisation=organisation, action="signin.provider_set")
    assert entry.new["domains"] == ["firma.example"] and SECRET not in str(entry.new)
    stored = IdentityProvider.objects.get(pk=entra.pk)
    assert SECRET not in stored.secret_encrypted and stored.secret == SECRET


def test_one_domain_belongs_to_one_organisation(entra, other_organisation, other_owner):
    with pytest.raises(ActionError):
        actions.set_identity_provider(
            other_organisation,
            actor=other_owner,
            kind="google",
            domains=["Firma.example"],
            client_id="x",
        )
    with pytest.raises(ActionError):
        actions.set_identity_provider(
            other_organisation,
            actor=other_owner,
            kind="entra",
            domains=["ander.example"],
            client_id="x",
        )  # no tenant


def test_the_providers_page_is_for_owners(
    client_for, owner, viewer, organisation, other_owner, other_organisation, entra
):
    assert client_for(viewer).get(reverse("signin:providers")).status_code == 403
    page = client_for(owner).get(reverse("signin:providers"))
    assert page.status_code == 200
    assert f"/accounts/oidc/{entra.key}/login/callback/" in page.content.decode()
    remove = reverse("signin:remove_provider", args=[entra.pk])
    assert client_for(other_owner).post(remove).status_code == 404
    assert client_for(owner).post(remove).status_code == 302
    assert not IdentityProvider.objects.filter(pk=entra.pk).exists()
    assert AuditEntry.objects.filter(action="signin.provider_removed").count() == 1


def test_an_owner_sets_up_entra_in_the_form(client_for, owner, organisation):
    data = {
        "kind": "entra",
        "domains": "firma.example, firma.be",
        "client_id": "abc",
        "secret": "s",
        "tenant": "0000-1111",
    }
    assert client_for(owner).post(reverse("signin:providers"), data).status_code == 302
    provider = IdentityProvider.objects.get(organisation=organisation)
    assert provider.issuer == "https://login.microsoftonline.com/0000-1111/v2.0"
    assert provider.domains == ["firma.be", "firma.example"]
    page = client_for(owner).post(reverse("signin:providers"), {**data, "domains": "nee"})
    assert page.status_code == 200 and "e-maildomeinen" in page.content.decode()
