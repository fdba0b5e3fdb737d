"""What the organiser's competition pages share: finding the competition the organiser runs, the
tabs between its set-up, panels, dashboard, results and ceremony pages, and the sentence that
says how units under an OPD take part.

Each area's blueprint registers its pages under ``/manage/<competition_id>/...`` and names its tab
in ``TABS``; a tab shows once its page exists.
"""

from __future__ import annotations

from flask import abort, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from competition.extensions import db
from competition.models import UNITS_OWN, UNITS_PARENT, Competition
from competition.policy import is_organiser

# (endpoint, label): in the order an organiser works through a competition.
TABS = (
    ("setup.overview", _l("Setup")),
    ("panels.index", _l("Panels")),
    ("dashboard.index", _l("Dashboard")),
    ("iid.index", _l("IID")),
    ("results.preview", _l("Results")),
    ("ceremony.index", _l("Ceremony")),
    ("messages.index", _l("Messages")),
    ("audit.index", _l("Audit trail")),
)

# How units under an OPD take part, in the one sentence every page with participation figures or
# results shows (see competition.competitions.units).
UNITS_RULE_SENTENCES = {
    UNITS_OWN: _l("Units under an OPD compete as entrants of their own."),
    UNITS_PARENT: _l("Units under an OPD count for their OPD."),
}


def units_rule(competition: Competition) -> str:
    """The competition's rule for units under an OPD, in one sentence of the page's language."""
    return str(UNITS_RULE_SENTENCES[competition.units_compete])


def organised_competition(competition_id: int) -> Competition:
    """The competition, when the signed-in user organises it: 404 when it does not exist, 403
    when they do not organise it."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    if not is_organiser(current_user, competition):
        abort(403)
    return competition


def manage_tabs(competition: Competition) -> list[tuple[str, str, str]]:
    """(endpoint, label, url) of each organiser page that exists, for the tab bar."""
    return [(endpoint, str(label), url_for(endpoint, competition_id=competition.id))
            for endpoint, label in TABS if endpoint in current_app.view_functions]
