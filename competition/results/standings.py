"""A sealed version's awards as people read them: rows with the names of OPDs, innovations and
regions, and the innovations that counted, a page at a time or only the winners.

Rows come from the copies kept one by one when sealing (``ResultRow``), so a page reads fifty of
a national ranking's forty thousand; versions sealed before that are read from the sealed JSON.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import func, select

from competition.errors import NotFound
from competition.extensions import db
from competition.models import Entry, Organisation, Region, ResultRow, ResultSet
from competition.ranking.exact import as_score
from workflows.messages import t


@dataclass(frozen=True)
class CountedInnovation:
    """An innovation that counted towards an OPD's or region's place, with its score as shown."""

    entry_id: int
    title: str
    organisation: str
    score: Decimal


@dataclass(frozen=True)
class AwardStanding:
    """One row of an award as people read it.

    For an innovation award, ``innovation`` is its title and ``organisation`` its OPD. For an OPD
    or region award, ``innovations`` lists every innovation that counted (best first), and
    ``innovation`` is empty: the place is the OPD's, not one innovation's."""

    position: int | None
    place: int | None
    subject_id: int
    subject: str
    organisation: str
    innovation: str
    innovations: tuple[CountedInnovation, ...]
    score: Decimal
    shared: bool
    separated_by: str | None
    compared: tuple[tuple[int, str], ...]
    passed_over: bool
    counted: int = 0          # how many innovations counted (``innovations`` may list fewer)


def _members(award: dict[str, Any], row: dict[str, Any], inputs: dict[str, Any],
             score_of: dict[int, Decimal]) -> tuple[int, ...]:
    """The innovations that counted for a row: as sealed, or (versions sealed before they were
    recorded) those of the subject within the award's category, best first."""
    if "members" in row:
        return tuple(row["members"])
    if award["subject"] == "innovation":
        return (row["subject_id"],)
    key = "organisation_id" if award["subject"] == "organisation" else "region_id"
    category = award.get("category_id")
    ids = [e["id"] for e in inputs["entries"] if e[key] == row["subject_id"] and e["id"] in score_of
           and (category is None or e["category_id"] == category)]
    return tuple(sorted(ids, key=lambda i: (-score_of[i], i)))


def sealed_awards(result_set: ResultSet) -> list[dict[str, Any]]:
    """The awards of a sealed version, as sealed."""
    return (result_set.summary or {}).get("awards") or result_set.inputs["awards"]


def award_row_count(result_set: ResultSet, award_id: int) -> int:
    """How many rows an award of a sealed version has."""
    if result_set.summary is not None:
        return db.session.scalar(select(func.count()).select_from(ResultRow).where(
            ResultRow.result_set_id == result_set.id, ResultRow.award_id == award_id)) or 0
    award = next((a for a in result_set.results["awards"] if a["award_id"] == award_id), None)
    return len(award["rows"]) if award else 0


def _sealed_rows(result_set: ResultSet, award: dict[str, Any], offset: int, limit: int | None,
                 winners_only: bool, listed: int | None) -> tuple[list[dict[str, Any]], dict[int, Decimal]]:
    """Rows of an award as sealed (a slice of them, or its winners: the first rows, up to the
    first without a position), and the scores of the innovations that counted for them."""
    if result_set.summary is None:   # sealed before rows were kept apart: from the sealed JSON
        results = result_set.results
        rows = next(a["rows"] for a in results["awards"] if a["award_id"] == award["id"])
        score_of = {e["entry_id"]: as_score(e["score"]) for e in results["entries"]}
        if winners_only:
            rows = [r for r in rows if r["position"] is not None]
        rows = rows[offset:None if limit is None else offset + limit]
        inputs = result_set.inputs
        return [dict(r, members=list(_members(award, r, inputs, score_of))) for r in rows], score_of
    query = (select(ResultRow.data).where(ResultRow.result_set_id == result_set.id,
                                          ResultRow.award_id == award["id"])
             .order_by(ResultRow.position).offset(offset))
    if winners_only:
        rows = []
        for batch in range(offset, offset + 10_000, 50):   # winners come first
            page = list(db.session.scalars(query.offset(batch).limit(50)))
            rows += [r for r in page if r["position"] is not None]
            if len(page) < 50 or any(r["position"] is None for r in page):
                break
    else:
        rows = list(db.session.scalars(query if limit is None else query.limit(limit)))
    members = sorted({m for r in rows for m in r.get("members", [])[:listed]})
    score_of = {subject: as_score(data["score"]) for subject, data in db.session.execute(
        select(ResultRow.subject_id, ResultRow.data).where(
            ResultRow.result_set_id == result_set.id, ResultRow.award_id.is_(None),
            ResultRow.subject_id.in_(members)))} if members else {}
    return rows, score_of


