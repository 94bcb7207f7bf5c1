"""The statement generated from the register: every fact of the register, every Art. 13 element."""

import html

import pytest

from tests.register.test_seeds import FIXTURES, SEEDS
from waarborg.core import actions as core_actions
from waarborg.core.fields import translated
from waarborg.core.taxonomy import TermIndex
from waarborg.notices import actions, statement
from waarborg.notices.statement import humanise_duration
from waarborg.register.yamlio import import_register, register_data


def _statement(organisation, language, grouping="purpose"):
    snapshot = register_data(organisation)
    content = statement.build(snapshot, TermIndex(organisation), {"grouping": grouping}, language)
    # The HTML is compared as text: unescape entities such as &#x27;.
    return snapshot, html.unescape(statement.render(content)), statement.render_markdown(content)


@pytest.fixture
def firm(owner):
    return core_actions.create_organisation(
        actor=owner, owner=owner, name="Nieuw", privacy_email="privacy@nieuw.example"
    )


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_fact_of_the_register_is_stated(firm, owner, name, language):
    import_register(firm, (FIXTURES / name).read_text(), actor=owner)
    snapshot, page, text = _statement(firm, language)
    index = TermIndex(firm)
    parties = {p["key"]: p for p in snapshot.get("parties", [])}
    rules = {r["key"]: r for r in snapshot.get("retention_rules", [])}
    for activity in snapshot["activities"]:
        if activity["role"] == "processor":
            assert "processor" in text or "verwerker" in text
            continue
        for part in (page, text):
            assert translated(activity["purpose"], language).split("\n")[0][:60] in part
            assert index.get("legal_basis", activity["legal_basis"]).label(language) in part
            for key in activity.get("recipients", []):
                assert translated(parties[key]["name"], language) in part
                for country in [parties[key]["country"], *parties[key].get("locations", [])]:
                    term = index.get("country", country)
                    if term.adequacy != "eea":
                        assert term.label(language) in part
                if parties[key].get("transfer_mechanism"):
                    mechanism = index.get("transfer_mechanism", parties[key]["transfer_mechanism"])
                    assert mechanism.label(language) in part
            for key in activity.get("retention_rules", []):
                with __import__("django").utils.translation.override(language):
                    assert humanise_duration(rules[key]["duration"]) in part
            if activity.get("retention_note"):
                assert translated(activity["retention_note"], language) in part


