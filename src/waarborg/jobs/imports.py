"""Long imports leave the request: the rows are checked in the request (no writes, no lock),
then a list of more than BACKGROUND_FROM rows is written by the worker, BATCH rows per
transaction, with its progress on a page. A run cut off continues after its last committed
batch. Small lists are still imported at once, in the request."""

import json

from django.db import transaction
from django.utils import timezone

from waarborg.audit.actions import record_entry
from waarborg.core.crypto import decrypt_text, encrypt_text
from waarborg.jobs.models import ImportRun
from waarborg.jobs.worker import checkpoint

BACKGROUND_FROM = 1000
BATCH = 200
ROWS_PURPOSE = "import-rows"


def queue_import(organisation, *, actor, kind, target, rows):
    """Record an import of `rows` (already checked) and hand it to the worker."""
    from waarborg.jobs.tasks import run_import

    with transaction.atomic():
        run = ImportRun.objects.create(
            organisation=organisation,
            kind=kind,
            target=target,
            created_by=actor,
            total=len(rows),
            rows=encrypt_text(json.dumps(rows), ROWS_PURPOSE),
        )
        record_entry(
            organisation,
            actor=actor,
            action="jobs.import.queued",
            obj=run,
            new={"kind": kind, "target": target, "rows": len(rows)},
        )
        transaction.on_commit(lambda: run_import.enqueue(run.pk))
    return run


def carry_out(run_id):
    """Write the run's rows from where it stopped; end it with its audit entry, once."""
    run = ImportRun.objects.select_related("organisation", "created_by").get(pk=run_id)
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
        return run
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    try:
        rows = json.loads(decrypt_text(run.rows, ROWS_PURPOSE))
        importer = IMPORTERS[run.kind](run)
        while run.done < len(rows):
            checkpoint()
            batch = rows[run.done : run.done + BATCH]
            with transaction.atomic():
                counts = importer.write(batch)
                for name, value in counts.items():
                    run.result[name] = run.result.get(name, 0) + value
                run.done += len(batch)
                run.save(update_fields=["done", "result"])
    except Exception as error:  # the batches written stay; the rows are dropped
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            error=str(error)[:2000],
            rows="",
            finished_at=timezone.now(),
        )
        raise
    with transaction.atomic():
        finished = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.DONE, finished_at=timezone.now(), rows=""
        )
        if finished:
            importer.finish(run.result)
    run.refresh_from_db()
    return run


class ConsentImport:
    """A list of subscribers for one consent purpose (`consent.actions`)."""

    def __init__(self, run):
        from waarborg.consent.models import ConsentPurpose

        self.run = run
        self.purpose = ConsentPurpose.objects.get(organisation=run.organisation, key=run.target)

    def write(self, rows):
        from waarborg.consent.actions import import_prepared, prepare_subscribers

        prepared = prepare_subscribers(rows)
        imported, skipped = import_prepared(self.purpose, prepared, actor=self.run.created_by)
        return {"imported": imported, "skipped": skipped}

    def finish(self, result):
        record_entry(
            self.run.organisation,
            actor=self.run.created_by,
            action="consent.import",
            obj=self.purpose,
            new={"imported": result.get("imported", 0), "skipped": result.get("skipped", 0)},
        )


class AddressImport:
    """The address list of a change notice (`notices.actions.notify_change`); when it is
    written, the mailing is queued in the same transaction."""

    def __init__(self, run):
        from waarborg.notices.models import ChangeNotice

        self.notice = ChangeNotice.objects.get(organisation=run.organisation, pk=run.target)

    def write(self, rows):
        from waarborg.notices.models import ChangeNoticeRecipient

        ChangeNoticeRecipient.objects.bulk_create(
            [
                ChangeNoticeRecipient(notice=self.notice, email=email, language=language)
                for email, language in rows
            ],
            ignore_conflicts=True,  # one message per address, also after a restart
        )
        return {"addresses": len(rows)}

    def finish(self, result):
        from waarborg.notices.tasks import send_change_notice

        send_change_notice.enqueue(self.notice.pk)


class RegisterImport:
    """A register file (`register.yamlio`): all or nothing, so one batch, one transaction; a
    run cut off was rolled back and starts again. `import_register` audits it."""

    def __init__(self, run):
        self.run = run

    def write(self, rows):
        from waarborg.register.yamlio import import_register

        (text,) = rows
        plan = import_register(self.run.organisation, text, actor=self.run.created_by)
        return {"changes": len(plan.changes)}

    def finish(self, result):
        pass


IMPORTERS = {"consent": ConsentImport, "addresses": AddressImport, "register": RegisterImport}
REGISTER_BACKGROUND_FROM = 300  # changes: each is several rows and audit entries


def start_register_import(organisation, text, *, actor):
    """Check a register file (RegisterFileError, writing nothing and taking no lock); import
    a small one at once, returning its Plan, or queue a large one: its ImportRun."""
    from waarborg.register.yamlio import import_register, plan_import

    plan = plan_import(organisation, text)
    if len(plan.changes) < REGISTER_BACKGROUND_FROM:
        return import_register(organisation, text, actor=actor)
    return queue_import(organisation, actor=actor, kind="register", target="register", rows=[text])


def start_consent_import(purpose, rows, *, actor):
    """Check a subscriber list (ConsentError naming every wrong row); import a short one at
    once, (imported, skipped), or queue a long one: its ImportRun."""
    from waarborg.consent.actions import import_subscribers, prepare_subscribers

    if len(rows) < BACKGROUND_FROM:
        return import_subscribers(purpose, rows, actor=actor)
    prepare_subscribers(rows)
    return queue_import(
        purpose.organisation, actor=actor, kind="consent", target=purpose.key, rows=rows
    )
