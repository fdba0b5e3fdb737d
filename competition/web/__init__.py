"""Blueprints: thin handlers that check permission, validate input and call a service."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import get_locale, refresh

from competition.i18n import LANGUAGES


def register_blueprints(app: Flask) -> None:
    from competition.web.auth import bp as auth_bp
    from competition.web.errors import register_error_pages
    from competition.web.formatting import register_filters
    from competition.web.public import bp as public_bp

    register_filters(app)
    register_error_pages(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)

    @app.before_request
    def choose_language() -> None:
        # Flask-Babel keeps the locale on the application context; requests that share one (the
        # test client inside an app context) must not keep the previous request's language.
        refresh()

    @app.context_processor
    def layout() -> dict[str, Any]:
        return {"languages": LANGUAGES, "current_language": str(get_locale() or "id"),
                "current_path": request.full_path.rstrip("?") if request else "/"}
