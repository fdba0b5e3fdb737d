"""The organiser's dashboard through the HTTP client: who may see it, what it shows, the CSV and
XLSX downloads of each figure, and a number of queries that does not grow with the innovations."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from competition.extensions import db
from tests.factories import Crowd, make_competition, make_user
from tests.monitoring.test_queries import NOW, SUBMITTED, Kota
from tests.web.pages import page, sign_in

FIGURES = ("entries", "participation", "without-innovation", "target", "judges", "scores",
           "disagreements", "deadlines")


class Office(Kota):
    def __init__(self, units_compete: str = "parent") -> None:
        super().__init__(units_compete)
        self.organiser = make_user(self.competition, "organiser", organisation=self.b, name="Panitia")
        self.verifier = make_user(self.competition, "verifier", organisation=self.b)
        self.submitter = make_user(self.competition, "submitter", organisation=self.a)
        elsewhere = make_competition(name="Lomba Tetangga")
        self.other_organiser = make_user(elsewhere, "organiser", name="Panitia Tetangga")


@pytest.fixture
def office(app, monkeypatch) -> Office:
    monkeypatch.setattr("competition.monitoring.views.utcnow", lambda: NOW)
    monkeypatch.setattr("competition.monitoring.queries.utcnow", lambda: NOW)
    return Office()


def urls(competition_id: int) -> list[str]:
    return [f"/manage/{competition_id}/dashboard",
            *(f"/manage/{competition_id}/dashboard/{f}.{k}" for f in FIGURES for k in ("csv", "xlsx"))]


def test_anonymous_visitors_are_sent_to_sign_in(client, office):
    for url in urls(office.competition.id):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("who", ["verifier", "submitter", "judge1", "other_organiser"])
def test_only_the_competitions_organisers_see_it(client, office, who):
    sign_in(client, getattr(office, who))
    for url in urls(office.competition.id):
        assert client.get(url).status_code == 403, url


def test_missing_competitions_and_figures_are_not_found(client, office):
    sign_in(client, office.organiser)
    assert client.get("/manage/999999/dashboard").status_code == 404
    assert client.get("/manage/999999/dashboard/entries.csv").status_code == 404
    assert client.get(f"/manage/{office.competition.id}/dashboard/nothing.csv").status_code == 404
    assert client.get(f"/manage/{office.competition.id}/dashboard/entries.pdf").status_code == 404


def test_the_page_shows_every_figure_with_accessible_charts(client, office):
    sign_in(client, office.organiser)
    html = page(client.get(f"/manage/{office.competition.id}/dashboard"))
    assert 'aria-current="page"' in html and ">Dashboard<" in html   # the tab bar
    # Participation: 2 of 5 OPDs; C, D and E make the reward-and-punishment list.
    assert "2 of 5" in html
    listed = html.split('id="without-innovation"')[1].split("</ul>")[0]
    assert [name for name in ("Dinas A", "Dinas B", "Dinas C", "Dinas D", "Dinas E") if name in listed] == [
        "Dinas C", "Dinas D", "Dinas E"]
    assert "1 draft in progress" in listed
    assert "40%" in html                                            # the gauge
    assert "1 of 2 innovations judged by two or more judges are above the threshold" in html
    assert "spread 37.50" in html
    assert "passed 6 days ago" in html and "today" in html and "1 day left" in html
    assert "Returned" in html and "Withdrawn" in html              # the workflow's labels
    charts = re.findall(r'<svg [^>]*role="img"[^>]*aria-labelledby="(chart-[\w-]+)-title \1-desc">'
                        r'<title id="\1-title">[^<]+</title><desc id="\1-desc">[^<]+</desc>', html)
    # participation, target gauge and bars, entries, deadlines, judges, disagreements, 3 histograms,
    # and the judges' leniency in the one judged round
    assert len(charts) == 11 and len(set(charts)) == 11
    assert html.count('role="img"') == 11 and html.count("viewBox=") == 11
    # A table of numbers for every figure, folded away but for the deadlines' three rows; the
    # target's two charts share one. The judge agreement of the round: reliability, each judge,
    # each innovation.
    assert html.count("<table") == 12 and html.count("<details") == 8
    for figure in FIGURES:
        assert f"/manage/{office.competition.id}/dashboard/{figure}.csv" in html
        assert f"/manage/{office.competition.id}/dashboard/{figure}.xlsx" in html


@pytest.mark.parametrize(("rule", "language", "sentence"), [
    ("parent", "en", "Units under an OPD count for their OPD."),
    ("parent", "id", "Unit di bawah OPD dihitung untuk OPD induknya."),
    ("own", "en", "Units under an OPD compete as entrants of their own."),
    ("own", "id", "Unit di bawah OPD ikut sebagai peserta sendiri."),
])
def test_the_page_says_how_units_under_an_opd_are_counted(client, app, monkeypatch, rule, language,
                                                          sentence):
    monkeypatch.setattr("competition.monitoring.views.utcnow", lambda: NOW)
    office = Office(units_compete=rule)
    sign_in(client, office.organiser, language=language)
    html = page(client.get(f"/manage/{office.competition.id}/dashboard"))
    assert f'data-units-compete="{rule}"' in html
    assert html.count(sentence) == 1


def test_where_units_compete_on_their_own_the_unit_that_entered_is_shown_as_an_entrant(client, app,
                                                                                       monkeypatch):
    monkeypatch.setattr("competition.monitoring.views.utcnow", lambda: NOW)
    office = Office(units_compete="own")
    sign_in(client, office.organiser)
    base = f"/manage/{office.competition.id}/dashboard"
    html = page(client.get(base))
    assert "3 of 6" in html and "50%" in html
    assert "including 1 unit that entered on its own" in html
    listed = html.split('id="without-innovation"')[1].split("</ul>")[0]
    assert [name for name in ("Dinas A", "UPT A1", "Dinas B", "Dinas C", "Dinas D", "Dinas E")
            if name in listed] == ["Dinas C", "Dinas D", "Dinas E"]
    assert read_csv(client, f"{base}/participation.csv") == [
        ["OPD", "Short name", "Part of", "Submitted innovations", "Drafts in progress", "Withdrawn",
         "Takes part"],
        ["Dinas A", "", "", "1", "0", "0", "Yes"], ["UPT A1", "", "Dinas A", "1", "0", "0", "Yes"],
        ["Dinas B", "", "", "2", "0", "0", "Yes"], ["Dinas C", "", "", "0", "0", "1", "No"],
        ["Dinas D", "", "", "0", "1", "0", "No"], ["Dinas E", "", "", "0", "0", "0", "No"]]
    assert read_csv(client, f"{base}/target.csv")[1:4] == [
        ["Active OPDs and units that entered", "6"], ["OPDs with at least one submitted innovation", "3"],
        ["OPDs still without one", "3"]]


def test_the_status_labels_follow_the_language(client, office):
    sign_in(client, office.organiser, language="id")
    html = page(client.get(f"/manage/{office.competition.id}/dashboard"))
    assert "Dikembalikan" in html and "Ditarik" in html and "Returned" not in html


def read_csv(client, url) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(client, url, competition) -> list[list[str]]:
    """The XLSX's header and rows (under its title line), as the CSV writes them."""
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith(competition.name)

    def text(value) -> str:
        if value is None:
            return ""
        return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else str(value)

    return [[text(v) for v in row] for row in rows[1:]]


