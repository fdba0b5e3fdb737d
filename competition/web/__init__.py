"""Blueprints: thin handlers that check permission, validate input and call a service."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from competition.web.formatting import register_filters
    from competition.web.public import bp as public_bp

    register_filters(app)
    app.register_blueprint(public_bp)
