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


def build():
    """Create the demo organisations and logins; return (e-mail, password, role) per login."""
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
    return [(email, DEMO_PASSWORD, role.label) for email, _, role in PEOPLE]


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

    for key, name, channel, mechanism, marketing, consumers, wording, activity in CONSENT_PURPOSES:
        save_purpose(
            firm,
            actor=owner,
            key=key,
            name={"nl": name[0], "en": name[1]},
            channel=channel,
            mechanism=mechanism,
            direct_marketing=marketing,
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
        mismatch, actor=None, method=Verification.EMAIL_LINK, note="link clicked"
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
