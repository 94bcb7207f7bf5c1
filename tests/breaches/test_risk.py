# ruff: noqa: E501
"""The ENISA severity score (SE = DPC x EI + CB) and its bands, on examples of the method's own
scales, and as a property: more circumstances never lower the band. The score is advice; the
decisions are separate and need reasons."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waarborg.audit.models import AuditEntry
from waarborg.breaches import actions, risk

D = Decimal

EXAMPLES = [
    # (case, DPC, EI, confidentiality, integrity, availability, malicious, score, band)
    ("supermarket customer list e-mailed to one wrong, known recipient", 1, "1", "0.25", "0", "0", "0", "1.25", "low"),
    ("the same list published on the website", 1, "1", "0.5", "0", "0", "0", "1.5", "low"),
    ("bank statements of a year on a lost, well-encrypted laptop", 4, "0.25", "0.25", "0", "0", "0", "1.25", "low"),
    ("luxury-goods customer list sent to a few wrong recipients", 2, "1", "0.25", "0", "0", "0", "2.25", "medium"),
    ("customer administration on a stolen laptop, not encrypted, with a backup", 2, "1", "0.5", "0", "0", "0.5", "3.0", "high"),
    ("online pharmacy's customer list taken by a hacker", 3, "1", "0.5", "0", "0", "0.5", "4.0", "very_high"),
    ("ransomware on sick-leave records, restored from a backup", 4, "1", "0", "0", "0.25", "0.5", "4.75", "very_high"),
    ("pseudonymised survey answers altered, recoverable", 1, "0.25", "0", "0.25", "0", "0", "0.5", "low"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "dpc", "ei", "c", "i", "a", "m", "score", "band"),
    EXAMPLES,
    ids=[e[0] for e in EXAMPLES],
)
def test_enisa_examples(case, dpc, ei, c, i, a, m, score, band):
    found = risk.severity(dpc, D(ei), D(c), D(i), D(a), D(m))
    assert found == D(score)
    assert risk.band(found) == band


def test_band_edges():
    assert risk.band(D("1.99")) == "low"
    assert risk.band(D("2")) == "medium"
    assert risk.band(D("2.99")) == "medium"
    assert risk.band(D("3")) == "high"
    assert risk.band(D("4")) == "very_high"
    assert risk.severity(None, D("1")) is None and risk.band(None) is None


ORDER = ["low", "medium", "high", "very_high"]
quarters = st.sampled_from([D("0"), D("0.25"), D("0.5")])


@given(
    dpc=st.integers(1, 4),
    ei=st.sampled_from([D("0.25"), D("0.5"), D("0.75"), D("1")]),
    c=quarters,
    i=quarters,
    a=quarters,
    m=st.sampled_from([D("0"), D("0.5")]),
)
def test_circumstances_only_add_and_the_score_is_within_the_scale(dpc, ei, c, i, a, m):
    base = risk.severity(dpc, ei)
    full = risk.severity(dpc, ei, c, i, a, m)
    assert full == dpc * ei + c + i + a + m
    assert D("0.25") <= base <= full <= D("6")
    assert ORDER.index(risk.band(full)) >= ORDER.index(risk.band(base))


def test_the_assessment_is_audited_and_shown_with_the_edpb_factors(breach, handler, client_for):
    actions.assess_breach(
        breach, actor=handler, dpc=2, ei=D("1"), cb_confidentiality=D("0.5"), cb_malicious=D("0.5")
    )
    entry = AuditEntry.objects.get(action="breach.assess")
    assert entry.new["dpc"] == 2 and entry.old["dpc"] is None
    page = client_for(handler).get(f"/breaches/{breach.pk}/").content.decode()
    assert 'data-score="3.00"' in page
    assert "Aantal betrokkenen" in page or "Number of people affected" in page
    assert "1200" in page


def test_decisions_need_reasons_and_are_audited(breach, privacy_officer):
    with pytest.raises(actions.BreachError):
        actions.decide_breach(breach, actor=privacy_officer, risk_decision="risk", risk_reason=" ")
    with pytest.raises(actions.BreachError):
        actions.decide_breach(
            breach, actor=privacy_officer, risk_decision="risk", risk_reason="Niet versleuteld.",
            high_risk_decision="high", high_risk_reason="",
        )  # fmt: skip
    with pytest.raises(actions.BreachError):  # a high risk is a risk
        actions.decide_breach(
            breach, actor=privacy_officer, risk_decision="unlikely", risk_reason="x",
            high_risk_decision="high", high_risk_reason="y",
        )  # fmt: skip
    assert not AuditEntry.objects.filter(action="breach.decide").exists()
    breach.refresh_from_db()
    assert breach.risk_decision == ""
    actions.decide_breach(
        breach, actor=privacy_officer, risk_decision="risk", risk_reason="Niet versleuteld.",
        high_risk_decision="high", high_risk_reason="Adressen bij onbekenden, kans op oplichting.",
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="breach.decide")
    assert entry.new["high_risk_decision"] == "high"
    assert entry.actor == privacy_officer


def test_the_score_page_audits_the_old_and_new_values(breach, handler, client_for):
    actions.assess_breach(breach, actor=handler, dpc=1, ei=D("1"))
    response = client_for(handler).post(
        f"/breaches/{breach.pk}/assess/",
        {"dpc": "2", "ei": "1.00", "cb_confidentiality": "0.50", "cb_integrity": "0.00",
         "cb_availability": "0.00", "cb_malicious": "0.50"},
    )  # fmt: skip
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="breach.assess").order_by("-seq").first()
    assert entry.old["dpc"] == 1 and entry.new["dpc"] == 2
    assert entry.new["cb_malicious"] == "0.50"
