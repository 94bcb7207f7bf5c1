"""The demo: the firm's hosting service with three clients, a new sub-processor announced,
one client objecting, which keeps the change from it; the statement lists it once applied."""

import datetime

import pytest
from django.utils import timezone

from waarborg import demo
from waarborg.core.models import Organisation
from waarborg.processors import actions
from waarborg.processors.models import Service, SubProcessorChange


@pytest.mark.django_db
def test_demo_hosting_change_with_one_objection(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    demo.build()
    firm = Organisation.objects.get(slug="van-dijk")
    service = Service.objects.get(organisation=firm, key="hosting")
    assert service.clients.count() == 3 and service.statements.count() == 2
    change = SubProcessorChange.objects.get(organisation=firm)
    assert change.status == SubProcessorChange.Status.SENDING
    assert sorted(change.clients.values_list("language", flat=True)) == ["en", "nl", "nl"]
    later = timezone.localdate() + datetime.timedelta(days=15)
    change.status = SubProcessorChange.Status.ANNOUNCED  # as the worker leaves it
    change.save()
    actions.apply_due_changes(firm, actor=None, today=later)
    rows = {r.client.key: r.applies(later) for r in change.clients.select_related("change")}
    assert rows == {"bakkerij-jansen": True, "fysio-oost": False, "flanders-design": True}
    assert [
        p.key
        for p in service.sub_processors_for(change.clients.get(client__key="fysio-oost").client)
    ] == [p.key for p in service.sub_processors.exclude(pk=change.party_id)]
    nl, _en = actions.publish_statement(service, actor=None)
    assert "Backup Frankfurt GmbH" in nl.html and "Duitsland" in nl.html
