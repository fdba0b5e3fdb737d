"""One number in every document: the demo's Kota competition of last year, as published.

Each winner's score, and each score of the innovations that counted for it, must read the same on
the ceremony page, the public results page, the run-sheet's CSV, XLSX and PDF, and the
certificates: the sealed two-place decimal, written "80,90" for people in Bahasa Indonesia and
"80.90" for machines — the same digits everywhere.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from competition.extensions import db
from competition.models import Competition, Membership, ResultSet, User
from competition.results.standings import award_standings
from tests.conftest import needs_pdf
from tests.web.pages import page


def digits(text: str) -> str:
    """ "1.234,56" or "1,234.56" or "80.90" -> "1234.56": the number, whatever the language."""
    if "," in text and text.rfind(",") > text.rfind("."):
        return text.replace(".", "").replace(",", ".")
    return text.replace(",", "")


def pdf_text(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]


@needs_pdf
def test_every_document_reads_the_sealed_numbers(demo_app, demo_template):
    client = demo_app.test_client()
    last = db.session.scalars(select(Competition).order_by(Competition.year)).first()
    result_set = db.session.scalar(select(ResultSet).where(ResultSet.competition_id == last.id,
                                                           ResultSet.status == "published"))
    organisers = set(db.session.scalars(select(User.email).join(Membership, Membership.user_id == User.id)
                                        .where(Membership.competition_id == last.id,
                                               Membership.role == "organiser")))
    email, password = next((e, p) for _, e, p in demo_template.summary.credentials if e in organisers)
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    public = page(client.get(f"/competitions/{last.id}/results"))
    ceremony = page(client.get(f"/manage/{last.id}/ceremony"))
    checked = 0
    for award in result_set.inputs["awards"]:
        winners = [s for s in award_standings(result_set, award["id"]) if s.position is not None]
        if not winners:
            continue
        sealed = {w.subject: str(w.score) for w in winners}
        counted = {i.title: str(i.score) for w in winners for i in w.innovations}
        assert all(re.fullmatch(r"\d+\.\d\d", s) for s in [*sealed.values(), *counted.values()])
        base = f"/manage/{last.id}/ceremony/awards/{award['id']}"

        table = list(csv.reader(io.StringIO(page(client.get(f"{base}/run-sheet.csv")))))
        header = table[0]
        assert {r[header.index("Penerima")]: r[header.index("Nilai")] for r in table[1:]} == sealed
        listed = dict(re.findall(r"([^;]+?) \((\d+\.\d\d)\)", "; ".join(r[header.index("Inovasi")]
                                                                        for r in table[1:])))
        assert {title.strip("; "): score for title, score in listed.items()} == counted

        sheet = load_workbook(io.BytesIO(client.get(f"{base}/run-sheet.xlsx").data)).active
        rows = list(sheet.iter_rows(min_row=3))
        assert {r[2].value: f"{r[6].value:.2f}" for r in rows} == sealed
        assert {r[6].number_format for r in rows} == {"0.00"}
        assert all(Decimal(str(r[6].value)) == Decimal(sealed[r[2].value]) for r in rows)

        run_sheet = " ".join(pdf_text(client.get(f"{base}/run-sheet.pdf").data))
        certificates = pdf_text(client.get(f"{base}/certificates.pdf").data)
        assert len(certificates) == len(winners)
        for subject, score in sealed.items():
            written = score.replace(".", ",")
            assert written in run_sheet, (subject, score)
            assert any(subject in c and f"nilai {written}" in c for c in certificates), (subject, score)
            # The pages, in Bahasa Indonesia: the same digits.
            assert written in ceremony and written in public
        for title, score in counted.items():
            assert f"({score.replace('.', ',')})" in run_sheet.replace(" ,", ",") or \
                score.replace(".", ",") in run_sheet, (title, score)
            assert f"{title} ({score.replace('.', ',')})" in ceremony
        page_scores = re.findall(r"data-score>([^<]+)<", public)
        assert {digits(s) for s in page_scores} >= set(sealed.values())
        checked += len(winners)
    assert checked >= 5
