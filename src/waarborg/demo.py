"""The demo: a fictional Dutch installation firm and a physiotherapy practice it advises.

Every row is made through the same actions the product uses, so the demo's audit trail is real.
Later parts of Waarborg add their content here (register, requests, consent, retention).
"""

from pathlib import Path

from waarborg.core import actions
from waarborg.core.models import Role
from waarborg.register import actions as register_actions
from waarborg.register.schema import current_data
from waarborg.register.yamlio import apply_starter, import_register

DEMO_REGISTER = Path(__file__).parent / "data" / "demo_register.yaml"
DEMO_CLIENT_WORK = Path(__file__).parent / "data" / "demo_client_work.yaml"
DEMO_HOSTING = Path(__file__).parent / "data" / "demo_hosting.yaml"
# Which processors each starter activity of the demo firm uses.
RECIPIENTS = {
    "customer-administration": (["exact", "microsoft"], ["boekhouding", "mailbox", "webshop"]),
    "financial-administration": (["exact", "belastingdienst"], ["boekhouding"]),
    "newsletter": (["laposta"], ["nieuwsbrief"]),
    "contact": (["microsoft"], ["mailbox"]),
    "telephony": (["routit"], ["telefooncentrale"]),
    "recruitment": (["microsoft"], ["mailbox"]),
}

DEMO_PASSWORD = "demo-waarborg"  # noqa: S105 (printed on the console on purpose)
# The owner's authenticator app: the demo firm requires a second factor of every member, as
# every new organisation does. Printed on the console, like the password.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPWAARBORGDEMO2345"  # noqa: S105

FIRM = {
    "name": "Van Dijk Installatietechniek B.V.",
    "slug": "van-dijk",
    "legal_form": "B.V.",
    "kvk_number": "87654321",
    "street_address": "Kanaalweg 14",
    "postal_code": "3526 KL",
    "city": "Utrecht",
    "privacy_email": "privacy@vandijk-installatie.example",
    "phone": "+31 30 123 4567",
    "website": "https://vandijk-installatie.example",
}
PRACTICE = {
    "name": "Fysiotherapie De Linde",
    "slug": "de-linde",
    "legal_form": "Eenmanszaak",
    "kvk_number": "76543210",
    "street_address": "Lindelaan 3",
    "postal_code": "6821 AB",
    "city": "Arnhem",
    "privacy_email": "praktijk@delinde.example",
}
PEOPLE = [
    ("anna@vandijk-installatie.example", "Anna de Vries", Role.OWNER),
    ("bram@vandijk-installatie.example", "Bram Jansen", Role.HANDLER),
    ("chris@vandijk-installatie.example", "Chris Bakker", Role.VIEWER),
]


def build(mail_server=None):
    """Create the demo organisations and logins; return (e-mail, password, role, recovery
    codes) per login: the owner has an authenticator app (DEMO_TOTP_SECRET) and recovery
    codes, the others set up theirs on signing in. `mail_server`: the demo's own dovecot
    (documents.demo_files), whose mailbox is connected beside the shared folder."""
    from waarborg.signin.actions import activate_totp

    users = {
        email: actions.create_user(email=email, password=DEMO_PASSWORD, name=name)
        for email, name, _ in PEOPLE
    }
    owner = users[PEOPLE[0][0]]
    firm = actions.create_organisation(actor=owner, owner=owner, **FIRM)
    for email, _, role in PEOPLE[1:]:
        actions.add_member(firm, actor=owner, user=users[email], role=role)
    # The owner also keeps the register of a client practice: two organisations, one login.
    actions.create_organisation(actor=owner, owner=owner, **PRACTICE)
    actions.mark_active(firm.memberships.get(user=owner))
    build_register(firm, owner)
    build_sources(firm, owner)
    build_consent(firm, owner)
    build_requests(firm, owner, users)
    build_documents(firm, owner, users[PEOPLE[1][0]], mail_server)
    build_website(firm, owner)
    build_dpia(firm, owner)
    build_breach(firm, owner, users[PEOPLE[1][0]])
    build_processors(firm, owner)
    build_statement(firm, owner)
    codes = activate_totp(owner, secret=DEMO_TOTP_SECRET)
    return [
        (email, DEMO_PASSWORD, role.label, codes if users[email] == owner else [])
        for email, _, role in PEOPLE
    ]


