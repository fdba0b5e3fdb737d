"""Helpers for the backup tests: a second app on a database of its own, a file of evidence in
the demo, and reading an archive's rows for comparing two of them."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import Result
from flask import Flask
from sqlalchemy import select

from competition import create_app
from competition.audit.chain import CHAIN_COLUMNS
from competition.entries.evidence import add_evidence_file
from competition.extensions import db
from competition.models import Competition, Entry, Membership, ResultSet, Score, User

PDF = b"%PDF-1.4\n% a page of evidence\n" + bytes(range(256)) * 4


@contextmanager
def other_app(url: str, evidence_dir: Path, *, create: bool = True) -> Iterator[Flask]:
    """An app on ``url`` (its tables made from the models unless told not to), inside its context."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "EVIDENCE_DIR": evidence_dir})
    with app.app_context():
        if create:
            db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def run(app: Flask, *args: str) -> Result:
    """A command of ``app`` (inside its own context: a command runs in the current app's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def add_evidence_to_demo() -> str:
    """A PDF uploaded to a draft of the demo's current competition by its OPD's operator; its SHA-256."""
    entry = db.session.scalar(select(Entry).where(Entry.competition_id == 2, Entry.status == "draft")
                              .order_by(Entry.id).limit(1))
    assert entry is not None
    operator = db.session.scalar(
        select(User).join(Membership).where(User.organisation_id == entry.organisation_id,
                                            Membership.competition_id == 2, Membership.role == "submitter"))
    assert operator is not None
    evidence = add_evidence_file(entry, operator, filename="SK Inovasi.pdf", stream=io.BytesIO(PDF))
    db.session.commit()
    assert evidence.sha256 is not None
    return evidence.sha256


def archive_contents(path: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Any]]:
    """Every table's rows (audit rows without their ids and hashes, which an import renews), and
    the evidence files with their hashes."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        tables = {}
        for name in manifest["tables"]:
            data = json.loads(archive.read(f"tables/{name}.json"))
            rows = [dict(zip(data["columns"], values, strict=True)) for values in data["rows"]]
            if "row_hash" in data["columns"]:
                rows = [{k: v for k, v in row.items() if k not in (*CHAIN_COLUMNS, "id")} for row in rows]
            tables[name] = rows
    return tables, manifest["evidence"]


def typed_values() -> list[object]:
    """Values of every kind of column of competition 1: moments, dates, floats, JSON, booleans."""
    competition = db.session.get(Competition, 1)
    assert competition is not None
    result_set = db.session.scalar(select(ResultSet).where(ResultSet.competition_id == 1))
    assert result_set is not None
    scores = db.session.execute(select(Score.id, Score.value, Score.updated_at).order_by(Score.id)).all()
    entries = db.session.execute(
        select(Entry.id, Entry.trial_started_on, Entry.anggaran_rupiah, Entry.submitted_at)
        .where(Entry.competition_id == 1).order_by(Entry.id)).all()
    return [competition.submission_opens_at, competition.bands, competition.one_award_per_organisation,
            result_set.inputs, result_set.results, result_set.sealed_at, scores, entries]
