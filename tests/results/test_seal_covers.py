"""A sealed version's hash covers its inputs and rows and also the competition, the version's
number, who sealed it and when: changing any of them afterwards no longer verifies. Versions
sealed before (format 1: inputs and rows only) still verify as they were sealed, and the audit
log's record of the sealing keeps a version from passing itself off as one of those."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import text, update

from competition.extensions import db
from competition.models import ResultSet
from competition.ranking.results import canonical_json, seal_hash
from competition.results.operations import seal_results, verify_result_set
from tests.factories import make_competition, make_user
from tests.results.test_operations import Scored

SEALED_AT = datetime(2026, 12, 1, 10, 4, 5, 678901, tzinfo=UTC)


@pytest.fixture
def sealed(app):
    scored = Scored()
    scored.finish()
    return scored, seal_results(scored.competition, scored.organiser, now=SEALED_AT)


def test_the_hash_covers_the_competition_the_version_who_sealed_it_and_when(sealed):
    scored, result_set = sealed
    particulars = {"competition_id": scored.competition.id, "version": 1, "sealed_by_id": scored.organiser.id,
                   "sealed_at": "2026-12-01 10:04:05.678901"}
    text_form = canonical_json({"inputs": result_set.inputs, "results": result_set.results,
                                "sealed": particulars})
    assert result_set.seal_format == 2
    assert result_set.sha256 == hashlib.sha256(text_form.encode()).hexdigest()
    assert verify_result_set(result_set) == []


@pytest.mark.parametrize("column", ["competition_id", "version", "sealed_by_id", "sealed_at"])
def test_changing_them_afterwards_no_longer_verifies(sealed, column):
    scored, result_set = sealed
    other = {"competition_id": make_competition().id, "version": 7,
             "sealed_by_id": make_user(scored.competition, "organiser").id,
             "sealed_at": datetime(2026, 12, 1, 10, 4, 6, tzinfo=UTC)}[column]
    db.session.execute(update(ResultSet).where(ResultSet.id == result_set.id).values({column: other}))
    db.session.commit()
    db.session.expire_all()
    problems = verify_result_set(db.session.get(ResultSet, result_set.id))
    assert problems[0].startswith("the stored version (its inputs, rows, competition, number, who sealed "
                                  "it and when) hashes to ")
    assert problems[0].endswith(f"not the sealed {result_set.sha256}")


def test_a_version_sealed_before_verifies_as_it_was_sealed(sealed):
    """Format 1 hashed the inputs and rows alone; such a version still verifies, and a change to
    its rows is still found."""
    scored, first = sealed
    old = ResultSet(competition=scored.competition, version=2, sha256=seal_hash(first.inputs, first.results),
                    inputs=first.inputs, results=first.results, seal_format=1,
                    sealed_by_id=scored.organiser.id, sealed_at=SEALED_AT)
    db.session.add(old)
    db.session.commit()
    assert verify_result_set(old) == []
    tampered = dict(first.results, entries=[dict(first.results["entries"][0], score="99.00"),
                                            *first.results["entries"][1:]])
    db.session.execute(update(ResultSet).where(ResultSet.id == old.id).values(results=tampered))
    db.session.commit()
    db.session.expire_all()
    assert verify_result_set(db.session.get(ResultSet, old.id))[0].startswith(
        "the stored inputs and rows hash to ")


def test_a_version_cannot_pass_itself_off_as_sealed_before(sealed):
    """Someone with the database's rights gives version 1 the older format and its hash, so that
    who sealed it and when are no longer covered: the audit log's row of the sealing says otherwise."""
    scored, result_set = sealed
    new_style, old_style = result_set.sha256, seal_hash(result_set.inputs, result_set.results)
    db.session.execute(text("UPDATE result_set SET seal_format = 1, sha256 = :hash WHERE id = :id"),
                       {"hash": old_style, "id": result_set.id})
    db.session.commit()
    db.session.expire_all()
    assert verify_result_set(db.session.get(ResultSet, result_set.id)) == [
        f"the audit log recorded version 1 sealed with hash {new_style} (format 2); it now has "
        f"{old_style} (format 1)"]