def build_register(firm, owner):
    """The starter set, the firm's own processors and systems, and the links between them."""
    from waarborg.register.models import ProcessingActivity

    apply_starter(firm, actor=owner)
    import_register(firm, DEMO_REGISTER.read_text(encoding="utf-8"), actor=owner, merge=True)
    for key, (recipients, systems) in RECIPIENTS.items():
        activity = ProcessingActivity.objects.get(organisation=firm, key=key)
        data = {
            **current_data("activities", activity),
            "recipients": recipients,
            "systems": systems,
        }
        register_actions.save_item("activities", firm, data, actor=owner, instance=activity)


def build_sources(firm, owner):
    """The demo web shop database, connected to the system `webshop`."""
    from django.conf import settings

    from waarborg.register.models import System
    from waarborg.sources import actions as source_actions
    from waarborg.sources import demo_shop

    folder = Path(settings.DATA_DIR) / "sources"  # the demo's WAARBORG_SOURCE_SQLITE_DIRS
    folder.mkdir(mode=0o700, exist_ok=True)
    path = demo_shop.build(folder / "webshop.sqlite3")
    source_actions.connect_source(
        firm,
        System.objects.get(organisation=firm, key="webshop"),
        actor=owner,
        url=f"sqlite:///{path}",
        annotation=demo_shop.ANNOTATION.read_text(encoding="utf-8"),
    )


CONSENT_PURPOSES = [
    # key, name nl/en, channel, mechanism, direct marketing, consumers, wording nl/en, activity
    (
        "nieuwsbrief",
        ("Nieuwsbrief", "Newsletter"),
        "email",
        "opt_in",
        True,
        True,
        (
            "Ja, stuur mij de maandelijkse nieuwsbrief met onderhoudstips en acties.",
            "Yes, send me the monthly newsletter with maintenance tips and offers.",
        ),
        "newsletter",
    ),
    (
        "belacties",
        ("Telefonische acties", "Phone offers"),
        "phone",
        "opt_out",
        True,
        False,
        (
            "Klanten bellen we soms over een onderhoudsbeurt; bezwaar maken kan altijd.",
            "We sometimes call customers about a service visit; you can always object.",
        ),
        "service-offers",
    ),
    (
        "noodzakelijk",
        ("Noodzakelijke cookies", "Necessary cookies"),
        "cookie",
        "notice",
        False,
        False,
        ("Om de website te laten werken.", "To make the website work."),
        None,
    ),
    (
        "statistiek",
        ("Statistieken", "Statistics"),
        "cookie",
        "opt_in",
        False,
        False,
        ("Om te tellen hoe de website wordt gebruikt.", "To count how the website is used."),
        "website-statistics",
    ),
]


def build_consent(firm, owner):
    """Consent purposes: the newsletter (double opt-in), phone offers, and cookies."""
    from waarborg.consent.actions import save_purpose
    from waarborg.register.models import ProcessingActivity

    categories = {"noodzakelijk": "necessary", "statistiek": "analytics"}
    for key, name, channel, mechanism, marketing, consumers, wording, activity in CONSENT_PURPOSES:
        save_purpose(
            firm,
            actor=owner,
            key=key,
            name={"nl": name[0], "en": name[1]},
            channel=channel,
            mechanism=mechanism,
            direct_marketing=marketing,
            cookie_category=categories.get(key, ""),
            consumers=consumers,
            wording={"nl": wording[0], "en": wording[1]},
            activity=ProcessingActivity.objects.filter(organisation=firm, key=activity).first(),
        )


