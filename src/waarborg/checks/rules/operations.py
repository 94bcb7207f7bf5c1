"""Rules over the operational data: requests, retention in practice, the published statement."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.checks.engine import ERROR, OPERATIONS, WARNING, Hit, people_date, rule
from waarborg.checks.rules.common import controller_side

OPEN = ("awaiting_identity", "in_progress")


def _request_hit(request, message):
    return Hit("requests", str(request["pk"]), message, data=request, name=request["reference"])


def _open_requests(context):
    return [r for r in context.operations.requests if r["status"] in OPEN]


def _deadline(request):
    return request["extended_to"] or request["due_on"]


@rule(
    "request.overdue",
    area="requests",
    severity=ERROR,
    article="Art. 12(3) AVG",
    title=gettext_lazy("Request overdue"),
    explanation=gettext_lazy(
        "A request must be answered within one month of receipt (three with a timely "
        "extension). Answer it now; the person may complain to the AP."
    ),
    needs=OPERATIONS,
)
def overdue(context):
    for request in _open_requests(context):
        deadline = _deadline(request)
        if deadline and deadline < context.today:
            yield _request_hit(request, _("Was due on %(date)s.") % {"date": people_date(deadline)})


@rule(
    "request.due_soon",
    area="requests",
    severity=WARNING,
    article="Art. 12(3) AVG",
    title=gettext_lazy("Request due within 7 days"),
    explanation=gettext_lazy("The deadline of this request is within a week."),
    needs=OPERATIONS,
)
def due_soon(context):
    week = context.today + datetime.timedelta(days=7)
    for request in _open_requests(context):
        deadline = _deadline(request)
        if deadline and context.today <= deadline <= week:
            yield _request_hit(request, _("Due on %(date)s.") % {"date": people_date(deadline)})


@rule(
    "request.extension_late",
    area="requests",
    severity=ERROR,
    article="Art. 12(3) AVG",
    title=gettext_lazy("Extension told after the first month"),
    explanation=gettext_lazy(
        "The deadline may be extended by two months only if the person is told so, with the "
        "reasons, within the first month."
    ),
    needs=OPERATIONS,
)
def extension_late(context):
    extensions = context.operations.extensions
    for request in _open_requests(context):
        told = extensions.get(request["pk"])
        if request["extended_to"] and told and request["due_on"] and told > request["due_on"]:
            yield _request_hit(
                request,
                _("Extended on %(told)s; the first month ended on %(due)s.")
                % {"told": people_date(told), "due": people_date(request["due_on"])},
            )


@rule(
    "request.extension_without_reasons",
    area="requests",
    severity=ERROR,
    article="Art. 12(3) AVG",
    title=gettext_lazy("Extension without reasons"),
    explanation=gettext_lazy("An extension must give the person the reasons for the delay."),
    needs=OPERATIONS,
)
def extension_without_reasons(context):
    for request in _open_requests(context):
        if request["extended_to"] and not request["extension_reason"].strip():
            yield _request_hit(request, _("Extended without a reason."))


@rule(
    "request.refusal_without_reasons",
    area="requests",
    severity=ERROR,
    article="Art. 12(4) AVG",
    title=gettext_lazy("Refusal without reasons"),
    explanation=gettext_lazy(
        "A refusal states the reasons, and the right to complain to the AP and to go to "
        "court. Waarborg's letter names both routes; the ground and the explanation must be "
        "filled in."
    ),
    needs=OPERATIONS,
)
def refusal_without_reasons(context):
    for request in context.operations.requests:
        if request["outcome"] == "refused" and not (
            request["refusal_ground"] and request["answer_note"].strip()
        ):
            yield _request_hit(request, _("Refused without a ground and an explanation."))


@rule(
    "request.id_copy_first",
    area="requests",
    severity=WARNING,
    article="Art. 12(2), 12(6) AVG",
    title=gettext_lazy("ID copy asked as the first step"),
    explanation=gettext_lazy(
        "Verify a person through a channel you already know (a link to the e-mail address on "
        "file) before asking for a copy of an identity document; ask one only when nothing "
        "else works, with the BSN and photo masked."
    ),
    needs=OPERATIONS,
)
def id_copy_first(context):
    for request in _open_requests(context):
        asked = request["id_requested_at"]
        if (
            asked
            and request["email"]
            and asked - request["received_at"] < datetime.timedelta(days=1)
        ):
            yield _request_hit(request, _("An ID copy was asked on the day the request came in."))


@rule(
    "retention.past_period",
    area="retention",
    severity=ERROR,
    article="Art. 5(1)(e) AVG",
    title=gettext_lazy("Data past their period still present"),
    explanation=gettext_lazy(
        "The last retention sweep could not remove data whose period has ended. Solve the "
        "cause shown on the retention page and run the sweep again."
    ),
    needs=OPERATIONS,
)
def past_period(context):
    run = context.operations.last_run
    if run is None:
        return
    for item in run.items:
        problem = item.get("skipped") or item.get("error")
        if problem and item.get("due") is not None:
            label = ".".join(p for p in (item.get("system"), item.get("collection")) if p)
            yield Hit(
                "retention",
                label or item.get("rule", ""),
                _("%(count)s rows past %(rule)s remain: %(problem)s")
                % {"count": item.get("due") or "?", "rule": item.get("rule"), "problem": problem},
                data={"run": run.pk, "item": item},
                name=label,
            )


@rule(
    "retention.review_overdue",
    area="retention",
    severity=WARNING,
    article="Art. 5(1)(e), 5(2) AVG",
    title=gettext_lazy("Retention review overdue"),
    explanation=gettext_lazy(
        "A system without a connection is cleaned by hand: confirm on the retention page that "
        "its old data were deleted."
    ),
    needs=OPERATIONS,
)
def review_overdue(context):
    from waarborg.core.fields import translated

    for task in context.operations.overdue_reviews:
        yield Hit(
            "retention",
            task["system__key"],
            _("The review of %(rule)s was due on %(date)s.")
            % {"rule": task["rule__key"], "date": people_date(task["due_on"])},
            data=task,
            name=translated(task["system__name"]) or task["system__key"],
            part=task["rule__key"],
        )


def _retention(item, rules):
    """What the statement says about an activity's retention: its rules' periods and the note."""
    periods = [
        {k: rules[key].get(k) for k in ("duration", "trigger", "bound", "stages")}
        for key in item.get("retention_rules", [])
        if key in rules
    ]
    return periods, item.get("retention_note")


def _transfer(party):
    return [party.get("country"), party.get("locations", []), party.get("transfer_mechanism")]


@rule(
    "statement.not_published",
    area="statement",
    severity=WARNING,
    article="Art. 12(1), 13 AVG",
    title=gettext_lazy("No privacy statement published"),
    explanation=gettext_lazy(
        "People must be told about the processing when their data are collected: publish the "
        "statement generated from the register."
    ),
    needs=OPERATIONS,
)
def not_published(context):
    if context.operations.published is None and controller_side(context):
        yield Hit("statement", "", _("The statement has not been published yet."), data="none")


@rule(
    "statement.out_of_date",
    area="statement",
    severity=WARNING,
    article="Art. 12(1), 13 AVG",
    title=gettext_lazy("Published statement out of date"),
    explanation=gettext_lazy(
        "The register has a purpose, recipient, transfer or retention that the published "
        "statement lacks. Publish a new version (and tell the people affected if it matters)."
    ),
    needs=OPERATIONS,
)
def out_of_date(context):
    published = context.operations.published
    if published is None:
        return
    register = published.snapshot.get("register", {})
    old = {
        a["key"]: a for a in register.get("activities", []) if a.get("status", "active") == "active"
    }
    old_parties = {p["key"]: p for p in register.get("parties", [])}
    old_rules = {r["key"]: r for r in register.get("retention_rules", [])}
    parties = context.parties
    for item in controller_side(context):
        before = old.get(item["key"])
        if before is None:
            yield Hit(
                "activities",
                item["key"],
                _("This activity is not in the statement."),
                part="statement",
            )
            continue
        changed = []
        if item.get("purpose") != before.get("purpose") or item.get("legal_basis") != before.get(
            "legal_basis"
        ):
            changed.append(_("purpose"))
        new_recipients = set(item.get("recipients", [])) - set(before.get("recipients", []))
        if new_recipients:
            changed.append(_("recipients"))
        if any(
            key in old_parties and _transfer(parties[key]) != _transfer(old_parties[key])
            for key in item.get("recipients", [])
            if key in parties
        ):
            changed.append(_("transfers"))
        if _retention(item, context.items["retention_rules"]) != _retention(before, old_rules):
            changed.append(_("retention"))
        if changed:
            yield Hit(
                "activities",
                item["key"],
                _("Changed since version %(number)s: %(what)s.")
                % {"number": published.number, "what": ", ".join(changed)},
                part="statement",
            )
