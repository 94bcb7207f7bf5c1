"""Rules about DPIAs (Art. 35 and 36 GDPR): screening, a DPIA where one is needed, its review,
and prior consultation when a high residual risk remains."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.checks.engine import ERROR, OPERATIONS, WARNING, Hit, people_date, rule
from waarborg.checks.rules.common import controller_side


def _dpia_hit(dpia, message, data=None):
    return Hit("dpia", str(dpia["pk"]), message, data=data or dpia, name=dpia["title"])


@rule(
    "dpia.not_screened",
    area="dpia",
    severity=WARNING,
    article="Art. 35(1) AVG",
    title=gettext_lazy("Activity not screened for a DPIA"),
    explanation=gettext_lazy(
        "Screen each activity against the AP's list and the nine WP248 criteria: only then "
        "is it known whether a DPIA is required."
    ),
    guidance=True,
)
def not_screened(context):
    for item in controller_side(context):
        state = item.get("dpia", "not_screened")
        if state == "not_screened":
            yield Hit("activities", item["key"], _("Not screened yet."))
        elif state in ("not_needed", "advisable") and not item.get("dpia_screened_on"):
            yield Hit(
                "activities", item["key"], _("Marked as not needing a DPIA, without a screening.")
            )


@rule(
    "dpia.needed_not_signed",
    area="dpia",
    severity=ERROR,
    article="Art. 35(1), 35(3)-(4) AVG; Stcrt. 2019, 64418",
    title=gettext_lazy("DPIA needed, none signed"),
    explanation=gettext_lazy(
        "The screening found a kind of processing on the AP's list or two or more WP248 "
        "criteria: a DPIA must be carried out and signed before the processing starts."
    ),
)
def needed_not_signed(context):
    for item in controller_side(context):
        if item.get("dpia") == "needed":
            yield Hit("activities", item["key"], _("The screening says a DPIA is needed."))


@rule(
    "dpia.review_overdue",
    area="dpia",
    severity=WARNING,
    article="Art. 35(11) AVG",
    title=gettext_lazy("DPIA past its review date"),
    explanation=gettext_lazy(
        "A DPIA is reviewed at least when the risk changes, and on the date set when it was "
        "signed. Review it and sign it again."
    ),
    needs=OPERATIONS,
)
def review_overdue(context):
    for dpia in context.operations.dpias:
        if dpia["status"] == "signed" and dpia["review_on"] and dpia["review_on"] < context.today:
            yield _dpia_hit(
                dpia, _("Review was due on %(date)s.") % {"date": people_date(dpia["review_on"])}
            )


@rule(
    "dpia.activity_changed",
    area="dpia",
    severity=WARNING,
    article="Art. 35(11) AVG",
    title=gettext_lazy("Activity changed since its DPIA was signed"),
    explanation=gettext_lazy(
        "The register entry of an activity changed after its DPIA was signed. Check whether "
        "the risks changed, and sign the DPIA again."
    ),
    needs=OPERATIONS,
)
def activity_changed(context):
    for dpia in context.operations.dpias:
        if dpia["status"] != "signed":
            continue
        signed = dpia["signed_versions"]
        changed = sorted(
            key for key, version in dpia["activities"].items() if version > signed.get(key, version)
        )
        if changed:
            yield _dpia_hit(dpia, _("Changed: %(keys)s.") % {"keys": ", ".join(changed)})


@rule(
    "dpia.high_residual_risk",
    area="dpia",
    severity=ERROR,
    article="Art. 36(1) AVG",
    title=gettext_lazy("High residual risk without prior consultation"),
    explanation=gettext_lazy(
        "When a DPIA shows a high risk that the measures do not reduce, the AP is consulted "
        "before the processing starts."
    ),
    needs=OPERATIONS,
)
def high_residual_risk(context):
    for dpia in context.operations.dpias:
        if dpia["status"] == "signed" and dpia["residual_high"] and dpia["decision"] != "consult":
            yield _dpia_hit(dpia, _("A risk remains high after the measures."))