def same_numbers(rows: list[list[str]]) -> list[list[str | float]]:
    """Rows with every number as a float: a spreadsheet keeps 40.0 as 40."""
    def value(cell: str) -> str | float:
        try:
            return float(cell)
        except ValueError:
            return cell

    return [[value(cell) for cell in row] for row in rows]


def test_downloads_hold_the_hand_computed_numbers_in_csv_and_xlsx(client, office):
    sign_in(client, office.organiser)
    base = f"/manage/{office.competition.id}/dashboard"
    expected = {
        "entries": [
            ["Category", "Draft", "Submitted", "Returned", "Verified", "Scored", "Awarded", "Rejected",
             "Withdrawn", "Total"],
            ["Pelayanan Publik", "0", "1", "1", "0", "0", "0", "1", "0", "3"],
            ["Tata Kelola", "0", "1", "0", "1", "0", "0", "0", "1", "3"],
            ["No category", "1", "0", "0", "0", "0", "0", "0", "0", "1"],
            ["Total", "1", "2", "1", "1", "0", "0", "1", "1", "7"]],
        "participation": [
            ["OPD", "Short name", "Submitted innovations", "Drafts in progress", "Withdrawn", "Takes part"],
            ["Dinas A", "", "2", "0", "0", "Yes"], ["Dinas B", "", "2", "0", "0", "Yes"],
            ["Dinas C", "", "0", "0", "1", "No"], ["Dinas D", "", "0", "1", "0", "No"],
            ["Dinas E", "", "0", "0", "0", "No"]],
        "without-innovation": [
            ["OPD", "Short name", "Drafts in progress", "Withdrawn"],
            ["Dinas C", "", "0", "1"], ["Dinas D", "", "1", "0"], ["Dinas E", "", "0", "0"]],
        "target": [
            ["Measure", "Value"], ["Active OPDs", "5"], ["OPDs with at least one submitted innovation", "2"],
            ["OPDs still without one", "3"], ["Share of OPDs taking part (%)", "40.0"],
            ["Submitted innovations", "5"], ["Submitted innovations per OPD", "1.0"]],
        "judges": [
            ["Judge", "Assigned", "Confirmed", "Draft", "Not started", "Confirmed (%)"],
            ["Juri Dua", "4", "3", "0", "1", "75.0"], ["Juri Satu", "3", "2", "1", "0", "66.67"],
            ["Juri Tiga", "0", "0", "0", "0", "0.0"]],
        "disagreements": [
            ["Round", "Innovation", "OPD", "Spread", "Judge", "Judge's total"],
            ["Presentasi", office.b_verified.title, "Dinas B", "37.50", "Juri Satu", "87.50"],
            ["Presentasi", office.b_verified.title, "Dinas B", "37.50", "Juri Dua", "50.00"]],
        "deadlines": [
            ["Deadline", "Date and time", "Days left"],
            ["Submission closes", "2026-11-20 16:59", "-6"],
            ["Verification closes", "2026-11-26 23:30", "0"],
            ["Judging closes", "2026-11-27 00:30", "1"]],
    }
    for figure, rows in expected.items():
        assert read_csv(client, f"{base}/{figure}.csv") == rows, figure
        assert same_numbers(read_xlsx(client, f"{base}/{figure}.xlsx", office.competition)) == \
            same_numbers(rows), figure
    scores = read_csv(client, f"{base}/scores.csv")
    assert scores[0] == ["Round", "Criterion", "Range", "From", "To", "Confirmed scores"]
    k1 = [row for row in scores[1:] if row[1] == "Kebaharuan"]
    assert [int(row[5]) for row in k1] == [0, 0, 0, 0, 0, 1, 1, 1, 0, 2]
    assert k1[9][2:5] == ["90–100", "90.0", "100.0"]
    levels = [(row[2], row[5]) for row in scores[1:] if row[1] == "Video"]
    assert levels == [("1 – Tidak ada", "1"), ("2 – Ada", "2"), ("3 – Lengkap", "2")]
    assert same_numbers(read_xlsx(client, f"{base}/scores.xlsx", office.competition)) == same_numbers(scores)


