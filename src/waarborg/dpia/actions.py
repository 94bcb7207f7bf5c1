"""State changes of screenings and assessments; each writes its audit entry.

The register's `dpia` field of an activity follows them: a screening sets the outcome, its
reason and date; a signature sets "done". These are written as derived fields (no new
version of the activity), so that screening or signing does not itself mark a DPIA for review.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waarborg.audit.actions import actor_label, json_ready, record_entry
from waarborg.dpia import criteria
from waarborg.dpia.document import (
    DESCRIPTION_PARTS,
    NECESSITY_QUESTIONS,
    document_data,
    prefill,
)
from waarborg.dpia.models import HIGH, Assessment, AssessmentVersion, Risk, Screening
from waarborg.register import actions as register_actions
from waarborg.register.models import ProcessingActivity
from waarborg.register.schema import current_data


class DpiaError(Exception):
    """Input that cannot be saved; `errors` maps a field name ("" for the whole) to a message."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@transaction.atomic
def screen_activity(activity, *, actor, answers, note="", today=None):
    """Record a screening of `activity` (WP248 criteria and the AP's list, Art. 35(1), (4)).

    `answers` maps criterion ids to True/False; an id that is not on the lists is refused.
    The outcome, its reason in Dutch and English and the date go onto the activity; an
    activity with a signed DPIA stays "done" while the screening says one is needed.
    """
    lists = criteria.load()
    known = {c.id for c in lists.all}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise DpiaError({"": _("Unknown criterion: %(ids)s") % {"ids": ", ".join(unknown)}})
    answers = {c.id: bool(answers.get(c.id)) for c in lists.all}
    outcome, _wp248, _ap = criteria.outcome(answers)
    today = today or timezone.localdate()
    reason = criteria.reason_texts(answers, note)
    screening = Screening.objects.create(
        organisation=activity.organisation,
        activity=activity,
        activity_version=activity.version,
        basis=criteria.basis(activity),
        answers=answers,
        note=note.strip(),
        outcome=outcome,
        reason=reason,
        lists_checked_on=lists.checked_on,
        screened_on=today,
        screened_by=actor_label(actor),
    )
    value = outcome
    signed = activity.assessments.filter(status=Assessment.Status.SIGNED).exists()
    if outcome != criteria.NOT_NEEDED and signed:
        value = ProcessingActivity.Dpia.DONE
    old = {
        "dpia": activity.dpia,
        "dpia_screened_on": activity.dpia_screened_on,
        "dpia_reason": activity.dpia_reason,
    }
    ProcessingActivity.objects.filter(pk=activity.pk).update(
        dpia=value, dpia_screened_on=today, dpia_reason=reason
    )
    activity.dpia, activity.dpia_screened_on, activity.dpia_reason = value, today, reason
    record_entry(
        activity.organisation,
        actor=actor,
        action="dpia.screening.recorded",
        obj=activity,
        old=json_ready(old),
        new=json_ready(
            {
                "dpia": value,
                "dpia_screened_on": today,
                "dpia_reason": reason,
                "answers": [k for k, v in answers.items() if v],
            }
        ),
    )
    return screening


def _activities_of(organisation, activities):
    activities = list(activities)
    if not activities:
        raise DpiaError({"activities": _("Choose at least one processing activity.")})
    if any(a.organisation_id != organisation.pk for a in activities):
        raise DpiaError({"activities": _("Choose activities of this organisation.")})
    return activities


@transaction.atomic
def start_assessment(organisation, *, actor, activities, title=""):
    """Start a DPIA of one activity or a group of similar ones, prefilled from the register."""
    activities = _activities_of(organisation, activities)
    description, necessity = prefill(organisation, activities)
    assessment = Assessment.objects.create(
        organisation=organisation,
        title=(title or "").strip() or ", ".join(str(a) for a in activities)[:200],
        description=description,
        necessity=necessity,
    )
    assessment.activities.set(activities)
    record_entry(
        organisation,
        actor=actor,
        action="dpia.assessment.created",
        obj=assessment,
        new={"title": assessment.title, "activities": [a.key for a in activities]},
    )
    return assessment


