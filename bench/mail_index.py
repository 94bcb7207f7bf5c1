"""Mail index benchmark: indexing throughput, look-up time and memory of the document index.

    .venv/bin/python bench/mail_index.py [--messages 100000] [--seed 22] [--people 50]
    (or .venv/bin/python -m bench.mail_index; `pip install -e '.[bench]'` adds Tantivy)

A generated mailbox (bench/mail_corpus.py: Dutch and English mail between a firm and its
customers, 10% with a PDF, DOCX, XLSX, CSV or TXT attachment) is read back through
documents.extract once and kept in bench/.data/. Each measurement then runs in a fresh process
(its peak memory is its own) on the same extracted text:

- Waarborg: documents.index.update (BSN removal, keyed hashes of addresses and phone numbers,
  one AES-GCM token per item, a commit per batch of 500; on two cores or more the file written
  by a writing process, on four or more the items prepared by a pool of two processes) into
  the FTS5 file; its memory is its own peak and the other processes';
- the floor: the same text inserted into the same FTS5 table in one transaction
  (executemany), nothing else; the ratio is Waarborg's throughput over the floor's
  (target >= 0.5x); peak memory of Waarborg's run (target < 500 MB);
- the required work: what no run can leave out (the items read, BSNs removed, sealed, both
  tables written; no key terms) in one process: its CPU time over the cores is the least time
  any run can take, and the floor over that the best ratio there can be;
- Tantivy (if installed), one writer thread: the same bare insert, and Waarborg's path with
  Tantivy in place of FTS5 for the terms (the items table stays in SQLite);
- finding a person through documents.matching.find by e-mail address, a phone number in
  another notation than the one indexed and the name: median and p95 over 50 people (target
  median < 100 ms), with the recall of the messages known to name them; and the candidate
  query alone on FTS5 and on Tantivy.

Figures at 100,000 messages on 2 idle cores, two runs (docs/mail-and-documents.md, "Speed"):
Waarborg 6.3 s and 6.2 s (16,000 msg/s; this process reading and preparing, a writing process
writing and preparing one item in three; peak 100 MB + 96 MB), the floor 1.4 s and 1.5 s:
0.23x and 0.24x, the 0.5x target not met (10.2-10.4 s in one process; 13.0-13.4 s against a
floor of 1.9 s at the start of the round, before the writing process, a batch written in two
statements, an item sealed as one token, IBANs found by their words at look-up and FTS5 set
to merge 16 segments at a time, which sped up the floor as well; 129 s on shared cores before
identifiers were recognised at look-up time). Tantivy 1.7-1.8 s bare, 9.7-10.0 s on
Waarborg's path in one process; look-up median 15-16 ms, p95 208-223 ms, recall 100%. On a
later, slower machine: floor 1.8 s, Waarborg 7.7-7.8 s (0.23x), the required work 5.7-5.9 s of
CPU (on two cores at best 2.9 s: 0.60-0.62x), recognising the key terms 37 µs per message.
"""

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA = Path(__file__).parent / ".data"
os.environ.setdefault("WAARBORG_DATA_DIR", str(DATA / "mail_index"))
os.environ.setdefault("WAARBORG_SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waarborg.settings")

import django  # noqa: E402

django.setup()

from bench import mail_corpus  # noqa: E402
from waarborg.documents import imap, index, matching, recognise  # noqa: E402

SOURCE = 1
WORK = DATA / "mail_index_work"


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh(*paths):
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def corpus_rows(corpus, columns):
    db = sqlite3.connect(corpus)
    return db, db.execute(f"SELECT {columns} FROM messages ORDER BY uid")


def loader(db):
    """documents.index's load(refs) over the stored extracted messages, as imap.loader
    yields them (one message at a time, nothing held)."""

    def load(refs):
        uids = [imap.parse_ref(ref)[2] for ref in refs]
        marks = ",".join("?" * len(uids))
        rows = db.execute(
            f"SELECT uid, meta, text, addresses FROM messages WHERE uid IN ({marks})", uids
        )
        for uid, meta, text, addresses in rows:
            yield index.Item(
                imap.ref("INBOX", 1, uid), "1", json.loads(meta), text, json.loads(addresses)
            )

    return load


