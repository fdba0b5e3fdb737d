"""Units under an OPD: which organisation enters a competition for an innovation.

Organisations form a tree: an OPD has no parent; its units (bidang, UPT, puskesmas, kelurahan)
hang below it through ``parent_id``, possibly several levels deep. Each competition says, in
``Competition.units_compete``, how units take part:

- ``"own"`` (the default): every organisation enters for itself, so a unit is an entrant of its
  own, as Kota Kediri ranked Puskesmas Ngletih (under Dinas Kesehatan) OPD Terinovatif 2 in 2022;
- ``"parent"``: a unit's innovations count for its top-level OPD.

:func:`entrant_of` is the rule itself, on plain data; :func:`entrants` applies it to a
competition. Results and the organiser's dashboard both go through them, so they always agree.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from competition.extensions import db
from competition.models import UNITS_COMPETE_RULES, UNITS_OWN, Competition, Organisation


def entrant_of(parents: Mapping[int, int | None], rule: str) -> dict[int, int]:
    """For every organisation id in ``parents``, the id of the organisation that enters for it.

    :param parents: every organisation's parent id (None for an OPD), by organisation id.
    :param rule: ``"own"``: each organisation is its own entrant; ``"parent"``: each enters as
        its top-level OPD, found by following the parents to the root.
    :raises ValueError: for any other rule.

    Every entrant is itself a key of ``parents``: a parent id that is not a key ends the climb
    at the organisation that names it. A cycle of parents (the database forbids only being one's
    own parent) has no root; its smallest id enters for the whole cycle and everything below it.
    Pure: no Flask, no database; linear in the number of organisations.
    """
    if rule not in UNITS_COMPETE_RULES:
        raise ValueError(f"unknown rule for units {rule!r}; known: {', '.join(UNITS_COMPETE_RULES)}")
    if rule == UNITS_OWN:
        return {organisation: organisation for organisation in parents}
    top: dict[int, int] = {}
    for start in parents:
        path: list[int] = []
        position: dict[int, int] = {}
        current = start
        while current not in top:
            if current in position:   # back on the path: a cycle, entered by its smallest id
                cycle = path[position[current]:]
                root = min(cycle)
                top.update(dict.fromkeys(cycle, root))
                break
            position[current] = len(path)
            path.append(current)
            parent = parents[current]
            if parent is None or parent not in parents:
                top[current] = current
                break
            current = parent
        for organisation in reversed(path):   # each one's parent is settled before it
            parent = parents[organisation]
            if organisation not in top and parent is not None:
                top[organisation] = top[parent]
    return top


def entrants(competition: Competition) -> dict[int, int]:
    """For every organisation of the competition's region, by id, the id of the organisation
    that competes for its innovations under the competition's rule for units
    (``competition.units_compete``): itself under ``"own"``, its top-level OPD under
    ``"parent"``.

    Innovations enter only from organisations of the competition's region, so every
    innovation's ``organisation_id`` is a key; active or not, every organisation is. One query,
    however many organisations there are.
    """
    parents = {organisation_id: parent_id for organisation_id, parent_id in db.session.execute(
        select(Organisation.id, Organisation.parent_id)
        .where(Organisation.region_id == competition.region_id))}
    return entrant_of(parents, competition.units_compete)
