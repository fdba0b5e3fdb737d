"""The fault scripts' short form: a gunicorn worker killed during confirmations, and PostgreSQL
(a throwaway cluster of the script's own) stopped and started under load."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import on_postgres

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("ANUGERAH_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _cannot_run() -> str | None:
    if not on_postgres():
        return "the fault scripts need PostgreSQL (ANUGERAH_TEST_DATABASE_URL)"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "a throwaway PostgreSQL cluster is made as the postgres user: needs root and runuser"
    if not (PG_BIN / "initdb").exists():
        return f"no initdb in {PG_BIN} (set ANUGERAH_PG_BIN)"
    return None


@pytest.mark.skipif(_cannot_run() is not None, reason=str(_cannot_run()))
def test_the_short_fault_scripts_pass():
    env = {**os.environ, "ANUGERAH_LOADTEST_DATABASE_URL": os.environ["ANUGERAH_TEST_DATABASE_URL"]}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "faults.py"), "--short"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=400)
    verdicts = [line for line in done.stdout.splitlines() if line.startswith(("PASS ", "FAIL "))]
    assert len(verdicts) == 2, done.stdout[-3000:] + done.stderr[-3000:]
    assert all(line.startswith("PASS ") for line in verdicts), "\n".join(verdicts)
    assert done.returncode == 0