def timed(work):
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "peak_mb": peak_mb(),
        **(result or {}),
    }


def phase_waarborg(corpus):
    fresh(index.path())
    db = sqlite3.connect(corpus)
    listing = [
        (imap.ref("INBOX", 1, uid), "1") for (uid,) in db.execute("SELECT uid FROM messages")
    ]

    def work():
        run = index.update(SOURCE, listing, loader(db))
        # the other processes' memory counts too: the largest of them, once per process (the
        # writing process where there are two cores, the preparing ones where there are more)
        cores = os.cpu_count() or 1
        others = (cores >= 2 and len(listing) >= index.writer.WRITER_FROM) + (
            index.indexing.POOL_SIZE
            if cores >= index.indexing.POOL_SIZE + 2 and len(listing) >= index.indexing.POOL_FROM
            else 0
        )
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return {
            "items": run.read,
            "bytes": index.path().stat().st_size,
            "children_mb": child * others,
            "children": others,
        }

    return timed(work)


def phase_floor(corpus):
    target = WORK / "floor.sqlite3"
    fresh(target)
    WORK.mkdir(exist_ok=True)

    def work():
        connection = sqlite3.connect(target)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")  # as index.connect
        connection.executescript(index.SCHEMA)
        index.configure(connection)  # the same table, with the same settings
        db, rows = corpus_rows(corpus, "uid, text")
        with connection:
            connection.executemany("INSERT INTO terms(rowid, body, keys) VALUES (?, ?, '')", rows)
        connection.close()
        return {"items": db.execute("SELECT count(*) FROM messages").fetchone()[0]}

    return timed(work)


def phase_required(corpus):
    """What no indexing run can leave out, in one process: the items read as the source yields
    them, their BSNs removed, each sealed and put in the items table and its text in the terms
    (no key terms: no address or phone number recognised). Its CPU time over the cores is the
    least time a run can take, however its work is shared out."""
    fresh(index.path())
    db = sqlite3.connect(corpus)
    refs = [imap.ref("INBOX", 1, uid) for (uid,) in db.execute("SELECT uid FROM messages")]
    load = loader(db)
    preparer = index.Preparer.of_installation()

    def prepared(item):
        meta = dict(item.meta)
        text, meta["bsn_masked"] = recognise.mask_bsn(item.text)
        return (item.ref, item.signature, None, b"", preparer.seal([meta, text, ""]), text, "")

    def work():
        with closing(index.connect()) as connection:
            for start in range(0, len(refs), 500):
                connection.execute("BEGIN IMMEDIATE")
                part = [prepared(item) for item in load(refs[start : start + 500])]
                index.store._put(connection, SOURCE, part)
                connection.commit()
        return {"items": len(refs)}

    return timed(work)


def tantivy_index(folder, create):
    import tantivy

    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("rowid", stored=True, indexed=True)
    # not stored: like the contentless FTS5 table, it holds the terms and nothing else
    builder.add_text_field("body", stored=False, tokenizer_name="folded")
    builder.add_text_field("keys", stored=False, tokenizer_name="raw_words")
    if create:
        fresh(folder)
        folder.mkdir(parents=True)
    found = tantivy.Index(builder.build(), path=str(folder))
    found.register_tokenizer("folded", analyzer)
    words = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    found.register_tokenizer("raw_words", words)
    return found


def phase_tantivy(corpus):
    import tantivy

    def work():
        found = tantivy_index(WORK / "tantivy-bare", create=True)
        writer = found.writer(heap_size=100_000_000, num_threads=1)
        db, rows = corpus_rows(corpus, "uid, text")
        for uid, text in rows:
            writer.add_document(tantivy.Document(rowid=uid, body=text, keys=""))
        writer.commit()
        writer.wait_merging_threads()
        return {"items": db.execute("SELECT count(*) FROM messages").fetchone()[0]}

    return timed(work)


def store_tantivy(connection, writer, item):
    """An item put in the index as documents.index.update puts it, with the terms going to Tantivy
    instead of FTS5 (sealed as the older index did, a token for each column)."""
    import tantivy

    meta = dict(item.meta)
    text, bsn_count = recognise.mask_bsn(item.text)
    meta["bsn_masked"] = bsn_count
    keys = index.keys_of(text, item.addresses)
    cursor = connection.execute(
        "INSERT INTO items (source, ref, signature, meta, body, keys) VALUES (?, ?, ?, ?, ?, ?)",
        (SOURCE, item.ref, item.signature, *map(index.store._seal, (meta, text, keys))),
    )
    writer.add_document(tantivy.Document(rowid=cursor.lastrowid, body=text, keys=keys))


