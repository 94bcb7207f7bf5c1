"""Sample data for the preview of a letter's wording: every declared variable has a value."""

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _


def sample_context(key, language):
    today = timezone.localdate()
    with translation.override(language):
        statements = [
            {
                "system": _("Web shop"),
                "outcome": "done",
                "text": _("Web shop: erased."),
                "note": "",
            },
            {
                "system": _("Bookkeeping"),
                "outcome": "nothing_found",
                "text": _("Bookkeeping: we found no data of yours."),
                "note": "",
            },
        ]
        return {
            "reference": f"{today.year}-0001",
            "name": "Jan de Jong",
            "email": "jan.dejong@example.nl",
            "phone": "+31612345678",
            "description": _("Please erase my account."),
            "kind": _("Erasure (Art. 17)"),
            "received": today,
            "due": today + timedelta(days=30),
            "contact": "privacy@example.nl",
            "authority": "Autoriteit Persoonsgegevens",
            "link": "https://example.nl/c/voorbeeld/request/verify/voorbeeld/",
            "link_valid_until": today + timedelta(days=14),
            "pause": False,
            "note": "",
            "reason": _("We need information from two processors."),
            "controller": "Woningcorporatie Het Dak",
            "controller_contact": "privacy@hetdak.example",
            "routes": _("If you disagree with our decision, you may lodge a complaint."),
            "statements": statements,
            "recipients": ["Exact Online"],
            "held": [],
            "purposes": [_("Newsletter")],
            "direct_marketing": False,
            "activities": [_("Customer administration")],
            "ground": _("Manifestly unfounded (Art. 12(5))"),
            "reasons": _("The same request was answered last week."),
            "partly": False,
            "action": _("erasure"),
            "done": _("erased"),
            "items": [
                {
                    "reference": f"{today.year}-0001",
                    "kind": _("Access (Art. 15)"),
                    "deadline": today,
                    "overdue": False,
                    "assignee": "",
                    "link": "https://example.nl/requests/1/",
                }
            ],
            "transmitted_to": "",
            "not_feasible": "",
            "restriction_ground": "",
            "systems": [_("Web shop")],
            "corrected": ["klant.adres: Dorpsstraat 12, Houten"],
            "controller_name": "Nieuwe Leverancier B.V.",
        }
