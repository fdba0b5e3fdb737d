"""Blueprints: thin handlers that check permission, validate input and call a service."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, refresh
from flask_login import current_user
from sqlalchemy import func, select

from competition.extensions import db
from competition.i18n import LANGUAGES
from competition.models import Competition
from competition.notifications.models import Notification
from competition.policy import organised_competitions, roles_anywhere
from workflows import get_workflow


def api_blueprints() -> list[Any]:
    """API v1's blueprints, one or more per feature (competition.api)."""
    from competition.audit.api import bp as audit_api
    from competition.ceremony.api import bp as ceremony_api
    from competition.competitions.api import bp as competitions_api
    from competition.competitions.setup_api import bp as setup_api
    from competition.entries.api import bp as innovations_api
    from competition.entries.evidence_api import bp as evidence_api
    from competition.entries.import_api import bp as innovation_import_api
    from competition.entries.verification_api import bp as verification_api
    from competition.iid.api import bp as iid_api
    from competition.jobs.api import bp as jobs_api
    from competition.judging.panels_api import bp as judging_api
    from competition.judging.rounds_api import bp as rounds_api
    from competition.judging.sheets_api import bp as scoring_api
    from competition.monitoring.api import bp as dashboard_api
    from competition.notifications.api import bp as notifications_api
    from competition.people.api import bp as people_api
    from competition.people.tokens_api import bp as tokens_api
    from competition.results.api import bp as results_api
    from competition.results.published_api import bp as published_api
    from competition.results.setup_api import bp as awards_api

    return [competitions_api, setup_api, innovations_api, innovation_import_api, evidence_api,
            verification_api, people_api, tokens_api, notifications_api, rounds_api, judging_api, scoring_api,
            awards_api, results_api, published_api, ceremony_api, jobs_api, audit_api, dashboard_api, iid_api]


def register_blueprints(app: Flask) -> None:
    from competition.api import init_app as init_api
    from competition.api.docs import bp as api_docs_bp
    from competition.audit.views import bp as audit_bp
    from competition.ceremony.views import bp as ceremony_bp
    from competition.competitions.manage import UNITS_RULE_SENTENCES, manage_tabs
    from competition.competitions.views import bp as setup_bp
    from competition.documents.formatting import register_filters
    from competition.entries.verification_views import bp as verification_bp
    from competition.entries.views import bp as innovations_bp
    from competition.iid.views import bp as iid_bp
    from competition.jobs.views import bp as jobs_bp
    from competition.jobs.views import schedule_bp
    from competition.judging import setup_views as _rounds  # noqa: F401  (its pages join the set-up blueprint)
    from competition.judging.panel_views import bp as panels_bp
    from competition.judging.scoring_views import bp as scoring_bp
    from competition.monitoring.views import bp as dashboard_bp
    from competition.notifications.bulk_views import bp as messages_bp
    from competition.notifications.views import bp as notifications_bp
    from competition.people.auth_views import bp as auth_bp
    from competition.people.token_views import bp as tokens_bp
    from competition.people.views import bp as people_bp
    from competition.public.views import bp as public_bp
    from competition.results import setup_views as _rules  # noqa: F401  (likewise)
    from competition.results.views import bp as results_bp
    from competition.results.wording import tie_words
    from competition.web import limits
    from competition.web.errors import register_error_pages
    from competition.web.health import bp as health_bp

    register_filters(app)
    register_error_pages(app)
    limits.init_app(app)
    app.add_template_global(manage_tabs)
    app.add_template_global(
        lambda phase: get_workflow("competition").label(phase, str(get_locale() or "id")),
        "competition_phase_label")
    app.add_template_global(lambda rule: str(UNITS_RULE_SENTENCES.get(rule, "")), "units_sentence")
    app.add_template_global(
        lambda separated_by, compared, key, heaviest=None: tie_words(
            separated_by, compared, key, heaviest=heaviest, locale=str(get_locale() or "id"),
            timezone=app.config["DISPLAY_TIMEZONE"]),
        "tie_words")
    for blueprint in (public_bp, health_bp, auth_bp, innovations_bp, verification_bp, notifications_bp,
                      people_bp, tokens_bp, setup_bp, results_bp, ceremony_bp, dashboard_bp, panels_bp,
                      scoring_bp, audit_bp, api_docs_bp, jobs_bp, schedule_bp, iid_bp, messages_bp):
        app.register_blueprint(blueprint)
    init_api(app, api_blueprints())

    def choose_language() -> None:
        # Flask-Babel keeps the locale, and Flask-Login the user, on the application context;
        # requests that share one (the test client inside an app context) must not keep the
        # previous request's language or user. First of all, so that a request refused while it
        # is read (too large, say) is answered in the reader's language too.
        refresh()
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, choose_language)

    @app.context_processor
    def layout() -> dict[str, Any]:
        # Documents (run-sheets, certificates) are rendered from the command line too, with no
        # request and no signed-in user.
        in_request = has_request_context()
        roles: set[str] = set()
        organised: list[Competition] = []
        unread = 0
        if in_request and current_user.is_authenticated:
            roles = set(roles_anywhere(current_user))
            organised = organised_competitions(current_user)
            unread = db.session.scalar(select(func.count()).select_from(Notification).where(
                Notification.user_id == current_user.id, Notification.read_at.is_(None))) or 0
        return {"languages": LANGUAGES, "current_language": str(get_locale() or "id"),
                "current_path": request.full_path.rstrip("?") if in_request else "/", "my_roles": roles,
                "my_organised_competitions": organised, "unread_notifications": unread}