def phase_tantivy_full(corpus):
    target = WORK / "tantivy-items.sqlite3"
    fresh(target)
    WORK.mkdir(exist_ok=True)

    def work():
        found = tantivy_index(WORK / "tantivy-full", create=True)
        writer = found.writer(heap_size=100_000_000, num_threads=1)
        connection = sqlite3.connect(target)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")  # as index.connect
        connection.executescript(index.SCHEMA.split("CREATE VIRTUAL")[0])
        db = sqlite3.connect(corpus)
        refs = [imap.ref("INBOX", 1, uid) for (uid,) in db.execute("SELECT uid FROM messages")]
        load = loader(db)
        for start in range(0, len(refs), 50):
            with connection:
                for item in load(refs[start : start + 50]):
                    store_tantivy(connection, writer, item)
        writer.commit()
        writer.wait_merging_threads()
        return {"items": len(refs)}

    return timed(work)


def chosen_people(corpus, count, seed):
    db = sqlite3.connect(corpus)
    people = {pid: json.loads(p) for pid, p in db.execute("SELECT id, person FROM people")}
    named = {}
    for uid, ids in db.execute("SELECT uid, named FROM messages"):
        for pid in json.loads(ids):
            named.setdefault(pid, set()).add(imap.ref("INBOX", 1, uid))
    rng = random.Random(seed)
    picked = rng.sample(sorted(pid for pid in named if pid >= 0), min(count, len(named)))
    out = []
    for pid in picked:
        person = people[pid]
        identities = {
            "email": [person["email"]],
            # written otherwise than most messages do: the match goes through E.164
            "phone_number": [mail_corpus.notation(rng, person["phone"])],
            "name": [person["name"]],
        }
        out.append((identities, named[pid]))
    return out


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def tantivy_query(identities):
    """matching.queries for Tantivy's query parser."""
    parts = [f"keys:{key}" for key in matching.queries(identities).split(" OR ") if ":" not in key]
    for full in identities.get("name", []):
        words = " ".join(__import__("re").findall(r"\w+", matching.split_name(full).surname))
        if words:
            parts.append(f'body:"{words}"')
    return " OR ".join(parts)


def phase_find(corpus, count, seed):
    people = chosen_people(corpus, count, seed)
    matching.find([SOURCE], people[0][0])  # warm: file cache, key derivation
    times, cpu_times, candidate_times, found, wanted, candidates = [], [], [], 0, 0, []
    for identities, known in people:
        started, cpu = time.perf_counter(), time.process_time()
        hits = matching.find([SOURCE], identities)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu)
        refs = {hit.ref for hit in hits}
        found += len(known & refs)
        wanted += len(known)
        with closing(index.connect()) as connection:
            started = time.perf_counter()
            rows = index.candidates(connection, [SOURCE], matching.queries(identities))
            candidate_times.append(time.perf_counter() - started)
        candidates.append(len(rows))
    result = {
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
        "cpu_median": statistics.median(cpu_times),
        "cpu_p95": percentile(cpu_times, 0.95),
        "recall": found / wanted,
        "candidates_median": statistics.median(candidates),
        "candidates_max": max(candidates),
        "fts_query_median": statistics.median(candidate_times),
    }
    if (WORK / "tantivy-full").exists():
        searcher_index = tantivy_index(WORK / "tantivy-full", create=False)
        searcher_index.reload()
        searcher = searcher_index.searcher()
        tantivy_times = []
        for identities, _ in people:
            started = time.perf_counter()
            query = searcher_index.parse_query(tantivy_query(identities), ["body"])
            hits = searcher.search(query, limit=1000).hits
            [searcher.doc(address)["rowid"][0] for _, address in hits]
            tantivy_times.append(time.perf_counter() - started)
        result["tantivy_query_median"] = statistics.median(tantivy_times)
    return result


