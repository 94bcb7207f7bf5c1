"""Consent load benchmark: the cookie banner's event endpoint under load, against a bare view.

    .venv/bin/python bench/consent_load.py [--seconds 10] [--connections 32] [--workers 4]

Starts gunicorn (gthread workers, keep-alive) on PostgreSQL (a scratch database
`wb_bench_consent`, dropped afterwards) and drives it from localhost with an asyncio client that
keeps its connections open. Each request posts a banner choice of a common three-category
banner: three events with their proof and states in one transaction, sealed into the
organisation's hash chain after the commit. Then the same load hits a bare Django view that does
one INSERT and nothing else. Prints events per second, errors, and the ratio of choices served
to the bare view's requests. Target: at least 1,000 events per second with zero errors; the
ledger verifies after.
"""

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
NAME = "wb_bench_consent"
REVISION = ""  # the banner's current revision, as a real banner would post it
# A common banner: three choosable categories, so each choice posted is three events.
CATEGORIES = ["statistiek", "advertenties", "voorkeuren"]
URL = f"postgresql://postgres@127.0.0.1:5432/{NAME}"
ENV = {
    **os.environ,
    "WAARBORG_DATABASE_URL": URL,
    "WAARBORG_SECRET_KEY": "bench-" + "x" * 60,
    "WAARBORG_DATA_DIR": str(ROOT / "bench" / ".data" / "consent"),
    "DJANGO_SETTINGS_MODULE": "bench.load_settings",
    "WAARBORG_ALLOWED_HOSTS": "127.0.0.1,localhost",
}


def prepare():
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {NAME}")
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_insert (id BIGSERIAL PRIMARY KEY, body TEXT)")
    from waarborg.consent import actions
    from waarborg.core import actions as core_actions

    owner = core_actions.create_user(email="bench@example.nl", password="bench-password-1")
    organisation = core_actions.create_organisation(actor=owner, owner=owner, name="Bench B.V.")
    for key in CATEGORIES:
        actions.save_purpose(
            organisation,
            actor=owner,
            key=key,
            name={"nl": key.capitalize()},
            channel="cookie",
            mechanism="opt_in",
            wording={"nl": f"Cookies voor {key}."},
        )
    from waarborg.center.banner_views import cookie_purposes, revision

    global REVISION
    REVISION = revision(cookie_purposes(organisation))
    connection.close()
    return organisation.slug


def serve(port, workers, threads):
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "waarborg.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        env=ENV,
        cwd=ROOT,
    )


async def load(port, path, bodies, seconds, connections):
    """Keep-alive connections posting as fast as answers come; (ok, errors)."""
    ok = errors = 0
    stop = time.perf_counter() + seconds

    async def one():
        nonlocal ok, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < stop:
            body = next(bodies)
            writer.write(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await reader.readexactly(length)
            if status in (200, 201, 204):
                ok += 1
            else:
                errors += 1
        writer.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    return ok, errors


def bodies():
    while True:
        choice = {
            "id": "c-" + secrets.token_hex(12),
            "revision": REVISION,
            "choices": {"statistiek": True, "advertenties": False, "voorkeuren": True},
            "page": "https://bench.example/",
        }
        yield json.dumps(choice).encode()


def bare_bodies():
    while True:
        yield b"{}"


def wait_for(port):
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    slug = prepare()
    port = 8765
    server = serve(port, args.workers, args.threads)
    try:
        wait_for(port)
        asyncio.run(load(port, f"/c/{slug}/banner/consent", bodies(), 2, args.connections))
        ok, errors = asyncio.run(
            load(port, f"/c/{slug}/banner/consent", bodies(), args.seconds, args.connections)
        )
        ours = ok * len(CATEGORIES) / args.seconds
        bare_ok, bare_errors = asyncio.run(
            load(port, "/bench/insert", bare_bodies(), args.seconds, args.connections)
        )
        bare = bare_ok / args.seconds
    finally:
        server.terminate()
        server.wait()
    from waarborg.consent.actions import verify_ledger
    from waarborg.core.models import Organisation

    problems = verify_ledger(Organisation.objects.get(slug=slug))
    choices = ok / args.seconds
    print(
        f"banner events: {ours:8.0f} per second ({choices:.0f} choices of {len(CATEGORIES)} "
        f"categories), {errors} errors ({args.workers} gunicorn workers x {args.threads} threads, "
        f"{args.connections} connections)"
    )
    print(f"bare INSERT view: {bare:8.0f} per second, {bare_errors} errors")
    print(
        f"ratio {choices / bare:4.2f}x of the bare view's requests per second; ledger "
        f"{'verifies' if not problems else 'BROKEN: ' + str(problems[:3])}"
    )
    met = ours >= 1000 and errors == 0 and not problems
    print(f"target (>= 1,000 events/s, zero errors): {'met' if met else 'NOT met'}")
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
