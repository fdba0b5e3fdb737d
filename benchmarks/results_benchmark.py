"""Results at national scale: the whole computation against one SQL query.

Generates a competition the size of the national index in an empty database — 40,000 innovations
from 550 regions, 3 judges per innovation, 6 criteria, 720,000 scores — then, in a fresh process
on the same database, times:

- full: everything the results need (reading the inputs, judge totals, aggregation, the
  innovation ranking with tie-breaks, predikat bands, and three awards: the best innovation,
  OPD Terinovatif and the most innovative region);
- scan: one hand-written SQL query computing each innovation's weighted mean, the least any
  results computation must do.

Each time is the best of three runs. Per database it prints the phases of the full computation
(``phases <db>: sheets=… entries=… inputs=… compute=… page=…``: the judges' sheets summarised
by SQL, the innovations' facts, all inputs together, the computation on arrays, and the first page
of fifty rows made from it), then ``results <db>: full=<s> s scan=<s> s ratio=<x> peak=<MB> MB``;
peak is the measuring process's maximum resident memory. The goal: full ≤ 2 s and ≤ 2 × scan.
Then the sealing and the sealed version's page, and the organiser's dashboard on its first visit
(judge agreement worked out) and once its figures are kept (``dashboard <db>: first=… kept=…``).

    python benchmarks/results_benchmark.py                      # SQLite in a temporary folder
    python benchmarks/results_benchmark.py postgresql://...     # a server: makes and drops its own database
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGIONS, ENTRIES, JUDGES_PER_ENTRY, CRITERIA, JUDGES = 550, 40_000, 3, 6, 600
ORGANISATIONS_PER_REGION = 24
SCAN_SQL = """
SELECT a.entry_id, SUM(c.weight * s.value / c.max_value) / SUM(c.weight) AS weighted_mean
FROM score s
JOIN assignment a ON a.id = s.assignment_id
JOIN criterion c ON c.id = s.criterion_id
WHERE a.round_id = :round_id AND a.status = 'confirmed'
GROUP BY a.entry_id
"""


def make_app(url: str):
    os.environ.setdefault("ANUGERAH_INSTANCE_PATH", tempfile.mkdtemp(prefix="anugerah-bench-"))
    os.environ.setdefault("ANUGERAH_SECRET_KEY", "benchmark")
    from competition import create_app

    # The benchmark signs in with the test client, which sends no CSRF token.
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})


def generate(url: str) -> None:
    """Fill an empty database with the national-scale competition."""
    from sqlalchemy import insert

    from competition.extensions import db
    from competition.models import (
        Assignment,
        Award,
        Category,
        Competition,
        Criterion,
        Entry,
        Organisation,
        Region,
        Round,
        Score,
        User,
    )

    rng = random.Random(2025)
    app = make_app(url)
    now = datetime(2025, 11, 1, tzinfo=UTC)
    with app.app_context():
        db.create_all()
        session = db.session

        def bulk(model, rows: list[dict], batch: int = 20_000) -> None:
            for start in range(0, len(rows), batch):
                session.execute(insert(model), rows[start:start + batch])

        bulk(Region, [{"id": r, "name": f"Daerah {r:03d}", "kind": "kota" if r % 5 == 0 else "kabupaten"}
                      for r in range(1, REGIONS + 1)])
        organisations = [{"id": (r - 1) * ORGANISATIONS_PER_REGION + o, "region_id": r,
                          "name": f"OPD {o:02d} Daerah {r:03d}", "active": True}
                         for r in range(1, REGIONS + 1) for o in range(1, ORGANISATIONS_PER_REGION + 1)]
        bulk(Organisation, organisations)
        bulk(Competition, [{
            "id": 1, "name": "Innovative Government Award", "year": 2025, "region_id": 1, "phase": "results",
            "submission_opens_at": now - timedelta(days=200),
            "submission_closes_at": now - timedelta(days=150),
            "verification_closes_at": now - timedelta(days=100),
            "judging_closes_at": now - timedelta(days=50),
            "version": 1, "created_at": now, "tie_break_chain": ["heaviest_criterion", "top_marks",
                                                                 "earlier_submission", "organiser_decision"],
            "bands": [{"label": "Sangat Inovatif", "minimum": 60.01}, {"label": "Inovatif", "minimum": 35.0},
                      {"label": "Kurang Inovatif", "minimum": 0.01}],
            "disagreement_threshold": 20.0, "one_award_per_organisation": True}])
        bulk(Category, [{"id": 1, "competition_id": 1, "name": "Tata Kelola", "description": ""},
                        {"id": 2, "competition_id": 1, "name": "Pelayanan Publik", "description": ""}])
        bulk(Award, [
            {"id": 1, "competition_id": 1, "position": 1, "name": "Inovasi Terbaik", "subject": "innovation",
             "positions": 10, "policy": "mean", "index_floor": 1, "count_bonus": 0, "count_bonus_cap": 0,
             "citation": ""},
            {"id": 2, "competition_id": 1, "position": 2, "name": "OPD Terinovatif",
             "subject": "organisation",
             "positions": 5, "policy": "index", "index_floor": 3, "count_bonus": 1.0, "count_bonus_cap": 5,
             "citation": ""},
            {"id": 3, "competition_id": 1, "position": 3, "name": "Daerah Terinovatif", "subject": "region",
             "positions": 5, "policy": "index", "index_floor": 10, "count_bonus": 0.5, "count_bonus_cap": 20,
             "citation": ""}])
        bulk(Round, [{"id": 1, "competition_id": 1, "position": 1, "name": "Pengukuran", "blind": False,
                      "aggregation": "mean", "normalise": False, "advancement": "all", "weight": 1.0,
                      "judges_per_entry": JUDGES_PER_ENTRY, "status": "closed"}])
        weights = [3, 2, 2, 1, 1, 1]
        bulk(Criterion, [{"id": c, "round_id": 1, "position": c, "name": f"Indikator {c}", "guidance": "",
                          "weight": weights[c - 1], "scale": "levels" if c > 3 else "numeric",
                          "min_value": 1.0 if c > 3 else 0.0, "max_value": 3.0 if c > 3 else 100.0,
                          "step": None if c > 3 else 1.0, "independent": False}
                         for c in range(1, CRITERIA + 1)])
        bulk(User, [{"id": j, "email": f"juri{j}@iga.go.id", "name": f"Juri {j}", "password_hash": "-",
                     "active": True, "created_at": now} for j in range(1, JUDGES + 1)])
        # What confirming a sheet stores: its summary in whole numbers (competition.ranking.totals).
        from competition.ranking.totals import CriterionSpec, round_scale

        rubric = tuple(CriterionSpec(id=c, weight=weights[c - 1], min_value=1 if c > 3 else 0,
                                     max_value=3 if c > 3 else 100) for c in range(1, CRITERIA + 1))
        factors = round_scale(rubric).factors
        entries, assignments, scores = [], [], []
        assignment_id = score_id = 0
        for e in range(1, ENTRIES + 1):
            region = rng.randint(1, REGIONS)
            organisation = (region - 1) * ORGANISATIONS_PER_REGION + rng.randint(1, ORGANISATIONS_PER_REGION)
            entries.append({"id": e, "competition_id": 1, "organisation_id": organisation,
                            "category_id": 1 + e % 2, "title": f"Inovasi {e}", "inisiator": "asn",
                            "tahapan": "penerapan", "jenis": "digital", "bentuk": "pelayanan_publik",
                            "urusan": "Kesehatan", "urusan_terkait": "", "rancang_bangun": "", "tujuan": "",
                            "manfaat": "", "hasil": "", "status": "scored", "version": 3,
                            "submitted_at": now - timedelta(days=160, minutes=rng.randint(0, 60_000)),
                            "created_at": now - timedelta(days=170), "updated_at": now})
            quality = rng.uniform(0.2, 0.95)
            for judge in rng.sample(range(1, JUDGES + 1), JUDGES_PER_ENTRY):
                assignment_id += 1
                sheet = {"id": assignment_id, "round_id": 1, "entry_id": e, "judge_id": judge,
                         "source": "auto", "status": "confirmed", "confirmed_at": now - timedelta(days=60),
                         "created_at": now - timedelta(days=90), "points": 0, "top_marks": 0,
                         "marks": CRITERIA}
                for c in range(1, CRITERIA + 1):
                    score_id += 1
                    if c > 3:
                        value = float(min(3, max(1, round(1 + 2 * quality + rng.uniform(-0.6, 0.6)))))
                    else:
                        value = float(min(100, max(0, round(100 * quality + rng.gauss(0, 8)))))
                    scores.append({"id": score_id, "assignment_id": assignment_id, "criterion_id": c,
                                   "value": value, "comment": "", "updated_at": now - timedelta(days=61)})
                    mark = round(value * 10_000)
                    sheet["points"] += factors[c] * mark
                    sheet["top_marks"] += value >= (3 if c > 3 else 100)
                    if c == 1:   # the heaviest criterion
                        sheet["heaviest_mark"] = mark
                assignments.append(sheet)
        bulk(Entry, entries)
        bulk(Assignment, assignments)
        bulk(Score, scores)
        session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.exec_driver_sql("COMMIT")
                connection.exec_driver_sql("ANALYZE")
        print(f"generated: {len(entries):,} innovations, {REGIONS} regions, "
              f"{len(organisations):,} organisations, {len(assignments):,} assignments, "
              f"{len(scores):,} scores")


def best_of(runs: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(url: str, label: str) -> None:
    """Time the full computation and the scan; runs in its own process for a clean memory peak."""
    from sqlalchemy import text

    from competition.extensions import db
    from competition.judging.sheets import sheet_table, summed_in_sql
    from competition.models import Competition
    from competition.ranking.results import compute_results
    from competition.results.operations import build_inputs, entry_table, preview_results

    app = make_app(url)
    with app.app_context():
        competition = db.session.get(Competition, 1)

        def full():
            db.session.expire_all()
            return preview_results(competition)

        def scan():
            return db.session.execute(text(SCAN_SQL), {"round_id": 1}).all()

        def scan_without_nested_loops():
            # PostgreSQL plans the scan as nested loops with an index lookup per mark; the same
            # query with hash joins is the fairer baseline, so the ratio takes the faster.
            with db.session.begin_nested():
                db.session.execute(text("SET LOCAL enable_nestloop = off"))
                return db.session.execute(text(SCAN_SQL), {"round_id": 1}).all()

        full_time, results = best_of(3, full)
        scan_time, rows = best_of(3, scan)
        if db.engine.dialect.name == "postgresql":
            planned_time = best_of(3, scan_without_nested_loops)[0]
            print(f"scan postgresql: as planned={scan_time:.3f} s without nested loops={planned_time:.3f} s")
            scan_time = min(scan_time, planned_time)
        inputs_time, inputs = best_of(3, lambda: build_inputs(competition))
        phases = {
            "sheets": best_of(3, lambda: sheet_table(inputs.rounds))[0],
            "sheets-summed-in-sql": best_of(3, lambda: summed_in_sql(inputs.rounds, None,
                                                                     only_unsummarised=False))[0],
            "entries": best_of(3, lambda: entry_table(competition))[0],
            "inputs": inputs_time,
            "compute": best_of(3, lambda: compute_results(inputs))[0],
            "page": best_of(3, lambda: (results.entries[:50], [a.rows[:50] for a in results.awards]))[0],
        }
        print(f"phases {label}: " + " ".join(f"{name}={seconds:.3f}" for name, seconds in phases.items()))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        top = results.awards[1].rows[0]
        print(f"checked: {len(results.entries):,} innovations ranked, {len(rows):,} weighted means; "
              f"OPD Terinovatif 1 = organisation {top.subject_id} ({top.score:.2f})")
        print(f"results {label}: full={full_time:.3f} s scan={scan_time:.3f} s "
              f"ratio={full_time / scan_time:.2f} peak={peak_mb:.0f} MB")
    measure_sealed(app, label)


def measure_sealed(app, label: str) -> None:
    """Seal the results (checked at once, rows kept apart), then time the version's page, which
    reads fifty rows of each award: the goal is 200 ms."""
    from competition.extensions import db
    from competition.models import Competition, Membership, User
    from competition.results.operations import seal_results

    with app.app_context():
        organiser, competition = db.session.get(User, 1), db.session.get(Competition, 1)
        organiser.set_password("benchmark-only")
        db.session.add(Membership(user=organiser, competition=competition, role="organiser"))
        db.session.commit()
        start = time.perf_counter()
        seal_results(competition, organiser)
        db.session.commit()
        seal_time = time.perf_counter() - start
        email = organiser.email
    client = app.test_client()
    signed_in = client.post("/login", data={"email": email, "password": "benchmark-only"})
    assert signed_in.status_code == 302, signed_in.status_code
    address = "/manage/1/results/versions/1"
    assert client.get(address).status_code == 200
    page_time = best_of(3, lambda: client.get(address))[0]
    print(f"sealed {label}: seal={seal_time:.1f} s version-page={page_time * 1000:.0f} ms")
    # The dashboard works the judge agreement out on the first visit and keeps it for the next ones
    # while no sheet is confirmed or reopened.
    dashboard = "/manage/1/dashboard"
    start = time.perf_counter()
    assert client.get(dashboard).status_code == 200
    first_time = time.perf_counter() - start
    kept_time = best_of(3, lambda: client.get(dashboard))[0]
    print(f"dashboard {label}: first={first_time:.1f} s kept={kept_time:.2f} s "
          f"ratio={first_time / kept_time:.0f}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        measure(sys.argv[2], sys.argv[3])
        return
    server = sys.argv[1] if len(sys.argv) > 1 else None
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from competition.config import database_url

    drop = None
    if server:
        base = make_url(database_url(server))
        name = f"anugerah_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url, label = base.set(database=name).render_as_string(hide_password=False), "postgresql"

        def drop() -> None:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    else:
        folder = tempfile.mkdtemp(prefix="anugerah-bench-")
        url, label = f"sqlite:///{folder}/bench.db", "sqlite"
    keep = bool(os.environ.get("ANUGERAH_BENCH_KEEP"))
    try:
        start = time.perf_counter()
        generate(url)
        print(f"generation took {time.perf_counter() - start:.1f} s")
        subprocess.run([sys.executable, __file__, "--measure", url, label], check=True)
        if keep:
            print(f"kept for measuring again: {sys.executable} {__file__} --measure '{url}' {label}")
    finally:
        if drop and not keep:
            drop()


if __name__ == "__main__":
    main()