PHASES = {
    "floor": phase_floor,
    "waarborg": phase_waarborg,
    "required": phase_required,
    "tantivy": phase_tantivy,
    "tantivy-full": phase_tantivy_full,
}


def in_process(name, *args):
    """Run one phase in a fresh interpreter; its figures come back as JSON."""
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", name, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        sys.exit(f"phase {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def have_tantivy():
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, *rest = args.phase
        result = phase_find(rest[0], int(rest[1]), int(rest[2])) if name == "find" else None
        print(json.dumps(result or PHASES[name](rest[0])))
        return 0
    n = args.messages
    print(f"corpus: {n:,} messages (seed {args.seed}) ...", flush=True)
    corpus = mail_corpus.build(n, args.seed)
    with closing(sqlite3.connect(corpus)) as db:
        size, chars, attached, extracting = db.execute(
            "SELECT sum(raw_size), sum(length(text)), sum(text LIKE '%' || char(10) || '[%]%'),"
            " (SELECT value FROM facts WHERE name = 'seconds') FROM messages"
        ).fetchone()
    print(
        f"  {size / 1e6:,.0f} MB of mail, {chars / 1e6:,.0f} M characters of text, "
        f"{attached:,} messages with an attachment; read through documents.extract in "
        f"{extracting:,.0f} s ({n / extracting:,.0f} messages/s)"
    )
    floor = in_process("floor", corpus)
    ours = in_process("waarborg", corpus)
    required = in_process("required", corpus)
    ratio = floor["seconds"] / ours["seconds"]
    cores = os.cpu_count() or 1
    least = required["cpu"] / cores
    memory = ours["peak_mb"] + ours["children_mb"]
    print(
        f"indexing: waarborg {ours['seconds']:6.1f} s ({n / ours['seconds']:,.0f} msg/s, "
        f"cpu {ours['cpu']:.1f} s in this process, peak {ours['peak_mb']:.0f} MB + "
        f"{ours['children_mb']:.0f} MB in {ours['children']} other process(es), "
        f"index {ours['bytes'] / 1e6:,.0f} MB)\n"
        f"          bare FTS5 insert {floor['seconds']:6.1f} s ({n / floor['seconds']:,.0f} msg/s,"
        f" cpu {floor['cpu']:.1f} s, peak {floor['peak_mb']:.0f} MB)\n"
        f"          ratio {ratio:4.2f}x (cpu {floor['cpu'] / ours['cpu']:4.2f}x)\n"
        f"          required work alone (read, BSNs removed, sealed, both tables; no key "
        f"terms) cpu {required['cpu']:.1f} s: on {cores} core(s) at least {least:.1f} s, "
        f"a ratio of at most {floor['seconds'] / least:4.2f}x"
    )
    if have_tantivy():
        bare = in_process("tantivy", corpus)
        full = in_process("tantivy-full", corpus)
        print(
            f"tantivy:  bare insert {bare['seconds']:6.1f} s ({n / bare['seconds']:,.0f} msg/s, "
            f"peak {bare['peak_mb']:.0f} MB); waarborg's path with tantivy terms "
            f"{full['seconds']:6.1f} s ({n / full['seconds']:,.0f} msg/s, "
            f"peak {full['peak_mb']:.0f} MB)"
        )
    found = in_process("find", corpus, args.people, args.seed)
    print(
        f"find ({args.people} people, e-mail + phone + name): median "
        f"{found['median'] * 1000:.1f} ms, p95 {found['p95'] * 1000:.1f} ms, max "
        f"{found['max'] * 1000:.1f} ms (cpu median {found['cpu_median'] * 1000:.1f} ms, p95 "
        f"{found['cpu_p95'] * 1000:.1f} ms); recall {found['recall']:.1%}; candidates median "
        f"{found['candidates_median']:.0f}, max {found['candidates_max']}\n"
        f"  candidate query alone: FTS5 {found['fts_query_median'] * 1000:.2f} ms"
        + (
            f", Tantivy {found['tantivy_query_median'] * 1000:.2f} ms"
            if "tantivy_query_median" in found
            else ""
        )
    )
    met = ratio >= 0.5 and found["median"] < 0.1 and memory < 500
    print(
        "targets (ratio >= 0.5x, median find < 100 ms, peak < 500 MB): "
        + ("met" if met else "NOT met")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