def build_requests(firm, owner, users):
    """The work the firm does for a housing corporation (requests about it are forwarded), and
    requests in several states, each of the seven kinds, in Dutch and English: one waiting for
    the person's confirmation, one ready to erase in the web shop, one overdue correction, a
    direct-marketing objection by phone, a restriction by letter, a mismatch of a claimed
    customer number, a withdrawal by a business customer and a portability request."""
    from datetime import timedelta

    from django.utils import timezone

    from waarborg.requests import actions as request_actions
    from waarborg.requests.models import Verification

    import_register(firm, DEMO_CLIENT_WORK.read_text(encoding="utf-8"), actor=owner, merge=True)
    handler = users[PEOPLE[1][0]]
    now = timezone.now()
    request_actions.create_request(
        firm,
        actor=None,
        kind="access",
        channel="web",
        name="Jan de Jong",
        email="jan.dejong@example.nl",
        language="nl",
        description="Welke gegevens hebben jullie van mij?",
        received_at=now - timedelta(days=2),
    )
    erasure = request_actions.create_request(
        firm,
        actor=handler,
        kind="erasure",
        channel="email",
        name="Jan de Jong",
        email="jan.dejong@example.nl",
        customer_number="K-1001",
        language="nl",
        description="Ik ben verhuisd en wil geen klant meer zijn. Wis mijn gegevens.",
        received_at=now - timedelta(days=9),
    )
    request_actions.verify_request(
        erasure,
        actor=handler,
        method=Verification.STAFF,
        note="Teruggebeld op bekend nummer",
        identifiers=["email", "phone_number"],
    )
    request_actions.assign_request(erasure, actor=owner, assignee=handler)
    late = request_actions.create_request(
        firm,
        actor=handler,
        kind="rectification",
        channel="letter",
        name="Emma Visser",
        email="emma.visser@example.nl",
        language="en",
        description="My address is wrong on the invoices: it is Dorpsstraat 12, Houten.",
        received_at=now - timedelta(days=36),
    )
    request_actions.verify_request(
        late,
        actor=handler,
        method=Verification.STAFF,
        note="Brief met handtekening, bekend adres",
        identifiers=["email"],
    )
    request_actions.create_request(
        firm,
        actor=handler,
        kind="objection",
        channel="phone",
        name="Henk Smit",
        phone="+31 6 12345678",
        postal_address="Lindelaan 4\n3991 CD Houten",
        language="nl",
        direct_marketing=True,
        description="Wil niet meer gebeld worden over onderhoudsacties.",
        received_at=now - timedelta(days=1),
    )
    # a letter without an e-mail address: every letter goes by post, printed as PDF
    request_actions.create_request(
        firm,
        actor=handler,
        kind="restriction",
        channel="letter",
        name="Kees Bakker",
        postal_address="Kanaalweg 8\n3526 KL Utrecht",
        customer_number="K-1007",
        restriction_ground="accuracy",
        language="nl",
        description="Mijn factuuradres klopt niet; gebruik mijn gegevens niet tot het is opgelost.",
        received_at=now - timedelta(days=3),
    )
    # a mismatch: verified from a new address, quoting another customer's number (K-1002 is
    # klant2@example.nl in the web shop): the look-up stops and the request page warns, and
    # nothing of that customer is looked up or sent until staff decide
    mismatch = request_actions.create_request(
        firm,
        actor=None,
        kind="access",
        channel="web",
        name="P. de Boer",
        email="p.deboer@example.org",
        customer_number="K-1002",
        language="nl",
        description="Mijn klantnummer is K-1002. Stuur mij alles wat jullie van mij hebben.",
        received_at=now - timedelta(days=4),
    )
    request_actions.verify_request(
        mismatch, actor=None, method=Verification.EMAIL_LINK, note="link aangeklikt"
    )
    # checked at verification: the claimed customer number finds another address, and the
    # request page says so before anyone looks anything up
    # withdrawal of consent, in English, from a business customer (company fields)
    request_actions.create_request(
        firm,
        actor=None,
        kind="withdrawal",
        channel="web",
        name="Lisa Mulder",
        email="lisa@mulder-advies.example",
        company_name="Mulder Advies",
        kvk_number="12345678",
        company_address="Stationsplein 1\n3511 ED Utrecht",
        language="en",
        description="Please stop sending me the newsletter and phone offers.",
        received_at=now - timedelta(hours=20),
    )
    # portability straight to the new supplier the customer names (Art. 20(2))
    request_actions.create_request(
        firm,
        actor=None,
        kind="portability",
        channel="web",
        name="Sanne Jansen",
        email="klant12@example.nl",
        language="en",
        transmit_to="Nieuwe Installateur B.V.",
        transmit_email="overstap@nieuwe-installateur.example",
        received_at=now - timedelta(hours=5),
    )


