"""Rules about the organisation itself and the reference data the checks rest on."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from waarborg.checks.engine import ERROR, WARNING, Hit, people_date, rule


@rule(
    "organisation.contact",
    area="organisation",
    severity=ERROR,
    article="Art. 13(1)(a) AVG",
    title=_lazy("No privacy contact"),
    explanation=_lazy(
        "People must be told who the controller is and how to reach it about their data: "
        "an e-mail address or phone number for privacy questions."
    ),
    statement=True,
)
def contact(context):
    organisation = context.snapshot.get("organisation", {})
    if not organisation.get("privacy_email") and not organisation.get("phone"):
        yield Hit(
            "organisation", "", _("The organisation has no privacy contact (e-mail or phone).")
        )


@rule(
    "organisation.address",
    area="organisation",
    severity=WARNING,
    article="Art. 13(1)(a) AVG",
    title=_lazy("No postal address"),
    explanation=_lazy(
        "The identity of the controller includes where it can be found: the statement names "
        "the address of the organisation."
    ),
)
def address(context):
    organisation = context.snapshot.get("organisation", {})
    if not (organisation.get("street_address") and organisation.get("city")):
        yield Hit("organisation", "", _("The organisation's address is not filled in."))


@rule(
    "organisation.dpo_contact",
    area="organisation",
    severity=ERROR,
    article="Art. 13(1)(b), 37(7) AVG",
    title=_lazy("Data protection officer without contact details"),
    explanation=_lazy(
        "When a data protection officer is named, people must be able to reach them directly: "
        "publish their e-mail address."
    ),
    statement=True,
)
def dpo_contact(context):
    organisation = context.snapshot.get("organisation", {})
    if organisation.get("dpo_name") and not organisation.get("dpo_email"):
        yield Hit(
            "organisation",
            "",
            _("%(name)s is named as data protection officer without an e-mail address.")
            % {"name": organisation["dpo_name"]},
        )


TABLE_LABELS = {
    "adequacy": _lazy("adequacy decisions"),
    "dpf": _lazy("EU-US Data Privacy Framework"),
    "privacy_shield": _lazy("Privacy Shield"),
    "scc": _lazy("standard contractual clauses"),
    "ap_retention": _lazy("AP reference retention periods"),
}


@rule(
    "reference.stale",
    area="reference",
    severity=WARNING,
    article="Art. 5(2) AVG",
    title=_lazy("Reference data older than 12 months"),
    explanation=_lazy(
        "The checks compare the register with dated reference data: adequacy decisions, the "
        "Data Privacy Framework, the standard contractual clauses and the AP's reference "
        "periods. A table not checked for a year may be out of date: update Waarborg."
    ),
)
def stale_reference(context):
    limit = context.today - datetime.timedelta(days=365)
    for table, label in TABLE_LABELS.items():
        checked_on = context.reference[table]["checked_on"]
        if checked_on < limit:
            yield Hit(
                "reference",
                table,
                _("The table of %(table)s was last checked on %(date)s.")
                % {"table": label, "date": people_date(checked_on)},
                data=str(checked_on),
                name=str(label),
            )