ARTICLE_13 = {
    # element: (Dutch text, English text) that must appear
    "identity and contact (13(1)(a))": ("Wie wij zijn", "Who we are"),
    "purposes and legal basis (13(1)(c))": ("Grondslag", "Legal basis"),
    "legitimate interests (13(1)(d))": ("Het belang dat wij nastreven:", "The interest we pursue:"),
    "recipients (13(1)(e))": ("Wie uw gegevens ontvangt", "Who receives your data"),
    "transfers (13(1)(f))": (
        "Gegevens buiten de Europese Economische Ruimte",
        "Data outside the European Economic Area",
    ),
    "retention (13(2)(a))": ("Hoe lang wij uw gegevens bewaren", "How long we keep your data"),
    "access (13(2)(b))": ("Inzage", "Access"),
    "rectification (13(2)(b))": ("Rectificatie", "Rectification"),
    "erasure (13(2)(b))": ("Verwijdering", "Erasure"),
    "restriction (13(2)(b))": ("Beperking", "Restriction"),
    "portability (13(2)(b))": ("Overdraagbaarheid", "Portability"),
    "withdrawal of consent (13(2)(c))": ("Toestemming intrekken", "Withdrawing consent"),
    "complaint to the AP (13(2)(d))": (
        "Autoriteit Persoonsgegevens",
        "Autoriteit Persoonsgegevens",
    ),
    "statutory or contractual requirement (13(2)(e))": (
        "Moet u de gegevens verstrekken?",
        "Must you provide the data?",
    ),
    "automated decision-making (13(2)(f))": ("Geautomatiseerde besluiten", "Automated decisions"),
    "source of data (14(2)(f))": ("Waar wij de gegevens vandaan halen", "Where we get the data"),
    "cookies": ("Cookies", "Cookies"),
    "right to object, separately (21(4))": ("Uw recht van bezwaar", "Your right to object"),
    "direct marketing objection (21(2))": ("direct marketing", "direct marketing"),
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_article_13_checklist(firm, owner, language):
    text = (FIXTURES / "register_koel_ict.yaml").read_text()
    # An activity with data from others, so the source element applies.
    text = text.replace(
        "- key: showing-our-work\n",
        "- key: showing-our-work\n  source: indirect\n"
        "  source_detail: {nl: Openbare bedrijfsgegevens uit het Handelsregister, "
        "en: Public company data from the trade register}\n",
        1,
    )
    import_register(firm, text, actor=owner)
    from waarborg.register.actions import save_item
    from waarborg.register.models import ProcessingActivity
    from waarborg.register.schema import current_data

    activity = ProcessingActivity.objects.get(organisation=firm, key="assignments")
    save_item(
        "activities",
        firm,
        {
            **current_data("activities", activity),
            "legal_basis": "consent",
            "requirement": "contractual",
        },
        actor=owner,
        instance=activity,
    )
    _snapshot, page, markdown = _statement(firm, language)
    missing = [
        element
        for element, words in ARTICLE_13.items()
        if words[0 if language == "nl" else 1] not in page
        or words[0 if language == "nl" else 1] not in markdown
    ]
    assert missing == []
    assert page.index('id="objection"') > page.index('id="rights"')  # a section of its own


def test_statement_says_plainly_what_does_not_apply(firm, owner):
    import_register(firm, (FIXTURES / "register_koel_ict.yaml").read_text(), actor=owner)
    _snapshot, page, _text = _statement(firm, "nl")
    assert (
        "Wij geven uw gegevens niet door aan landen buiten de Europese Economische Ruimte." in page
    )
    assert "Wij nemen geen besluiten over u die alleen geautomatiseerd tot stand komen." in page
    assert "Toestemming intrekken" not in page  # no activity uses consent


def test_grouping_by_group_of_people(firm, owner):
    import_register(firm, (FIXTURES / "register_mainnovation.yaml").read_text(), actor=owner)
    _snapshot, page, _text = _statement(firm, "nl", grouping="group")
    assert "<h3>Websitebezoekers</h3>" in page and "<h3>Bellers</h3>" in page
    assert page.count("<h4>Google Analytics</h4>") == 1


def test_megawatt_forwards_requests_of_its_clients(firm, owner):
    import_register(firm, (FIXTURES / "register_megawatt.yaml").read_text(), actor=owner)
    _snapshot, page, _text = _statement(firm, "nl")
    assert "doorgestuurd naar de betrokken opdrachtgever" in page
    assert "Verwerkingen in opdracht van klanten" not in page  # the client's processing


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        ("P7Y", "7 jaar"),
        ("P1Y", "1 jaar"),
        ("P14M", "14 maanden"),
        ("P4W", "4 weken"),
        ("P1Y6M", "1 jaar en 6 maanden"),
        ("P0D", "direct"),
    ],
)
def test_durations_in_words(duration, text):
    from django.utils import translation

    with translation.override("nl"):
        assert humanise_duration(duration) == text


def test_completeness_check(firm, owner):
    index = TermIndex(firm)
    assert any(
        "geen verwerking" in p.message or "no processing activity" in p.message
        for p in actions.check(register_data(firm), index)
    )
    text = (FIXTURES / "register_mainnovation.yaml").read_text()
    import_register(
        firm,
        text.replace("  legal_basis: consent\n", "", 1).replace(
            "  transfer_mechanism: eu_us_dpf\n", "", 1
        ),
        actor=owner,
    )
    problems = actions.check(register_data(firm), TermIndex(firm))
    errors = [p.message for p in problems if p.level == "error"]
    assert any("Google Analytics" in m and ("grondslag" in m or "legal basis" in m) for m in errors)
    assert any("Google (Analytics en Tag Manager)" in m and "Verenigde Staten" in m for m in errors)
    warnings = [p.message for p in problems if p.level == "warning"]
    assert any("verwerkersovereenkomst" in m or "processing agreement" in m for m in warnings)


def test_a_rule_with_stages_is_written_out_in_words():
    from django.utils import translation

    from waarborg.notices.statement import _retention_text

    rule = {
        "duration": "P7Y",
        "trigger": "end_of_fiscal_year",
        "bound": "minimum",
        "legal_source": "art. 52 AWR",
        "stages": [{"duration": "P0D", "trigger": "end_of_relationship", "action": "restrict"}],
    }
    with translation.override("nl"):
        text = _retention_text(rule)
    assert text.startswith("afgeschermd aan het einde van de relatie; 7 jaar")
    assert "P7Y" not in text and "P0D" not in text
    with translation.override("en"):
        assert _retention_text(rule).startswith("restricted at the end of the relationship; 7")