def build_documents(firm, owner, handler, mail_server=None):
    """The shared folder and (with dovecot) the mailbox of the system `mailbox`, indexed, and
    an access request by Jan de Jong, verified by phone, whose mails and offer they hold."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from waarborg.documents import demo_files
    from waarborg.register.models import System
    from waarborg.requests import actions as request_actions
    from waarborg.requests.models import Verification

    system = System.objects.get(organisation=firm, key="mailbox")
    demo_files.connect(
        firm, system, actor=owner, data_dir=settings.DATA_DIR, mail_server=mail_server
    )
    person = demo_files.PERSON
    subject_request = request_actions.create_request(
        firm,
        actor=handler,
        kind="access",
        channel="email",
        name=person["name"],
        email=person["email"],
        phone=person["phone"],
        language="nl",
        description="Stuur mij een kopie van alle e-mails en documenten waarin ik sta.",
        received_at=timezone.now() - timedelta(days=1),
    )
    request_actions.verify_request(
        subject_request,
        actor=handler,
        method=Verification.STAFF,
        note="Teruggebeld op het nummer uit de webwinkel",
        identifiers=["email", "phone_number"],
    )
    return subject_request


DEMO_SITE_PAGES = {
    "index.html": (
        "Welkom bij Van Dijk Installatietechniek",
        "Cv-ketels, warmtepompen en onderhoud.",
    ),
    "diensten.html": (
        "Onze diensten",
        "Installatie, onderhoud en storingsdienst, ook in het weekend.",
    ),
    "contact.html": ("Contact", "Bel 030 123 4567 of mail info@vandijk-installatie.example."),
}
# The site's own analytics script sets its cookie before the visitor chooses: the scan finds
# it. Tagging the script (type="text/plain" data-waarborg-category="analytics") makes it wait
# for consent, and the next scan is clean (docs/cookies.md).
DEMO_TRACKER = (
    "<script>document.cookie = '_ga=GA1.1.' + Math.floor(Math.random() * 1e9) + "
    "'.1764547200; max-age=63072000; path=/; SameSite=Lax';</script>"
)


def demo_breach_moment(now):
    """Friday 17:00 (Amsterdam) when that was less than 72 hours ago, so the clock runs on the
    dashboard; on other days three hours ago."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo("Europe/Amsterdam"))
    friday = local.date() - timedelta(days=(local.weekday() - 4) % 7)
    moment = datetime.combine(friday, time(17), tzinfo=ZoneInfo("Europe/Amsterdam"))
    if moment <= now and now - moment < timedelta(hours=72):
        return moment
    return now - timedelta(hours=3)


def build_breach(firm, owner, handler):
    """A handler records a stolen laptop with the customer administration, not encrypted; the
    owner (privacy officer) scores it, decides it is a high risk and prepares the notification."""
    from decimal import Decimal

    from django.utils import timezone

    from waarborg.breaches import actions as breach_actions
    from waarborg.register.models import ProcessingActivity

    activity = ProcessingActivity.objects.get(organisation=firm, key="customer-administration")
    breach = breach_actions.record_breach(
        firm,
        actor=handler,
        title="Laptop met de klantenadministratie gestolen, niet versleuteld",
        aware_at=demo_breach_moment(timezone.now()),
        discovered_how="De monteur meldde de diefstal uit de bus direct bij kantoor.",
        # In Dutch and English: the letters to the people go out in each one's language.
        description={
            "nl": "Een laptop met een export van de klantenadministratie (namen, adressen, "
            "telefoonnummers en facturen) is uit een bedrijfsbus gestolen. De schijf was niet "
            "versleuteld.",
            "en": "A laptop holding an export of the customer administration (names, addresses, "
            "phone numbers and invoices) was stolen from a company van. Its disk was not "
            "encrypted.",
        },
        confidentiality=True,
        integrity=False,
        availability=False,
        cause="device",
        encrypted="no",
        records_count=1850,
        people_count=1400,
        consequences={
            "nl": "Klanten kunnen oplichting of phishing krijgen met hun eigen gegevens en "
            "factuurbedragen.",
            "en": "Customers may be targeted by fraud or phishing that uses their own details "
            "and invoice amounts.",
        },
        measures_before="Wachtwoord op het account; geen schijfversleuteling.",
        measures_taken={
            "nl": "Aangifte gedaan; wachtwoorden van het klantportaal ingetrokken.",
            "en": "Reported to the police; the passwords of the customer portal revoked.",
        },
        measures_planned={
            "nl": "Alle laptops krijgen BitLocker; exports alleen nog op de server.",
            "en": "Every laptop gets BitLocker; exports are kept on the server only.",
        },
        advice_to_people={
            "nl": "Wees alert op mails en telefoontjes die naar uw factuur verwijzen.",
            "en": "Be wary of e-mails and calls that refer to your invoice.",
        },
        links={
            "activities": [activity],
            "systems": list(activity.systems.all()),
            "data_categories": list(activity.data_categories.all()),
            "data_subjects": list(activity.data_subjects.all()),
        },
    )
    breach_actions.assess_breach(
        breach,
        actor=owner,
        dpc=2,
        ei=Decimal("1"),
        cb_confidentiality=Decimal("0.5"),
        cb_malicious=Decimal("0.5"),
    )
    breach_actions.decide_breach(
        breach,
        actor=owner,
        risk_decision="risk",
        risk_reason="Niet versleuteld en in handen van een dief: een risico voor de klanten.",
        high_risk_decision="high",
        high_risk_reason="Adressen en factuurgegevens maken gerichte oplichting waarschijnlijk.",
    )
    breach_actions.prepare_notification(breach, actor=owner)
    return breach


