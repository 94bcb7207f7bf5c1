"""Each rule: a register (and practice) where it fires, and the same one fixed, where it doesn't.

The cases are tables, one register item per line where that reads best.
"""
# ruff: noqa: E501

import copy
import datetime
from types import SimpleNamespace

import pytest

from waarborg.checks import engine, reference
from waarborg.checks.findings import ShippedIndex

TODAY = datetime.date(2026, 12, 1)
INDEX = ShippedIndex()


def activity(**values):
    base = {
        "key": "customers",
        "name": {"nl": "Klantbeheer", "en": "Customer management"},
        "role": "controller",
        "purpose": {"nl": "Bestellingen leveren", "en": "Delivering orders"},
        "legal_basis": "contract",
        "data_subjects": ["customer"],
        "data_categories": ["user.name", "user.contact.email"],
        "retention_rules": ["two-years"],
        "security_measures": ["passwords"],
        "reviewed_at": datetime.date(2026, 6, 1),
    }
    base.update(values)
    return base


def party(**values):
    base = {
        "key": "host",
        "name": {"nl": "Hoster"},
        "kind": "processor",
        "country": "NL",
        "locations": ["NL"],
        "agreement_signed_on": datetime.date(2025, 1, 1),
    }
    base.update(values)
    return base


def register(activities=None, parties=None, **sections):
    data = {
        "waarborg": 1,
        "organisation": {
            "name": "Firma",
            "privacy_email": "privacy@firma.example",
            "street_address": "Straat 1",
            "city": "Utrecht",
        },
        "security_measures": [{"key": "passwords", "name": {"nl": "Wachtwoorden"}, "kind": "technical"}],
        "retention_rules": [
            {"key": "two-years", "name": {"nl": "2 jaar"}, "duration": "P2Y", "trigger": "last_contact", "bound": "maximum"},
            {"key": "fiscal", "name": {"nl": "7 jaar"}, "duration": "P7Y", "trigger": "end_of_fiscal_year", "bound": "minimum"},
            {"key": "one-year", "name": {"nl": "1 jaar"}, "duration": "P1Y", "trigger": "collected", "bound": "maximum"},
            {"key": "three-years-after", "name": {"nl": "3 jaar"}, "duration": "P3Y", "trigger": "end_of_relationship", "bound": "maximum"},
        ],
        "parties": parties if parties is not None else [party()],
        "systems": [],
        "activities": activities if activities is not None else [activity(recipients=["host"])],
    }  # fmt: skip
    data.update(sections)
    return data


def operations(**values):
    base = {
        "requests": [],
        "extensions": {},
        "consent_purposes": [],
        "overdue_reviews": [],
        "last_run": None,
        "published": None,
        "cookie_scans": [],
        "banner_categories": set(),
        "dpias": [],
    }
    base.update(values)
    ops = SimpleNamespace(**base)
    ops.url = lambda kind, key: None
    return ops


def findings_of(rule_id, snapshot, ops=None, ref=None):
    context = engine.Context(
        snapshot,
        INDEX,
        reference=ref or reference.load(),
        today=TODAY,
        operations=ops,
    )
    return engine.run(context, [engine.REGISTRY[rule_id]])


def request(**values):
    base = {
        "pk": 1,
        "reference": "V-2026-001",
        "kind": "access",
        "status": "in_progress",
        "email": "jan@example.nl",
        "received_at": datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC),
        "due_on": datetime.date(2026, 12, 21),
        "extended_to": None,
        "extension_reason": "",
        "id_requested_at": None,
        "verification": "email_link",
        "outcome": "",
        "refusal_ground": "",
        "answer_note": "",
        "answered_at": None,
        "assignee_id": None,
    }
    base.update(values)
    return base


def cookie_scan(**values):
    base = {"scan": 7, "website": "https://www.firma.example/", "finished_at": None, "banner_found": True, "before_choice": [], "categories": [], "unknown": [], "hosts": []}  # fmt: skip
    base.update(values)
    return base


def published(snapshot, number=3):
    return SimpleNamespace(number=number, snapshot={"register": copy.deepcopy(snapshot)})


