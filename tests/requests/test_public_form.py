"""The public request form: each right in one plain line with its article in small print,
errors beside their own field and named by `aria-describedby`, the direct-marketing box that
counts only for an objection, and the favicon on every page and at /favicon.ico."""

import re
import struct

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waarborg.requests.models import Kind, SubjectRequest


def _form(**extra):
    return {
        "kind": "access",
        "name": "Jan de Jong",
        "email": "jan@example.nl",
        "language": "nl",
        **extra,
    }


def _ids(html):
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_each_right_in_one_plain_line_with_its_article_in_small_print(firm):
    english = Client().get(f"/c/{firm.slug}/request/?lang=en").content.decode()
    for line in ("See what we have about you", "Have it corrected", "Have it erased"):
        assert line in english
    assert '<span class="article">Article 15 GDPR</span>' in english
    assert "Rectification (Art. 16)" not in english
    dutch = Client().get(f"/c/{firm.slug}/request/").content.decode()
    assert "Inzien wat wij over u hebben" in dutch and "Laten verbeteren" in dutch
    assert '<span class="article">Artikel 16 AVG</span>' in dutch
    assert "Rectificatie" not in dutch


def test_errors_stand_beside_their_field_and_are_described(firm):
    response = Client().post(
        f"/c/{firm.slug}/request/", _form(kind="", name="", email="no", lang="en")
    )
    assert response.status_code == 400
    html = response.content.decode()
    ids = _ids(html)
    for name in ("name", "email"):
        tag = re.search(rf'<(?:input)[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in tag
        described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
        assert f"id_{name}_error" in described
        assert set(described) <= ids
        # the error comes after its own label and before its own input, not the next field's
        label = html.index(f'<label for="id_{name}"')
        error = html.index(f'id="id_{name}_error"')
        assert label < error < html.index(tag)
    assert "Enter a valid email address." in html[html.index('id="id_email_error"') :][:200]
    fieldset = re.search(r'<fieldset class="kinds[^>]*>', html).group(0)
    assert 'aria-describedby="id_kind_error"' in fieldset and "id_kind_error" in ids
    # a field without an error points at its help only, which exists
    postal = re.search(r'<textarea[^>]*name="postal_address"[^>]*>', html).group(0)
    assert 'aria-describedby="id_postal_address_helptext"' in postal
    assert "aria-invalid" not in postal and "id_postal_address_helptext" in ids
    assert not SubjectRequest.objects.exists()


def test_the_direct_marketing_box_sits_under_the_objection_without_inline_script(firm):
    response = Client().get(f"/c/{firm.slug}/request/?lang=en")
    html = response.content.decode()
    objection = html.index('value="objection"')
    box = html.index('name="direct_marketing"')
    assert objection < box < html.index('value="withdrawal"')
    assert "<script" not in html and " onclick" not in html and "style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"] or (
        "default-src 'self'" in response["Content-Security-Policy"]
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(list(Kind)), ticked=st.booleans())
def test_direct_marketing_counts_only_for_an_objection(firm, committed, kind, ticked):
    """The rule: a request is marked direct marketing exactly when it is an objection and the
    box was ticked; a box sent along with another kind changes nothing."""
    SubjectRequest.objects.all().delete()
    data = _form(kind=kind.value, email=f"{kind.value}@example.nl")
    if ticked:
        data["direct_marketing"] = "on"
    with committed():
        response = Client(REMOTE_ADDR=f"10.0.0.{len(kind.value)}").post(
            f"/c/{firm.slug}/request/", data
        )
    assert response.status_code in (200, 429)
    if response.status_code == 200:
        stored = SubjectRequest.objects.get(organisation=firm)
        assert stored.kind == kind
        assert stored.direct_marketing == (kind == Kind.OBJECTION and ticked)


def test_favicon_at_the_root_and_on_every_page(firm, client_for, owner):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    reserved, kind, count = struct.unpack("<HHH", response.content[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    assert response.content[22:30] == b"\x89PNG\r\n\x1a\n"
    icon = Client().get("/static/waarborg/favicon.svg")
    assert icon.status_code == 200
    link = '<link rel="icon" href="/static/waarborg/favicon.svg" type="image/svg+xml">'
    pages = [
        Client().get(f"/c/{firm.slug}/request/"),
        Client().get("/login/"),
        client_for(owner).get("/requests/"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert link in page.content.decode()
