"""Input that cannot hurt (core/inputs.py): control characters refused everywhere, dates and
times validated, CSV and YAML limited with a clear error, the Markdown statement escaped, and
the OpenAPI schema naming the 400, 404 and 422 answers. A refused input changes nothing."""

import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from waarborg.api.actions import create_key
from waarborg.center.consent_views import form_token
from waarborg.consent import actions as consent_actions
from waarborg.consent.models import ConsentEvent
from waarborg.core import inputs
from waarborg.core.taxonomy import TermIndex
from waarborg.notices import actions as notice_actions
from waarborg.notices import statement
from waarborg.register.yamlio import RegisterFileError, load_with_lines, register_data
from waarborg.requests.models import SubjectRequest


@pytest.fixture
def newsletter(organisation, owner):
    return consent_actions.save_purpose(
        organisation,
        actor=owner,
        key="newsletter",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism="opt_in",
        wording={"nl": "Ja."},
    )


@pytest.fixture
def api_key(organisation, owner):
    return create_key(organisation, actor=owner, name="tool", role="handler")[1]


def api(client, method, path, key, data=None):
    return getattr(client, method)(
        f"/api/v1/{path}",
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_characters_in_a_public_form_are_refused(client, organisation, newsletter, char):
    url = reverse("center:subscribe", args=[organisation.slug, newsletter.key])
    data = {"email": "lisa@example.nl", "agree": "1", "form_token": form_token(newsletter)}
    response = client.post(url, {**data, "page": f"https://x.example/{char}"})
    assert response.status_code == 400
    assert not ConsentEvent.objects.exists()
    assert client.post(url, {**data, "page": "https://x.example/\tok\r\n"}).status_code == 200


def test_control_characters_in_the_api_are_refused_with_422(client, newsletter, api_key):
    body = {"purpose": "newsletter", "key": "lisa@example.nl", "action": "granted"}
    response = api(client, "post", "consent/events", api_key, {**body, "page": "a\u0000b"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "page"]
    response = api(client, "get", "consent/people/lisa%00@example.nl/events?x=%01", api_key)
    assert response.status_code == 422
    assert not ConsentEvent.objects.exists()
    assert api(client, "post", "consent/events", api_key, body).status_code == 201


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        ("2026-03-01T10:00:00", "tijdzone"),
        ("0001-01-01T00:00:00+14:00", "jaar"),
        ("9999-12-31T23:59:59-12:00", "jaar"),
        ("2026-13-01T10:00:00+01:00", ""),
    ],
)
def test_dates_and_times_in_the_api_are_checked(client, api_key, moment, reason):
    body = {"kind": "access", "name": "Lisa", "email": "lisa@example.nl", "received_at": moment}
    response = api(client, "post", "requests/", api_key, body)
    assert response.status_code == 422, response.content
    assert reason in str(response.json()["detail"])
    assert not SubjectRequest.objects.exists()


def test_the_openapi_schema_lists_400_404_and_422(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "404", "422"} <= set(map(str, operation["responses"])), (path, method)


def test_csv_limits_name_the_line():
    long = "email,page\n" + "a@example.nl,ok\n" + "b@example.nl," + "x" * 200_000 + "\n"
    with pytest.raises(inputs.InputError, match="regel 3"):
        inputs.csv_dicts(long)
    with pytest.raises(inputs.InputError, match="20 MB"):
        inputs.read_upload(SimpleUploadedFile("a.csv", b"x" * (inputs.MAX_CSV_BYTES + 1)))
    assert inputs.csv_dicts("Email , Page\n a@example.nl , / \n") == [
        {"email": "a@example.nl", "page": "/"}
    ]


def test_a_consent_import_with_a_huge_field_or_a_bad_date_changes_nothing(
    client_for, owner, newsletter
):
    url = reverse("consent:purpose_import", args=[newsletter.key])
    for text in [
        "email,page\nlisa@example.nl," + "x" * 140_000 + "\n",
        "email,date\nlisa@example.nl,31-31-2026\n",
        "email,date\nlisa@example.nl,2026-31-31\n",
        "email,date\nlisa@example.nl,0001-01-01\n",
        "email,date\nlisa@example.nl,2999-01-01\n",
    ]:
        upload = SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")
        response = client_for(owner).post(url, {"file": upload})
        assert response.status_code == 200, text[:40]
        page = response.content.decode()
        assert any(where in page for where in ("line 2", "regel 2", "row 2", "rij 2")), text[:40]
    assert not ConsentEvent.objects.exists()


def test_a_change_notice_list_with_a_huge_field_is_refused():
    with pytest.raises(notice_actions.PublishError) as caught:
        notice_actions.parse_recipients("a@example.nl\n" + "b" * 200_000 + "\n", "nl")
    assert "line 2" in str(caught.value.problems[0].message) or "regel 2" in str(
        caught.value.problems[0].message
    )


def alias_bomb(levels):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(levels):
        this, before = chr(98 + i), chr(97 + i)
        lines.append(f"{this}: &{this} [" + ",".join([f"*{before}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_bombs_are_refused_quickly_before_anything_is_locked():
    for text in [alias_bomb(8), "a: " + "[" * 100 + "]" * 100, "x: " + "y" * (6 * 1024 * 1024)]:
        started = time.monotonic()
        with pytest.raises(RegisterFileError):
            load_with_lines(text)
        assert time.monotonic() - started < 5
    assert load_with_lines("a: &a [1]\nb: *a\n")[0] == {"a": [1], "b": [1]}


def test_the_markdown_statement_escapes_html(organisation):
    snapshot = register_data(organisation)
    snapshot["organisation"]["name"] = "<script>alert(1)</script> & Zn"
    content = statement.build(snapshot, TermIndex(organisation), {}, "nl")
    content.introduction = '<img src=x onerror="alert(1)">'
    markdown = statement.render_markdown(content)
    assert "<script" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;" in markdown or "&lt;img" in markdown


def test_parse_day_or_moment():
    assert inputs.parse_day_or_moment("2026-03-31").year == 2026
    assert inputs.parse_day_or_moment("2026-03-31T10:00:00Z").utcoffset().total_seconds() == 0
    for bad in ["31-31-2026", "2026-31-31", "0001-01-01", "", "2026-02-30", "x" * 5000]:
        with pytest.raises(inputs.InputError):
            inputs.parse_day_or_moment(bad)


def test_a_refused_form_gets_a_page_in_the_readers_language_naming_the_field(
    client, organisation, newsletter
):
    url = reverse("center:subscribe", args=[organisation.slug, newsletter.key])
    data = {"email": "lisa@example.nl", "agree": "1", "form_token": form_token(newsletter)}
    response = client.post(url, {**data, "page": "x\x00"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<code>page</code>" in page and 'lang="nl"' in page
    assert "Er is niets opgeslagen" in page and "Nothing" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(url, {**data, "page": "x\x00"}).content.decode()
    assert "Nothing was saved or changed" in english and 'lang="en"' in english
    assert "niets" not in english
    assert not ConsentEvent.objects.exists()
