"""Publishing versions, the public pages, and comparing versions."""

import pytest
from django.urls import reverse

from waarborg.audit.models import AuditEntry
from waarborg.notices import actions
from waarborg.notices.models import NoticeVersion
from waarborg.register.actions import save_item
from waarborg.register.models import Party, ProcessingActivity
from waarborg.register.schema import current_data
from waarborg.register.yamlio import apply_starter, import_register

MAILER = """waarborg: 1
parties:
- key: mailer
  name: {nl: Mailer}
  kind: processor
  country: NL
  agreement_signed_on: 2025-01-01
"""


@pytest.fixture
def ready(organisation, owner):
    """An organisation whose register can be published: the starter set and a contact."""
    from waarborg.core import actions as core_actions

    core_actions.update_organisation(organisation, actor=owner, privacy_email="privacy@een.example")
    apply_starter(organisation, actor=owner)
    import_register(organisation, MAILER, actor=owner, merge=True)
    newsletter = ProcessingActivity.objects.get(organisation=organisation, key="newsletter")
    save_item(
        "activities",
        organisation,
        {**current_data("activities", newsletter), "recipients": ["mailer"]},
        actor=owner,
        instance=newsletter,
    )
    return organisation


def test_publish_creates_immutable_versions_in_both_languages(ready, owner):
    versions = actions.publish_statement(ready, actor=owner)
    assert [(v.number, v.language) for v in versions] == [(1, "nl"), (1, "en")]
    nl, en = versions
    assert "Privacyverklaring van Firma Een B.V." in nl.html
    assert "Privacy statement of Firma Een B.V." in en.html and en.text.startswith("# Privacy")
    assert nl.snapshot["register"]["organisation"]["name"] == "Firma Een B.V."
    assert len(nl.hash) == 64
    with pytest.raises(ValueError):
        nl.save()
    with pytest.raises(ValueError):
        nl.delete()
    entry = AuditEntry.objects.filter(organisation=ready).order_by("-seq")[0]
    assert entry.action == "notices.statement.published" and entry.new["number"] == 1
    with pytest.raises(actions.PublishError) as error:
        actions.publish_statement(ready, actor=owner)
    assert "1" in str(error.value.message)


def test_errors_block_publishing(organisation, owner):
    with pytest.raises(actions.PublishError) as error:
        actions.publish_statement(organisation, actor=owner)
    assert error.value.problems
    assert not NoticeVersion.objects.exists()


def test_processor_moves_to_the_us_then_version_2_and_the_diff(ready, owner, client_for):
    actions.publish_statement(ready, actor=owner)
    mailer = Party.objects.get(organisation=ready, key="mailer")
    data = {**current_data("parties", mailer), "country": "US", "locations": ["US"]}
    save_item("parties", ready, data, actor=owner, instance=mailer)
    client = client_for(owner)
    page = client.get(reverse("notices:overview")).content.decode()
    assert "Mailer zit buiten de EER (Verenigde Staten) zonder doorgiftegrondslag" in page
    response = client.post(reverse("notices:publish"), follow=True)
    assert "kan nog niet worden gepubliceerd" in response.content.decode()
    assert NoticeVersion.objects.filter(organisation=ready).count() == 2
    save_item(
        "parties",
        ready,
        {**data, "transfer_mechanism": "scc_2021", "scc_module": "2"},
        actor=owner,
        instance=mailer,
    )
    response = client.post(reverse("notices:publish"), follow=True)
    assert "Versie 2 is gepubliceerd." in response.content.decode()
    compare = client.get(reverse("notices:compare"), {"a": 1, "b": 2}).content.decode()
    assert (
        "Nieuwsbrief: Mailer: naar de Verenigde Staten, op grond van: "
        "Modelcontractbepalingen (2021)" in compare
    )
    assert "wezenlijke wijziging" in compare
    assert "Nieuwsbriefabonnees" in compare  # the people affected


def test_diff_flags_new_purpose_recipient_and_longer_retention(ready, owner):
    from waarborg.core.taxonomy import TermIndex
    from waarborg.notices.diff import affected_groups, diff

    old = actions.publish_statement(ready, actor=owner)[0].snapshot
    from waarborg.register.models import RetentionRule

    telephony = RetentionRule.objects.get(organisation=ready, key="telephony-5m")
    save_item(
        "retention_rules",
        ready,
        {**current_data("retention_rules", telephony), "duration": "P9M"},
        actor=owner,
        instance=telephony,
    )
    import_register(
        ready,
        """waarborg: 1
activities:
- key: loyalty
  name: {nl: Spaarprogramma}
  role: controller
  purpose: {nl: Punten sparen}
  legal_basis: contract
  data_subjects: [customer]
  data_categories: [user.name]
  retention_rules: [customers-2y]
""",
        actor=owner,
        merge=True,
    )
    new = actions.publish_statement(ready, actor=owner)[0].snapshot
    changes = diff(old, new, TermIndex(ready), "nl")
    texts = [(c.category, c.text, c.material) for c in changes]
    assert ("purposes", "Nieuw: Spaarprogramma", True) in texts
    assert ("retention", "Telefonie: langer bewaard", True) in texts
    assert affected_groups(changes) == ["caller", "customer"]


