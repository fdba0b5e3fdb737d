"""A Kota-sized competition run end to end through the command line: 30 OPDs, 40 innovations,
two rounds, 6 judges; its OPD Terinovatif 1–5 checked against a table worked out by hand.

The scores are chosen so the table can be worked out on paper:

- OPD k (k = 1..10) has two innovations, OPD 10+j (j = 1..20) one.
- Round 1 ("Penilaian dokumen", weight 1, top 10 advance): every judge gives every criterion
  the same value v₁ — 50+k for OPD k's first innovation, 40+k for its second, 20+j for OPD 10+j's.
  The top ten are the first innovations of OPDs 1..10 (51..60); the next best scores 50.
- Round 2 ("Presentasi", weight 2): OPD k's first innovation gets v₂ = 90−3k as its weighted total,
  with kebaharuan v₂+5 and kemanfaatan v₂−6 (0.30·5 − 0.25·6 = 0) and the rest v₂.
- Final score of an innovation that reached round 2: (v₁ + 2·v₂)/3 = (230 − 5k)/3; the others keep v₁.
- OPD Terinovatif uses the index policy: Σ scores / max(3, n) + 1 point per innovation, so OPD k
  scores ((230 − 5k)/3 + 40 + k)/3 + 2 = (350 − 2k)/9 + 2, and OPD 10+j scores (20+j)/3 + 1.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from competition.extensions import db
from competition.models import Assignment, Entry, Organisation, ResultSet, Round
from tests.conftest import needs_pdf
from tests.factories import make_competition, make_entry, make_region

PASSWORD = "kata-sandi-rahasia"
# Worked out by hand from the formulas above: (position, OPD, score rounded to two places).
EXPECTED_OPD_TERINOVATIF = [
    (1, "OPD 01", "40.67"),   # 348/9 + 2
    (2, "OPD 02", "40.44"),   # 346/9 + 2
    (3, "OPD 03", "40.22"),   # 344/9 + 2
    (4, "OPD 04", "40.00"),   # 342/9 + 2
    (5, "OPD 05", "39.78"),   # 340/9 + 2
]


def run(runner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, f"{args}: {result.output}"
    return result.output


def score_forms(round_: Round, values_of) -> str:
    """The scoring forms of every assignment in a round, as the CSV the organiser imports."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["entry_id", "judge", "criterion", "value", "comment"])
    for assignment in db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)
                                         .order_by(Assignment.id)):
        for criterion, value in zip(round_.criteria, values_of(assignment.entry), strict=True):
            writer.writerow([assignment.entry_id, assignment.judge.email, criterion.name, value, ""])
    return buffer.getvalue()


