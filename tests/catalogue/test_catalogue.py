"""The catalogue of common processors: the shipped file is complete and valid, entries are
"to be checked" until an organisation checks them, and a party picked from it is prefilled and
remembers where its facts came from."""

import datetime

import pytest
import yaml

from waarborg.audit.models import AuditEntry
from waarborg.catalogue import actions, entries
from waarborg.catalogue.models import Confirmation, Origin
from waarborg.register.models import Party, System

NEEDED_KINDS = {
    "office", "hosting", "accounting", "payroll", "crm", "newsletter", "analytics",
    "advertising", "telephony", "payments", "parcels",
}  # fmt: skip


def test_the_shipped_catalogue_is_complete_and_valid():
    catalogue = entries.parse(entries.SHIPPED.read_text(encoding="utf-8"))
    assert len(catalogue.entries) >= 60
    assert {e.kind for e in catalogue.entries} >= NEEDED_KINDS
    for entry in catalogue.entries:
        assert isinstance(entry.as_of, datetime.date) and entry.source.startswith("https://")
        assert entry.legal_entity and entry.locations and entry.domains
    names = {e.name for e in catalogue.entries}
    assert {"Microsoft 365", "Google Workspace", "Mailchimp", "Exact Online"} <= names


def _file(**changes):
    entry = yaml.safe_load(entries.SHIPPED.read_text(encoding="utf-8"))["entries"][0]
    entry.update(changes)
    return yaml.safe_dump({"version": "2027-01-01", "entries": [entry]})


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"country": "XX"}, "'XX' is not a known country code"),
        ({"locations": ["IE", "ZZ"]}, "'ZZ'"),
        ({"transfer_mechanism": "handshake"}, "unknown transfer mechanism"),
        ({"data_categories": ["user.soul"]}, "unknown data category"),
        ({"as_of": "soon"}, "as_of must be a date"),
        ({"agreement_url": "http://example.com"}, "agreement_url must be an https"),
        ({"domains": ["not a domain"]}, "is not a domain"),
    ],
)
def test_a_bad_catalogue_is_refused_naming_the_entry_and_field(changes, named):
    with pytest.raises(entries.CatalogueError, match="microsoft-365") as refused:
        entries.parse(_file(**changes))
    assert named in str(refused.value)


def test_a_catalogue_missing_a_fact_is_refused():
    text = _file()
    text = "\n".join(line for line in text.splitlines() if not line.startswith("  as_of"))
    with pytest.raises(entries.CatalogueError, match="missing"):
        entries.parse(text)


def test_a_party_picked_from_the_catalogue_is_prefilled_and_remembers_its_origin(
    organisation, owner
):
    party = actions.add_party(organisation, actor=owner, entry_key="microsoft-365", system=True)
    assert party.country == "IE" and party.locations == ["IE", "NL", "US"]
    assert party.transfer_mechanism == "eu_us_dpf" and party.kind == "processor"
    assert "outlook.com" in party.web_domains
    assert System.objects.get(organisation=organisation, key="microsoft-365").operator == party
    origin = Origin.objects.get(party=party)
    assert origin.entry == "microsoft-365" and origin.facts["legal_entity"].startswith("Microsoft")
    assert AuditEntry.objects.filter(action="register.party.created").exists()
    with pytest.raises(actions.CatalogueActionError):
        actions.add_party(organisation, actor=owner, entry_key="microsoft-365")
    assert Party.objects.filter(organisation=organisation).count() == 1


def test_unknown_entries_and_kinds_are_refused(organisation, owner):
    with pytest.raises(actions.CatalogueActionError):
        actions.add_party(organisation, actor=owner, entry_key="no-such-service")
    with pytest.raises(actions.CatalogueActionError):
        actions.add_party(organisation, actor=owner, entry_key="stripe", kind="authority")
    assert not Party.objects.exists()


def test_a_newer_catalogue_shows_what_changed(organisation, owner, tmp_path, monkeypatch):
    party = actions.add_party(organisation, actor=owner, entry_key="microsoft-365")
    newer = tmp_path / "processors.yaml"
    newer.write_text(_file(locations=["IE", "NL", "US", "IN"]))
    monkeypatch.setenv("WAARBORG_CATALOGUE", str(newer))
    [(changed, entry, diff)] = actions.changes(organisation)
    assert changed == party and entry.key == "microsoft-365"
    assert diff == {"locations": (["IE", "NL", "US"], ["IE", "NL", "US", "IN"])}


def test_entries_are_to_be_checked_until_the_organisation_checks_them(
    client_for, owner, organisation, viewer, other_owner, other_organisation
):
    page = client_for(owner).get("/catalogue/?q=mailchimp").content.decode()
    assert "Mailchimp" in page and "te controleren" in page and "Microsoft 365" not in page
    assert client_for(viewer).post("/catalogue/mailchimp/confirm/").status_code == 403
    assert client_for(owner).post("/catalogue/mailchimp/confirm/").status_code == 302
    checked = Confirmation.objects.get(organisation=organisation)
    assert checked.entry == "mailchimp" and checked.checked_by == owner
    assert AuditEntry.objects.filter(action="catalogue.confirm").count() == 1
    # another organisation's check is its own
    other = client_for(other_owner).get("/catalogue/?q=mailchimp").content.decode()
    assert "te controleren" in other


def test_adding_from_the_page_opens_the_party_to_check(client_for, owner, organisation, handler):
    assert client_for(handler).post("/catalogue/exact-online/add/").status_code == 403
    response = client_for(owner).post("/catalogue/exact-online/add/", {"kind": "processor"})
    assert response.status_code == 302
    assert response["Location"] == "/register/parties/exact-online/edit/"
    assert Party.objects.get(key="exact-online").country == "NL"
