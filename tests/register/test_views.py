"""The register's staff pages: roles, tenancy, forms through actions, audit entries."""

import pytest
from django.urls import reverse

from waarborg.audit.models import AuditEntry
from waarborg.register.models import ActivityVersion, Party, ProcessingActivity, Status
from waarborg.register.schema import KINDS

NEWSLETTER = {
    "name_0": "Nieuwsbrief Plus",
    "name_1": "Newsletter Plus",
    "status": "active",
    "role": "controller",
    "purpose_0": "Onze nieuwsbrief sturen.",
    "purpose_1": "Sending our newsletter.",
    "legal_basis": "consent",
    "data_subjects": ["newsletter_subscriber"],
    "data_categories": ["user.contact.email", "user.name"],
    "source": "direct",
    "dpia": "not_needed",
    "requirement": "none",
}
MAILER = {
    "key": "mailer",
    "name_0": "Mailer Inc.",
    "status": "active",
    "kind": "processor",
    "country": "US",
    "locations": ["US", "IE"],
}


def walk(client, data, url=None):
    """Create an activity as a person does: the same answers posted to each section in turn.

    Returns the last response: the detail page's redirect, or a section re-rendered with errors.
    """
    url = url or reverse("register:create", args=["activities"])
    for _step in range(10):
        response = client.post(url, {**data, "then": "next"})
        if response.status_code != 302 or "section=" not in response.url:
            return response
        url = response.url
    raise AssertionError("the sections did not end")


def _last_action(organisation):
    return AuditEntry.objects.filter(organisation=organisation).order_by("-seq")[0].action


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_every_list_page_for_a_viewer(client_for, viewer, started, kind_name):
    response = client_for(viewer).get(reverse("register:list", args=[kind_name]))
    assert response.status_code == 200


def test_unknown_kind_is_404(client_for, owner, organisation):
    assert client_for(owner).get("/register/bananas/").status_code == 404


@pytest.mark.parametrize("persona", ["handler", "viewer"])
def test_only_privacy_officers_and_owners_change_the_register(
    request, client_for, started, persona
):
    client = client_for(request.getfixturevalue(persona))
    before = AuditEntry.objects.count()
    assert client.get(reverse("register:create", args=["activities"])).status_code == 403
    assert (
        client.post(reverse("register:create", args=["activities"]), NEWSLETTER).status_code == 403
    )
    assert (
        client.post(reverse("register:retire", args=["activities", "newsletter"])).status_code
        == 403
    )
    assert client.post(reverse("register:starter")).status_code == 403
    assert client.get(reverse("register:import")).status_code == 403
    assert AuditEntry.objects.count() == before


def test_privacy_officer_records_a_newsletter_in_the_ui(client_for, privacy_officer, started):
    client = client_for(privacy_officer)
    response = client.post(reverse("register:create", args=["parties"]), MAILER)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _last_action(started) == "register.party.created"
    data = {**NEWSLETTER, "recipients": ["mailer"], "retention_rules": ["newsletter-unsubscribe"]}
    response = walk(client, data)
    assert response.status_code == 302
    activity = ProcessingActivity.objects.get(key="nieuwsbrief-plus")
    assert response.url == reverse("register:detail", args=["activities", "nieuwsbrief-plus"])
    assert activity.name == {"nl": "Nieuwsbrief Plus", "en": "Newsletter Plus"}
    assert list(activity.recipients.values_list("key", flat=True)) == ["mailer"]
    entry = AuditEntry.objects.filter(
        organisation=started, action="register.activity.created", new__key="nieuwsbrief-plus"
    ).get()
    assert entry.actor == privacy_officer
    assert entry.new["legal_basis"] == "consent"
    page = client.get(response.url).content.decode()
    assert "Mailer Inc." in page and "Verenigde Staten" in page


