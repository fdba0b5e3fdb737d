"""The first pages: competitions and their innovations by status."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from competition.extensions import db
from tests.factories import make_competition, make_entry, make_organisation


@pytest.fixture
def competition_with_entries(app):
    competition = make_competition(name="Lomba Inovasi Daerah Kota Kediri 2026")
    organisation = make_organisation(competition.region, "Dinas Kesehatan")
    make_entry(competition, organisation, title="Posyandu Digital", status="submitted")
    make_entry(competition, organisation, title="Lapor Mas Wali", status="verified")
    make_entry(competition, organisation, title="Si-Cantik")
    return competition


def test_index_lists_competitions_with_counts(client, competition_with_entries):
    page = client.get("/").get_data(as_text=True)
    assert "Lomba Inovasi Daerah Kota Kediri 2026" in page
    assert "3 inovasi" in page
    assert "Diajukan: 1" in page and "Terverifikasi: 1" in page and "Draf: 1" in page
    assert "Pengajuan dibuka" in page


def test_competition_page_groups_entries_by_status(client, competition_with_entries):
    response = client.get(f"/competitions/{competition_with_entries.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index('id="status-draft"') < page.index("Si-Cantik") \
        < page.index('id="status-submitted"') < page.index("Posyandu Digital") \
        < page.index('id="status-verified"') < page.index("Lapor Mas Wali")
    assert 'id="status-returned"' not in page
    assert "Dinas Kesehatan" in page


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
