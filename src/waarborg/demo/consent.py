"""The demo firm's consent purposes and their records."""

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
