"""Newsletters as firms run them: name and postal address with the sign-up (kept with the
consent, in its proof), Mailchimp and Laposta webhooks as withdrawals (secret checked, each
reported once), and the may-contact list in the CSV those services import."""

import csv
import io
import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from waarborg.center.consent_views import form_token
from waarborg.consent import actions, mailing, proof
from waarborg.consent.actions import ConsentError, Evidence
from waarborg.consent.models import Action, ConsentEvent, ConsentState, Mechanism, Source


@pytest.fixture
def magazine(organisation, owner):
    return actions.save_purpose(
        organisation,
        actor=owner,
        key="magazine",
        name={"nl": "Magazine"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        direct_marketing=True,
        asks_name="required",
        asks_address="required",
        wording={"nl": "Ja, stuur mij het magazine."},
    )


ADDRESS = {
    "first_name": "Jan",
    "last_name": "de Vries",
    "street": "Dorpsstraat 1",
    "postcode": "1234 AB",
    "city": "Utrecht",
}


def signed_up(purpose, email, contact=ADDRESS, confirm=True):
    actions.subscribe(purpose, email, language="nl", evidence=Evidence(), contact=contact)
    if confirm:
        actions.confirm(purpose, email, evidence=Evidence())


def test_the_sign_up_form_asks_for_name_and_address_and_keeps_them_with_the_consent(
    client, organisation, magazine, django_capture_on_commit_callbacks
):
    url = reverse("center:subscribe", args=[organisation.slug, magazine.key])
    page = client.get(url).content.decode()
    assert 'name="street"' in page and 'name="last_name"' in page
    missing = client.post(
        url, {"email": "jan@example.nl", "agree": "1", "form_token": form_token(magazine)}
    )
    assert missing.status_code == 400 and "Achternaam" in missing.content.decode()
    assert not ConsentEvent.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url,
            {
                "email": "jan@example.nl",
                "agree": "1",
                "form_token": form_token(magazine),
                **ADDRESS,
                "extra": "not kept",
            },
        )
    assert done.status_code == 200
    event = ConsentEvent.objects.get()
    assert event.details["contact"] == {**ADDRESS, "country": "NL"}
    rows = list(proof.history_rows(organisation, "jan@example.nl"))
    assert rows[0]["name"] == "Jan de Vries"
    assert rows[0]["address"] == "Dorpsstraat 1, 1234 AB Utrecht, NL"


def test_the_proof_page_shows_what_was_given(client_for, owner, organisation, magazine):
    signed_up(magazine, "jan@example.nl")
    page = client_for(owner).get(reverse("consent:person"), {"key": "jan@example.nl"})
    assert "Jan de Vries, Dorpsstraat 1, 1234 AB Utrecht, NL" in page.content.decode()


def test_contact_details_are_only_kept_where_asked(organisation, owner, newsletter):
    signed_up(newsletter, "piet@example.nl", contact=ADDRESS, confirm=False)
    assert "contact" not in ConsentEvent.objects.get().details


@pytest.mark.parametrize(
    "change", [{"last_name": "=HYPERLINK(1)"}, {"country": "Nederland"}, {"street": "x" * 201}]
)
def test_refused_contact_details_change_nothing(magazine, change):
    with pytest.raises(ConsentError):
        signed_up(magazine, "jan@example.nl", contact={**ADDRESS, **change}, confirm=False)
    assert not ConsentEvent.objects.exists()