def write_website(folder, banner_url):
    """The demo firm's own website, a few static pages that embed Waarborg's banner."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    links = " · ".join(
        f'<a href="{name}">{title}</a>' for name, (title, _) in DEMO_SITE_PAGES.items()
    )
    for name, (title, text) in DEMO_SITE_PAGES.items():
        (folder / name).write_text(
            '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
            f'<title>{title}</title>\n<script src="{banner_url}" defer></script>\n'
            f"{DEMO_TRACKER}\n</head><body><nav>{links}</nav><h1>{title}</h1><p>{text}</p>"
            '<p><a href="#" data-waarborg-consent>Cookie-instellingen</a></p></body></html>\n',
            encoding="utf-8",
        )
    return folder


def build_website(firm, owner):
    """The firm's website in the cookie scan (served by `waarborg demo` on the next port)."""
    import os

    from waarborg.cookies.actions import save_website

    url = os.environ.get("WAARBORG_DEMO_SITE_URL")
    if url:
        save_website(firm, actor=owner, url=url, page_limit=20)


def build_dpia(firm, owner):
    """The showroom cameras screened as needing a DPIA (the AP's camera category and WP248's
    systematic monitoring) and assessed with two risks and a new measure, signed; the
    newsletter screened as not needing one."""
    from datetime import timedelta

    from django.utils import timezone

    from waarborg.dpia import actions as dpia_actions
    from waarborg.register.models import ProcessingActivity

    activities = {a.key: a for a in ProcessingActivity.objects.filter(organisation=firm)}
    camera = activities["camera-showroom"]
    dpia_actions.screen_activity(
        camera,
        actor=owner,
        answers={"ap.camera_surveillance": True, "wp248.systematic_monitoring": True},
        note="Twee camera's in een ruimte waar iedereen binnen kan lopen.",
    )
    dpia_actions.screen_activity(
        activities["newsletter"],
        actor=owner,
        answers={},
        note="Alleen naam en e-mailadres van mensen die zich zelf aanmelden; afmelden kan altijd.",
    )
    assessment = dpia_actions.start_assessment(firm, actor=owner, activities=[camera])
    access = dpia_actions.save_risk(
        assessment,
        actor=owner,
        kind="access",
        title="Onbevoegden bekijken of kopiëren de camerabeelden",
        impacts="Bezoekers worden herkend en gevolgd; beelden komen online.",
        threats="Inloggen op de recorder met het standaardwachtwoord; diefstal van de recorder.",
        sources="Inbrekers, medewerkers zonder taak, de leverancier op afstand.",
        severity=3,
        likelihood=3,
        residual_severity=3,
        residual_likelihood=1,
        measures=list(camera.security_measures.all()),
    )
    dpia_actions.save_risk(
        assessment,
        actor=owner,
        kind="disappearance",
        title="Beelden van een incident zijn weg voordat ze zijn bekeken",
        impacts="Een bezoeker die iets overkwam kan het niet aantonen.",
        threats="De recorder overschrijft na 4 weken; een storing.",
        sources="Techniek, vergeten melding.",
        severity=2,
        likelihood=2,
        residual_severity=2,
        residual_likelihood=1,
    )
    dpia_actions.add_measure(
        assessment,
        actor=owner,
        risk=access,
        key="camera-recorder",
        name={
            "nl": "Recorder achter slot, eigen wachtwoord, alleen de eigenaar kijkt terug",
            "en": "Recorder locked away, own password, only the owner views recordings",
        },
        kind="technical",
    )
    today = timezone.localdate()
    dpia_actions.sign_assessment(
        assessment,
        actor=owner,
        advice="De camera's zijn nodig tegen diefstal; richt ze niet op de werkplekken.",
        advice_by="Anna de Vries, privacyfunctionaris",
        decision="accept",
        decision_reason="Het restrisico is laag na de maatregelen.",
        signed_by="Anna de Vries",
        signed_on=today,
        review_on=today + timedelta(days=365),
    )


