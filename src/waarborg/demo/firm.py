"""The demo firm, its practice client and its people: the constants the other parts share."""

from pathlib import Path

from waarborg.core.models import Role

DEMO_REGISTER = Path(__file__).parent.parent / "data" / "demo_register.yaml"
DEMO_CLIENT_WORK = Path(__file__).parent.parent / "data" / "demo_client_work.yaml"
DEMO_HOSTING = Path(__file__).parent.parent / "data" / "demo_hosting.yaml"
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
