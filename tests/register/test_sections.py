"""The activity form in short sections: every field has one, editing and creating step by step."""

import pytest
from django.urls import reverse

from tests.register.test_views import NEWSLETTER
from waarborg.audit.models import AuditEntry
from waarborg.register.forms import ACTIVITY_SECTIONS, DERIVED, ItemForm
from waarborg.register.models import ProcessingActivity
from waarborg.register.schema import KINDS

CREATE = reverse("register:create", args=["activities"])


def _edit(key="newsletter"):
    return reverse("register:edit", args=["activities", key])


def test_every_activity_field_is_in_exactly_one_section():
    placed = [name for _name, _label, fields in ACTIVITY_SECTIONS for name in fields]
    assert sorted(placed) == sorted(spec.name for spec in KINDS["activities"].fields)
    assert len(placed) == len(set(placed))


def test_the_sections_together_make_the_whole_form(organisation):
    whole = set(ItemForm("activities", organisation).fields)
    parts = [
        set(ItemForm("activities", organisation, only=fields).fields)
        for _name, _label, fields in ACTIVITY_SECTIONS
    ]
    assert set().union(*parts) == whole
    assert not whole & DERIVED


def test_editing_shows_one_section_with_progress_and_links(client_for, owner, started):
    page = client_for(owner).get(_edit(), {"section": "whose"}).content.decode()
    assert "Stap 3 van 6" in page and "Van wie" in page
    assert 'name="data_categories"' in page and 'name="purpose_0"' not in page
    for name, _label, _fields in ACTIVITY_SECTIONS:
        if name != "whose":
            assert f"{_edit()}?section={name}" in page
    assert "Opslaan en verder" in page


def test_the_progress_line_in_english(client_for, owner, started, settings):
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(_edit(), {"section": "why"})
    body = page.content.decode()
    assert "Step 2 of 6" in body and "Why and on which basis" in body
    assert "Stap" not in body


def test_an_unknown_section_is_404(client_for, owner, started):
    assert client_for(owner).get(_edit(), {"section": "bananas"}).status_code == 404


def test_saving_a_section_keeps_the_other_fields(client_for, owner, started):
    activity = ProcessingActivity.objects.get(organisation=started, key="newsletter")
    categories = set(activity.data_categories.values_list("code", flat=True))
    name = dict(activity.name)
    response = client_for(owner).post(
        _edit() + "?section=why",
        {"purpose_0": "Een nieuw doel.", "legal_basis": "consent", "then": "next"},
    )
    assert response.status_code == 302 and response.url == _edit() + "?section=whose"
    activity.refresh_from_db()
    assert activity.purpose["nl"] == "Een nieuw doel." and activity.name == name
    assert set(activity.data_categories.values_list("code", flat=True)) == categories
    assert activity.version == 2


def test_save_ends_on_the_detail_page(client_for, owner, started):
    detail = reverse("register:detail", args=["activities", "newsletter"])
    response = client_for(owner).post(
        _edit() + "?section=retention", {"retention_note_0": "Tot afmelden."}
    )
    assert response.status_code == 302 and response.url == detail
    last = client_for(owner).post(_edit() + "?section=security", {"then": "next"})
    assert last.status_code == 302 and last.url == detail