def _reopen(assessment, actor):
    """A change to a signed assessment starts its next version as a draft."""
    if not assessment.is_signed:
        return
    assessment.status = Assessment.Status.DRAFT
    assessment.version += 1
    assessment.signed_by, assessment.signed_on = "", None
    assessment.decision, assessment.decision_reason = "", ""
    assessment.save()
    record_entry(
        assessment.organisation,
        actor=actor,
        action="dpia.assessment.reopened",
        obj=assessment,
        new={"version": assessment.version},
    )


@transaction.atomic
def save_assessment(assessment, *, actor, title, description, necessity):
    """Change the description (Art. 35(7)(a)) and the necessity answers (35(7)(b))."""
    title = (title or "").strip()
    if not title:
        raise DpiaError({"title": _("Give the DPIA a title.")})
    _reopen(assessment, actor)
    old = {"title": assessment.title, **assessment.description, **assessment.necessity}
    assessment.title = title
    parts = {name for name, _label in DESCRIPTION_PARTS}
    assessment.description = {
        k: v.strip() for k, v in description.items() if k in parts and v and v.strip()
    }
    names = {name for name, _label, _question in NECESSITY_QUESTIONS}
    assessment.necessity = {
        k: v.strip() for k, v in necessity.items() if k in names and v and v.strip()
    }
    assessment.save()
    new = {"title": title, **assessment.description, **assessment.necessity}
    changed = [k for k in {**old, **new} if old.get(k) != new.get(k)]
    record_entry(
        assessment.organisation,
        actor=actor,
        action="dpia.assessment.updated",
        obj=assessment,
        old={k: old.get(k) for k in changed},
        new={k: new.get(k) for k in changed},
    )
    return assessment


RISK_FIELDS = (
    "kind",
    "title",
    "impacts",
    "threats",
    "sources",
    "severity",
    "likelihood",
    "residual_severity",
    "residual_likelihood",
)


def _risk_data(risk):
    data = {name: getattr(risk, name) for name in RISK_FIELDS}
    data["measures"] = sorted(m.key for m in risk.measures.all())
    return data


def _check_measures(assessment, measures):
    if any(m.organisation_id != assessment.organisation_id for m in measures):
        raise DpiaError({"measures": _("Choose measures of this organisation.")})


@transaction.atomic
def save_risk(assessment, *, actor, risk=None, measures=(), **values):
    """Add or change a risk (Art. 35(7)(c)) with its measures (35(7)(d))."""
    if risk is not None and risk.assessment_id != assessment.pk:
        raise DpiaError({"": _("This risk belongs to another DPIA.")})
    _check_measures(assessment, measures)
    for name in ("severity", "likelihood", "residual_severity", "residual_likelihood"):
        if values.get(name) not in (1, 2, 3, 4):
            raise DpiaError({name: _("Choose a value from 1 to 4.")})
    if not (values.get("title") or "").strip():
        raise DpiaError({"title": _("Give the risk a title.")})
    if values.get("kind") not in Risk.Kind.values:
        raise DpiaError({"kind": _("Choose a kind of risk.")})
    _reopen(assessment, actor)
    old = _risk_data(risk) if risk is not None else None
    risk = risk or Risk(assessment=assessment)
    for name in RISK_FIELDS:
        value = values.get(name, "")
        setattr(risk, name, value.strip() if isinstance(value, str) else value)
    risk.save()
    risk.measures.set(measures)
    record_entry(
        assessment.organisation,
        actor=actor,
        action="dpia.risk.updated" if old else "dpia.risk.created",
        obj=assessment,
        old=old,
        new=_risk_data(risk),
    )
    return risk


@transaction.atomic
def delete_risk(risk, *, actor):
    assessment = risk.assessment
    _reopen(assessment, actor)
    old = _risk_data(risk)
    risk.delete()
    record_entry(
        assessment.organisation, actor=actor, action="dpia.risk.deleted", obj=assessment, old=old
    )


