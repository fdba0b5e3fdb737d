"""``flask iid ...``: the IID rehearsal on the command line: show it, export it, and set levels
(claims, verification, the regional rows) as a named person, through the same operations and
policy as the pages."""

from __future__ import annotations

from pathlib import Path

import click

from competition.cli.common import ID, emit, get_competition, get_user, json_option
from competition.documents.spreadsheets import csv_text, xlsx_bytes
from competition.extensions import db
from competition.iid.model import PRESETS, Model
from competition.iid.operations import Claimed, Verified, claim_levels, set_region_levels, verify_levels
from competition.iid.queries import (
    EXPORT_COLUMNS,
    Rehearsal,
    entry_lines,
    export_rows,
    iid_model,
    indicator_data,
    rehearsal,
    rehearsal_data,
)
from competition.models import Entry

model_option = click.option("--model", "model_name", type=click.Choice(PRESETS), default=PRESETS[0],
                            show_default=True, help="The IID model (preset).")
as_option = click.option("--as", "actor_email", required=True, help="E-mail of the person acting.")
level_option = click.option("--level", "levels", multiple=True, required=True, metavar="KEY=LEVEL",
                            help="An indicator (or regional row) and its level 0-3; repeat for more.")


@click.group("iid")
def iid_group() -> None:
    """The region's Indeks Inovasi Daerah rehearsal: claimed and verified."""


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise click.ClickException(f"there is no innovation with id {entry_id}")
    return entry


def _pairs(given: tuple[str, ...], what: str) -> dict[str, str]:
    pairs = {}
    for item in given:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise click.BadParameter(f"{item!r}: write KEY=VALUE", param_hint=what)
        pairs[key.strip()] = value.strip()
    return pairs


def _level(key: str, text: str) -> int:
    if not text.isdigit() or len(text) > 1:
        raise click.BadParameter(f"{key}: the level must be a whole number from 0 to 3", param_hint="--level")
    return int(text)


def _summary(found: Rehearsal) -> str:
    lines = [f"{found.model.title}: {found.competition.name}"]
    for name, index in (("claimed", found.claimed), ("verified", found.verified)):
        lines.append(f"  {name:<9} IID {index.iid:>6}  {index.predikat}  (SPD {index.spd}, innovations "
                     f"{len(index.innovations)} / divisor {index.divisor}, count score {index.count_score})")
    gate = found.verified
    lines.append("  sector gate met" if gate.gate_met else
                 f"  sector gate not met: no counted innovation in {', '.join(gate.missing_urusan)}")
    if gate.short_of_divisor:
        lines.append(f"  {gate.short_of_divisor} innovation(s) short of the divisor "
                     f"{found.model.divisor_minimum}")
    for line in found.lines:
        mark = "" if line.counted else f"  (not counted: {'; '.join(line.reasons)})"
        lines.append(f"  #{line.entry.id:<5} {line.claimed_contribution:>6} {line.verified_contribution:>6}  "
                     f"{line.entry.title}{mark}")
    plan = found.plan
    if plan.target is not None:
        verb = "reach" if plan.reachable else "cannot reach"
        lines.append(f"  {len(plan.upgrades)} upgrade(s) {verb} {plan.target} (IID after: {plan.iid_after})")
        for upgrade in plan.upgrades:
            lines.append(f"    #{upgrade.innovation} {upgrade.indicator} -> {upgrade.to_level} "
                         f"(+{upgrade.points})")
    return "\n".join(lines)


@iid_group.command("show")
@click.argument("competition_id", type=ID)
@model_option
@click.option("--as", "actor_email", help="Show it as this person sees it (default: the whole region).")
@json_option
def show_command(competition_id: int, model_name: str, actor_email: str | None, as_json: bool) -> None:
    """The region's index claimed and verified, each innovation's contribution and what raises it most."""
    competition = get_competition(competition_id)
    viewer = get_user(actor_email) if actor_email else None
    found = rehearsal(competition, iid_model(model_name), viewer)
    emit(as_json, rehearsal_data(found), lambda: _summary(found))


