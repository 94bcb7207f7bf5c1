"""The demo firm as a processor: its services, clients and a sub-processor change."""

from waarborg.demo.firm import DEMO_HOSTING
from waarborg.register.yamlio import import_register


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