def build_processors(firm, owner):
    """The firm's hosting service for three clients, each with its processing agreement; a new
    sub-processor announced to them (sent by the worker), and one client that objects."""
    import datetime

    from django.utils import timezone

    from waarborg.processors import actions as processor_actions
    from waarborg.processors.models import CHECKLIST_KEYS, Agreement
    from waarborg.register.models import Party, ProcessingActivity

    import_register(firm, DEMO_HOSTING.read_text(encoding="utf-8"), actor=owner, merge=True)
    parties = {p.key: p for p in Party.objects.filter(organisation=firm)}
    clients = [parties[key] for key in ("bakkerij-jansen", "fysio-oost", "flanders-design")]
    processor_actions.save_processor_settings(
        firm,
        actor=owner,
        drawn_up_by="Anna van Dijk",
        contact=firm.privacy_email,
        updates_announced={
            "nl": "Wijzigingen melden we per e-mail, minstens 14 dagen vooraf.",
            "en": "We announce changes by e-mail, at least 14 days ahead.",
        },
    )
    service = processor_actions.save_service(
        firm,
        actor=owner,
        key="hosting",
        name={"nl": "Beheerde hosting", "en": "Managed hosting"},
        description={
            "nl": "Hosting van websites en mailboxen, met dagelijkse back-ups.",
            "en": "Hosting of websites and mailboxes, with daily backups.",
        },
        activities=[ProcessingActivity.objects.get(organisation=firm, key="hosting-klanten")],
        sub_processors=[parties["datacenter-amsterdam"]],
        clients=clients,
    )
    for client in clients:
        processor_actions.save_agreement(
            firm,
            actor=owner,
            side=Agreement.Side.PROCESSOR,
            party=client,
            service=service,
            checklist=CHECKLIST_KEYS,
            signed_on=datetime.date(2025, 2, 1),
            term="onbepaalde tijd",
            subject_matter="Hosting van website en e-mail",
        )
    processor_actions.publish_statement(service, actor=owner)
    change = processor_actions.plan_change(
        firm,
        actor=owner,
        services=[service],
        party=parties["backup-frankfurt"],
        # The day after the 14 days to object.
        effective_on=timezone.localdate() + datetime.timedelta(days=15),
        reason={
            "nl": "Back-ups op een tweede locatie.",
            "en": "Backups at a second location.",
        },
    )
    processor_actions.announce_change(change, actor=owner)
    objecting = change.clients.get(client=parties["fysio-oost"])
    processor_actions.answer_change(
        objecting, actor=owner, answer="objected", note="Per telefoon: eerst overleggen."
    )


def build_statement(firm, owner):
    """Version 1 of the firm's privacy statement, public at once, and a change in the register
    after it: a new recipient, so the comparison with the draft and the people to tell about it
    are there to see without preparing anything."""
    from waarborg.notices import actions as notice_actions
    from waarborg.register.models import ProcessingActivity

    notice_actions.publish_statement(firm, actor=owner)
    register_actions.save_item(
        "parties",
        firm,
        {
            "key": "dhl-parcel",
            "name": {"nl": "DHL Parcel", "en": "DHL Parcel"},
            "kind": "recipient",
            "country": "NL",
            "description": {
                "nl": "Bezorgt de bestellingen uit de webwinkel.",
                "en": "Delivers the orders from the web shop.",
            },
        },
        actor=owner,
    )
    activity = ProcessingActivity.objects.get(organisation=firm, key="customer-administration")
    data = current_data("activities", activity)
    data["recipients"] = [*data.get("recipients", []), "dhl-parcel"]
    register_actions.save_item("activities", firm, data, actor=owner, instance=activity)