@iid_group.command("export")
@click.argument("competition_id", type=ID)
@model_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write: .csv or .xlsx.")
def export_command(competition_id: int, model_name: str, output: Path) -> None:
    """Every indicator of every innovation, in the national form's order."""
    competition = get_competition(competition_id)
    model = iid_model(model_name)
    rows = export_rows(rehearsal(competition, model, None))
    if output.suffix.lower() == ".xlsx":
        output.write_bytes(xlsx_bytes(EXPORT_COLUMNS, rows, title=f"{model.title} – {competition.name}",
                                      sheet_name="IID"))
    elif output.suffix.lower() == ".csv":
        output.write_text(csv_text(EXPORT_COLUMNS, rows, byte_order_mark=True), encoding="utf-8")
    else:
        raise click.BadParameter("the file must end in .csv or .xlsx", param_hint="--output")
    click.echo(f"{len(rows)} indicator rows written to {output}")


def _lines_json(entry: Entry, model: Model) -> list[dict[str, object]]:
    return [indicator_data(line) for line in entry_lines(entry, model)]


@iid_group.command("claim")
@click.argument("entry_id", type=ID)
@model_option
@as_option
@level_option
@click.option("--evidence", "evidence", multiple=True, metavar="KEY=EVIDENCE_ID",
              help="The evidence backing an indicator's level; repeat for more.")
@json_option
def claim_command(entry_id: int, model_name: str, actor_email: str, levels: tuple[str, ...],
                  evidence: tuple[str, ...], as_json: bool) -> None:
    """Claim indicator levels of an innovation (as its OPD, or an organiser)."""
    entry, model = _entry(entry_id), iid_model(model_name)
    given = {key: _level(key, text) for key, text in _pairs(levels, "--level").items()}
    backing = _pairs(evidence, "--evidence")
    stored = {line.indicator.key: line.evidence_id for line in entry_lines(entry, model)}
    for key, text in backing.items():
        if not text.isdigit() or len(text) > 9:
            raise click.BadParameter(f"{key}: an evidence id is a whole number", param_hint="--evidence")
    claims = {key: Claimed(level, int(backing[key]) if key in backing else stored.get(key))
              for key, level in given.items()}
    changed = claim_levels(entry, get_user(actor_email), model, claims)
    emit(as_json, {"changed": changed, "indicators": _lines_json(entry, model)},
         f"{len(changed)} indicator(s) changed on {entry.title}")


@iid_group.command("verify")
@click.argument("entry_id", type=ID)
@model_option
@as_option
@level_option
@click.option("--note", "notes", multiple=True, metavar="KEY=TEXT", help="Why a level is lowered.")
@json_option
def verify_command(entry_id: int, model_name: str, actor_email: str, levels: tuple[str, ...],
                   notes: tuple[str, ...], as_json: bool) -> None:
    """Confirm or lower claimed levels of an innovation (as a verifier or an organiser)."""
    entry, model = _entry(entry_id), iid_model(model_name)
    said = _pairs(notes, "--note")
    decisions = {key: Verified(_level(key, text), said.get(key, ""))
                 for key, text in _pairs(levels, "--level").items()}
    changed = verify_levels(entry, get_user(actor_email), model, decisions)
    emit(as_json, {"changed": changed, "indicators": _lines_json(entry, model)},
         f"{len(changed)} indicator(s) verified on {entry.title}")


@iid_group.command("region")
@click.argument("competition_id", type=ID)
@model_option
@as_option
@level_option
@json_option
def region_command(competition_id: int, model_name: str, actor_email: str, levels: tuple[str, ...],
                   as_json: bool) -> None:
    """Set the region's own (SPD) rows (as an organiser)."""
    competition, model = get_competition(competition_id), iid_model(model_name)
    given = {key: _level(key, text) for key, text in _pairs(levels, "--level").items()}
    changed = set_region_levels(competition, get_user(actor_email), model, given)
    emit(as_json, {"changed": changed}, f"{len(changed)} regional row(s) changed")