@needs_pdf
def test_kota_competition_from_rounds_to_certificates(runner, tmp_path):
    region = make_region("Kota Contoh")
    opd_csv = tmp_path / "opd.csv"
    opd_csv.write_text("name\n" + "".join(f"OPD {n:02d}\n" for n in range(1, 31)), encoding="utf-8")
    run(runner, "import-organisations", str(opd_csv), "--region", "Kota Contoh")
    opds = {o.name: o for o in db.session.scalars(select(Organisation))}

    competition = make_competition(region, phase="judging", name="Lomba Inovasi Kota Contoh")
    cid = str(competition.id)
    run(runner, "create-user", "--email", "bappeda@contoh.go.id", "--name", "Panitia", "--password",
        PASSWORD, "--competition", cid, "--role", "organiser")
    judges = [f"juri{n}@contoh.ac.id" for n in range(1, 6)] + ["juri6@contoh.go.id"]
    for n, email in enumerate(judges, start=1):
        extra = ["--organisation", "OPD 03"] if n == 6 else []
        run(runner, "create-user", "--email", email, "--name", f"Juri {n}", "--password", PASSWORD,
            "--competition", cid, "--role", "judge", *extra)

    first_value: dict[int, int] = {}
    second_value: dict[int, int] = {}
    submitted = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    for k in range(1, 11):
        first = make_entry(competition, opds[f"OPD {k:02d}"], status="verified", title=f"Inovasi {k:02d}-A",
                           submitted_at=submitted + timedelta(minutes=k))
        second = make_entry(competition, opds[f"OPD {k:02d}"], status="verified", title=f"Inovasi {k:02d}-B",
                            submitted_at=submitted + timedelta(minutes=k))
        first_value[first.id], first_value[second.id] = 50 + k, 40 + k
        second_value[first.id] = 90 - 3 * k
    for j in range(1, 21):
        single = make_entry(competition, opds[f"OPD {10 + j:02d}"], status="verified",
                            title=f"Inovasi {10 + j:02d}", submitted_at=submitted)
        first_value[single.id] = 20 + j
    assert db.session.query(Entry).count() == 40

    organiser = ("--as", "bappeda@contoh.go.id")
    run(runner, "judging", "add-round", cid, "--name", "Penilaian dokumen", "--template", "iga_2023",
        "--advancement", "top_n", "--count", "10", "--judges-per-entry", "3", *organiser)
    run(runner, "judging", "add-round", cid, "--name", "Presentasi", "--template", "iga_2023",
        "--weight", "2", "--judges-per-entry", "3", *organiser)
    desk, presentation = db.session.scalars(select(Round).order_by(Round.position)).all()
    for round_ in (desk, presentation):
        panel = [arg for email in judges for arg in ("--judge", email)]
        run(runner, "judging", "add-panel", str(round_.id), "--name", "Dewan juri", *panel, *organiser)

    # Round 1: 40 innovations × 3 judges; the judge from OPD 03 never gets OPD 03's innovations.
    output = run(runner, "judging", "assign", str(desk.id), *organiser)
    assert "120 assignment(s) added; 2 conflict(s) avoided." in output
    opd3 = {e.id for e in db.session.scalars(select(Entry).where(Entry.organisation_id == opds["OPD 03"].id))}
    assert not [a for a in desk.assignments if a.judge.email == "juri6@contoh.go.id" and a.entry_id in opd3]
    run(runner, "judging", "open-round", str(desk.id), *organiser)
    forms = tmp_path / "round1.csv"
    forms.write_text(score_forms(desk, lambda entry: [first_value[entry.id]] * 5), encoding="utf-8")
    assert "600 score(s) saved for 120 judge-entry pair(s); 120 confirmed." in run(
        runner, "judging", "import-scores", str(desk.id), str(forms), "--confirm")
    assert "Closed: 10 advanced, 30 stopped, 0 not judged." in run(
        runner, "judging", "close-round", str(desk.id), *organiser)

    # Round 2: the ten first innovations of OPDs 1..10.
    assert "30 assignment(s) added" in run(runner, "judging", "assign", str(presentation.id), *organiser)
    run(runner, "judging", "open-round", str(presentation.id), *organiser)
    forms = tmp_path / "round2.csv"
    forms.write_text(score_forms(presentation, lambda entry: [
        second_value[entry.id] + 5, second_value[entry.id] - 6, *[second_value[entry.id]] * 3]),
        encoding="utf-8")
    run(runner, "judging", "import-scores", str(presentation.id), str(forms), "--confirm")
    run(runner, "judging", "close-round", str(presentation.id), *organiser)
    assert {e.status for e in db.session.scalars(select(Entry))} == {"scored"}

    run(runner, "competition", "phase", cid, "close_judging", *organiser)
    preview = run(runner, "results", "compute", cid)
    assert "    1.  75.00  Sangat Inovatif  Inovasi 01-A – OPD 01" in preview
    sealed = run(runner, "results", "seal", cid, *organiser)
    assert sealed.startswith("Sealed version 1: SHA-256 ")
    assert "Version 1 verifies" in run(runner, "results", "verify", cid)
    assert "Published; 10 innovation(s) awarded." in run(runner, "results", "publish", cid, *organiser)

    result_set = db.session.scalar(select(ResultSet))
    [award] = result_set.results["awards"]
    names = {o.id: o.name for o in opds.values()}
    table = [(row["position"], names[row["subject_id"]], row["score"])
             for row in award["rows"] if row["position"] is not None]
    assert table == EXPECTED_OPD_TERINOVATIF

    # The ceremony: the run-sheet reveals positions 5 to 1, in three formats, and the certificates.
    run(runner, "results", "export", cid, "--format", "csv", "--output", str(tmp_path / "acara.csv"))
    rows = list(csv.reader(io.StringIO((tmp_path / "acara.csv").read_text(encoding="utf-8"))))
    assert rows[0] == ["Urutan", "Peringkat", "Penerima", "OPD", "Inovasi", "Jumlah inovasi", "Nilai",
                       "Kutipan", "Nomor piagam"]
    year = competition.year
    assert [(r[0], r[1], r[2], r[5], r[6], r[8]) for r in rows[1:]] == [
        ("1", "Juara V", "OPD 05", "2", "39.78", f"{year}/01/05/V1"),
        ("2", "Juara IV", "OPD 04", "2", "40.00", f"{year}/01/04/V1"),
        ("3", "Juara III", "OPD 03", "2", "40.22", f"{year}/01/03/V1"),
        ("4", "Juara II", "OPD 02", "2", "40.44", f"{year}/01/02/V1"),
        ("5", "Juara I", "OPD 01", "2", "40.67", f"{year}/01/01/V1"),
    ]
    assert rows[-1][4].startswith("Inovasi 01-A (") and "; Inovasi 01-B (" in rows[-1][4]
    run(runner, "results", "export", cid, "--format", "xlsx", "--output", str(tmp_path / "acara.xlsx"))
    sheet = load_workbook(tmp_path / "acara.xlsx").active
    assert [sheet.cell(row=r, column=3).value for r in range(3, 8)] == [
        "OPD 05", "OPD 04", "OPD 03", "OPD 02", "OPD 01"]
    run(runner, "results", "export", cid, "--format", "pdf", "--output", str(tmp_path / "acara.pdf"))
    assert (tmp_path / "acara.pdf").read_bytes().startswith(b"%PDF-")
    output = run(runner, "results", "certificates", cid, "--output", str(tmp_path / "piagam.pdf"))
    assert "5 certificate(s) written" in output
    certificates = PdfReader(tmp_path / "piagam.pdf")
    assert len(certificates.pages) == 5
    first_page = " ".join(certificates.pages[0].extract_text().split())
    assert f"Nomor: {year}/01/01/V1" in first_page and "OPD 01" in first_page
    assert "Juara I OPD Terinovatif" in first_page
    run_sheet = " ".join(PdfReader(tmp_path / "acara.pdf").pages[0].extract_text().split())
    assert run_sheet.index("Juara V") < run_sheet.index("Juara I ")