def test_the_downloads_speak_the_language_of_the_page(client, office):
    sign_in(client, office.organiser, language="id")
    rows = read_csv(client, f"/manage/{office.competition.id}/dashboard/entries.csv")
    assert rows[0][1:4] == ["Draf", "Diajukan", "Dikembalikan"]


# -- the number of queries ------------------------------------------------------------------------

def test_the_page_takes_the_same_number_of_queries_for_10_or_1000_innovations(client, app):
    crowd = Crowd(submitted_at=SUBMITTED)
    sign_in(client, db.session.merge(crowd.organiser))

    def count_queries() -> tuple[int, str]:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get(f"/manage/{crowd.competition.id}/dashboard")
            assert response.status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements), page(response)

    crowd.grow(10)
    few, html = count_queries()
    assert "10 innovations in all" in html
    crowd.grow(990)
    many, html = count_queries()
    assert "1,000 innovations in all" in html
    assert "innovations judged by two or more judges are above the threshold" in html
    assert many == few, (few, many)


# -- the charts themselves -------------------------------------------------------------------------

def test_charts_escape_their_labels_and_survive_empty_data():
    from competition.monitoring import charts

    bars = charts.stacked_bars("c1", "Judul <b>", "Keterangan & lain", [("<script>x</script>", [2, 0])],
                               [charts.Series("A", "#146c43"), charts.Series("B", "#6c757d", hatched=True)])
    assert "<script>" not in bars and "&lt;script&gt;" in bars and "Judul &lt;b&gt;" in bars
    # The track and one segment: the zero segment is not drawn.
    assert bars.split("</defs>")[1].count("<rect") == 2 and 'fill="url(#c1-hatch-1)"' not in bars
    assert '<pattern id="c1-hatch-1"' in bars
    empty = [charts.stacked_bars("c2", "t", "d", [("a", [0, 0])], [charts.Series("A", "#000"),
                                                                    charts.Series("B", "#000")]),
             charts.bar_chart("c3", "t", "d", [("a", 0)], horizontal=False),
             charts.histogram("c4", "t", "d", [0, 0], edges=["0", "5", "10"]),
             charts.gauge("c5", "t", "d", 0, 0, centre_text="0%", caption="0 of 0"),
             charts.diverging_bars("c6", "t", "d", []),
             charts.range_plot("c7", "t", "d", [])]
    for svg in empty:
        assert svg.startswith("<svg") and 'role="img"' in svg and "nan" not in svg.lower()


