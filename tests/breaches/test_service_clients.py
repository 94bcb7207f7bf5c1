"""A breach in a service (#21 pt 6): the clients of the services that perform the breach's
activities, or use its processor as a sub-processor, are the controllers to tell (Art. 33(2));
another organisation's clients never are."""

from tests.breaches.conftest import record
from waarborg.breaches import actions
from waarborg.processors.models import Service
from waarborg.register.models import Party, ProcessingActivity


def _client(organisation, key):
    return Party.objects.create(
        organisation=organisation, key=key, name={"nl": key}, kind="client_controller",
        country="NL",
    )  # fmt: skip


def test_the_clients_of_the_service_are_affected(organisation, handler, other_organisation):
    hosting = ProcessingActivity.objects.create(
        organisation=organisation, key="hosting", role="processor", name={"nl": "Hosting"},
        purpose={"nl": "Hosting voor klanten"},
    )  # fmt: skip
    a, b, elsewhere = (_client(organisation, k) for k in ("klant-a", "klant-b", "klant-c"))
    service = Service.objects.create(organisation=organisation, key="hosting", name={"nl": "H"})
    service.activities.set([hosting])
    service.clients.set([a, b])
    other = Service.objects.create(organisation=organisation, key="support", name={"nl": "S"})
    other.clients.set([elsewhere])
    # another organisation's service with the same activity key and its own client
    theirs = _client(other_organisation, "hun-klant")
    their_service = Service.objects.create(
        organisation=other_organisation, key="hosting", name={"nl": "H"}
    )
    their_service.clients.set([theirs])

    breach = record(organisation, handler, links={"activities": [hosting]})
    assert set(actions.affected_controllers(breach)) == {a, b}


def test_a_breach_at_a_sub_processor_affects_the_clients_of_the_services_using_it(
    organisation, handler
):
    backup = Party.objects.create(
        organisation=organisation, key="backup", name={"nl": "Backup B.V."}, kind="sub_processor",
        country="NL",
    )  # fmt: skip
    a, b = _client(organisation, "klant-a"), _client(organisation, "klant-b")
    service = Service.objects.create(organisation=organisation, key="hosting", name={"nl": "H"})
    service.sub_processors.set([backup])
    service.clients.set([a])
    breach = record(organisation, handler, processor=backup)
    assert set(actions.affected_controllers(breach)) == {a}
    assert b not in actions.affected_controllers(breach)


def test_no_service_no_client(organisation, handler):
    breach = record(organisation, handler)
    assert not actions.affected_controllers(breach).exists()
