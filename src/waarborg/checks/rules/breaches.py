"""Rules over the breach register (Art. 33-34 AVG): the 72 hours, informing the people when
the risk is high, and a record with facts, effects and measures for every breach."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.checks.engine import ERROR, OPERATIONS, WARNING, Hit, rule


def _breaches(context):
    return getattr(context.operations, "breaches", None) or []


def _hit(breach, message):
    return Hit("breaches", str(breach["pk"]), message, data=breach, name=breach["reference"])


def _now(context):
    now = getattr(context.operations, "now", None)
    if now is not None:
        return now
    end_of_today = datetime.datetime.combine(context.today, datetime.time.max)
    return min(timezone.now(), timezone.make_aware(end_of_today))


@rule(
    "breach.not_notified",
    area="breaches",
    severity=ERROR,
    article="Art. 33(1) AVG",
    title=gettext_lazy("Breach not notified within 72 hours"),
    explanation=gettext_lazy(
        "A breach must be notified to the supervisory authority within 72 hours of becoming "
        "aware of it, unless it is unlikely to result in a risk. Notify it now and record the "
        "reason for the delay, or record the decision that it is unlikely to result in a risk."
    ),
    needs=OPERATIONS,
)
def not_notified(context):
    now = _now(context)
    for breach in _breaches(context):
        if (
            breach["risk_decision"] != "unlikely"
            and breach["notified_at"] is None
            and breach["deadline"] <= now
            and not breach["delay_reason"].strip()
        ):
            yield _hit(breach, _("The 72 hours have passed; there is no notification or reason."))


@rule(
    "breach.people_not_informed",
    area="breaches",
    severity=ERROR,
    article="Art. 34(1) AVG",
    title=gettext_lazy("High-risk breach: the people are not informed"),
    explanation=gettext_lazy(
        "When a breach is likely to result in a high risk, the people concerned are told "
        "without undue delay: by letter, by a public notice, or not when an exemption of "
        "Art. 34(3) applies, recorded with its ground."
    ),
    needs=OPERATIONS,
)
def people_not_informed(context):
    for breach in _breaches(context):
        if breach["high_risk_decision"] == "high" and not breach["communication"]:
            yield _hit(breach, _("No letter, public notice or exemption is recorded."))


@rule(
    "breach.record_incomplete",
    area="breaches",
    severity=WARNING,
    article="Art. 33(5) AVG",
    title=gettext_lazy("Breach record without facts, effects or measures"),
    explanation=gettext_lazy(
        "The register of breaches records for each one the facts, its effects and the "
        "measures taken, also for breaches that are not notified."
    ),
    needs=OPERATIONS,
)
def record_incomplete(context):
    for breach in _breaches(context):
        missing = []
        if not breach["description"].strip():
            missing.append(_("the facts"))
        if not breach["consequences"].strip():
            missing.append(_("the effects"))
        if not (breach["measures_taken"].strip() or breach["measures_planned"].strip()):
            missing.append(_("the measures"))
        if missing:
            yield _hit(breach, _("Missing: %(missing)s.") % {"missing": ", ".join(missing)})
