"""The Open Cookie Database as Waarborg reads it: the shipped copy, exact names before
prefixes, the cookie's own domain first, and a newer copy put in its place."""

from pathlib import Path

from waarborg.cookies import database

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "open-cookie-database"


def test_the_shipped_copy_is_the_data_set_with_its_licence():
    shipped = database.SHIPPED.parent
    licence = (shipped / "LICENSE").read_text()
    assert licence.lstrip().startswith("Apache License") and "Version 2.0" in licence
    assert "jkwakman/Open-Cookie-Database" in (shipped / "README.md").read_text()
    header = database.SHIPPED.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("ID,Platform,Category,Cookie / Data Key name,Domain")
    # Where the outside data set lies beside the project (../shared), the copy is unchanged.
    original = SHARED / "open-cookie-database.csv"
    if original.exists():
        assert database.SHIPPED.read_bytes() == original.read_bytes()
        assert licence == (SHARED / "LICENSE").read_text()


def test_known_cookies_are_classified_with_platform_and_controller():
    known = database.load()
    assert len(known) > 2000
    ga = known.lookup("_ga")
    assert (ga.category, ga.platform, ga.controller) == ("analytics", "Google Analytics", "Google")
    assert known.lookup("_ga_ABC123").category == "analytics"  # a prefix ("Wildcard match")
    assert known.lookup("_fbp").category == "marketing"
    assert known.lookup("wb_consent").category == "necessary"  # the banner's own
    assert known.lookup("shop_preference_9") is None


def test_exact_names_win_over_prefixes_and_the_longest_prefix_wins():
    entries = database.parse(
        [
            "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,"
            "Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n",
            "1,Short,Marketing,_x,,d,1 year,A,,1\n",
            "2,Long,Analytics,_x_long,,d,1 year,B,,1\n",
            "3,Exact,Functional,_x_long_exact,,d,1 year,C,,0\n",
            "4,Secure,Security,sid,bank.example,d,session,D,,0\n",
            "5,Other,Marketing,sid,,d,session,E,,0\n",
            "6,Nothing,,empty,,d,session,F,,0\n",
        ]
    )
    known = database.Database(entries)
    assert known.lookup("_x_long_exact").platform == "Exact"
    assert known.lookup("_x_long_other").platform == "Long"
    assert known.lookup("_x_other").platform == "Short"
    assert known.lookup("sid", ".www.bank.example").category == "necessary"  # its own domain
    assert known.lookup("sid", "shop.example").platform == "Other"
    assert known.lookup("empty") is None  # a row without a category is left out


def test_an_operator_may_put_a_newer_copy_in_place(tmp_path, monkeypatch):
    newer = tmp_path / "ocd.csv"
    newer.write_text(
        "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,"
        "Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n"
        "1,Shop,Functional,shop_preference_9,,Remembers the shop,1 year,Shop,,0\n"
    )
    monkeypatch.setenv("WAARBORG_COOKIE_DATABASE", str(newer))
    assert database.load().lookup("shop_preference_9").category == "functional"
    assert database.load().lookup("_ga") is None