def test_the_api_sign_up_takes_the_contact_details(client, organisation, owner, magazine):
    from waarborg.api.actions import create_key

    key = create_key(organisation, actor=owner, name="shop", role="handler")[1]
    answer = client.post(
        "/api/v1/consent/subscribe",
        {"purpose": "magazine", "email": "jan@example.nl", **ADDRESS},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 202, answer.content
    assert ConsentEvent.objects.get().details["contact"]["city"] == "Utrecht"


# Webhooks ---------------------------------------------------------------------------------


@pytest.fixture
def hooks(magazine, owner):
    return {
        service: mailing.create_hook(magazine, actor=owner, service=service)[1]
        for service in ("mailchimp", "laposta")
    }


def mailchimp(kind, email, **data):
    return {
        "type": kind,
        "fired_at": "2026-12-01 21:30:00",
        "data[email]": email,
        "data[list_id]": "a6b5da1054",
        **{f"data[{name}]": value for name, value in data.items()},
    }


def laposta(email, action="unsubscribed", event="deactivated"):
    return json.dumps(
        {
            "data": [
                {
                    "type": "member",
                    "event": event,
                    "data": {"member_id": "9978ydioiZ", "list_id": "BaImMu3JZA", "email": email},
                    "info": {"source": "external", "action": action, "date_event": "2026-12-01"},
                    "date_fired": "2026-12-01 21:30:00",
                }
            ],
            "date_requested": "2026-12-01 21:30:00",
        }
    )


def state(purpose, email):
    found = ConsentState.objects.filter(purpose=purpose, person_key=email).first()
    return found.status if found else None


def test_a_mailchimp_unsubscribe_and_complaint_are_withdrawals(client, magazine, hooks):
    signed_up(magazine, "jan@example.nl")
    signed_up(magazine, "piet@example.nl")
    url = reverse("consent:hook", args=[hooks["mailchimp"]])
    assert client.get(url).status_code == 200  # Mailchimp checks the address first
    answer = client.post(
        url, mailchimp("unsubscribe", "Jan@Example.nl", action="unsub", reason="manual")
    )
    assert answer.status_code == 200 and answer.json() == {"withdrawals": 1}
    assert state(magazine, "jan@example.nl") == ConsentState.Status.WITHDRAWN
    event = ConsentEvent.objects.filter(action=Action.WITHDRAWN).get()
    assert event.source == Source.MAILING_SERVICE and event.details["reported"] == "unsubscribe"
    # the same post again (services retry) records nothing more
    again = client.post(
        url, mailchimp("unsubscribe", "jan@example.nl", action="unsub", reason="manual")
    )
    assert again.json() == {"withdrawals": 0}
    complaint = client.post(url, mailchimp("cleaned", "piet@example.nl", reason="abuse"))
    assert complaint.json() == {"withdrawals": 1}
    assert state(magazine, "piet@example.nl") == ConsentState.Status.WITHDRAWN
    assert (
        ConsentEvent.objects.get(person_key="piet@example.nl", action="withdrawn").details[
            "reported"
        ]
        == "complaint"
    )


def test_bounces_and_staff_deletions_are_no_withdrawal(client, magazine, hooks):
    signed_up(magazine, "jan@example.nl")
    chimp = reverse("consent:hook", args=[hooks["mailchimp"]])
    lapo = reverse("consent:hook", args=[hooks["laposta"]])
    for body in [
        mailchimp("cleaned", "jan@example.nl", reason="hard"),
        mailchimp("unsubscribe", "jan@example.nl", action="delete", reason="manual"),
        mailchimp("subscribe", "jan@example.nl"),
    ]:
        assert client.post(chimp, body).json() == {"withdrawals": 0}
    for body in [laposta("jan@example.nl", "hardbounce"), laposta("jan@example.nl", "deleted")]:
        assert client.post(lapo, body, content_type="application/json").json() == {"withdrawals": 0}
    assert state(magazine, "jan@example.nl") == ConsentState.Status.GRANTED


def test_a_laposta_unsubscribe_is_a_withdrawal(client, magazine, hooks):
    signed_up(magazine, "jan@example.nl")
    url = reverse("consent:hook", args=[hooks["laposta"]])
    answer = client.post(url, laposta("jan@example.nl"), content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"withdrawals": 1}
    assert state(magazine, "jan@example.nl") == ConsentState.Status.WITHDRAWN


def test_a_wrong_or_revoked_secret_is_not_found_and_changes_nothing(
    client, magazine, hooks, owner, other_organisation, other_owner
):
    signed_up(magazine, "jan@example.nl")
    body = mailchimp("unsubscribe", "jan@example.nl", action="unsub", reason="manual")
    assert client.post(reverse("consent:hook", args=["forged-secret"]), body).status_code == 404
    hook = mailing.find_hook(hooks["mailchimp"])
    mailing.revoke_hook(hook, actor=owner)
    assert client.post(reverse("consent:hook", args=[hooks["mailchimp"]]), body).status_code == 404
    # another organisation's hook reaches only its own purpose
    theirs = actions.save_purpose(
        other_organisation,
        actor=other_owner,
        key="magazine",
        name={"nl": "Magazine"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        wording={"nl": "Ja."},
    )
    other = mailing.create_hook(theirs, actor=other_owner, service="mailchimp")[1]
    assert client.post(reverse("consent:hook", args=[other]), body).json() == {"withdrawals": 1}
    assert state(magazine, "jan@example.nl") == ConsentState.Status.GRANTED


def test_a_body_that_is_not_the_payload_is_400(client, magazine, hooks):
    lapo = reverse("consent:hook", args=[hooks["laposta"]])
    for body in ["not json", "[]", '{"data": {}}', '{"data": [1]}']:
        assert client.post(lapo, body, content_type="application/json").status_code == 400
    assert client.post(reverse("consent:hook", args=[hooks["mailchimp"]]), {}).status_code == 400
    assert not ConsentEvent.objects.filter(action="withdrawn").exists()


def test_a_hook_for_one_list_ignores_the_others(client, magazine, owner):
    token = mailing.create_hook(magazine, actor=owner, service="laposta", list_id="other")[1]
    signed_up(magazine, "jan@example.nl")
    url = reverse("consent:hook", args=[token])
    assert client.post(url, laposta("jan@example.nl"), content_type="application/json").json() == {
        "withdrawals": 0
    }


@given(
    action=st.sampled_from(["unsub", "delete", ""]),
    reason=st.sampled_from(["manual", "abuse", "hard", ""]),
    kind=st.sampled_from(["unsubscribe", "cleaned", "profile"]),
)
def test_mailchimp_withdrawals_follow_the_rule(action, reason, kind):
    """Stated once: the person withdrew when they unsubscribed themselves (with or without a
    complaint) or complained; nothing else there is a withdrawal."""
    form = {"type": kind, "data[email]": "a@example.nl", "data[reason]": reason}
    if action:
        form["data[action]"] = action
    expected = (kind == "unsubscribe" and action in ("unsub", "")) or (
        kind == "cleaned" and reason == "abuse"
    )
    assert bool(mailing.mailchimp_withdrawals(form)) is expected


# The may-contact list ---------------------------------------------------------------------


def test_the_may_contact_list_in_the_services_import_format(
    client_for, handler, organisation, magazine, hooks, client
):
    signed_up(magazine, "jan@example.nl")
    signed_up(magazine, "kim@example.nl", contact={**ADDRESS, "first_name": "Kim"})
    signed_up(magazine, "wacht@example.nl", confirm=False)  # not confirmed: not on the list
    signed_up(magazine, "weg@example.nl")
    actions.unsubscribe(magazine, "weg@example.nl", evidence=Evidence())
    staff = client_for(handler)
    chimp = staff.get(reverse("consent:may_contact_export", args=["magazine", "mailchimp"]))
    assert chimp.status_code == 200 and chimp["Content-Type"].startswith("text/csv")
    text = chimp.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Email Address", "First Name", "Last Name", "Address"]
    assert rows[1:] == [
        ["jan@example.nl", "Jan", "de Vries", "Dorpsstraat 1  Utrecht  1234 AB  NL"],
        ["kim@example.nl", "Kim", "de Vries", "Dorpsstraat 1  Utrecht  1234 AB  NL"],
    ]
    lapo = staff.get(reverse("consent:may_contact_export", args=["magazine", "laposta"]))
    rows = list(csv.reader(io.StringIO(lapo.content.decode())))
    assert rows[0][0] == "E-mailadres" and [r[0] for r in rows[1:]] == [
        "jan@example.nl",
        "kim@example.nl",
    ]
    # the list follows the ledger: an unsubscribe through the hook takes a person off it
    client.post(
        reverse("consent:hook", args=[hooks["laposta"]]),
        laposta("kim@example.nl"),
        content_type="application/json",
    )
    again = staff.get(reverse("consent:may_contact_export", args=["magazine", "laposta"]))
    assert [r[0] for r in list(csv.reader(io.StringIO(again.content.decode())))[1:]] == [
        "jan@example.nl"
    ]


def test_the_export_is_scoped_and_takes_a_role(
    client_for, viewer, other_owner, other_organisation, magazine
):
    url = reverse("consent:may_contact_export", args=["magazine", "mailchimp"])
    assert client_for(viewer).get(url).status_code == 403
    assert client_for(other_owner).get(url).status_code == 404


def test_staff_make_and_revoke_a_hook(client_for, owner, privacy_officer, magazine):
    staff = client_for(privacy_officer)
    made = staff.post(reverse("consent:hook_add", args=["magazine"]), {"service": "laposta"})
    assert made.status_code == 200
    url = made.context["hook_url"]
    assert "/consent/hooks/" in url and mailing.find_hook(url.rsplit("/", 1)[1])
    hook = magazine.hooks.get()
    staff.post(reverse("consent:hook_revoke", args=["magazine", hook.pk]))
    hook.refresh_from_db()
    assert hook.revoked_at is not None
    from waarborg.audit.models import AuditEntry

    assert {"consent.hook_add", "consent.hook_revoke"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