def test_public_pages(ready, owner, client):
    url = reverse("center:statement", args=[ready.slug, "nl"])
    assert client.get(url).status_code == 404  # nothing published yet
    actions.publish_statement(ready, actor=owner)
    page = client.get(url).content.decode()
    assert "Versie 1, gepubliceerd op" in page and "Privacyverklaring van Firma Een B.V." in page
    english = client.get(reverse("center:statement", args=[ready.slug, "en"])).content.decode()
    assert 'lang="en"' in english and "Version 1, published on" in english
    fragment = client.get(reverse("center:fragment", args=[ready.slug, "nl"]))
    assert fragment.content.decode().startswith('<article class="privacy-statement"')
    assert fragment["Access-Control-Allow-Origin"] == "*"
    markdown = client.get(reverse("center:markdown", args=[ready.slug, "en"]))
    assert markdown["Content-Type"].startswith("text/markdown")
    assert markdown.content.decode().startswith("# Privacy statement of Firma Een B.V.")
    archive = client.get(reverse("center:archive", args=[ready.slug, "nl"])).content.decode()
    assert reverse("center:version", args=[ready.slug, "nl", 1]) in archive
    assert client.get(reverse("center:statement", args=[ready.slug, "de"])).status_code == 404
    assert client.get(reverse("center:statement", args=["nobody", "nl"])).status_code == 404
    assert "cdn" not in page.lower() and "googleapis" not in page


def test_old_versions_stay_readable(ready, owner, client):
    actions.publish_statement(ready, actor=owner)
    from waarborg.core import actions as core_actions

    core_actions.update_organisation(ready, actor=owner, phone="030 1234567")
    actions.publish_statement(ready, actor=owner)
    old = client.get(reverse("center:version", args=[ready.slug, "nl", 1])).content.decode()
    assert "Dit is een eerdere versie." in old and "030 1234567" not in old
    current = client.get(reverse("center:statement", args=[ready.slug, "nl"])).content.decode()
    assert "030 1234567" in current


@pytest.mark.parametrize("persona", ["handler", "viewer"])
def test_only_privacy_officers_publish_and_edit_settings(request, client_for, ready, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("notices:overview")).status_code == 200
    assert client.post(reverse("notices:publish")).status_code == 403
    assert client.get(reverse("notices:settings")).status_code == 403
    assert not NoticeVersion.objects.exists()


def test_settings_change_grouping_and_texts(client_for, privacy_officer, ready):
    client = client_for(privacy_officer)
    response = client.post(
        reverse("notices:settings"),
        {
            "grouping": "group",
            "introduction_0": "Welkom bij onze verklaring.",
            "introduction_1": "",
            "closing_0": "",
            "closing_1": "",
            "note_rights_0": "Bel ons gerust.",
            "note_rights_1": "",
        },
    )
    assert response.status_code == 302
    preview = client.get(reverse("notices:overview")).content.decode()
    assert "Welkom bij onze verklaring." in preview and "Bel ons gerust." in preview
    assert "per groep mensen" in preview
    assert AuditEntry.objects.filter(action="notices.settings.updated").exists()


def test_another_organisations_versions_are_invisible(
    client_for, other_owner, other_organisation, ready, owner
):
    actions.publish_statement(ready, actor=owner)
    page = client_for(other_owner).get(reverse("notices:overview")).content.decode()
    assert "Firma Een" not in page


