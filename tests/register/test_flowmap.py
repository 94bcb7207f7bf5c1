"""The data-flow map: every active activity of the organisation and nothing of another, each
node a link to its register page, each transfer written out in words beside its country."""

import re

from django.conf import settings

from waarborg import demo
from waarborg.register.models import Party, ProcessingActivity, Status


def _map(client, language="nl"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/register/map/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_map_shows_each_activity_system_and_party_as_a_link(
    organisation, owner, viewer, client_for
):
    demo.build_register(organisation, owner)
    page = _map(client_for(viewer))
    for activity in ProcessingActivity.objects.filter(organisation=organisation).exclude(
        status=Status.RETIRED
    ):
        assert f'href="/register/activities/{activity.key}/"' in page
        for system in activity.systems.exclude(status=Status.RETIRED):
            assert f'href="/register/systems/{system.key}/"' in page
            if system.operator_id:
                assert f'href="/register/parties/{system.operator.key}/"' in page
    assert "Groepen mensen" in page and "Landen" in page


def test_a_transfer_is_named_in_words_beside_its_country(organisation, owner, viewer, client_for):
    demo.build_register(organisation, owner)
    page = _map(client_for(viewer))
    # Microsoft 365 processes in the US under the Data Privacy Framework
    us = re.search(r"<title>Verenigde Staten: ([^<]+)</title>", page)
    assert us and "DPF" in us.group(1)
    # a party in a third country without a mechanism is flagged, in words
    party = Party.objects.get(organisation=organisation, key="microsoft")
    party.transfer_mechanism = ""
    party.save()
    page = _map(client_for(viewer), "en")
    assert re.search(r"<title>United States: No valid mechanism recorded</title>", page)


def test_retired_items_and_another_organisations_register_stay_off_the_map(
    organisation, owner, other_organisation, other_owner, viewer, client_for
):
    demo.build_register(organisation, owner)
    demo.build_register(other_organisation, other_owner)
    ProcessingActivity.objects.filter(organisation=other_organisation, key="newsletter").update(
        key="secret-activity-of-the-other"
    )
    retired = ProcessingActivity.objects.filter(organisation=organisation).first()
    retired.status = Status.RETIRED
    retired.save()
    page = _map(client_for(viewer))
    assert "secret-activity-of-the-other" not in page
    assert f'href="/register/activities/{retired.key}/"' not in page


def test_an_empty_register_says_so(organisation, viewer, client_for):
    assert "Het register heeft nog geen verwerkingen." in _map(client_for(viewer))


def test_a_long_label_wraps_and_keeps_its_full_text_in_the_title(
    organisation, owner, viewer, client_for
):
    from waarborg.register.flowmap import LINES, NODE_WIDTH, PADDING, _width, wrap

    demo.build_register(organisation, owner)
    long_name = "Klantadministratie en facturering voor alle vestigingen in de Benelux"
    activity = ProcessingActivity.objects.filter(organisation=organisation).first()
    activity.name = {"nl": long_name, "en": long_name}
    activity.save()
    page = _map(client_for(viewer))
    assert f"<title>{long_name}</title>" in page
    assert "<tspan" in page and ">Klantadministratie en</tspan>" in page
    for text in [
        long_name,
        "Verwerkingsactiviteitenregisterbeheersysteem",
        "Nieuwsbrief",
        "W" * 60,
    ]:
        lines = wrap(text)
        assert 1 <= len(lines) <= LINES
        assert all(_width(line) <= NODE_WIDTH - 2 * PADDING for line in lines)
        assert "".join(lines).replace("-", "").replace("…", "").replace(" ", "") in text.replace(
            " ", ""
        )
    assert wrap("Nieuwsbrief") == ["Nieuwsbrief"]
    assert wrap(long_name)[-1].endswith("…")
