"""The public pages: competitions, how many innovations they have received, and nothing about an
innovation before its results are published."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from competition.extensions import db
from tests.factories import make_competition, make_entry, make_organisation

SUBMITTED = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def competition_with_entries(app):
    """Two innovations submitted (one verified), and one each drafted, returned, rejected and
    withdrawn, by two OPDs."""
    competition = make_competition(name="Lomba Inovasi Daerah Kota Kediri 2026")
    dinkes = make_organisation(competition.region, "Dinas Kesehatan")
    rahasia = make_organisation(competition.region, "Dinas Rahasia")
    make_entry(competition, dinkes, title="Posyandu Digital", status="submitted", submitted_at=SUBMITTED)
    make_entry(competition, dinkes, title="Lapor Mas Wali", status="verified", submitted_at=SUBMITTED)
    make_entry(competition, rahasia, title="Draf Rahasia")
    make_entry(competition, rahasia, title="Dikembalikan Rahasia", status="returned", submitted_at=SUBMITTED)
    make_entry(competition, rahasia, title="Ditolak Rahasia", status="rejected", submitted_at=SUBMITTED)
    make_entry(competition, rahasia, title="Ditarik Rahasia", status="withdrawn", submitted_at=SUBMITTED)
    return competition


SECRETS = ("Posyandu Digital", "Lapor Mas Wali", "Draf Rahasia", "Dikembalikan Rahasia", "Ditolak Rahasia",
           "Ditarik Rahasia", "Dinas Kesehatan", "Dinas Rahasia")


def test_the_public_sees_counts_of_submitted_innovations_and_nothing_of_them(client,
                                                                            competition_with_entries):
    """Anyone, signed in or not, saw every innovation's title, OPD, category and status — other
    OPDs' drafts, returns, rejections and withdrawals too — and the home page counted them. The
    public sees only how many were submitted (returned and rejected ones were; drafts and
    withdrawn ones don't count), and the results once published."""
    index = client.get("/").get_data(as_text=True)
    assert "Lomba Inovasi Daerah Kota Kediri 2026" in index and "Pengajuan dibuka" in index
    assert "4 inovasi diajukan" in index
    response = client.get(f"/competitions/{competition_with_entries.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "4 inovasi diajukan" in page
    for secret in SECRETS:
        assert secret not in index and secret not in page, secret
    for status in ("Draf", "Dikembalikan", "Ditolak", "Ditarik"):
        assert f"{status}:" not in index


def test_unknown_competition_is_404(client, app):
    assert client.get("/competitions/424242").status_code == 404


def test_empty_database_explains_how_to_load_the_demo(client, app):
    assert "flask --app wsgi demo" in client.get("/").get_data(as_text=True)


def test_assets_are_served_locally(client, app):
    page = client.get("/").get_data(as_text=True)
    assert "cdn" not in page.lower()
    with client.get("/bootstrap/static/css/bootstrap.min.css") as stylesheet:
        assert stylesheet.status_code == 200


def count_queries(app, url: str) -> int:
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert app.test_client().get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_pages_need_the_same_number_of_queries_for_3_or_30_entries(app, competition_with_entries):
    url = f"/competitions/{competition_with_entries.id}"
    few = (count_queries(app, "/"), count_queries(app, url))
    for number in range(27):
        make_entry(competition_with_entries, make_organisation(competition_with_entries.region),
                   title=f"Inovasi {number}", complete=False)
    assert (count_queries(app, "/"), count_queries(app, url)) == few


def test_an_id_too_large_for_the_database_is_not_found(client, app):
    """/competitions/99999999999999999999 answered 500, even to anyone signed out."""
    for address in ("/competitions/99999999999999999999", "/competitions/9223372036854775808/results",
                    "/manage/99999999999999999999/results", "/innovations/18446744073709551616",
                    "/competitions/2147483648"):
        assert client.get(address).status_code == 404, address
    assert client.get("/competitions/2147483647").status_code == 404   # the largest id: looked up