def award_standings(result_set: ResultSet, award_id: int, *, offset: int = 0, limit: int | None = None,
                    winners_only: bool = False, listed: int | None = None) -> list[AwardStanding]:
    """An award's rows of a sealed version (all, a page of them, or its winners) with the names
    of OPDs, innovations and regions, and the innovations that counted (the first ``listed`` of
    them, or all)."""
    award = next((a for a in sealed_awards(result_set) if a["id"] == award_id), None)
    if award is None:
        raise NotFound(t("award %(award)s is not in version %(version)s", award=award_id,
                         version=result_set.version))
    sealed, score_of = _sealed_rows(result_set, award, offset, limit, winners_only, listed)
    entry_ids = sorted({m for r in sealed for m in r["members"][:listed]}
                       | ({r["subject_id"] for r in sealed} if award["subject"] == "innovation" else set()))
    names = db.session.execute(
        select(Entry.id, Entry.title, Organisation.name)
        .join(Organisation, Organisation.id == Entry.organisation_id).where(Entry.id.in_(entry_ids))).all()
    titles = {r[0]: r[1] for r in names}
    entry_organisation = {r[0]: r[2] for r in names}
    subjects = subject_names(award["subject"], [r["subject_id"] for r in sealed])
    standings = []
    for row in sealed:
        subject_id = row["subject_id"]
        counted = tuple(CountedInnovation(entry_id=m, title=titles.get(m, f"#{m}"),
                                          organisation=entry_organisation.get(m, ""), score=score_of[m])
                        for m in row["members"][:listed] if m in score_of)
        if award["subject"] == "innovation":
            subject = innovation = titles.get(subject_id, f"#{subject_id}")
            organisation = entry_organisation.get(subject_id, "")
        else:
            subject = subjects.get(subject_id, f"#{subject_id}")
            organisation = subject if award["subject"] == "organisation" else ""
            innovation = ""
        standings.append(AwardStanding(
            position=row["position"], place=row["place"], subject_id=subject_id, subject=subject,
            organisation=organisation, innovation=innovation, innovations=counted,
            score=as_score(row["score"]), shared=row["shared"], separated_by=row["separated_by"],
            compared=tuple((k, v) for k, v in row.get("compared", [])), passed_over=row["passed_over"],
            counted=len(row["members"])))
    return standings


def subject_names(subject: str, ids: Iterable[int]) -> dict[int, str]:
    """The names of OPDs or regions by id (nothing for innovations), in one query."""
    ids = sorted(ids)
    if not ids:
        return {}
    if subject == "organisation":
        return dict(db.session.execute(select(Organisation.id, Organisation.name)
                                       .where(Organisation.id.in_(ids))).all())
    if subject == "region":
        return dict(db.session.execute(select(Region.id, Region.name).where(Region.id.in_(ids))).all())
    return {}


class BandGroup(NamedTuple):
    """A predikat band of a sealed version and the innovations in it: (title, OPD)."""

    label: str
    minimum: Decimal | None      # None for a label no longer among the competition's bands
    innovations: list[tuple[str, str]]


def band_groups(result_set: ResultSet) -> list[BandGroup]:
    """Every band of a sealed version, highest first, with its innovations by title and OPD (as
    the public results page lists them); none when the competition has no bands."""
    if not result_set.inputs["bands"]:
        return []
    names = {row.id: (row.title, row.name) for row in db.session.execute(
        select(Entry.id, Entry.title, Organisation.name)
        .join(Organisation, Organisation.id == Entry.organisation_id)
        .where(Entry.competition_id == result_set.competition_id))}
    by_band: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in result_set.results["entries"]:
        by_band[row["band"]].append(names.get(row["entry_id"], ("–", "–")))
    minimums = {b["label"]: as_score(b["minimum"]) for b in result_set.inputs["bands"]}
    labels = sorted(minimums, key=lambda label: -minimums[label])
    labels += sorted(label for label in by_band if label not in minimums)
    return [BandGroup(label, minimums.get(label), by_band.get(label, [])) for label in labels]
