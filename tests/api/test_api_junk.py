"""The API's writes sent junk: any JSON (or none) for any field is answered with a problem naming
what was wrong, never a 500, and a refused write stores nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, union_all

from competition.extensions import db
from tests.api.test_api import Api, bearer

FIELDS = ["title", "category_id", "inisiator", "tahapan", "jenis", "bentuk", "urusan", "trial_started_on",
          "implemented_on", "rancang_bangun", "anggaran_rupiah", "trigger", "comment", "status", "x"]
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=300), lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=5)
BODIES = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=4) | JSON


def row_counts() -> tuple[int, ...]:
    counts = [select(func.count()).select_from(table) for table in db.metadata.sorted_tables]
    return tuple(db.session.execute(union_all(*counts)).scalars())


def test_junk_bodies_get_problems_and_store_nothing(app, client):
    api = Api()
    token = bearer(api.token(api.operator, "read", "write"))
    entry = api.draft

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=BODIES, where=st.sampled_from(["PATCH", "POST"]), version=st.sampled_from(["1", "9", "x"]))
    def one(body, where, version):
        before = row_counts()
        url = f"/api/v1/innovations/{entry.id}" + ("/transitions" if where == "POST" else "")
        answer = client.open(url, method=where, json=body, headers={**token, "If-Match": f'"{version}"'})
        assert answer.status_code < 500, (answer.status_code, body)
        if answer.status_code >= 400:
            assert answer.mimetype == "application/problem+json", body
            assert row_counts() == before, (answer.status_code, body)

    one()
