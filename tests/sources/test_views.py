"""Staff pages of a system's database: connect, draft, check, look up, disconnect."""

import pytest
from django.urls import reverse

from tests.sources.databases import cookie_house_annotation
from waarborg.audit.models import AuditEntry
from waarborg.register.models import System
from waarborg.sources import demo_shop
from waarborg.sources.models import SqlSource


@pytest.fixture
def shop(tmp_path):
    return f"sqlite:///{demo_shop.build(tmp_path / 'shop.db')}"


@pytest.fixture
def system(organisation):
    return System.objects.create(
        organisation=organisation, key="webshop", name={"nl": "Webwinkel", "en": "Web shop"}
    )


def connect(client, system, url, annotation):
    return client.post(
        reverse("sources:connect", args=[system.key]), {"url": url, "annotation": annotation}
    )


def test_connect_checks_and_stores_the_url_encrypted(client_for, owner, system, shop):
    response = connect(client_for(owner), system, shop, demo_shop.ANNOTATION.read_text())
    assert response.status_code == 302
    source = SqlSource.objects.get(system=system)
    assert "shop.db" not in source.url_encrypted and source.url == shop
    assert source.problems == []
    entry = AuditEntry.objects.filter(action="source.connect").get()
    assert entry.new["collections"][:2] == ["adres", "bestelling"]
    page = client_for(owner).get(reverse("sources:detail", args=[system.key]))
    assert b"Fiscale bewaarplicht" in page.content


def test_a_wrong_annotation_rerenders_with_the_reason_and_saves_nothing(
    client_for, owner, system, shop
):
    response = connect(client_for(owner), system, shop, cookie_house_annotation())
    assert response.status_code == 200
    assert "De database heeft geen tabel customer" in response.content.decode()
    assert not SqlSource.objects.exists()
    response = connect(client_for(owner), system, shop, "dataset: [1, 2]")
    assert "precies één dataset" in response.content.decode()
    response = connect(client_for(owner), system, "", demo_shop.ANNOTATION.read_text())
    assert "Geef het adres van de database" in response.content.decode()


def test_draft_fills_the_annotation_from_the_database(client_for, owner, system, shop):
    response = client_for(owner).post(reverse("sources:draft", args=[system.key]), {"url": shop})
    assert response.status_code == 200
    assert "identity: email  # guessed" in response.content.decode()


def test_lookup_shows_the_rows_and_is_audited(client_for, owner, handler, system, shop):
    connect(client_for(owner), system, shop, demo_shop.ANNOTATION.read_text())
    response = client_for(handler).post(
        reverse("sources:find", args=[system.key]), {"email": demo_shop.DEMO_CUSTOMER["email"]}
    )
    assert response.status_code == 200
    assert b"Jan de Jong" in response.content
    entry = AuditEntry.objects.filter(action="source.access").get()
    assert entry.new["rows"]["klant"] == 1 and "Jan" not in str(entry.new)
    empty = client_for(handler).post(reverse("sources:find", args=[system.key]), {})
    assert "Vul ten minste" in empty.content.decode()


def test_roles_and_other_organisations(
    client_for, owner, viewer, handler, other_owner, system, shop
):
    connect(client_for(owner), system, shop, demo_shop.ANNOTATION.read_text())
    detail = reverse("sources:detail", args=[system.key])
    assert client_for(viewer).get(detail).status_code == 200
    assert client_for(viewer).post(reverse("sources:find", args=[system.key])).status_code == 403
    for name in ("connect", "check", "disconnect"):
        assert (
            client_for(handler).post(reverse(f"sources:{name}", args=[system.key])).status_code
            == 403
        )
    assert client_for(other_owner).get(detail).status_code in (302, 404)
    assert client_for(owner).get(reverse("sources:check", args=[system.key])).status_code == 405


def test_check_and_disconnect(client_for, owner, system, shop, tmp_path):
    connect(client_for(owner), system, shop, demo_shop.ANNOTATION.read_text())
    (tmp_path / "shop.db").unlink()
    client_for(owner).post(reverse("sources:check", args=[system.key]))
    source = SqlSource.objects.get()
    assert source.has_errors() and "WAARBORG_SOURCE_SQLITE_DIRS" in source.problems[0]["message"]
    client_for(owner).post(reverse("sources:disconnect", args=[system.key]))
    assert not SqlSource.objects.exists()
    assert AuditEntry.objects.filter(action="source.disconnect").exists()
