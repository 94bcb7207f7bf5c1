from django.shortcuts import render

from waarborg.core.access import get_for_org, role_required
from waarborg.core.models import Role
from waarborg.jobs.models import ImportRun


@role_required(Role.VIEWER)
def import_detail(request, pk):
    """The progress of an import, refreshed while the worker is at it."""
    run = get_for_org(ImportRun, request.organisation, pk=pk)
    return render(request, "jobs/import.html", {"run": run})
