"""The public consent pages: sign-up with double opt-in through a real SMTP server, the
same answer for known and unknown addresses, age check, unsubscribe (also one-click),
preferences."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from waarborg.center.consent_views import form_token
from waarborg.consent import actions, links
from waarborg.consent.models import ConsentEvent, ConsentState, Mechanism


@pytest.fixture
def newsletter(organisation, owner):
    return actions.save_purpose(
        organisation,
        actor=owner,
        key="nieuwsbrief",
        name={"nl": "Nieuwsbrief", "en": "Newsletter"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        direct_marketing=True,
        consumers=True,
        wording={"nl": "Ja, stuur mij de nieuwsbrief.", "en": "Yes, send me the newsletter."},
    )


@pytest.fixture
def offers(organisation, owner):
    return actions.save_purpose(
        organisation,
        actor=owner,
        key="aanbiedingen",
        name={"nl": "Aanbiedingen"},
        channel="email",
        mechanism=Mechanism.OPT_OUT,
        direct_marketing=True,
        wording={"nl": "Klanten krijgen soms aanbiedingen per e-mail."},
    )


def token(purpose):
    return {"form_token": form_token(purpose)}


def subscribe_url(organisation, purpose):
    return reverse("center:subscribe", args=[organisation.slug, purpose.key])


def link_in(text):
    return re.search(r"http://\S+", text).group(0)


def test_double_opt_in_round_trip_through_smtp(
    client, organisation, newsletter, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            subscribe_url(organisation, newsletter),
            {
                "form_token": form_token(newsletter),
                "email": "Jan@Example.nl",
                "agree": "1",
                "age": "16_or_over",
                "lang": "en",
                "page": "https://vandijk.example/nieuwsbrief",
            },
            REMOTE_ADDR="203.0.113.50",
            HTTP_USER_AGENT="Firefox/140",
        )
    assert response.status_code == 200 and b"Check your e-mail" in response.content
    assert ConsentState.objects.get().status == "pending"
    message = smtp_server.messages[0]
    assert message["To"] == "jan@example.nl"
    body = message.get_content()
    assert "Yes, send me the newsletter." in body
    link = link_in(body).replace("http://127.0.0.1:8000", "")
    page = client.get(link)
    assert b"Yes, send me the newsletter." in page.content
    assert ConsentState.objects.get().status == "pending"  # a GET (a mail scanner) changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, REMOTE_ADDR="203.0.113.51")
    assert ConsentState.objects.get().status == "granted"
    # the welcome message carries one-click unsubscribe (RFC 8058)
    welcome = smtp_server.messages[1]
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = "".join(str(welcome["List-Unsubscribe"]).split())
    unsubscribe = header.strip("<>").replace("http://127.0.0.1:8000", "")
    assert unsubscribe in welcome.get_content().replace("http://127.0.0.1:8000", "")
    assert (
        client.post(
            unsubscribe,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        ).status_code
        == 200
    )
    answer = actions.check_contacts(newsletter, ["jan@example.nl"])[0]
    assert (answer.may_contact, answer.reason) == (False, "withdrawn")
    events = list(ConsentEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["granted", "confirmed", "withdrawn"]
    assert events[0].ip == "203.0.113.0/24" and events[0].page.endswith("/nieuwsbrief")
    assert events[0].details["age"] == "16_or_over"


def test_known_and_unknown_addresses_get_the_same_page_and_mail(
    client, organisation, newsletter, django_capture_on_commit_callbacks
):
    actions.record_event(newsletter, "bekend@example.nl", "granted", source="form")
    pages = []
    for address in ("bekend@example.nl", "onbekend@example.nl"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                subscribe_url(organisation, newsletter),
                {"email": address, "agree": "1", "age": "16_or_over", **token(newsletter)},
            )
        pages.append(response.content.replace(address.encode(), b""))
    assert pages[0] == pages[1]
    assert [m.subject for m in mail.outbox][0] == [m.subject for m in mail.outbox][1]
    # the known subscriber's consent was not put back to pending
    assert ConsentState.objects.get(person_key="bekend@example.nl").status == "granted"


def test_under_16_needs_a_parent(client, organisation, newsletter):
    response = client.post(
        subscribe_url(organisation, newsletter),
        {"email": "kind@example.nl", "agree": "1", "age": "under_16", **token(newsletter)},
    )
    assert response.status_code == 400 and "ouder" in response.content.decode()
    assert not ConsentEvent.objects.exists()
    client.post(
        subscribe_url(organisation, newsletter),
        {
            "email": "kind@example.nl",
            "agree": "1",
            "age": "under_16",
            "parental_consent": "1",
            **token(newsletter),
        },
    )
    assert ConsentEvent.objects.get().details["parental_consent"] is True


def test_the_form_can_be_embedded(client, organisation, newsletter):
    response = client.get(subscribe_url(organisation, newsletter) + "?embed=1")
    assert "X-Frame-Options" not in response.headers
    assert b"center-top" not in response.content  # no page header in the frame
    assert (
        client.get(reverse("center:preferences", args=[organisation.slug])).headers[
            "X-Frame-Options"
        ]
        == "DENY"
    )


def test_unsubscribe_link_and_one_click(client, organisation, newsletter, offers, settings):
    actions.record_event(newsletter, "jan@example.nl", "granted", source="form")
    headers = links.unsubscribe_headers(newsletter, "jan@example.nl")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>").replace(settings.BASE_URL, "")
    assert client.get(url).status_code == 200
    assert ConsentState.objects.get(purpose=newsletter).status == "granted"
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert ConsentState.objects.get(purpose=newsletter).status == "withdrawn"
    assert ConsentEvent.objects.latest("id").details == {"one_click": True}
    # the page's form: unsubscribe and object to all direct marketing
    url = links.unsubscribe_url(offers, "jan@example.nl").replace(settings.BASE_URL, "")
    client.post(url, {"object": "1"})
    assert actions.check_contacts(offers, ["jan@example.nl"])[0].reason == "objected"
    assert client.post("/c/firma-een-bv/unsubscribe/forged/").status_code == 400


def test_preferences_through_a_mailed_link(
    client, organisation, newsletter, offers, django_capture_on_commit_callbacks, settings
):
    actions.record_event(newsletter, "jan@example.nl", "granted", source="form")
    ask = reverse("center:preferences", args=[organisation.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ask, {"email": "jan@example.nl"})
    link = link_in(mail.outbox[0].body).replace(settings.BASE_URL, "")
    page = client.get(link).content.decode()
    assert "Nieuwsbrief" in page and "U gaf toestemming" in page
    client.post(link, {"withdraw": "nieuwsbrief"})
    assert ConsentState.objects.get(purpose=newsletter).status == "withdrawn"
    client.post(link, {"object_all": "1"})
    assert actions.check_contacts(offers, ["jan@example.nl"])[0].reason == "objected"
    expired = client.get(link[:-3] + "abc/")
    assert expired.status_code == 400
