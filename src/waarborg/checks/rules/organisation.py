"""Rules about the organisation itself and the reference data the checks rest on."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.checks.engine import ERROR, WARNING, Hit, people_date, rule


@rule(
    "organisation.contact",
    area="organisation",
    severity=ERROR,
    article="Art. 13(1)(a) AVG",
    title=gettext_lazy("No privacy contact"),
    explanation=gettext_lazy(
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
    title=gettext_lazy("No postal address"),
    explanation=gettext_lazy(
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
    title=gettext_lazy("Data protection officer without contact details"),
    explanation=gettext_lazy(
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
    "adequacy": gettext_lazy("adequacy decisions"),
    "dpf": gettext_lazy("EU-US Data Privacy Framework"),
    "privacy_shield": gettext_lazy("Privacy Shield"),
    "scc": gettext_lazy("standard contractual clauses"),
    "ap_retention": gettext_lazy("AP reference retention periods"),
}


@rule(
    "reference.stale",
    area="reference",
    severity=WARNING,
    article="Art. 5(2) AVG",
    title=gettext_lazy("Reference data older than 12 months"),
    explanation=gettext_lazy(
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
