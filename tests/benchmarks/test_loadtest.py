"""The load test's short form on PostgreSQL: many judges at once lose nothing, duplicate nothing
and get no 5xx; and the client's helpers on their own."""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SERVER_URL, on_postgres

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from loadtest_client import choose_scores, multipart  # noqa: E402
from loadtest_report import percentile  # noqa: E402

LAST_LINE = re.compile(r"^loadtest: judges=(\d+) confirmed=(\d+) lost=(\d+) dup=(\d+) 5xx=(\d+) "
                       r"p95=(\d+) ms ratio=([\d.]+)$")


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]      # 1..100
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([7.0], 95) == 7.0 and percentile([], 95) == 0.0
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0   # rank ceil(1.5) = 2


def test_scores_are_chosen_within_each_criterion_of_the_form():
    page = ('<input class="form-control score-input" type="number" id="value-4" name="value-4" '
            'min="0" max="10" step="0.5"><input type="radio" name="value-9" value="25">'
            '<input type="radio" name="value-9" value="50"><input type="radio" name="value-9" value="">'
            '<input type="hidden" name="csrf_token" value="x">')
    for seed in range(20):
        chosen = choose_scores(page, random.Random(seed))
        assert set(chosen) == {4, 9}
        assert 0 <= chosen[4] <= 10 and chosen[4] * 2 == int(chosen[4] * 2)
        assert chosen[9] in (25.0, 50.0)


def test_the_draft_body_is_multipart_as_form_data_sends_it():
    body, content_type = multipart([("csrf_token", "abc"), ("value-4", "7.5")])
    boundary = content_type.removeprefix("multipart/form-data; boundary=")
    assert body.decode() == (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                             f'abc\r\n--{boundary}\r\nContent-Disposition: form-data; name="value-4"\r\n\r\n'
                             f"7.5\r\n"
                             f"--{boundary}--\r\n")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not on_postgres(), reason="the load test needs PostgreSQL (ANUGERAH_TEST_DATABASE_URL): "
                                                "many gunicorn workers writing at once")
@pytest.mark.skipif(not _redis_answers(), reason="the load test serves the app with Redis at 127.0.0.1:6379, "
                                                  "and nothing answers there")
def test_the_short_load_test_loses_nothing():
    env = {**os.environ, "ANUGERAH_LOADTEST_DATABASE_URL": str(SERVER_URL)}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "loadtest.py"), "--short"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-3000:]
    found = LAST_LINE.match(lines[-1])
    assert found, done.stdout[-3000:] + done.stderr[-3000:]
    judges, confirmed, lost, dup, errors = (int(found.group(n)) for n in range(1, 6))
    assert (lost, dup, errors) == (0, 0, 0), done.stdout[-3000:]
    assert judges == 10 and confirmed > 0
    assert done.returncode == 0