def breach(**values):
    base = {
        "pk": 3,
        "reference": "DL-2026-003",
        "deadline": datetime.datetime(2026, 11, 28, 16, 0, tzinfo=datetime.UTC),
        "notified_at": None,
        "risk_decision": "risk",
        "high_risk_decision": "",
        "delay_reason": "",
        "communication": "",
        "description": "Laptop gestolen.",
        "consequences": "Kans op oplichting.",
        "measures_taken": "Wachtwoorden gewijzigd.",
        "measures_planned": "",
    }
    base.update(values)
    return base


NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
DPF_PARTY = {"transfer_mechanism": "eu_us_dpf", "country": "US", "locations": ["US"]}
MARKETING = {
    "key": "mailing",
    "purpose_terms": ["dpv:DirectMarketing"],
    "legal_basis": "legitimate_interests",
    "legal_basis_detail": {"nl": "Ons belang; afmelden kan altijd."},
    "data_subjects": ["prospect"],
}
CALLING = {
    **MARKETING,
    "key": "calls",
    "purpose": {"nl": "Belangstellenden bellen over onze diensten"},
    "data_categories": ["user.name", "user.contact.phone_number"],
}
ANALYTICS = {
    "key": "stats",
    "purpose_terms": ["dpv:ServiceUsageAnalytics"],
    "legal_basis": "legitimate_interests",
    "legal_basis_detail": {"nl": "Ons belang bij een goede website."},
    "data_subjects": ["visitor"],
    "data_categories": ["user.device.cookie_id", "user.behavior.browsing_history"],
}
BANNER = {
    "key": "statistieken",
    "name": {"nl": "Statistieken"},
    "channel": "cookie",
    "mechanism": "opt_in",
    "direct_marketing": False,
    "activity__key": "stats",
}
BASE = register()
SCREENED = {"dpia_screened_on": datetime.date(2026, 11, 2)}


def dpia(**values):
    base = {
        "pk": 7,
        "title": "Camera",
        "status": "signed",
        "version": 1,
        "signed_on": datetime.date(2026, 6, 1),
        "review_on": datetime.date(2027, 6, 1),
        "decision": "accept",
        "residual_high": False,
        "signed_versions": {"customers": 3},
        "activities": {"customers": 3},
    }
    base.update(values)
    return base