@transaction.atomic
def add_measure(assessment, *, actor, risk, key, name, kind, description=None):
    """A new security measure in the register, linked to the risk and to the activities."""
    if risk.assessment_id != assessment.pk:
        raise DpiaError({"": _("This risk belongs to another DPIA.")})
    organisation = assessment.organisation
    data = {"key": key, "name": name, "kind": kind}
    if description:
        data["description"] = description
    try:
        measure = register_actions.save_item("security_measures", organisation, data, actor=actor)
    except register_actions.RegisterError as error:
        raise DpiaError({name: str(message) for _w, name, message in error.errors}) from error
    for activity in assessment.activities.all():
        current = current_data("activities", activity)
        current["security_measures"] = sorted({*current.get("security_measures", []), key})
        register_actions.save_item(
            "activities", organisation, current, actor=actor, instance=activity
        )
    save_risk(
        assessment,
        actor=actor,
        risk=risk,
        measures=[*risk.measures.all(), measure],
        **{name: getattr(risk, name) for name in RISK_FIELDS},
    )
    return measure


@transaction.atomic
def sign_assessment(assessment, *, actor, advice, advice_by, decision, decision_reason,
                    signed_by, signed_on, review_on, consulted_on=None):  # fmt: skip
    """Record the advice, the decision and the signature (Art. 35(2), 35(11), 36(1)).

    A high residual risk cannot be accepted: the AP is consulted first (Art. 36(1)) or the
    processing changes. The signed document is kept as a version; the activities are marked
    "done" and their versions remembered, so that a later change marks the DPIA for review.
    """
    if assessment.is_signed:
        raise DpiaError(
            {"": _("This version is signed already; a change starts the next version.")}
        )
    errors = {}
    risks = list(assessment.risks.all())
    if not risks:
        errors[""] = _("Describe at least one risk before signing.")
    if not (advice or "").strip():
        errors["advice"] = _("Record the advice of the DPO or privacy officer.")
    if decision not in Assessment.Decision.values:
        errors["decision"] = _("Choose a decision.")
    if not (signed_by or "").strip():
        errors["signed_by"] = _("Who signs?")
    if signed_on is None:
        errors["signed_on"] = _("The date of signing is required.")
    if review_on is None:
        errors["review_on"] = _("Set a date to review the DPIA.")
    elif signed_on is not None and review_on <= signed_on:
        errors["review_on"] = _("The review date must be after the date of signing.")
    high = any(r.residual_level == HIGH for r in risks)
    if high and decision == Assessment.Decision.ACCEPT:
        errors["decision"] = _(
            "A high residual risk remains: consult the AP before the processing starts "
            "(Art. 36(1)), or change the processing."
        )
    if decision == Assessment.Decision.CONSULT and not high:
        errors["decision"] = _(
            "Prior consultation is for a high residual risk (Art. 36(1)); no risk is high "
            "after its measures."
        )
    if errors:
        raise DpiaError(errors)
    activities = list(assessment.activities.all())
    assessment.advice, assessment.advice_by = advice.strip(), (advice_by or "").strip()
    assessment.decision, assessment.decision_reason = decision, (decision_reason or "").strip()
    assessment.consulted_on = consulted_on
    assessment.signed_by, assessment.signed_on = signed_by.strip(), signed_on
    assessment.review_on = review_on
    assessment.status = Assessment.Status.SIGNED
    assessment.activity_versions = {a.key: a.version for a in activities}
    assessment.save()
    snapshot = json_ready(document_data(assessment))
    AssessmentVersion.objects.update_or_create(
        assessment=assessment,
        version=assessment.version,
        defaults={"snapshot": snapshot, "signed_by": assessment.signed_by, "signed_on": signed_on},
    )
    ProcessingActivity.objects.filter(pk__in=[a.pk for a in activities]).update(
        dpia=ProcessingActivity.Dpia.DONE, dpia_done_on=signed_on
    )
    record_entry(
        assessment.organisation,
        actor=actor,
        action="dpia.assessment.signed",
        obj=assessment,
        new=json_ready(
            {
                "version": assessment.version,
                "decision": decision,
                "signed_by": assessment.signed_by,
                "signed_on": signed_on,
                "review_on": review_on,
                "activities": assessment.activity_versions,
            }
        ),
    )
    return assessment
