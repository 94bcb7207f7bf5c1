"""The demo firm's data breach."""


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
