"""The demo firm's requests, and its shared folder and mailbox as sources."""

from waarborg.demo.firm import DEMO_CLIENT_WORK, PEOPLE
from waarborg.register.yamlio import import_register


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
