"""Findings of a stored register: the seeds, fixing and dismissing, the pages, the command, the
nightly run and its digest."""

import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.checks.conftest import FIXTURES, seed_text
from waarborg.audit.models import AuditEntry
from waarborg.checks import actions
from waarborg.checks.findings import check_file, findings_for
from waarborg.checks.models import CheckRun, Dismissal
from waarborg.cli import main
from waarborg.register import actions as register_actions
from waarborg.register.models import Party
from waarborg.register.schema import current_data


def ids(findings, severity=None):
    return {
        (f.rule.id, f.location)
        for f in findings
        if f.dismissal is None and (severity is None or f.severity == severity)
    }


# What each seed's own statement gets wrong, where its register holds it.
SEED_DEFECTS = {
    "000": {
        ("transfer.dpf_not_certified", "parties/microsoft"),
        ("transfer.dpf_not_certified", "parties/google-analytics"),
        ("activity.vague_retention", "activities/archiving"),
    },
    "001": {
        ("marketing.email_without_consent", "activities/events-megawatt"),
        ("marketing.email_without_consent", "activities/prospect-content"),
        ("marketing.telemarketing_unknown", "activities/phone-prospects"),
    },
    "002": {("marketing.email_without_consent", "activities/showing-our-work")},
}
# ... and what it gets right: none of these may be raised.
SEED_RIGHT = {
    # The 2018 text's Privacy Shield is called invalid in the register's own words.
    "000": {("transfer.privacy_shield_text", "parties/microsoft"),
            ("marketing.email_without_consent", "activities/newsletter"),
            ("retention.financial_minimum", "activities/administration")},
    "001": {("marketing.email_without_consent", "activities/advertising"),
            ("cookies.analytics_exempt", "activities/web-statistics")},
    "002": {("marketing.email_without_consent", "activities/assignments"),
            ("processor.no_agreement", "parties/acumulus")},
}  # fmt: skip


@pytest.mark.parametrize("number", sorted(SEED_DEFECTS))
def test_seed_files_raise_their_defects_and_nothing_they_get_right(number):
    found = ids(check_file(seed_text(number)))
    assert SEED_DEFECTS[number] <= found
    assert not SEED_RIGHT[number] & found


@pytest.mark.parametrize("number", sorted(SEED_DEFECTS))
def test_a_stored_seed_gives_the_same_register_findings(seeded, organisation, number):
    seeded(number)
    assert SEED_DEFECTS[number] <= ids(findings_for(organisation))


@pytest.mark.parametrize(
    ("number", "file"),
    [("000", "register_mainnovation.yaml"), ("001", "register_megawatt.yaml"),
     ("002", "register_koel_ict.yaml")],
)  # fmt: skip
def test_waarborg_check_prints_the_defects_with_the_article_and_exits_1(capsys, number, file):
    with pytest.raises(SystemExit) as exit:
        main(["check", "--", str(FIXTURES / file), "--language", "en"])
    assert exit.value.code == 1
    out = capsys.readouterr().out
    for _rule_id, location in SEED_DEFECTS[number]:
        line = next(line for line in out.splitlines() if location in line and line[0] != " ")
        assert "[" in line and ("Art." in line or "Telecommunicatiewet" in line), line
    assert "ERROR:" in out


def test_waarborg_check_json_and_junit(capsys, db):
    path = str(FIXTURES / "register_megawatt.yaml")
    with pytest.raises(SystemExit):
        call_command("waarborg_check", path, format="json")
    data = json.loads(capsys.readouterr().out)
    rules = {f["rule"] for f in data["findings"]}
    assert "marketing.email_without_consent" in rules
    assert all(f["article"] for f in data["findings"])
    with pytest.raises(SystemExit):
        call_command("waarborg_check", path, format="junit")
    xml = capsys.readouterr().out
    assert "<testsuite" in xml and "<failure" in xml