def test_compare_with_the_draft(ready, owner, client):
    client.force_login(owner)
    empty = client.get(reverse("notices:compare")).content.decode()
    assert "Publiceer eerst een versie om die met het concept te vergelijken." in empty
    actions.publish_statement(ready, actor=owner)
    same = client.get(reverse("notices:compare")).content.decode()
    assert "Het register is sinds deze versie niet veranderd." in same
    assert "wezenlijke wijziging" not in same
    newsletter = ProcessingActivity.objects.get(organisation=ready, key="newsletter")
    save_item(
        "activities",
        ready,
        {**current_data("activities", newsletter), "recipients": []},
        actor=owner,
        instance=newsletter,
    )
    changed = client.get(reverse("notices:compare"), {"a": 1, "b": "draft"}).content.decode()
    assert "Mailer" in changed
    assert "Het register is sinds deze versie niet veranderd." not in changed
    # Nothing was published by looking.
    assert NoticeVersion.objects.filter(organisation=ready).count() == 2
    for bad in ({"a": "x", "b": "draft"}, {"a": 1, "b": "nonsense"}, {"a": 7, "b": "draft"}):
        assert client.get(reverse("notices:compare"), bad).status_code == 200


def test_compare_of_another_organisation_shows_nothing(
    ready, owner, other_owner, other_organisation, client
):
    actions.publish_statement(ready, actor=owner)
    client.force_login(other_owner)
    page = client.get(reverse("notices:compare"), {"a": 1, "b": "draft"}).content.decode()
    assert "Mailer" not in page


def test_own_version_number_and_date_beside_waarborgs(ready, owner, client):
    import datetime

    client.force_login(owner)
    response = client.post(
        reverse("notices:publish"),
        {"own_label": "3.1", "effective_on": "2018-05-25"},
        follow=True,
    )
    assert "Versie 1 is gepubliceerd." in response.content.decode()
    nl, en = (NoticeVersion.objects.get(organisation=ready, language=lang) for lang in ("nl", "en"))
    assert (nl.own_label, nl.effective_on) == ("3.1", datetime.date(2018, 5, 25))
    assert "Versie 3.1, 25 mei 2018" in nl.html and "Versie 3.1, 25 mei 2018" in nl.text
    assert "Version 3.1, 25 May 2018" in en.html and "Version 3.1, 25 May 2018" in en.text
    assert "2018-05-25" not in nl.html + en.html
    page = client.get(reverse("center:statement", args=[ready.slug, "nl"])).content.decode()
    assert "Versie 3.1, 25 mei 2018" in page
    assert "Versie 1 in Waarborg, gepubliceerd op" in page
    entry = AuditEntry.objects.filter(organisation=ready).order_by("-seq")[0]
    assert entry.new["own_label"] == "3.1" and entry.new["effective_on"] == "2018-05-25"
    overview = client.get(reverse("notices:overview")).content.decode()
    assert "uw versie 3.1" in overview


def test_own_date_alone_and_no_label(ready, owner):
    import datetime

    nl, en = actions.publish_statement(ready, actor=owner, effective_on=datetime.date(2026, 1, 1))
    assert "Geldt vanaf 1 januari 2026" in nl.html and "In force from 1 January 2026" in en.html
    assert "Versie " not in nl.html.split("</h1>")[1].split("</p>")[0]


def test_publish_without_own_label_keeps_the_plain_version_line(ready, owner, client):
    nl, _en = actions.publish_statement(ready, actor=owner)
    assert 'class="own-version"' not in nl.html
    page = client.get(reverse("center:statement", args=[ready.slug, "nl"])).content.decode()
    assert "Versie 1, gepubliceerd op" in page


def test_publish_refuses_a_bad_date_and_publishes_nothing(ready, owner, client):
    client.force_login(owner)
    client.post(reverse("notices:publish"), {"own_label": "3.1", "effective_on": "25-05-20x8"})
    assert not NoticeVersion.objects.filter(organisation=ready).exists()
    client.post(reverse("notices:publish"), {"own_label": "x" * 41})
    assert not NoticeVersion.objects.filter(organisation=ready).exists()


def test_the_completeness_check_opens_the_section_that_fixes_it(ready, owner, client_for):
    newsletter = ProcessingActivity.objects.get(organisation=ready, key="newsletter")
    data = {
        **current_data("activities", newsletter),
        "legal_basis": "legitimate_interests",
        "legal_basis_detail": {},
        "retention_rules": [],
    }
    save_item("activities", ready, data, actor=owner, instance=newsletter)
    page = client_for(owner).get(reverse("notices:overview")).content.decode()
    edit = reverse("register:edit", args=["activities", "newsletter"])
    assert f'href="{edit}?section=why"' in page  # the interest is not described
    assert f'href="{edit}?section=retention"' in page  # no retention period
    # each section the list links to holds the field
    client = client_for(owner)
    why = client.get(f"{edit}?section=why").content.decode()
    assert 'name="legal_basis_detail_0"' in why
    retention = client.get(f"{edit}?section=retention").content.decode()
    assert 'name="retention_rules"' in retention