# (rule, the register where it fires, the register where it does not, practice)
CASES = [
    (
        "organisation.contact",
        register(organisation={"name": "Firma"}),
        BASE,
        None,
    ),
    (
        "organisation.address",
        register(organisation={"name": "Firma", "privacy_email": "p@firma.example"}),
        BASE,
        None,
    ),
    (
        "organisation.dpo_contact",
        register(organisation={**BASE["organisation"], "dpo_name": "Mr. FG"}),
        register(
            organisation={
                **BASE["organisation"],
                "dpo_name": "Mr. FG",
                "dpo_email": "fg@firma.example",
            }
        ),
        None,
    ),
    ("activity.no_purpose", register([activity(purpose={"nl": " "})]), BASE, None),
    ("activity.no_legal_basis", register([activity(legal_basis="")]), BASE, None),
    (
        "activity.legal_obligation_without_statute",
        register([activity(legal_basis="legal_obligation")]),
        register(
            [activity(legal_basis="legal_obligation", legal_basis_detail={"nl": "art. 52 AWR"})]
        ),
        None,
    ),
    (
        "activity.interest_not_described",
        register([activity(legal_basis="legitimate_interests")]),
        register(
            [
                activity(
                    legal_basis="legitimate_interests",
                    legal_basis_detail={"nl": "Fraude voorkomen"},
                )
            ]
        ),
        None,
    ),
    (
        "activity.special_without_ground",
        register([activity(data_categories=["user.health_and_medical"])]),
        register(
            [activity(data_categories=["user.health_and_medical"], art9_ground="employment_law")]
        ),
        None,
    ),
    (
        "activity.national_id_without_statute",
        register([activity(data_categories=["user.government_id.national_identification_number"])]),
        register(
            [
                activity(
                    data_categories=["user.government_id.national_identification_number"],
                    legal_basis="legal_obligation",
                    legal_basis_detail={"nl": "Wet op de loonbelasting 1964, art. 28"},
                )
            ]
        ),
        None,
    ),
    (
        "activity.criminal_without_basis",
        register(
            [
                activity(
                    data_categories=["user.criminal_history"], legal_basis_detail={"nl": "nodig"}
                )
            ]
        ),
        register(
            [
                activity(
                    data_categories=["user.criminal_history"],
                    legal_basis_detail={"nl": "VOG, UAVG art. 33 lid 5"},
                )
            ]
        ),
        None,
    ),
    ("activity.no_retention", register([activity(retention_rules=[])]), BASE, None),
    (
        "activity.vague_retention",
        register([activity(retention_rules=[], retention_note={"nl": "Zolang nodig."})]),
        register(
            [
                activity(
                    retention_rules=[], retention_note={"nl": "Tot 2 jaar na het laatste contact."}
                )
            ]
        ),
        None,
    ),
    (
        "system.no_retention",
        register(systems=[{"key": "crm", "name": {"nl": "CRM"}, "data_categories": ["user.name"]}]),
        register(
            systems=[
                {
                    "key": "crm",
                    "name": {"nl": "CRM"},
                    "data_categories": ["user.name"],
                    "retention_rules": ["two-years"],
                }
            ]
        ),
        None,
    ),
    (
        "retention.financial_minimum",
        register(
            [activity(data_categories=["user.financial.invoice"], retention_rules=["two-years"])]
        ),
        register(
            [
                activity(
                    data_categories=["user.financial.invoice"],
                    retention_rules=["two-years", "fiscal"],
                )
            ]
        ),
        None,
    ),
    (
        "retention.above_ap_reference",
        register([activity(data_subjects=["job_applicant"], retention_rules=["one-year"])]),
        register(
            [
                activity(
                    data_subjects=["job_applicant"],
                    retention_rules=["one-year"],
                    legal_basis="consent",
                )
            ]
        ),
        None,
    ),
    (
        "activity.no_data_categories",
        register([activity(data_categories=[])]),
        BASE,
        None,
    ),
    (
        "activity.no_data_subjects",
        register([activity(data_subjects=[])]),
        BASE,
        None,
    ),
    (
        "activity.incomplete_record",
        register([activity(security_measures=[])]),
        BASE,
        None,
    ),
    (
        "activity.not_reviewed",
        register([activity(reviewed_at=datetime.date(2025, 6, 1))]),
        BASE,
        None,
    ),
    (
        "security.review_overdue",
        register(
            security_measures=[
                {
                    "key": "wifi",
                    "name": {"nl": "Wifi"},
                    "kind": "technical",
                    "review_interval": "P3M",
                    "last_reviewed": datetime.date(2026, 6, 1),
                }
            ]
        ),
        register(
            security_measures=[
                {
                    "key": "wifi",
                    "name": {"nl": "Wifi"},
                    "kind": "technical",
                    "review_interval": "P3M",
                    "last_reviewed": datetime.date(2026, 10, 1),
                }
            ]
        ),
        None,
    ),
    (
        "processor.no_agreement",
        register(parties=[party(agreement_signed_on=None)]),
        BASE,
        None,
    ),
    (
        "processor.sub_processor_not_authorised",
        register(
            parties=[
                party(agreement_signed_on=None, sub_processors=["mail"]),
                party(key="mail", kind="sub_processor"),
            ]
        ),
        register(parties=[party(sub_processors=["mail"]), party(key="mail", kind="sub_processor")]),
        None,
    ),
    (
        "transfer.privacy_shield",
        register(parties=[party(**{**DPF_PARTY, "transfer_mechanism": "privacy_shield"})]),
        register(parties=[party(**DPF_PARTY, dpf_checked_on=datetime.date(2026, 10, 1))]),
        None,
    ),
    (
        "transfer.privacy_shield_text",
        register(parties=[party(description={"nl": "Gecertificeerd onder het Privacy Shield."})]),
        register(parties=[party(description={"nl": "Het Privacy Shield is sinds 2020 ongeldig."})]),
        None,
    ),
    (
        "transfer.dpf_not_certified",
        register(parties=[party(**DPF_PARTY)]),
        register(parties=[party(**DPF_PARTY, dpf_checked_on=datetime.date(2026, 10, 1))]),
        None,
    ),
    (
        "transfer.dpf_check_old",
        register(parties=[party(**DPF_PARTY, dpf_checked_on=datetime.date(2025, 10, 1))]),
        register(parties=[party(**DPF_PARTY, dpf_checked_on=datetime.date(2026, 10, 1))]),
        None,
    ),
    (
        "transfer.dpf_outside_us",
        register(parties=[party(**{**DPF_PARTY, "locations": ["US", "SG"]}, dpf_checked_on=TODAY)]),
        register(
            parties=[party(**{**DPF_PARTY, "locations": ["US", "IE", "JP"]}, dpf_checked_on=TODAY)]
        ),
        None,
    ),
    (
        "transfer.old_scc",
        register(parties=[party(country="IN", locations=["IN"], transfer_mechanism="scc_2010")]),
        register(
            parties=[
                party(
                    country="IN",
                    locations=["IN"],
                    transfer_mechanism="scc_2021",
                    transfer_assessment_on=TODAY,
                )
            ]
        ),
        None,
    ),
    (
        "transfer.no_mechanism",
        register(parties=[party(locations=["NL", "SG"])]),
        register(parties=[party(locations=["NL", "GB"])]),
        None,
    ),
    (
        "transfer.scc_without_assessment",
        register(parties=[party(country="IN", locations=["IN"], transfer_mechanism="scc_2021")]),
        register(
            parties=[
                party(
                    country="IN",
                    locations=["IN"],
                    transfer_mechanism="scc_2021",
                    transfer_assessment_on=TODAY,
                )
            ]
        ),
        None,
    ),
    (
        "consent.withdrawal_harder",
        register(
            [
                activity(
                    legal_basis="consent",
                    legal_basis_detail={"nl": "Intrekken kan schriftelijk per brief."},
                )
            ]
        ),
        register(
            [
                activity(
                    legal_basis="consent",
                    legal_basis_detail={"nl": "Aanvinken; intrekken met de link in elke e-mail."},
                )
            ]
        ),
        None,
    ),
    (
        "consent.by_use",
        register(
            [
                activity(
                    legal_basis="consent",
                    legal_basis_detail={"nl": "Door het invullen van het formulier."},
                )
            ]
        ),
        register(
            [
                activity(
                    legal_basis="consent",
                    legal_basis_detail={"nl": "Een los vinkje bij het formulier."},
                )
            ]
        ),
        None,
    ),
    (
        "marketing.email_without_consent",
        register([activity(**MARKETING)]),
        register([activity(**{**MARKETING, "data_subjects": ["customer"]})]),
        None,
    ),
    (
        "marketing.soft_opt_in",
        register(
            [
                activity(
                    **{
                        **MARKETING,
                        "data_subjects": ["customer"],
                        "legal_basis_detail": {"nl": "Ons belang."},
                    }
                )
            ]
        ),
        register([activity(**{**MARKETING, "data_subjects": ["customer"]})]),
        None,
    ),
    (
        "marketing.telemarketing",
        register([activity(**CALLING, subject_type="natural_persons")]),
        register([activity(**CALLING, subject_type="businesses")]),
        None,
    ),
    (
        "marketing.telemarketing_unknown",
        register([activity(**CALLING)]),
        register([activity(**{**CALLING, "data_subjects": ["customer"]})]),
        None,
    ),
    ("statement.no_activity", register([]), BASE, None),
    (
        "dpia.not_screened",
        register([activity(), activity(key="old", dpia="not_needed")]),
        register(
            [
                activity(dpia="not_needed", **SCREENED),
                activity(key="payroll", role="processor", controller="host"),
            ]
        ),
        None,
    ),
    (
        "dpia.needed_not_signed",
        register([activity(dpia="needed", **SCREENED)]),
        register(
            [
                activity(dpia="done", dpia_done_on=TODAY, **SCREENED),
                activity(key="b", dpia="advisable", **SCREENED),
            ]
        ),
        None,
    ),
    (
        "activity.source_not_named",
        register([activity(source="indirect")]),
        register([activity(source="indirect", source_detail={"nl": "Van de KvK"})]),
        None,
    ),
    (
        "activity.requirement_without_consequence",
        register([activity(requirement="contractual")]),
        register(
            [
                activity(
                    requirement="contractual",
                    requirement_consequence={"nl": "Zonder adres geen levering."},
                )
            ]
        ),
        None,
    ),
    (
        "statement.no_english",
        register([activity(name={"nl": "Klantbeheer"})]),
        BASE,
        None,
    ),
    (
        "cookies.analytics_exempt",
        register(
            [activity(**ANALYTICS, recipients=["google"])],
            parties=[party(key="google", kind="recipient")],
        ),
        register([activity(**ANALYTICS, recipients=["host"])]),
        None,
    ),
    (
        "cookies.third_party_not_named",
        register(parties=[party()]),
        register(parties=[party(web_domains=["youtube.com"])]),
        operations(
            cookie_scans=[cookie_scan(hosts=[{"host": "www.youtube.com", "passes": ["accepted"]}])]
        ),
    ),
]

