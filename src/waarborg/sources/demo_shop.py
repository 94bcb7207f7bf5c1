"""The demo's web shop: a small SQLite database of a Dutch installer's customer portal.

Built the same way every time (a seeded generator), so the demo and its tests see the same
customers. Table and column names are Dutch, as in the firms that use Waarborg.
"""

import random
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

ANNOTATION = Path(__file__).parent / "data" / "demo_shop.yaml"

SCHEMA = """
CREATE TABLE adres (
    id INTEGER PRIMARY KEY,
    straat TEXT NOT NULL,
    huisnummer TEXT NOT NULL,
    postcode TEXT NOT NULL,
    plaats TEXT NOT NULL
);
CREATE TABLE klant (
    id INTEGER PRIMARY KEY,
    klantnummer TEXT NOT NULL UNIQUE,
    naam TEXT NOT NULL,
    email TEXT,
    telefoon TEXT,
    adres_id INTEGER REFERENCES adres(id),
    aangemaakt DATE NOT NULL,
    geblokkeerd INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_klant_email ON klant (email);
CREATE INDEX ix_klant_telefoon ON klant (telefoon);
CREATE TABLE product (
    id INTEGER PRIMARY KEY,
    naam TEXT NOT NULL,
    prijs NUMERIC NOT NULL
);
CREATE TABLE bestelling (
    id INTEGER PRIMARY KEY,
    klant_id INTEGER NOT NULL REFERENCES klant(id),
    besteld_op DATE NOT NULL,
    bezorgadres_id INTEGER REFERENCES adres(id),
    opmerking TEXT
);
CREATE INDEX ix_bestelling_klant_id ON bestelling (klant_id);
CREATE TABLE bestelregel (
    bestelling_id INTEGER NOT NULL REFERENCES bestelling(id),
    regel INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES product(id),
    aantal INTEGER NOT NULL,
    PRIMARY KEY (bestelling_id, regel)
);
CREATE TABLE factuur (
    id INTEGER PRIMARY KEY,
    klant_id INTEGER NOT NULL REFERENCES klant(id),
    bestelling_id INTEGER REFERENCES bestelling(id),
    datum DATE NOT NULL,
    bedrag NUMERIC NOT NULL,
    tenaamstelling TEXT NOT NULL
);
CREATE INDEX ix_factuur_klant_id ON factuur (klant_id);
CREATE TABLE inlog (
    id INTEGER PRIMARY KEY,
    klant_id INTEGER NOT NULL REFERENCES klant(id),
    tijdstip TIMESTAMP NOT NULL,
    ip_adres TEXT
);
CREATE INDEX ix_inlog_klant_id ON inlog (klant_id);
CREATE TABLE storingsmelding (
    id INTEGER PRIMARY KEY,
    telefoon TEXT NOT NULL,
    email TEXT,
    omschrijving TEXT NOT NULL,
    gemeld_op TIMESTAMP NOT NULL
);
CREATE INDEX ix_storingsmelding_telefoon ON storingsmelding (telefoon);
CREATE INDEX ix_storingsmelding_email ON storingsmelding (email);
"""

FIRST = ["Jan", "Sanne", "Pieter", "Fatima", "Daan", "Emma", "Mohammed", "Lotte", "Kees", "Noor"]
LAST = ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer"]
STREETS = ["Oudegracht", "Biltstraat", "Amsterdamsestraatweg", "Kanaalweg", "Vleutenseweg"]
PRODUCTS = [
    ("Cv-ketel onderhoudsbeurt", "129.00"),
    ("Thermostaatkraan", "34.50"),
    ("Warmtepomp inspectie", "149.00"),
    ("Radiator ontluchten", "45.00"),
]
# The customer the demo's requests use (see the README's walk-through).
DEMO_CUSTOMER = {"email": "jan.dejong@example.nl", "klantnummer": "K-1001"}


def build(path, customers=40, today=None):
    """Create the shop database at `path` (replacing it); return the path."""
    path = Path(path)
    path.unlink(missing_ok=True)
    rng = random.Random(1001)
    # the firm's date (Amsterdam), not the machine's: between 23:00 and 24:00 UTC they differ
    today = today or timezone.localdate()
    conn = sqlite3.connect(path)
    with conn:
        conn.executescript(SCHEMA)
        conn.executemany(
            "INSERT INTO product (id, naam, prijs) VALUES (?, ?, ?)",
            [(i + 1, name, price) for i, (name, price) in enumerate(PRODUCTS)],
        )
        order_id = invoice_id = login_id = 0
        for number in range(1, customers + 1):
            if number == 1:
                name, email = "Jan de Jong", DEMO_CUSTOMER["email"]
            else:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                email = f"klant{number}@example.nl"
            phone = f"+3161234{number:04d}"
            conn.execute(
                "INSERT INTO adres VALUES (?, ?, ?, ?, 'Utrecht')",
                (
                    number,
                    rng.choice(STREETS),
                    str(rng.randint(1, 200)),
                    f"35{rng.randint(10, 99)} AB",
                ),
            )
            created = today - timedelta(days=rng.randint(30, 3000))
            conn.execute(
                "INSERT INTO klant VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                (number, f"K-{1000 + number}", name, email, phone, number, created.isoformat()),
            )
            for _ in range(rng.randint(1, 3)):
                order_id += 1
                ordered = created + timedelta(days=rng.randint(0, (today - created).days))
                conn.execute(
                    "INSERT INTO bestelling VALUES (?, ?, ?, ?, ?)",
                    (order_id, number, ordered.isoformat(), number, None),
                )
                for line in range(1, rng.randint(1, 3) + 1):
                    conn.execute(
                        "INSERT INTO bestelregel VALUES (?, ?, ?, ?)",
                        (order_id, line, rng.randint(1, len(PRODUCTS)), rng.randint(1, 2)),
                    )
                invoice_id += 1
                conn.execute(
                    "INSERT INTO factuur VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        invoice_id,
                        number,
                        order_id,
                        ordered.isoformat(),
                        f"{rng.randint(40, 400)}.00",
                        name,
                    ),
                )
            for _ in range(rng.randint(0, 5)):
                login_id += 1
                moment = datetime.combine(created, datetime.min.time()) + timedelta(
                    minutes=rng.randint(0, (today - created).days * 1440)
                )
                conn.execute(
                    "INSERT INTO inlog VALUES (?, ?, ?, ?)",
                    (login_id, number, moment.isoformat(sep=" "), f"192.0.2.{rng.randint(1, 254)}"),
                )
            if number % 4 == 1:
                conn.execute(
                    "INSERT INTO storingsmelding VALUES (?, ?, ?, ?, ?)",
                    (number, phone, email, "Cv-ketel geeft storing", f"{created} 09:15:00"),
                )
    conn.close()
    return path
