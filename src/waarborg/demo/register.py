"""The demo firm's register, its web shop database and its published statement."""

from pathlib import Path

from waarborg.demo.firm import (
    DEMO_REGISTER,
    RECIPIENTS,
)
from waarborg.register import actions as register_actions
from waarborg.register.schema import current_data
from waarborg.register.yamlio import apply_starter, import_register


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