def test_an_error_rerenders_the_same_section(client_for, owner, started):
    before = AuditEntry.objects.count()
    response = client_for(owner).post(
        _edit() + "?section=why", {"purpose_0": "", "legal_basis": "consent"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Stap 2 van 6" in body
    assert "Dit veld is verplicht." in body
    assert AuditEntry.objects.count() == before


def test_a_new_activity_walks_the_sections(client_for, owner, started):
    client = client_for(owner)
    first = client.get(CREATE).content.decode()
    assert "Stap 1 van 6" in first and 'name="name_0"' in first and 'name="purpose_0"' not in first
    # The purpose is required but lives in the next section: nothing is written yet.
    before = AuditEntry.objects.count()
    response = client.post(CREATE, {**NEWSLETTER, "then": "next"})
    assert response.status_code == 302 and response.url == CREATE + "?section=why"
    assert not ProcessingActivity.objects.filter(key="nieuwsbrief-plus").exists()
    assert AuditEntry.objects.count() == before
    second = client.get(response.url).content.decode()
    assert "Stap 2 van 6" in second and 'name="purpose_0"' in second
    # The second section's save creates it, with what the first one said.
    response = client.post(response.url, {**NEWSLETTER, "then": "next"})
    assert response.status_code == 302
    assert response.url == _edit("nieuwsbrief-plus") + "?section=whose"
    activity = ProcessingActivity.objects.get(organisation=started, key="nieuwsbrief-plus")
    assert activity.name["en"] == "Newsletter Plus" and activity.legal_basis == "consent"
    assert not activity.data_categories.exists()
    url = response.url
    for _step in range(4):
        response = client.post(url, {**NEWSLETTER, "then": "next"})
        url = response.url
    assert url == reverse("register:detail", args=["activities", "nieuwsbrief-plus"])
    assert set(activity.data_categories.values_list("code", flat=True)) == {
        "user.contact.email",
        "user.name",
    }
    assert client.session.get(f"register-draft-{started.pk}") is None


def test_a_later_section_cannot_be_opened_before_its_turn(client_for, owner, started):
    client = client_for(owner)
    response = client.get(CREATE, {"section": "whose"})
    assert response.status_code == 302 and response.url == CREATE
    client.post(CREATE, {**NEWSLETTER, "then": "next"})
    assert client.get(CREATE, {"section": "why"}).status_code == 200
    assert client.get(CREATE, {"section": "retention"}).status_code == 302


def test_starting_again_forgets_an_abandoned_draft(client_for, owner, started):
    client = client_for(owner)
    client.post(CREATE, {**NEWSLETTER, "then": "next"})
    back = client.get(CREATE, {"section": "what", "back": "1"}).content.decode()
    assert "Nieuwsbrief Plus" in back
    fresh = client.get(CREATE).content.decode()
    assert "Nieuwsbrief Plus" not in fresh
    response = client.post(CREATE + "?section=why", {**NEWSLETTER})
    assert response.status_code == 302 and response.url == CREATE


def test_a_first_section_error_stays_on_the_first_section(client_for, owner, started):
    response = client_for(owner).post(CREATE, {**NEWSLETTER, "key": "newsletter"})
    body = response.content.decode()
    assert response.status_code == 200 and "Stap 1 van 6" in body
    assert "gebruikt deze sleutel al" in body


def test_other_kinds_keep_one_page(client_for, owner, started):
    page = client_for(owner).get(reverse("register:create", args=["parties"])).content.decode()
    assert "Stap 1" not in page and 'name="country"' in page and 'name="name_0"' in page


@pytest.mark.parametrize("persona", ["handler", "viewer"])
def test_sections_are_for_privacy_officers_only(request, client_for, started, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_edit(), {"section": "why"}).status_code == 403
    assert client.post(CREATE + "?section=why", NEWSLETTER).status_code == 403


def test_another_organisations_activity_has_no_sections(
    client_for, other_owner, other_organisation, started
):
    response = client_for(other_owner).post(_edit() + "?section=why", {"purpose_0": "Gestolen"})
    assert response.status_code == 404
    activity = ProcessingActivity.objects.get(organisation=started, key="newsletter")
    assert activity.purpose["nl"] != "Gestolen"


def test_long_lists_get_the_picker_script_without_inline_code(client_for, owner, started):
    import re

    page = client_for(owner).get(_edit(), {"section": "whose"}).content.decode()
    assert 'id="id_data_categories" class="columns picker"' in page
    assert 'id="id_data_subjects" class="columns picker"' in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert any("register/picker" in tag and 'data-chosen="gekozen"' in tag for tag in scripts)
    assert all("src=" in tag for tag in scripts)  # script-src 'self': nothing inline
    assert not re.search(r"\son[a-z]+=", page)


def test_an_earlier_sections_problem_found_later_is_shown_and_nothing_saved(
    client_for, owner, started
):
    """The key was free at step 1 but taken by the time step 2 saves: said on step 2."""
    from waarborg.register.actions import save_item
    from waarborg.register.schema import current_data

    client = client_for(owner)
    client.post(CREATE, {**NEWSLETTER, "then": "next"})
    taken = current_data(
        "activities", ProcessingActivity.objects.get(organisation=started, key="newsletter")
    )
    save_item("activities", started, {**taken, "key": "nieuwsbrief-plus"}, actor=owner)
    before = AuditEntry.objects.count()
    response = client.post(CREATE + "?section=why", {**NEWSLETTER, "then": "next"})
    body = response.content.decode()
    assert response.status_code == 200 and "Stap 2 van 6" in body
    assert "Sleutel: " in body and "gebruikt deze sleutel al" in body
    assert AuditEntry.objects.count() == before


def _walk_edit(client, changes):
    """Save each section with a change, as a person walks the form."""
    for section, data in changes:
        response = client.post(_edit() + f"?section={section}", {**data, "then": "next"})
        assert response.status_code == 302 and "/register/" in response.url, response


CHANGES = [
    ("why", {"purpose_0": "Een nieuw doel.", "legal_basis": "consent"}),
    ("retention", {"retention_rules": ["contact-1y"], "retention_note_0": "Tot afmelden."}),
]


def test_one_walk_through_the_sections_makes_one_version(client_for, owner, started):
    activity = ProcessingActivity.objects.get(organisation=started, key="newsletter")
    before = AuditEntry.objects.filter(action="register.activity.updated").count()
    _walk_edit(client_for(owner), CHANGES)
    activity.refresh_from_db()
    assert activity.version == 2 and activity.versions.count() == 1
    assert activity.versions.get().snapshot["purpose"]["nl"].startswith("U onze")  # as before
    assert activity.retention_note["nl"] == "Tot afmelden."
    # each save keeps its own audit entry
    assert AuditEntry.objects.filter(action="register.activity.updated").count() == before + 2


def test_a_new_activity_walked_to_the_end_is_version_one(client_for, owner, started):
    from tests.register.test_views import walk

    walk(client_for(owner), {**NEWSLETTER, "retention_note_0": "Kort."})
    activity = ProcessingActivity.objects.get(organisation=started, key="nieuwsbrief-plus")
    assert activity.version == 1 and not activity.versions.exists()


@pytest.mark.parametrize("between", ["other_person", "other_item", "an_hour", "new_login"])
def test_anything_in_between_starts_a_new_version(
    client_for, owner, privacy_officer, started, between, settings
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from waarborg.register.actions import save_item
    from waarborg.register.models import RetentionRule
    from waarborg.register.schema import current_data

    settings.SESSION_COOKIE_AGE = 24 * 3600  # the sign-in outlasts the editing session
    client = client_for(owner)
    _walk_edit(client, CHANGES[:1])
    later = timezone.now()
    if between == "other_person":
        what = {"key": "newsletter", "name_0": "Nieuwsbrief", "status": "active"}
        _walk_edit(client_for(privacy_officer), [("what", {**what, "role": "controller"})])
    elif between == "other_item":  # e.g. a DPIA signed or a rule changed: the session ends
        rule = RetentionRule.objects.get(organisation=started, key="contact-1y")
        data = {**current_data("retention_rules", rule), "duration": "P2Y"}
        save_item("retention_rules", started, data, actor=owner, instance=rule)
    elif between == "an_hour":
        later += timedelta(hours=2)
    else:
        client = client_for(owner)  # another browser session
    with time_machine.travel(later):
        _walk_edit(client, CHANGES[1:])
    activity = ProcessingActivity.objects.get(organisation=started, key="newsletter")
    expected = 4 if between == "other_person" else 3
    assert activity.version == expected and activity.versions.count() == expected - 1