def test_waarborg_check_of_a_clean_file_exits_0(tmp_path, capsys, db):
    clean = tmp_path / "clean.yaml"
    clean.write_text(
        "waarborg: 1\norganisation:\n  name: Klein\n  privacy_email: p@klein.example\n"
        "retention_rules:\n- key: fiscal\n  name: Zeven jaar\n  duration: P7Y\n"
        "  trigger: end_of_fiscal_year\n  bound: minimum\n  legal_source: art. 52 AWR\n"
        "activities:\n- key: invoices\n  name: Facturen\n  role: controller\n"
        "  purpose: Facturen maken\n  legal_basis: legal_obligation\n"
        "  legal_basis_detail: art. 52 AWR\n  data_subjects: [customer]\n"
        "  data_categories: [user.name, user.financial.invoice]\n"
        "  retention_rules: [fiscal]\n",
        encoding="utf-8",
    )
    call_command("waarborg_check", str(clean), format="json")  # no SystemExit: exit code 0
    found = json.loads(capsys.readouterr().out)["findings"]
    assert found and not [f for f in found if f["severity"] == "error"]


def test_waarborg_check_of_a_broken_file_names_the_line(tmp_path, capsys, db):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "waarborg: 1\norganisation:\n  name: X\nactivities:\n- key: a\n  name: A\n"
        "  role: controller\n  purpose: P\n  legal_basis: consnet\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exit:
        main(["check", str(broken), "--language", "en"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "line 9" in err and "consnet" in err


def test_waarborg_check_of_an_organisation(organisation, capsys):
    with pytest.raises(SystemExit) as exit:
        call_command("waarborg_check", org=organisation.slug, language="en")
    assert exit.value.code == 1
    out = capsys.readouterr().out
    assert "organisation.contact" in out  # a new organisation has no privacy contact yet


def _party(organisation, key):
    return Party.objects.get(organisation=organisation, key=key)


def _save_party(organisation, owner, key, **changes):
    row = _party(organisation, key)
    data = {**current_data("parties", row), **changes}
    register_actions.save_item("parties", organisation, data, actor=owner, instance=row)


def test_singapore_under_the_dpf_is_an_error_linking_the_party_and_fixing_clears_it(
    seeded, organisation, owner
):
    seeded("000")
    _save_party(
        organisation,
        owner,
        "microsoft",
        country="US",
        locations=["US", "SG"],
        dpf_checked_on=datetime.date(2026, 11, 1),
    )
    (finding,) = [f for f in findings_for(organisation) if f.rule.id == "transfer.dpf_outside_us"]
    assert finding.severity == "error"
    assert finding.url == reverse("register:detail", args=["parties", "microsoft"])
    _save_party(organisation, owner, "microsoft", locations=["US", "IE"])
    assert not [f for f in findings_for(organisation) if f.rule.id == "transfer.dpf_outside_us"]


def test_a_dismissal_is_audited_and_holds_until_the_object_changes(
    seeded, organisation, owner, privacy_officer
):
    seeded("000")
    finding = next(
        f
        for f in findings_for(organisation)
        if f.rule.id == "transfer.dpf_not_certified" and f.key == "microsoft"
    )
    with pytest.raises(actions.CheckError):
        actions.dismiss_finding(organisation, finding, actor=privacy_officer, reason=" ")
    actions.dismiss_finding(
        organisation, finding, actor=privacy_officer, reason="Gecontroleerd in de DPF-lijst"
    )
    entry = AuditEntry.objects.filter(organisation=organisation).order_by("-seq").first()
    assert entry.action == "checks.finding.dismissed" and entry.new["finding"] == finding.id
    again = {f.id: f for f in findings_for(organisation)}[finding.id]
    assert again.dismissal is not None
    _save_party(organisation, owner, "microsoft", locations=["AT", "FI", "IE", "NL", "US"])
    back = {f.id: f for f in findings_for(organisation)}[finding.id]
    assert back.dismissal is None  # the party changed: the finding is back


def test_findings_page_roles_and_dismissal_by_post(
    seeded, organisation, client_for, privacy_officer, viewer, other_owner, other_organisation
):
    seeded("001")
    page = client_for(viewer).get(reverse("checks:findings"))
    assert page.status_code == 200
    assert "Telecommunicatiewet" in page.content.decode()
    wanted = next(f for f in findings_for(organisation) if f.rule.id == "organisation.contact")
    url = reverse("checks:dismiss")
    assert client_for(viewer).post(url, {"finding": wanted.id, "reason": "x"}).status_code == 403
    assert client_for(privacy_officer).get(url).status_code == 405
    assert (
        client_for(privacy_officer).post(url, {"finding": "nope", "reason": "x"}).status_code == 404
    )
    response = client_for(privacy_officer).post(
        url, {"finding": wanted.id, "reason": "Contact staat op de website"}
    )
    assert response.status_code == 302
    dismissal = Dismissal.objects.get(organisation=organisation, finding=wanted.id)
    # Another organisation's member cannot restore it.
    other = client_for(other_owner).post(reverse("checks:restore", args=[dismissal.pk]))
    assert other.status_code == 404
    # Nor dismiss this organisation's findings: a dismissal lands in their own organisation.
    client_for(other_owner).post(url, {"finding": wanted.id, "reason": "x"})
    assert not Dismissal.objects.filter(organisation=organisation, dismissed_by=other_owner)
    assert Dismissal.objects.filter(pk=dismissal.pk).exists()
    client_for(privacy_officer).post(reverse("checks:restore", args=[dismissal.pk]))
    assert not Dismissal.objects.filter(pk=dismissal.pk).exists()


def test_dashboard_is_the_to_do_list(seeded, organisation, client_for, viewer):
    seeded("000")
    page = client_for(viewer).get(reverse("core:dashboard")).content.decode()
    assert "<h1>Mainnovation b.v.</h1>" in page
    assert reverse("register:detail", args=["parties", "microsoft"]) in page
    assert "<svg" in page and "<script" not in page.split("<main>")[1]
    assert "KvK" not in page.split("<main>")[1]


def test_nightly_run_stores_counts_and_mails_new_errors_once(
    seeded, organisation, privacy_officer, viewer
):
    seeded("002")
    mail.outbox.clear()
    today = datetime.date(2026, 12, 1)
    with translation.override("en"):
        actions.nightly_checks(today=today)
    run = CheckRun.objects.get(organisation=organisation, run_on=today)
    assert run.counts["marketing"]["error"] >= 1
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert privacy_officer.email in recipients and viewer.email not in recipients
    body = next(m for m in mail.outbox if privacy_officer.email in m.to).body
    assert "Telecommunicatiewet" in body
    mail.outbox.clear()
    actions.nightly_checks(today=today + datetime.timedelta(days=1))
    assert mail.outbox == []  # nothing new
    assert CheckRun.objects.filter(organisation=organisation).count() == 2


def test_dashboard_lists_overdue_and_due_soon_requests_and_their_findings(
    organisation, client_for, viewer
):
    from django.utils import timezone

    from waarborg.requests.models import SubjectRequest

    today = timezone.localdate()
    for reference, days in (("V-1", -2), ("V-2", 3), ("V-3", 20)):
        SubjectRequest.objects.create(
            organisation=organisation,
            reference=reference,
            kind="access",
            channel="email",
            language="nl",
            name="Jan",
            email="jan@example.nl",
            received_at=timezone.now(),
            status="in_progress",
            due_on=today + datetime.timedelta(days=days),
        )
    with translation.override("en"):
        page = client_for(viewer).get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    main = page.content.decode().split("<main>")[1]
    due = main.split("<h2>")[1]  # the first section: requests due
    assert "V-1" in due and "V-2" in due and "V-3" not in due
    findings = {(f.rule.id, f.name) for f in findings_for(organisation)}
    assert ("request.overdue", "V-1") in findings and ("request.due_soon", "V-2") in findings


def test_chart_draws_the_last_nightly_run_of_each_week(organisation):
    from waarborg.checks import chart

    today = datetime.date(2026, 12, 2)  # a Wednesday
    CheckRun.objects.create(
        organisation=organisation,
        run_on=datetime.date(2026, 11, 17),
        counts={"transfers": {"error": 3, "warning": 1, "info": 0}},
    )
    CheckRun.objects.create(
        organisation=organisation,
        run_on=datetime.date(2026, 11, 19),
        counts={"transfers": {"error": 1, "warning": 0, "info": 0}},
    )
    drawn = chart.bars(organisation, today, current={"requests": {"error": 2}})
    assert len(drawn["bars"]) == 12
    by_week = {bar["start"]: bar for bar in drawn["bars"]}
    assert by_week[datetime.date(2026, 11, 16)]["total"] == 1  # the later run of that week
    assert by_week[datetime.date(2026, 11, 30)]["total"] == 2  # this week: now
    assert by_week[datetime.date(2026, 11, 23)]["missing"]
    assert len(drawn["legend"]) == 2  # transfers and requests, the areas with findings
    tallest = max(part["height"] for bar in drawn["bars"] for part in bar["parts"])
    assert tallest == drawn["height"]
