"""API v1: the user's own personal API tokens: listing them and revoking one.

A token cannot be made here: a token must not mint tokens. Make one in the browser (Account ›
API tokens) or on the server's command line (``flask tokens create``)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from competition.api import blueprint, needs
from competition.api.schemas import PageArgs, page_of
from competition.extensions import db
from competition.models import ApiToken
from competition.people.tokens import revoke_token

bp = blueprint("api_tokens", __name__, "The user's own API tokens (made only in the browser or on the "
               "command line: a token does not mint tokens).")


class TokenOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "The token's first characters."})
    scopes = fields.Function(lambda token: sorted(token.scope_set), required=True)
    created_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(required=True)
    last_used_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)


@bp.route("/tokens")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(TokenOut, "TokenPage"))
@needs("read")
def tokens(page: dict[str, int]) -> dict[str, Any]:
    """The user's own tokens, newest first; never their secrets."""
    mine = ApiToken.user_id == current_user.id
    total = db.session.scalar(select(func.count()).select_from(ApiToken).where(mine))
    items = db.session.scalars(select(ApiToken).where(mine).order_by(ApiToken.id.desc())
                               .limit(page["per_page"]).offset((page["page"] - 1) * page["per_page"]))
    return {"items": list(items), "total": total, **page}


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@bp.response(204)
@needs("write")
def revoke(token_id: int) -> Response:
    """Revoke one of the user's own tokens (the one in use too)."""
    revoke_token(current_user, token_id)
    return Response(status=204)
