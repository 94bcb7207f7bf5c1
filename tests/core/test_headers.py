"""Security headers on each kind of page: a strict Content-Security-Policy (nothing inline,
nothing from elsewhere), framing refused except for the embeddable sign-up form, the
Referrer-Policy and a Permissions-Policy."""

import pytest
from django.urls import reverse

from tests.consent.conftest import newsletter  # noqa: F401 (fixture)


def assert_strict(response, framed=False):
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert ("frame-ancestors *" in policy) is framed
    assert ("frame-ancestors 'none'" in policy) is not framed
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_staff_pages(client_for, owner, organisation, client):
    assert_strict(client.get(reverse("core:login")))
    assert_strict(client_for(owner).get(reverse("core:dashboard")))


def test_public_pages(client, organisation):
    assert_strict(client.get(reverse("center:request", args=[organisation.slug])))
    response = client.get(reverse("center:statement", args=[organisation.slug, "nl"]))
    assert_strict(response)


@pytest.mark.django_db
def test_the_api_and_an_unknown_page(client):
    assert_strict(client.get("/no-such-page/"))
    assert_strict(client.get("/api/v1/openapi.json"))


def test_the_embeddable_sign_up_form_may_be_framed(client, newsletter):  # noqa: F811
    response = client.get(
        reverse("center:subscribe", args=[newsletter.organisation.slug, newsletter.key])
    )
    assert response.status_code == 200
    assert_strict(response, framed=True)


def test_no_page_template_has_an_inline_style_the_policy_would_block():
    """style-src 'self': a style="..." attribute is refused by the browser (and logged)."""
    import re
    from pathlib import Path

    import waarborg

    found = []
    for path in Path(waarborg.__file__).parent.rglob("templates/**/*.html"):
        if re.search(r"<[a-z][^>]*\sstyle=", path.read_text(encoding="utf-8")):
            found.append(str(path))
    assert not found, found