SECURITY = """waarborg: 1
security_measures:
- key: disk-encryption
  name: {nl: Versleutelde laptops, en: Encrypted laptops}
  description: {nl: Alle schijven zijn versleuteld., en: Every disk is encrypted.}
  kind: technical
- key: training
  name: {nl: Jaarlijkse privacytraining, en: Yearly privacy training}
  kind: organisational
- key: old-fax
  name: {nl: Beveiligde fax, en: Secured fax}
  kind: technical
  status: retired
"""


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "nl",
            [
                "Hoe wij uw gegevens beveiligen",
                "Versleutelde laptops: Alle schijven zijn versleuteld.",
                "Jaarlijkse privacytraining",
                "Certificeringen: ISO 27001",
                "art. 32 AVG",
            ],
        ),
        (
            "en",
            [
                "How we protect your data",
                "Encrypted laptops: Every disk is encrypted.",
                "Yearly privacy training",
                "Certifications: ISO/IEC 27001",
                "Art. 32 GDPR",
            ],
        ),
    ],
)
def test_security_section_from_the_measures_and_certifications(firm, owner, language, words):
    from waarborg.processors.actions import save_processor_settings

    import_register(firm, SECURITY, actor=owner, merge=True)
    save_processor_settings(
        firm, actor=owner, certifications={"nl": "ISO 27001", "en": "ISO/IEC 27001"}
    )
    content = statement.build(actions.current_snapshot(firm), TermIndex(firm), {}, language)
    page, text = html.unescape(statement.render(content)), statement.render_markdown(content)
    for part in (page, text):
        for word in words:
            assert word in part, word
        assert "fax" not in part.lower()  # a retired measure is no longer taken
    # The technical measure under its heading, the organisational one under the other.
    technical = page.index("Technical measures" if language == "en" else "Technische maatregelen")
    arranged = page.index("within our organisation" if language == "en" else "binnen onze")
    laptops = page.index("Encrypted laptops" if language == "en" else "Versleutelde laptops")
    training = page.index("Yearly" if language == "en" else "Jaarlijkse")
    assert technical < laptops < arranged < training


def test_security_section_without_measures_still_says_art_32(firm):
    content = statement.build(actions.current_snapshot(firm), TermIndex(firm), {}, "en")
    page = html.unescape(statement.render(content))
    assert "How we protect your data" in page
    assert "Technical measures we take" not in page and "Certifications" not in page


@pytest.mark.parametrize(
    ("duration", "trigger", "groups", "nl", "en"),
    [
        (
            "P0D",
            "unsubscribed",
            ["newsletter_subscriber"],
            "tot u zich afmeldt",
            "until you unsubscribe",
        ),
        (
            "P1M",
            "unsubscribed",
            [],
            "tot u zich afmeldt, en daarna 1 maand",
            "until you unsubscribe, and 1 month after that",
        ),
        (
            "P2Y",
            "end_of_relationship",
            ["customer"],
            "zolang u klant bent, en daarna 2 jaar",
            "as long as you are a customer, and 2 years after that",
        ),
        (
            "P0D",
            "end_of_relationship",
            ["employee"],
            "zolang u bij ons werkt",
            "as long as you work for us",
        ),
        # Customers and prospects together: not every one of them is a customer.
        (
            "P2Y",
            "end_of_relationship",
            ["customer", "prospect"],
            "zolang onze relatie duurt, en daarna 2 jaar",
            "as long as our relationship lasts, and 2 years after that",
        ),
        (
            "P0D",
            "consent_withdrawn",
            [],
            "tot u uw toestemming intrekt",
            "until you withdraw your consent",
        ),
        (
            "P1Y",
            "last_contact",
            [],
            "1 jaar na uw laatste contact met ons",
            "1 year after your last contact with us",
        ),
        (
            "P4W",
            "collected",
            [],
            "4 weken nadat wij ze hebben ontvangen",
            "4 weeks after we receive it",
        ),
        (
            "P4W",
            "end_of_relationship",
            ["job_applicant"],
            "4 weken na afloop van de sollicitatieprocedure",
            "4 weeks after the application procedure ends",
        ),
        (
            "P7Y",
            "end_of_fiscal_year",
            [],
            "7 jaar na het einde van het boekjaar",
            "7 years after the end of the financial year",
        ),
    ],
)
def test_retention_is_phrased_for_its_trigger(duration, trigger, groups, nl, en):
    from django.utils import translation

    from waarborg.core.dates import kept_for

    for language, expected in (("nl", nl), ("en", en)):
        with translation.override(language):
            assert kept_for(duration, trigger, groups) == expected