OPERATION_CASES = [
    (
        "dpia.review_overdue",
        BASE,
        operations(dpias=[dpia(review_on=datetime.date(2026, 11, 30))]),
        operations(dpias=[dpia(), dpia(status="draft", review_on=datetime.date(2026, 1, 1))]),
    ),
    (
        "dpia.activity_changed",
        BASE,
        operations(dpias=[dpia(activities={"customers": 4})]),
        operations(dpias=[dpia(), dpia(status="draft", activities={"customers": 4})]),
    ),
    (
        "dpia.high_residual_risk",
        BASE,
        operations(dpias=[dpia(residual_high=True, decision="change")]),
        operations(dpias=[dpia(residual_high=True, decision="consult"), dpia()]),
    ),
    (
        "breach.not_notified",
        BASE,
        operations(now=NOW, breaches=[breach()]),
        operations(now=NOW, breaches=[breach(notified_at=NOW), breach(pk=4, risk_decision="unlikely"), breach(pk=5, delay_reason="De politie vroeg te wachten."), breach(pk=6, deadline=NOW + datetime.timedelta(hours=5))]),
    ),
    (
        "breach.people_not_informed",
        BASE,
        operations(breaches=[breach(high_risk_decision="high", notified_at=NOW)]),
        operations(breaches=[breach(high_risk_decision="high", communication="exempt"), breach(pk=4, high_risk_decision="not_high")]),
    ),
    (
        "breach.record_incomplete",
        BASE,
        operations(breaches=[breach(consequences=" ", measures_taken="")]),
        operations(breaches=[breach(measures_taken="", measures_planned="Versleuteling.")]),
    ),
    (
        "consent.no_ledger_purpose",
        register([activity(legal_basis="consent")]),
        operations(),
        operations(consent_purposes=[{**BANNER, "channel": "email", "activity__key": "customers"}]),
    ),
    (
        "cookies.not_in_statement",
        register([activity(**{**ANALYTICS, "legal_basis": "consent"})]),
        operations(consent_purposes=[BANNER], published=published(register([activity()]))),
        operations(
            consent_purposes=[BANNER],
            published=published(register([activity(**{**ANALYTICS, "legal_basis": "consent"})])),
        ),
    ),
    (
        "cookies.basis_contradicts_banner",
        register([activity(**ANALYTICS)]),
        operations(consent_purposes=[BANNER]),
        operations(consent_purposes=[{**BANNER, "mechanism": "opt_out"}]),
    ),
    (
        "cookies.set_before_choice",
        BASE,
        operations(cookie_scans=[cookie_scan(before_choice=[{"name": "_ga", "kind": "cookie", "category": "analytics", "passes": ["first", "accepted"], "platform": "Google Analytics"}])]),
        operations(cookie_scans=[cookie_scan()]),
    ),
    (
        "cookies.category_not_asked",
        BASE,
        operations(cookie_scans=[cookie_scan(categories=["analytics", "marketing"])], banner_categories={"analytics"}),
        operations(cookie_scans=[cookie_scan(categories=["analytics", "marketing"])], banner_categories={"analytics", "marketing"}),
    ),
    (
        "cookies.unknown",
        BASE,
        operations(cookie_scans=[cookie_scan(unknown=["shop_pref"])]),
        operations(cookie_scans=[cookie_scan()]),
    ),
    (
        "request.overdue",
        BASE,
        operations(requests=[request(due_on=datetime.date(2026, 11, 30))]),
        operations(requests=[request(due_on=datetime.date(2026, 11, 30), status="answered")]),
    ),
    (
        "request.due_soon",
        BASE,
        operations(requests=[request(due_on=datetime.date(2026, 12, 7))]),
        operations(requests=[request(due_on=datetime.date(2026, 12, 21))]),
    ),
    (
        "request.extension_late",
        BASE,
        operations(
            requests=[request(due_on=datetime.date(2026, 11, 20), extended_to=datetime.date(2027, 1, 20), extension_reason="Veel systemen")],
            extensions={1: datetime.date(2026, 11, 25)},
        ),
        operations(
            requests=[request(due_on=datetime.date(2026, 11, 20), extended_to=datetime.date(2027, 1, 20), extension_reason="Veel systemen")],
            extensions={1: datetime.date(2026, 11, 10)},
        ),
    ),
    (
        "request.extension_without_reasons",
        BASE,
        operations(requests=[request(extended_to=datetime.date(2027, 2, 21))]),
        operations(requests=[request(extended_to=datetime.date(2027, 2, 21), extension_reason="Veel systemen")]),
    ),
    (
        "request.refusal_without_reasons",
        BASE,
        operations(requests=[request(status="answered", outcome="refused")]),
        operations(requests=[request(status="answered", outcome="refused", refusal_ground="excessive", answer_note="Derde verzoek deze maand.")]),
    ),
    (
        "request.id_copy_first",
        BASE,
        operations(requests=[request(id_requested_at=datetime.datetime(2026, 11, 20, 11, 0, tzinfo=datetime.UTC))]),
        operations(requests=[request(id_requested_at=datetime.datetime(2026, 11, 27, 11, 0, tzinfo=datetime.UTC))]),
    ),
    (
        "retention.past_period",
        BASE,
        operations(last_run=SimpleNamespace(pk=4, items=[{"rule": "two-years", "system": "crm", "collection": "contacts", "due": 12, "skipped": "the table is missing"}])),
        operations(last_run=SimpleNamespace(pk=4, items=[{"rule": "two-years", "system": "crm", "collection": "contacts", "due": 12, "rows": 12}])),
    ),
    (
        "retention.review_overdue",
        BASE,
        operations(overdue_reviews=[{"pk": 1, "due_on": datetime.date(2026, 11, 1), "system__key": "portal", "system__name": {"nl": "Portaal"}, "rule__key": "two-years"}]),
        operations(),
    ),
    (
        "statement.not_published",
        BASE,
        operations(),
        operations(published=published(BASE)),
    ),
    (
        "statement.out_of_date",
        register([activity(recipients=["host"], retention_rules=["one-year"])]),
        operations(published=published(BASE)),
        operations(published=published(register([activity(recipients=["host"], retention_rules=["one-year"])]))),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rule_id", "fires", "clean", "ops"), CASES, ids=[c[0] for c in CASES])
def test_register_rule(rule_id, fires, clean, ops):
    found = findings_of(rule_id, fires, ops)
    assert found and all(f.rule.id == rule_id for f in found)
    assert all(f.message and f.rule.article for f in found)
    assert findings_of(rule_id, clean, ops) == []


@pytest.mark.parametrize(
    ("rule_id", "snapshot", "fires", "clean"), OPERATION_CASES, ids=[c[0] for c in OPERATION_CASES]
)
def test_practice_rule(rule_id, snapshot, fires, clean):
    assert [f.rule.id for f in findings_of(rule_id, snapshot, fires)] == [rule_id]
    assert findings_of(rule_id, snapshot, clean) == []


def test_practice_rules_do_not_run_on_a_file_alone():
    assert findings_of("request.overdue", BASE, None) == []
    assert findings_of("statement.not_published", BASE, None) == []


def test_every_rule_has_a_case_and_cites_the_law():
    tested = {c[0] for c in CASES} | {c[0] for c in OPERATION_CASES}
    untested = set(engine.REGISTRY) - tested - {"reference.stale", "transfer.dpf_invalid"}
    assert untested == set()
    for current in engine.REGISTRY.values():
        assert current.severity in engine.SEVERITIES
        assert current.area in engine.AREAS
        assert current.article and str(current.title) and str(current.explanation)


def test_reference_tables_older_than_a_year_are_named():
    fresh = reference.load()
    stale = copy.deepcopy(fresh)
    stale["scc"]["checked_on"] = datetime.date(2025, 11, 1)
    found = findings_of("reference.stale", BASE, ref=stale)
    assert [f.key for f in found] == ["scc"]
    assert "1 november 2025" in found[0].message or "1 November 2025" in found[0].message
    assert findings_of("reference.stale", BASE, ref=fresh) == []


def test_dpf_marked_invalid_in_the_reference_data_fails_every_dpf_party():
    ref = copy.deepcopy(reference.load())
    snapshot = register(parties=[party(**DPF_PARTY, dpf_checked_on=TODAY)])
    assert findings_of("transfer.dpf_invalid", snapshot, ref=ref) == []
    ref["dpf"]["valid"] = False
    assert [f.key for f in findings_of("transfer.dpf_invalid", snapshot, ref=ref)] == ["host"]


def test_a_transfer_rule_names_the_countries_in_words():
    snapshot = register(
        parties=[party(**{**DPF_PARTY, "locations": ["US", "SG"]}, dpf_checked_on=TODAY)]
    )
    (finding,) = findings_of("transfer.dpf_outside_us", snapshot)
    assert "Singapore" in finding.message and "SG" not in finding.message


def test_processor_role_needs_the_clients_authorisation_for_our_sub_processors():
    client = party(key="client", kind="client_controller", agreement_signed_on=None)
    work = activity(key="for-client", role="processor", controller="client", recipients=["host"])
    found = findings_of(
        "processor.sub_processor_not_authorised", register([work], parties=[client, party()])
    )
    assert [(f.kind, f.key, f.part) for f in found] == [("activities", "for-client", "host")]


def test_statement_out_of_date_when_a_linked_rule_changes_its_period():
    before = register()
    after = copy.deepcopy(before)
    after["retention_rules"][0]["duration"] = "P5Y"  # two-years, linked to the activity
    (finding,) = findings_of(
        "statement.out_of_date", after, operations(published=published(before))
    )
    assert finding.key == "customers"
    assert (
        findings_of("statement.out_of_date", before, operations(published=published(before))) == []
    )


def test_soft_opt_in_for_products_of_others():
    offers = {
        **MARKETING,
        "data_subjects": ["customer"],
        "purpose": {"nl": "Aanbiedingen van onze partners mailen"},
    }
    found = findings_of("marketing.soft_opt_in", register([activity(**offers)]))
    assert [f.part for f in found] == ["products"]


def test_a_country_in_a_finding_takes_its_article():
    from django.utils import translation

    snapshot = register(
        parties=[party(**{**DPF_PARTY, "locations": ["US", "PH"]}, dpf_checked_on=TODAY)]
    )
    with translation.override("nl"):
        [found] = findings_of("transfer.dpf_outside_us", snapshot)
        assert "verwerkt ook in de Filipijnen," in found.message
    with translation.override("en"):
        [found] = findings_of("transfer.dpf_outside_us", snapshot)
        assert "processes in the Philippines," in found.message


def test_an_activity_without_groups_of_people_says_what_to_do_in_both_languages():
    from django.utils import translation

    snapshot = register([activity(data_subjects=[])])
    rule = engine.REGISTRY["activity.no_data_subjects"]
    assert rule.field == "data_subjects" and rule.statement == "warning"
    with translation.override("nl"):
        [found] = findings_of("activity.no_data_subjects", snapshot)
        assert "kies onder 'Van wie'" in found.message
        assert "Van wie" in str(rule.explanation)
    with translation.override("en"):
        [found] = findings_of("activity.no_data_subjects", snapshot)
        assert "under 'Whose data'" in found.message
    # a processor's activity (Art. 30(2)) is not asked for them
    processing = register([activity(data_subjects=[], role="processor", controller="host")])
    assert findings_of("activity.no_data_subjects", processing) == []
