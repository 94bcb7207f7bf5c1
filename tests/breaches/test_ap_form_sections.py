"""The AP notification form's data file holds the sections issue #19 names, in the form's
order, and each section asks what the register can answer: the decision on informing the
people with its reason, the contact point and the advice to them, the systems concerned."""

from decimal import Decimal as D

from waarborg.breaches import actions, ap_form
from waarborg.breaches.models import Breach
from waarborg.register.models import System

SECTIONS = [
    ("notification", "Over de melding", "About the notification"),
    ("contact", "Contactgegevens", "Contact details"),
    ("timeline", "Tijdlijn", "Timeline"),
    ("what", "Wat is er gebeurd", "What happened"),
    ("data", "De persoonsgegevens", "The personal data"),
    ("people", "De betrokkenen", "The people"),
    ("before", "Maatregelen vóór het datalek", "Measures before the breach"),
    ("consequences", "Gevolgen", "Consequences"),
    ("follow_up", "Vervolgacties", "Follow-up"),
]


def test_the_sections_are_those_of_the_issue_in_order_in_both_languages():
    form = ap_form.load_form()
    found = [(s["key"], s["title"]["nl"], s["title"]["en"]) for s in form["sections"]]
    assert found == SECTIONS
    for section in form["sections"]:
        assert section["questions"], section["key"]
        for question in section["questions"]:
            assert question["label"]["nl"].strip() and question["label"]["en"].strip()


def test_each_section_asks_what_the_issue_lists():
    form = ap_form.load_form()
    answers = {s["key"]: [q["answer"] for q in s["questions"]] for s in form["sections"]}
    assert {"kind", "reference", "previous_reference", "delay"} <= set(answers["notification"])
    assert {"organisation", "contact", "dpo"} <= set(answers["contact"])
    assert {"started", "ended", "aware", "discovered_how"} <= set(answers["timeline"])
    assert {"description", "nature", "cause", "systems"} <= set(answers["what"])
    assert {"data_categories", "special", "national_id", "encrypted"} <= set(answers["data"])
    assert {"data_subjects", "people", "vulnerable"} <= set(answers["people"])
    assert answers["before"] == ["measures_before"]
    assert {"consequences", "severity"} <= set(answers["consequences"])
    assert {
        "measures_taken", "measures_planned", "communication", "informing_decision",
        "people_contact", "advice", "cross_border",
    } <= set(answers["follow_up"])  # fmt: skip


def _answers(notification):
    return {
        (s["key"], q["label"]): q["answer"] for s in notification.answers for q in s["questions"]
    }


def test_the_new_questions_are_answered_from_the_register(breach, handler, privacy_officer):
    system = System.objects.create(
        organisation=breach.organisation, key="crm", name={"nl": "Klantsysteem"}
    )
    breach.systems.set([system])
    Breach.objects.filter(pk=breach.pk).update(
        advice_to_people="Wees alert op nepmails.", contact_point="privacy@firma.example"
    )
    actions.assess_breach(breach, actor=handler, dpc=2, ei=D("1"))
    actions.decide_breach(
        breach, actor=privacy_officer, risk_decision="risk", risk_reason="Niet versleuteld.",
        high_risk_decision="high", high_risk_reason="Kans op oplichting.",
    )  # fmt: skip
    breach.refresh_from_db()
    found = _answers(actions.prepare_notification(breach, actor=privacy_officer))
    assert found[("notification", "Eigen kenmerk van het datalek")] == breach.reference
    assert "Klantsysteem" in found[("what", "Betrokken systemen")]
    decision = found[("follow_up", "Besluit over het informeren en de reden")]
    assert decision.endswith(": Kans op oplichting.")
    assert found[("follow_up", "Contactpunt voor de betrokkenen")] == "privacy@firma.example"
    assert found[("follow_up", "Wat betrokkenen zelf kunnen doen")] == "Wees alert op nepmails."


def test_what_is_not_recorded_says_so(breach, privacy_officer):
    found = _answers(actions.prepare_notification(breach, actor=privacy_officer))
    assert found[("what", "Betrokken systemen")] == "niet vastgelegd"
    assert found[("follow_up", "Besluit over het informeren en de reden")] == "nog niet besloten"
    assert found[("follow_up", "Wat betrokkenen zelf kunnen doen")] == "niet vastgelegd"
