"""The staff pages: screening, assessment, sign-off and exports, per role, and another
organisation's rows not found (404)."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.dpia.conftest import make_activity
from waarborg.audit.models import AuditEntry
from waarborg.dpia import actions
from waarborg.dpia.models import Assessment, Risk
from waarborg.register.models import SecurityMeasure

RISK = {
    "kind": "access",
    "title": "Onbevoegde toegang",
    "impacts": "Herkenning",
    "threats": "Zwak wachtwoord",
    "sources": "Inbrekers",
    "severity": "3",
    "likelihood": "3",
    "residual_severity": "3",
    "residual_likelihood": "1",
}
SIGN = {
    "advice": "Akkoord.",
    "advice_by": "FG",
    "decision": "accept",
    "decision_reason": "Laag restrisico.",
    "signed_by": "Olga Owner",
    "signed_on": "2026-12-01",
    "review_on": "2027-12-01",
}


@pytest.fixture
def assessment(organisation, owner, camera):
    assessment = actions.start_assessment(organisation, actor=owner, activities=[camera])
    actions.save_risk(
        assessment,
        actor=owner,
        **{**RISK, **{k: int(RISK[k]) for k in RISK if k.endswith(("severity", "likelihood"))}},
    )
    return assessment


def test_screening_page_shows_the_lists_and_the_registers_suggestions(client_for, viewer, camera):
    page = client_for(viewer).get(reverse("dpia:screen", args=[camera.key])).content.decode()
    assert "Cameratoezicht" in page and "Stelselmatige monitoring" in page
    assert "Uit het register" in page and "Camerabeelden" in page
    box = re.search(r'<input[^>]*name="ap-camera_surveillance"[^>]*>', page).group(0)
    assert "checked" in box  # prefilled from the camera images in the register
    assert "disabled" in box  # a viewer reads
    box = re.search(r'<input[^>]*name="wp248-evaluation"[^>]*>', page).group(0)
    assert "checked" not in box
    assert "Screening opslaan" not in page  # a viewer reads, does not save


def test_the_privacy_officer_screens_an_activity(client_for, privacy_officer, camera):
    response = client_for(privacy_officer).post(
        reverse("dpia:screen", args=[camera.key]),
        {
            "ap-camera_surveillance": "on",
            "wp248-systematic_monitoring": "on",
            "note": "Open winkel",
        },
    )
    assert response.status_code == 302
    camera.refresh_from_db()
    assert camera.dpia == "needed"
    page = client_for(privacy_officer).get(response.url).content.decode()
    assert "Nodig, nog niet gedaan" in page and "Open winkel" in page
    assert AuditEntry.objects.filter(action="dpia.screening.recorded").count() == 1


@pytest.mark.parametrize("persona", ["viewer", "handler"])
def test_viewers_and_handlers_cannot_screen_or_edit(
    request, client_for, persona, camera, assessment
):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(reverse("dpia:screen", args=[camera.key]), {"note": "x"}).status_code == 403
    assert client.post(reverse("dpia:start"), {"activities": [camera.key]}).status_code == 403
    for name in ("dpia:edit", "dpia:risk_add", "dpia:sign", "dpia:measure_add"):
        assert client.get(reverse(name, args=[assessment.pk])).status_code == 403
        assert client.post(reverse(name, args=[assessment.pk]), SIGN).status_code == 403
    camera.refresh_from_db()
    assert camera.dpia == "not_screened" and not assessment.is_signed
    assert client.get(reverse("dpia:detail", args=[assessment.pk])).status_code == 200


def test_another_organisations_rows_are_not_found(
    client_for, other_owner, other_organisation, camera, assessment
):
    client = client_for(other_owner)
    risk = assessment.risks.get()
    urls = [
        reverse("dpia:screen", args=[camera.key]),
        reverse("dpia:detail", args=[assessment.pk]),
        reverse("dpia:edit", args=[assessment.pk]),
        reverse("dpia:risk_add", args=[assessment.pk]),
        reverse("dpia:risk_edit", args=[assessment.pk, risk.pk]),
        reverse("dpia:sign", args=[assessment.pk]),
        reverse("dpia:export", args=[assessment.pk, "html"]),
        reverse("dpia:export", args=[assessment.pk, "pdf"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("dpia:sign", args=[assessment.pk]), SIGN).status_code == 404
    assert (
        client.post(reverse("dpia:risk_delete", args=[assessment.pk, risk.pk])).status_code == 404
    )
    assert Risk.objects.filter(pk=risk.pk).exists()


def test_a_start_with_another_organisations_activity_is_refused(
    client_for, owner, other_organisation, other_owner
):
    make_activity(other_organisation, other_owner, key="theirs")
    response = client_for(owner).post(reverse("dpia:start"), {"activities": ["theirs"]})
    assert response.status_code == 302 and not Assessment.objects.exists()


def test_start_needs_post(client_for, owner):
    assert client_for(owner).get(reverse("dpia:start")).status_code == 405


def test_a_risk_of_another_dpia_is_not_found_here(
    client_for, owner, organisation, camera, assessment
):
    other = actions.start_assessment(organisation, actor=owner, activities=[camera])
    risk = assessment.risks.get()
    url = reverse("dpia:risk_edit", args=[other.pk, risk.pk])
    assert client_for(owner).get(url).status_code == 404


def test_risk_form_rejects_a_bad_scale_with_a_message(client_for, owner, assessment):
    response = client_for(owner).post(
        reverse("dpia:risk_add", args=[assessment.pk]), {**RISK, "severity": "9"}
    )
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert assessment.risks.count() == 1


def test_edit_add_risk_measure_and_sign(client_for, owner, assessment, camera):
    client = client_for(owner)
    response = client.post(
        reverse("dpia:edit", args=[assessment.pk]),
        {
            "title": "Camera's",
            "description-purposes": "Diefstal",
            "necessity-minimisation": "Alleen de ingang",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("dpia:risk_add", args=[assessment.pk]),
        {**RISK, "kind": "disappearance", "title": "Weg"},
    )
    assert response.status_code == 302 and assessment.risks.count() == 2
    risk = assessment.risks.first()
    response = client.post(
        reverse("dpia:measure_add", args=[assessment.pk]),
        {"risk": risk.pk, "name_nl": "Recorder op slot", "name_en": "", "kind": "technical"},
    )
    assert response.status_code == 302
    assert SecurityMeasure.objects.filter(key="recorder-op-slot").exists()
    # accepting a high residual risk is refused with the reason, and nothing is signed
    client.post(
        reverse("dpia:risk_edit", args=[assessment.pk, risk.pk]),
        {**RISK, "residual_likelihood": "4", "measures": ["recorder-op-slot"]},
    )
    page = client.post(reverse("dpia:sign", args=[assessment.pk]), SIGN).content.decode()
    assert "raadpleeg de AP" in page
    assessment.refresh_from_db()
    assert not assessment.is_signed
    client.post(
        reverse("dpia:risk_edit", args=[assessment.pk, risk.pk]),
        {**RISK, "measures": ["recorder-op-slot"]},
    )
    response = client.post(reverse("dpia:sign", args=[assessment.pk]), SIGN)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_signed and assessment.signed_on == datetime.date(2026, 12, 1)
    page = client.get(reverse("dpia:detail", args=[assessment.pk])).content.decode()
    assert page.count("<svg") == 2 and "Vóór maatregelen" in page and "R1" in page
    assert "Ondertekende versies" in page


def test_exports_in_both_languages(client_for, viewer, assessment):
    client = client_for(viewer)
    url = reverse("dpia:export", args=[assessment.pk, "html"])
    dutch = client.get(url + "?language=nl").content.decode()
    english = client.get(url + "?language=en").content.decode()
    assert "Risico's voor betrokkenen" in dutch and "Onrechtmatige toegang" in dutch
    assert "Risks to people" in english and "Illegitimate access to data" in english
    assert "Before measures" in english and "<svg" in english
    pdf = client.get(reverse("dpia:export", args=[assessment.pk, "pdf"]) + "?language=en")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "dpia-" in pdf["Content-Disposition"]
    assert client.get(reverse("dpia:export", args=[assessment.pk, "doc"])).status_code == 404
    assert client.get(url + "?version=3").status_code == 404
    assert client.get(url + "?version=een").status_code == 404


def test_a_signed_version_exports_as_it_was_signed(client_for, owner, assessment):
    actions.sign_assessment(
        assessment,
        actor=owner,
        **{
            **SIGN,
            "signed_on": datetime.date(2026, 12, 1),
            "review_on": datetime.date(2027, 12, 1),
        },
    )
    actions.save_assessment(
        assessment, actor=owner, title="Nieuwe titel", description={}, necessity={}
    )
    page = client_for(owner).get(
        reverse("dpia:export", args=[assessment.pk, "html"]) + "?version=1"
    )
    text = page.content.decode()
    assert "Camera&#x27;s in de winkel" in text and "Nieuwe titel" not in text
    assert "Olga Owner" in text


def test_screening_xlsx_lists_every_activity(client_for, viewer, owner, organisation, camera):
    make_activity(organisation, owner, key="mail", data_categories=["user.contact.email"])
    actions.screen_activity(camera, actor=owner, answers={"ap.camera_surveillance": True})
    response = client_for(viewer).get(reverse("dpia:screening_xlsx") + "?language=en")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(header) == 5 + 9 + 17 and "AP 9: Camera surveillance" in header
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key["camera"][2] == "Needed, not done yet"
    assert by_key["camera"][header.index("AP 9: Camera surveillance")] == "yes"
    assert by_key["mail"][2] == "Not screened" and by_key["mail"][5] in ("", None)


def test_overview_colours_activities_by_outcome(client_for, viewer, owner, organisation, camera):
    actions.screen_activity(camera, actor=owner, answers={"ap.camera_surveillance": True})
    page = client_for(viewer).get(reverse("dpia:overview")).content.decode()
    assert "<svg" in page and "#f6d2cf" in page and "!!" in page  # colour and symbol
    assert 'data-outcome="needed"' in page


TEXT = st.text(max_size=40)
SCALE_TEXT = st.one_of(st.sampled_from(["1", "2", "3", "4"]), TEXT)


@settings(max_examples=25)
@given(
    risk=st.fixed_dictionaries(
        {
            "kind": st.one_of(st.sampled_from(["access", "change", "other"]), TEXT),
            "title": TEXT,
            "severity": SCALE_TEXT,
            "likelihood": SCALE_TEXT,
            "residual_severity": SCALE_TEXT,
            "residual_likelihood": SCALE_TEXT,
            "measures": st.lists(TEXT, max_size=2),
        }
    ),
    sign=st.fixed_dictionaries(
        {
            "advice": TEXT,
            "decision": st.one_of(st.sampled_from(["accept", "change", "consult"]), TEXT),
            "signed_by": TEXT,
            "signed_on": st.one_of(st.sampled_from(["2026-12-01", ""]), TEXT),
            "review_on": st.one_of(st.sampled_from(["2027-12-01", "2026-01-01"]), TEXT),
        }
    ),
)
def test_bad_input_never_fails_and_refused_input_changes_nothing(
    client_for, owner, assessment, risk, sign
):
    client = client_for(owner)
    before = assessment.risks.count()
    response = client.post(reverse("dpia:risk_add", args=[assessment.pk]), risk)
    assert response.status_code in (200, 302, 400)  # 400: control characters are refused
    if response.status_code != 302:
        assert assessment.risks.count() == before
    response = client.post(reverse("dpia:sign", args=[assessment.pk]), sign)
    assert response.status_code in (200, 302, 400)
    assessment.refresh_from_db()
    if response.status_code != 302:
        assert not assessment.is_signed
    else:
        actions.save_assessment(
            assessment, actor=owner, title="Weer concept", description={}, necessity={}
        )


def test_the_register_form_keeps_the_screening_and_cannot_forge_it(client_for, owner, camera):
    actions.screen_activity(camera, actor=owner, answers={"wp248.sensitive": True})
    client = client_for(owner)
    url = reverse("register:edit", args=["activities", camera.key])
    form = client.get(url, {"section": "security"}).content.decode()
    assert 'name="dpia"' not in form and 'name="dpia_reason_0"' not in form
    data = {
        "key": camera.key,
        "name_0": "Camera's in de winkel",
        "status": "active",
        "role": "controller",
        "purpose_0": "Diefstal voorkomen en incidenten onderzoeken",
        "legal_basis": "legitimate_interests",
        "data_subjects": ["customer"],
        "data_categories": ["user.content.self_image.camera"],
        "source": "direct",
        "requirement": "none",
        "dpia": "done",  # forged: only a signature sets "done"
        "dpia_done_on": "2026-01-01",
    }
    for section in ("what", "why", "whose", "security"):
        assert client.post(f"{url}?section={section}", data).status_code == 302
    camera.refresh_from_db()
    assert camera.purpose["nl"].endswith("onderzoeken")
    assert camera.dpia == "advisable" and camera.dpia_done_on is None
    assert camera.dpia_screened_on is not None and camera.dpia_reason["en"]


def test_overview_says_when_a_signed_dpia_needs_review(
    client_for, owner, organisation, camera, assessment
):
    from waarborg.register import actions as register_actions
    from waarborg.register.schema import current_data

    actions.sign_assessment(
        assessment,
        actor=owner,
        **{
            **SIGN,
            "signed_on": datetime.date(2026, 12, 1),
            "review_on": datetime.date(2027, 12, 1),
        },
    )
    client = client_for(owner)
    assert "herziening nodig" not in client.get(reverse("dpia:overview")).content.decode()
    camera.refresh_from_db()
    data = {**current_data("activities", camera), "purpose": {"nl": "Ook de parkeerplaats"}}
    register_actions.save_item("activities", organisation, data, actor=owner, instance=camera)
    assert "herziening nodig" in client.get(reverse("dpia:overview")).content.decode()
    page = client.get(reverse("dpia:detail", args=[assessment.pk])).content.decode()
    assert "Herziening nodig" in page


def test_the_register_list_shows_each_activitys_outcome(client_for, viewer, owner, camera):
    actions.screen_activity(camera, actor=owner, answers={})
    page = client_for(viewer).get(reverse("register:list", args=["activities"])).content.decode()
    assert 'class="dpia dpia-not_needed"' in page and "Niet nodig" in page
    assert reverse("dpia:screen", args=[camera.key]) in page


def test_the_overview_offers_a_dpia_for_what_needs_one(client_for, owner, organisation, camera):
    make_activity(organisation, owner, key="mail", data_categories=["user.contact.email"])
    client = client_for(owner)
    assert "Een DPIA beginnen" not in client.get(reverse("dpia:overview")).content.decode()
    actions.screen_activity(camera, actor=owner, answers={"wp248.sensitive": True})
    page = client.get(reverse("dpia:overview")).content.decode()
    assert 'name="activities" value="camera"' in page
    assert 'name="activities" value="mail"' not in page
    # any screened activity can still get one, from its screening page
    mail = camera.__class__.objects.get(organisation=organisation, key="mail")
    actions.screen_activity(mail, actor=owner, answers={})
    screen = client.get(reverse("dpia:screen", args=["mail"])).content.decode()
    assert 'name="activities" value="mail"' in screen
    assert client.post(reverse("dpia:start"), {"activities": ["mail"]}).status_code == 302
    assert Assessment.objects.get().activities.get().key == "mail"
