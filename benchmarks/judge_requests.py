"""One judge working through their list, request by request, timed through the Flask test client.

Builds the competition of tests/judging/test_judge_path_statements.py (open round, 60 innovations
each with 5 evidence items, 8 criteria of which 2 on levels, 10 judges, 40 declared conflicts) in
an empty database, signs the judge in, then for each of the judge's open innovations makes the
requests a browser makes: the scoring page, an autosave (the whole form, as JSON), the summary,
confirming (which redirects to the next open innovation), and every fifth time the list. Each
request starts from a fresh database session, as in a web process. Prints per request kind the
SQL statements (those through SQLAlchemy; the ranking's raw-cursor reads when an innovation's judging
completes are not counted), the median and mean time and the median CPU time of the measuring
process (on SQLite it includes the database's work; on a busy machine it is steadier than the
time) in milliseconds, the best median of
``--repeat`` runs, each run in a fresh process.

With ``--compare DIR`` it measures the code in DIR too (another checkout, e.g. main), in a fresh
process on a database of its own, in the same run, and prints the ratio old / new.

    python benchmarks/judge_requests.py                        # SQLite in a temporary folder
    python benchmarks/judge_requests.py --compare /work/main   # and the code of main, same run
    python benchmarks/judge_requests.py --database postgresql://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("list", "page", "autosave", "summary", "confirm")


def _database(server: str | None, folder: Path) -> tuple[str, str | None]:
    """A new empty database: its URL, and its name on the server (to drop) if any."""
    if server is None:
        return f"sqlite:///{folder / 'judge.db'}", None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"anugerah_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False), name


def _drop(server: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def measure(source: Path, server: str | None, entries: int) -> dict[str, dict[str, float]]:
    """Times and statement counts per request kind, for the code in ``source``."""
    sys.path.insert(0, str(source))
    from sqlalchemy import event

    from competition import create_app
    from competition.extensions import db
    from tests.web.pages import sign_in

    # The competition of the statement-count test (this checkout's), on the code under measurement.
    spec = importlib.util.spec_from_file_location(
        "judge_path", ROOT / "tests" / "judging" / "test_judge_path_statements.py")
    assert spec is not None and spec.loader is not None
    judge_path = importlib.util.module_from_spec(spec)
    sys.modules["judge_path"] = judge_path  # dataclasses look their module up
    spec.loader.exec_module(judge_path)

    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("ANUGERAH_SECRET_KEY", "benchmark")
        os.environ["ANUGERAH_INSTANCE_PATH"] = str(Path(folder) / "instance")
        url, name = _database(server, Path(folder))
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
            with app.app_context():
                db.create_all()
                size = judge_path.Size(entries=entries, judges=9, evidence=5, conflicts=40, criteria=6)
                path = judge_path.JudgePath(size, blind=False)
                client = app.test_client()
                sign_in(client, path.judge)
                # The whole form filled in (levels take their top level, the others 75), so that it
                # can be confirmed.
                full_form = {key: value or ("75" if key.startswith("value-") else "Baik")
                             for key, value in path.form.items()}
                times: dict[str, list[float]] = {kind: [] for kind in KINDS}
                cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
                statements: dict[str, list[int]] = {kind: [] for kind in KINDS}
                counted: list[int] = [0]

                def count(*_args: object) -> None:
                    counted[0] += 1

                event.listen(db.engine, "before_cursor_execute", count)

                def timed(kind: str, method: str, url: str, **kwargs: object) -> str:
                    db.session.remove()
                    counted[0] = 0
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.open(url, method=method, **kwargs)  # type: ignore[arg-type]
                    times[kind].append((time.perf_counter() - started) * 1000)
                    cpu[kind].append((time.process_time() - started_cpu) * 1000)
                    statements[kind].append(counted[0])
                    assert response.status_code in (200, 302), (kind, url, response.status_code)
                    return response.headers.get("Location", "")

                open_sheets = path.sheet_ids[3:-1]
                for number, sheet in enumerate(open_sheets):
                    if number % 5 == 0:
                        timed("list", "GET", "/scoring")
                    timed("page", "GET", f"/scoring/{sheet}")
                    timed("autosave", "POST", f"/scoring/{sheet}/draft", data=full_form,
                          headers={"Accept": "application/json"})
                    timed("summary", "GET", f"/scoring/{sheet}/confirm")
                    timed("confirm", "POST", f"/scoring/{sheet}/confirm")
                event.remove(db.engine, "before_cursor_execute", count)
                db.session.remove()
                db.engine.dispose()
        finally:
            if server is not None and name is not None:
                _drop(server, name)
    return {kind: {"statements": statistics.median(statements[kind]),
                   "median_ms": statistics.median(times[kind]), "mean_ms": statistics.fmean(times[kind]),
                   "cpu_ms": statistics.median(cpu[kind]),
                   "requests": len(times[kind])} for kind in KINDS}


def _print(label: str, figures: dict[str, dict[str, float]]) -> None:
    for kind in KINDS:
        f = figures[kind]
        print(f"{label:>4} {kind:<9} statements={f['statements']:>4.0f}  median={f['median_ms']:6.2f} ms  "
              f"mean={f['mean_ms']:6.2f} ms  cpu={f['cpu_ms']:6.2f} ms  ({f['requests']:.0f} requests)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="a PostgreSQL server URL (a database is made and dropped)")
    parser.add_argument("--compare", type=Path, help="another checkout to measure in the same run")
    parser.add_argument("--entries", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each checkout, alternating; the best median of each is kept")
    parser.add_argument("--source", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.json:  # one measurement, for the process that compares
        print(json.dumps(measure(arguments.source, arguments.database, arguments.entries)))
        return

    def in_process(source: Path) -> dict[str, dict[str, float]]:
        command = [sys.executable, __file__, "--json", "--source", str(source),
                   "--entries", str(arguments.entries)]
        if arguments.database:
            command += ["--database", arguments.database]
        output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=source).stdout
        return dict(json.loads(output.strip().splitlines()[-1]))

    def best(runs: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
        return {kind: min((run[kind] for run in runs), key=lambda f: f["median_ms"]) for kind in KINDS}

    new_runs: list[dict[str, dict[str, float]]] = []
    old_runs: list[dict[str, dict[str, float]]] = []
    for _run in range(arguments.repeat):  # alternating, so that a busy moment of the machine hits both
        new_runs.append(in_process(ROOT))
        if arguments.compare:
            old_runs.append(in_process(arguments.compare.resolve()))
    new = best(new_runs)
    _print("new", new)
    if old_runs:
        old = best(old_runs)
        _print("old", old)
        for kind in KINDS:
            print(f"ratio {kind:<9} statements {old[kind]['statements']:.0f} -> "
                  f"{new[kind]['statements']:.0f}, "
                  f"median {old[kind]['median_ms']:.2f} -> {new[kind]['median_ms']:.2f} ms "
                  f"(old/new {old[kind]['median_ms'] / new[kind]['median_ms']:.2f}x), "
                  f"cpu {old[kind]['cpu_ms']:.2f} -> {new[kind]['cpu_ms']:.2f} ms")


if __name__ == "__main__":
    main()