def test_a_gauge_past_its_total_stays_full_and_long_labels_are_shortened():
    from competition.monitoring import charts

    full = charts.gauge("g", "t", "d", 7, 5, centre_text="140%", caption="7 of 5")
    assert full.count("<path") == 4   # the track, its two edges and the value, drawn to the end
    assert 'A 96 96 0 0 1 216 118"' in full
    long = charts.stacked_bars("s", "t", "d", [("Dinas " * 30, [1])], [charts.Series("A", "#146c43")])
    assert "…" in long and "Dinas Dinas" in long
    assert charts.fit("Dinas Kesehatan", 1000) == "Dinas Kesehatan"


def test_names_that_look_like_formulas_stay_text_in_the_downloads(client, office):
    office.b_verified.title = "=HYPERLINK(\"http://contoh.test\",\"klik\")"
    office.b.name = "@Dinas B"
    db.session.commit()
    sign_in(client, office.organiser)
    base = f"/manage/{office.competition.id}/dashboard"
    rows = read_csv(client, f"{base}/disagreements.csv")
    assert rows[1][1:3] == ["'=HYPERLINK(\"http://contoh.test\",\"klik\")", "'@Dinas B"]
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/disagreements.xlsx").data)).active
    assert sheet["B3"].value == office.b_verified.title and sheet["B3"].data_type == "s"
    assert read_csv(client, f"{base}/deadlines.csv")[1][2] == "-6"   # numbers are left alone


def test_vertical_bars_are_as_tall_as_their_share_of_the_largest():
    from competition.monitoring import charts

    svg = charts.bar_chart("v", "t", "d", [("OPD", 28.0), ("Inovasi", 14.0)], horizontal=False,
                           width=400, height=200)
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert len(heights) == 2 and heights[0] == pytest.approx(2 * heights[1])
    assert ">28<" in svg and ">14<" in svg and ">OPD<" in svg
