"""Background work of the jobs app: long imports, in batches (see `jobs.imports`)."""

from django_tasks import task

from waarborg.jobs import imports


@task()
def run_import(run_id):
    imports.carry_out(run_id)