def test_invalid_form_rerenders_with_messages_and_changes_nothing(client_for, owner, started):
    before = AuditEntry.objects.count()
    data = {**NEWSLETTER, "name_0": "", "legal_basis": "consnet"}
    response = walk(client_for(owner), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vul ten minste de Nederlandse tekst in." in body and "Stap 1 van 6" in body
    response = walk(client_for(owner), {**data, "name_0": "Nieuwsbrief Plus"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "consnet is geen beschikbare keuze" in body and "Stap 2 van 6" in body
    assert AuditEntry.objects.count() == before


def test_processor_role_needs_a_client(client_for, owner, started):
    data = {**NEWSLETTER, "role": "processor", "legal_basis": ""}
    response = walk(client_for(owner), data)
    assert response.status_code == 200
    assert "Kies de opdrachtgever" in response.content.decode()


def test_duplicate_key_is_refused(client_for, owner, started):
    data = {**NEWSLETTER, "key": "newsletter"}
    response = walk(client_for(owner), data)
    assert response.status_code == 200
    assert "gebruikt deze sleutel al" in response.content.decode()


def test_edit_keeps_the_previous_version(client_for, owner, started):
    client = client_for(owner)
    url = reverse("register:edit", args=["activities", "newsletter"])
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="newsletter"' in form.content.decode()
    activity = ProcessingActivity.objects.get(key="newsletter")
    data = {
        **NEWSLETTER,
        "key": "newsletter",
        "name_0": "Nieuwsbrief van de week",
        "name_1": "Newsletter",
    }
    assert client.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert activity.version == 2 and activity.name["nl"] == "Nieuwsbrief van de week"
    assert (
        ActivityVersion.objects.get(activity=activity)
        .snapshot["purpose"]["nl"]
        .startswith("U onze")
    )
    assert _last_action(started) == "register.activity.updated"
    detail = client.get(
        reverse("register:detail", args=["activities", "newsletter"])
    ).content.decode()
    assert "Eerdere versies" in detail


def test_saving_unchanged_writes_no_audit_entry(client_for, owner, started):
    from waarborg.register.schema import current_data

    client = client_for(owner)
    retention = ProcessingActivity.objects.get(key="newsletter")
    before = AuditEntry.objects.count()
    data = current_data("security_measures", retention.security_measures.get())
    url = reverse("register:edit", args=["security_measures", data["key"]])
    post = {
        "key": data["key"],
        "name_0": data["name"]["nl"],
        "name_1": data["name"]["en"],
        "status": "active",
        "kind": data["kind"],
        "review_interval": data["review_interval"],
    }
    assert client.post(url, post).status_code == 302
    assert AuditEntry.objects.count() == before


def test_retire_and_filter(client_for, owner, started):
    client = client_for(owner)
    response = client.post(reverse("register:retire", args=["activities", "telephony"]))
    assert response.status_code == 302
    assert ProcessingActivity.objects.get(key="telephony").status == Status.RETIRED
    assert _last_action(started) == "register.activity.retired"
    listing = client.get(reverse("register:list", args=["activities"])).content.decode()
    assert "/register/activities/telephony/" not in listing
    retired = client.get(reverse("register:list", args=["activities"]), {"status": "retired"})
    assert "/register/activities/telephony/" in retired.content.decode()
    assert (
        client.get(reverse("register:retire", args=["activities", "newsletter"])).status_code == 405
    )


def test_search_and_filters(client_for, viewer, started):
    client = client_for(viewer)
    page = client.get(
        reverse("register:list", args=["activities"]), {"q": "Nieuwsbr"}
    ).content.decode()
    assert (
        "/register/activities/newsletter/" in page and "/register/activities/telephony/" not in page
    )
    page = client.get(
        reverse("register:list", args=["activities"]), {"legal_basis": "consent"}
    ).content.decode()
    assert (
        "/register/activities/newsletter/" in page and "/register/activities/contact/" not in page
    )
    page = client.get(
        reverse("register:list", args=["activities"]), {"data_subjects__code": "job_applicant"}
    ).content.decode()
    assert (
        "/register/activities/recruitment/" in page
        and "/register/activities/newsletter/" not in page
    )


def test_party_page_shows_what_uses_it(client_for, owner, started):
    client = client_for(owner)
    client.post(reverse("register:create", args=["parties"]), MAILER)
    from waarborg.register.actions import save_item
    from waarborg.register.schema import current_data

    activity = ProcessingActivity.objects.get(key="newsletter")
    save_item(
        "activities",
        started,
        {**current_data("activities", activity), "recipients": ["mailer"]},
        actor=owner,
        instance=activity,
    )
    page = client.get(reverse("register:detail", args=["parties", "mailer"])).content.decode()
    assert "/register/activities/newsletter/" in page
    assert "Verenigde Staten: geen grondslag vastgelegd" in page


def test_another_organisations_items_are_404(client_for, other_owner, other_organisation, started):
    client = client_for(other_owner)
    assert (
        client.get(reverse("register:detail", args=["activities", "newsletter"])).status_code == 404
    )
    assert (
        client.get(reverse("register:edit", args=["activities", "newsletter"])).status_code == 404
    )
    assert (
        client.post(reverse("register:retire", args=["activities", "newsletter"])).status_code
        == 404
    )
    assert ProcessingActivity.objects.get(key="newsletter").status == Status.ACTIVE
    export = client.get(reverse("register:export_yaml")).content.decode()
    assert "newsletter" not in export


def test_yaml_upload_previews_then_imports(client_for, owner, started):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from waarborg.register.yamlio import export_register

    client = client_for(owner)
    text = export_register(started).replace("duration: P5M", "duration: P6M")
    preview = client.post(
        reverse("register:import"), {"file": SimpleUploadedFile("r.yaml", text.encode())}
    )
    assert preview.status_code == 200
    assert "wijzigen retention_rules/telephony-5m: duration" in preview.content.decode()
    assert "P5M" in export_register(started)
    done = client.post(reverse("register:import"), {"text": text, "confirm": "1"})
    assert done.status_code == 302
    assert "P6M" in export_register(started)


def test_yaml_upload_with_a_typo_changes_nothing(client_for, owner, started):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from waarborg.register.yamlio import export_register

    text = export_register(started)
    broken = text.replace("legal_basis: consent", "legal_basis: consnet")
    response = client_for(owner).post(reverse("register:import"), {"text": broken, "confirm": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "regel " in body and "consnet" in body
    assert export_register(started) == text
    upload = client_for(owner).post(
        reverse("register:import"), {"file": SimpleUploadedFile("r.yaml", b"\xff\xfe not yaml: [")}
    )
    assert upload.status_code == 200


def test_starter_button_and_own_terms(client_for, owner, organisation):
    client = client_for(owner)
    assert "Startset toevoegen" in client.get(reverse("register:overview")).content.decode()
    assert client.post(reverse("register:starter")).status_code == 302
    assert ProcessingActivity.objects.filter(organisation=organisation).count() >= 8
    response = client.post(
        reverse("register:term_add"),
        {"kind": "data_category", "code": "own.meter_readings", "label_nl": "Meterstanden"},
    )
    assert response.status_code == 302
    assert _last_action(organisation) == "register.term.created"
    again = client.post(
        reverse("register:term_add"),
        {"kind": "data_category", "code": "user.name", "label_nl": "Naam"},
    )
    assert again.status_code == 200 and "bestaat al" in again.content.decode()
    form = client.get(
        reverse("register:edit", args=["activities", "newsletter"]), {"section": "whose"}
    ).content.decode()
    assert "Meterstanden" in form


def test_party_cannot_be_its_own_sub_processor(client_for, owner, started):
    client = client_for(owner)
    client.post(reverse("register:create", args=["parties"]), MAILER)
    page = client.get(reverse("register:edit", args=["parties", "mailer"])).content.decode()
    assert 'value="mailer"' in page  # the key field
    assert 'name="sub_processors" value="mailer"' not in page
    assert Party.objects.count() == 1


def test_an_activity_is_marked_direct_marketing_in_the_form(client_for, privacy_officer, started):
    client = client_for(privacy_officer)
    page = client.get(reverse("register:create", args=["activities"])).content.decode()
    assert 'name="direct_marketing"' not in page  # in the section "why"
    page = client.get(
        reverse("register:edit", args=["activities", "newsletter"]), {"section": "why"}
    ).content.decode()
    assert 'name="direct_marketing"' in page and "21" in page
    data = {**NEWSLETTER, "key": "acties", "direct_marketing": "on"}
    response = walk(client, data)
    assert response.status_code == 302
    assert ProcessingActivity.objects.get(organisation=started, key="acties").direct_marketing
    entry = AuditEntry.objects.filter(
        organisation=started, action="register.activity.created", new__key="acties"
    ).get()
    assert entry.new["direct_marketing"] is True
    plain = {**NEWSLETTER, "key": "gewoon"}
    assert walk(client, plain).status_code == 302
    assert not ProcessingActivity.objects.get(organisation=started, key="gewoon").direct_marketing


def test_the_list_of_retention_rules_writes_periods_in_words(client_for, viewer, started):
    page = client_for(viewer).get(reverse("register:list", args=["retention_rules"]))
    body = page.content.decode()
    assert "7 jaar" in body and "P7Y" not in body


def test_dates_and_periods_on_a_detail_page_read_as_people_write_them(
    organisation, owner, viewer, client_for
):
    from waarborg import demo

    demo.build_register(organisation, owner)
    client = client_for(viewer)
    party = client.get("/register/parties/microsoft/").content.decode()
    assert "1 november 2023" in party and "2023-11-01" not in party
    rule = client.get("/register/retention_rules/fiscal-7y/").content.decode()
    assert "7 jaar" in rule and "P7Y" not in rule


def test_a_retention_rule_is_typed_and_shown_in_words(client_for, owner, started):
    from waarborg.register.models import RetentionRule

    client = client_for(owner)
    url = reverse("register:edit", args=["retention_rules", "customers-2y"])
    form = client.get(url).content.decode()
    assert 'value="2 jaar"' in form and "P2Y" not in form and "ISO" not in form
    rule = RetentionRule.objects.get(organisation=started, key="customers-2y")
    data = {
        "key": rule.key,
        "name_0": "Klantgegevens",
        "name_1": "Customer data",
        "status": "active",
        "duration": "1 jaar en 6 maanden",
        "trigger": "end_of_relationship",
        "bound": "maximum",
        "end_action": "delete",
        "stages": "direct; vanaf het einde van de relatie; afschermen",
    }
    assert client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert rule.duration == "P1Y6M"
    assert rule.stages == [
        {"duration": "P0D", "trigger": "end_of_relationship", "action": "restrict"}
    ]
    page = client.get(url).content.decode()
    assert "1 jaar en 6 maanden" in page and "direct; vanaf het einde van de relatie" in page
    detail = client.get(reverse("register:detail", args=["retention_rules", rule.key]))
    assert "afschermen" in detail.content.decode() and "P0D" not in detail.content.decode()
    for wrong in ({"duration": "ooit"}, {"stages": "P0D end_of_relationship restrict x"}):
        response = client.post(url, {**data, **wrong})
        assert response.status_code == 200 and "P1Y6M" not in response.content.decode()
        assert (
            'class="error' in response.content.decode() or "errorlist" in response.content.decode()
        )
    rule.refresh_from_db()
    assert rule.duration == "P1Y6M"


def test_a_security_review_interval_is_typed_in_words(client_for, owner, started):
    from waarborg.register.models import SecurityMeasure

    measure = SecurityMeasure.objects.filter(organisation=started).first()
    url = reverse("register:edit", args=["security_measures", measure.key])
    client = client_for(owner)
    assert "ISO" not in client.get(url).content.decode()


def test_people_read_who_changed_something_without_a_database_id(client_for, owner, started):
    client = client_for(owner)
    url = reverse("register:edit", args=["activities", "newsletter"])
    data = {**NEWSLETTER, "key": "newsletter", "name_0": "Nieuwsbrief van de week"}
    assert client.post(url, data).status_code == 302
    entry = AuditEntry.objects.filter(organisation=started).order_by("-seq")[0]
    assert entry.actor_label == f"{owner.email} (#{owner.pk})"  # the evidence keeps the id
    pages = [
        reverse("register:detail", args=["activities", "newsletter"]),
        reverse("register:version", args=["newsletter", 1]),
        reverse("audit:list"),
        reverse("audit:detail", args=[entry.seq]),
    ]
    for page in pages:
        body = client.get(page).content.decode()
        assert owner.email in body, page
        assert f"(#{owner.pk})" not in body, page


@pytest.mark.parametrize("kind_name", ["activities", "parties", "systems", "retention_rules"])
def test_a_form_asks_the_name_before_the_key(client_for, owner, started, kind_name):
    page = client_for(owner).get(reverse("register:create", args=[kind_name])).content.decode()
    assert 0 < page.index('name="name_0"') < page.index('name="key"')


def test_the_key_is_made_from_the_name_unless_given(client_for, owner, started):
    client = client_for(owner)
    assert walk(client, {**NEWSLETTER, "name_0": "Klantenpanel Zuid"}).status_code == 302
    assert ProcessingActivity.objects.filter(organisation=started, key="klantenpanel-zuid").exists()
    own = {**NEWSLETTER, "name_0": "Klantenpanel Noord", "key": "panel-noord"}
    assert walk(client, own).status_code == 302
    assert ProcessingActivity.objects.filter(organisation=started, key="panel-noord").exists()