def test_the_statement_says_retention_to_the_reader(firm, owner):
    from waarborg.register.yamlio import apply_starter

    apply_starter(firm, actor=owner)
    _snapshot, page, text = _statement(firm, "nl")
    assert "tot u zich afmeldt" in page and "tot u zich afmeldt" in text
    assert "vanaf het afmelden" not in page and "vanaf het einde van de relatie" not in page


SCHEME = """waarborg: 1
retention_rules:
- key: eherkenning-logs
  name: {nl: Inloggegevens eHerkenning, en: eHerkenning sign-in records}
  trigger: collected
  bound: scheme
  legal_source: het Afsprakenstelsel eHerkenning
- key: franchise
  name: {nl: Franchisedossier, en: Franchise file}
  duration: P5Y
  trigger: end_of_relationship
  bound: scheme
  legal_source: de franchiseovereenkomst
activities:
- key: portal
  name: {nl: Portaal, en: Portal}
  role: controller
  purpose: {nl: Inloggen op ons portaal, en: Signing in to our portal}
  legal_basis: contract
  data_subjects: [customer]
  retention_rules: [eherkenning-logs, franchise]
"""


def test_retention_set_by_a_scheme_is_stated_as_such(firm, owner):
    import_register(firm, SCHEME, actor=owner, merge=True)
    expected = {
        "nl": [
            "zolang het Afsprakenstelsel eHerkenning dat voorschrijft",
            "zolang u klant bent, en daarna 5 jaar (vastgelegd in de franchiseovereenkomst)",
        ],
        "en": [
            "as long as het Afsprakenstelsel eHerkenning requires",
            "as long as you are a customer, and 5 years after that"
            " (set by de franchiseovereenkomst)",
        ],
    }
    for language, texts in expected.items():
        snapshot, page, text = _statement(firm, language)
        content = statement.build(snapshot, TermIndex(firm), {}, language)
        (portal,) = [a for a in content.activities if a.key == "portal"]
        assert portal.retention == texts  # no made-up period, not called statutory
        for part in (page, text):
            assert all(t in part for t in texts)


def test_a_scheme_rule_needs_its_source_and_others_their_period(firm, owner):
    from waarborg.register.yamlio import RegisterFileError

    without_source = SCHEME.replace("  legal_source: het Afsprakenstelsel eHerkenning\n", "")
    with pytest.raises(RegisterFileError) as error:
        import_register(firm, without_source, actor=owner, merge=True)
    assert "legal_source" in str(error.value)
    statutory = SCHEME.replace(
        "  bound: scheme\n  legal_source: het", "  bound: minimum\n  legal_source: het", 1
    )
    with pytest.raises(RegisterFileError) as error:
        import_register(firm, statutory, actor=owner, merge=True)
    assert "duration" in str(error.value)


def test_the_retention_plan_deletes_nothing_on_an_unrecorded_period():
    from waarborg.core.dates import period_in_words

    assert period_in_words("", "collected") != period_in_words("P0D", "collected")


ROLES = """waarborg: 1
parties:
- key: dhl
  name: {nl: DHL Parcel, en: DHL Parcel}
  kind: recipient
  country: NL
- key: fiscus
  name: {nl: Belastingdienst (overheidsinstantie), en: Tax authority (public authority)}
  kind: authority
  country: NL
activities:
- key: shop
  name: {nl: Webwinkel, en: Web shop}
  role: controller
  purpose: {nl: Bestellingen bezorgen, en: Delivering orders}
  legal_basis: contract
  recipients: [dhl, fiscus]
"""


@pytest.mark.parametrize(
    ("language", "dhl", "fiscus"),
    [
        ("nl", "DHL Parcel (ontvanger)", "Belastingdienst (overheidsinstantie)"),
        ("en", "DHL Parcel (recipient)", "Tax authority (public authority)"),
    ],
)
def test_a_recipients_role_is_written_once(firm, owner, language, dhl, fiscus):
    import_register(firm, ROLES, actor=owner, merge=True)
    snapshot, page, text = _statement(firm, language)
    content = statement.build(snapshot, TermIndex(firm), {}, language)
    (shop,) = [a for a in content.activities if a.key == "shop"]
    assert shop.recipients == [dhl, fiscus]
    for part in (page, text):
        assert dhl in part and fiscus in part
        assert "((" not in part
        assert "verwerkingsverantwoordelijke)" not in part and "own controller" not in part
        assert part.count(fiscus.split(" (")[1].rstrip(")")) == 2  # once per list, not again
