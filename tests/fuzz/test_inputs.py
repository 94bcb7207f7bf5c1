"""Property tests over the ways input comes in: the register YAML importer, the consent CSV
import and the public forms. The rule, stated once for each: whatever the input, no server
error, and an input that is refused changes nothing."""

import string

import pytest
import yaml
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from waarborg.audit.models import AuditEntry
from waarborg.center.consent_views import form_token
from waarborg.consent import actions as consent_actions
from waarborg.consent.models import ConsentEvent
from waarborg.register.models import ProcessingActivity
from waarborg.register.yamlio import RegisterFileError, export_register, import_register
from waarborg.requests.models import SubjectRequest

# Text as people and programs send it: any character, control characters and NUL included.
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
WORDS = st.text(alphabet=string.ascii_letters + string.digits + " -_.@:+/", max_size=30)
YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT | st.dates().map(str),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            WORDS | st.sampled_from(["key", "name", "activities", "parties"]), children, max_size=4
        )
    ),
    max_leaves=20,
)


@pytest.fixture
def newsletter(organisation, owner):
    return consent_actions.save_purpose(
        organisation,
        actor=owner,
        key="newsletter",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism="opt_in",
        consumers=True,
        wording={"nl": "Ja."},
    )


def _register_state(organisation):
    return (
        export_register(organisation),
        ProcessingActivity.objects.filter(organisation=organisation).count(),
        AuditEntry.objects.filter(organisation=organisation).count(),
    )


@given(
    document=st.one_of(
        TEXT,
        YAML_VALUES.map(lambda data: yaml.safe_dump(data, allow_unicode=True)),
        st.dictionaries(
            st.sampled_from(
                ["organisation", "activities", "parties", "systems", "retention_rules"]
            ),
            YAML_VALUES,
            max_size=4,
        ).map(lambda data: yaml.safe_dump(data, allow_unicode=True)),
    )
)
def test_the_register_importer_refuses_cleanly_and_changes_nothing(organisation, owner, document):
    before = _register_state(organisation)
    try:
        import_register(organisation, document, actor=owner)
    except RegisterFileError as error:
        assert error.problems if hasattr(error, "problems") else str(error)
        assert _register_state(organisation) == before


CSV_CELLS = st.one_of(
    TEXT,
    st.emails().map(str),
    st.sampled_from(["2026-03-31", "31-31-2026", "2026-31-31", "0001-01-01", "9999-12-31", ""]),
    st.text(alphabet="x", min_size=10_001, max_size=10_050),
)
CSV_TEXT = st.lists(
    st.lists(CSV_CELLS, min_size=1, max_size=4).map(
        lambda cells: ",".join('"' + c.replace('"', '""') + '"' for c in cells)
    ),
    max_size=5,
).map(lambda lines: "email,date,page,source\n" + "\n".join(lines))


@given(text=st.one_of(CSV_TEXT, TEXT))
def test_the_consent_import_never_fails_and_a_refused_file_adds_nothing(
    client_for, owner, newsletter, text
):
    before = ConsentEvent.objects.count()
    upload = SimpleUploadedFile("list.csv", text.encode("utf-8", "surrogatepass"))
    response = client_for(owner).post(
        reverse("consent:purpose_import", args=[newsletter.key]), {"file": upload}
    )
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert ConsentEvent.objects.count() == before


@given(
    email=st.one_of(TEXT, st.emails().map(str)),
    page=TEXT,
    age=st.sampled_from(["", "16_or_over", "under_16", "x\x00"]),
    agree=st.sampled_from(["", "1", "\x00"]),
    lang=TEXT,
    token=st.booleans(),
)
def test_the_sign_up_form_never_fails_and_a_refusal_sends_nothing(
    organisation, newsletter, email, page, age, agree, lang, token
):
    mail.outbox.clear()
    before = ConsentEvent.objects.count()
    client = Client(REMOTE_ADDR=f"198.51.100.{len(email) % 250}")
    data = {"email": email, "page": page, "age": age, "agree": agree, "lang": lang}
    if token:
        data["form_token"] = form_token(newsletter)
    url = reverse("center:subscribe", args=[organisation.slug, newsletter.key])
    response = client.post(url, data)
    assert response.status_code in (200, 400, 429)
    accepted = "center/consent/check_mail.html" in [t.name for t in response.templates]
    if response.status_code != 200 or not accepted:  # in any language, not by its words
        assert ConsentEvent.objects.count() == before


@given(
    fields=st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["access", "erasure", "objection", "nonsense", ""]),
            "name": TEXT,
            "email": st.one_of(TEXT, st.emails().map(str)),
            "phone": TEXT,
            "customer_number": TEXT,
            "description": TEXT,
            "language": st.sampled_from(["nl", "en", "xx", ""]),
        }
    )
)
def test_the_public_request_and_preferences_forms_never_fail(organisation, fields):
    client = Client(REMOTE_ADDR="198.51.100.77")
    before = SubjectRequest.objects.count()
    response = client.post(reverse("center:request", args=[organisation.slug]), fields)
    assert response.status_code in (200, 400, 429)
    if response.status_code != 200:
        assert SubjectRequest.objects.count() == before
    response = client.post(
        reverse("center:preferences", args=[organisation.slug]), {"email": fields["email"]}
    )
    assert response.status_code in (200, 400, 429)
