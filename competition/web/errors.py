"""Error pages in the user's language, and service errors turned into them."""

from __future__ import annotations

from math import ceil

from flask import Flask, current_app, g, redirect, render_template, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from competition.api.problems import field_errors, is_api_request, problem
from competition.documents.formatting import format_datetime
from competition.documents.inputs import number_text
from competition.errors import AnugerahError
from competition.models.types import utcnow
from competition.people.throttling import TooManyAttempts, retry_at

MESSAGES = {
    400: (_l("Request not understood"), _l("The form could not be read. Reload the page and try again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page or action.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has been moved.")),
    429: (_l("Too many attempts"),
          _l("To keep accounts safe, this is paused for a while after too many attempts.")),
    405: (_l("Not possible this way"),
          _l("This address does not take that kind of request. Go back and use the page's own buttons.")),
    409: (_l("Changed by someone else"),
          _l("Someone else changed this at the same moment. Reload the page and try again.")),
    413: (_l("Too large"), _l("The form or the files sent are larger than this server accepts. Nothing was "
                              "saved: send fewer or smaller files at a time, or shorten the text.")),
    422: (_l("Cannot be worked out"),
          _l("Something stored in the set-up stops this page from being worked out. The note below "
             "says what it is and who can put it right.")),
    503: (_l("Not available on this server"),
          _l("This server cannot do that yet. Tell the administrator what the message below says.")),
    500: (_l("Something went wrong"),
          _l("The error has been recorded. Try again in a moment; "
             "if it keeps happening, tell the organiser.")),
}


# The database cannot be reached (restarting, a connection cut, every pooled connection busy):
# the request did nothing, and the same request succeeds once the database answers again.
DATABASE_AWAY = (_l("Temporarily unavailable"),
                 _l("The database cannot be reached for a moment. Nothing from this request was saved. "
                    "Try again in a minute."))
DATABASE_RETRY_SECONDS = 30


def error_page(status: int, detail: str | None = None,
               words: tuple[str, str] | None = None) -> tuple[str, int]:
    title, message = words or MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title, message=message,
                           detail=detail), status


def api_problem(status: int, detail: str | None = None, *, errors: dict[str, list[str]] | None = None,
                headers: list[tuple[str, str]] | None = None) -> Response:
    """The error as problem details, for /api/v1 (competition.api)."""
    return problem(status, HTTP_STATUS_CODES.get(status, "Error"), detail, errors=errors,
                   headers=headers or [])


def request_limits() -> str:
    """The limits of one request, as the 413 page names them."""
    config = current_app.config
    return _("At most %(size)s MB in one request, %(fields)s fields in one form, and %(text)s KB of "
             "text in one field (or in a whole form without files).",
             size=number_text(config["MAX_CONTENT_LENGTH"] // (1024 * 1024)),
             fields=number_text(config["MAX_FORM_PARTS"]),
             text=number_text(config["MAX_FORM_MEMORY_SIZE"] // 1024))


def page_above(path: str) -> str | None:
    """The nearest address above ``path`` that is a page (answers GET): the page whose form posts
    to ``path``, for the pages' forms post to an address below their own."""
    adapter = current_app.url_map.bind("localhost")
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        try:
            adapter.match(candidate, method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect):
            continue
        return candidate
    return None


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int] | Response:
        if is_api_request():
            return api_problem(403, "A write from a signed-in session needs the X-CSRFToken header.")
        return error_page(400, str(_l("The form had expired. Reload the page and send it again.")))

    @app.errorhandler(RateLimitExceeded)
    @app.errorhandler(TooManyAttempts)
    def too_many_attempts(error: RateLimitExceeded | TooManyAttempts) -> Response:
        """When the next attempt will be let through, in words and in a Retry-After header."""
        again = retry_at()
        detail = None
        seconds = 60
        if again is not None:
            seconds = max(1, ceil((again - utcnow()).total_seconds()))
            minutes = max(1, round(seconds / 60))
            detail = ngettext("Try again in %(num)s minute, at %(time)s.",
                              "Try again in %(num)s minutes, at %(time)s.", minutes,
                              time=format_datetime(again, current_app.config["DISPLAY_TIMEZONE"],
                                                   str(get_locale() or "id")))
        if is_api_request():
            return api_problem(429, str(detail or ""), headers=[("Retry-After", str(seconds))])
        page, status = error_page(429, detail)
        return Response(page, status, headers={"Retry-After": str(seconds)}, mimetype="text/html")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[str, int] | Response:
        if is_api_request():
            return api_problem(413, request_limits())
        return error_page(413, request_limits())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        """The error's page, keeping the headers the error carries (a 405's Allow, say)."""
        headers = [(name, value) for name, value in error.get_headers()
                   if name.lower() not in ("content-type", "content-length")]
        if is_api_request():
            data = getattr(error, "data", None) or {}
            messages = data.get("messages") if isinstance(data, dict) else None
            if isinstance(messages, dict):   # webargs/marshmallow: {location: {field: [messages]}}
                fields: dict[str, list[str]] = {}
                for found in messages.values():
                    if not isinstance(found, dict):      # the body as a whole: not JSON, say
                        return api_problem(400, "; ".join(map(str, found)) if isinstance(found, list)
                                           else str(found), headers=headers)
                    for name, texts in found.items():
                        fields[name] = [str(text) for text in (texts if isinstance(texts, list) else [texts])]
                return api_problem(422, "The request has invalid fields.", errors=fields, headers=headers)
            return api_problem(error.code or 500, error.description, headers=headers)
        if isinstance(error, MethodNotAllowed) and request.method in ("GET", "HEAD"):
            # The address of a form's action, opened as a page: after a form came back with its
            # problems there, on reloading it or switching language. Its page is above it.
            page_address = page_above(request.path)
            if page_address is not None:
                return redirect(request.script_root + page_address, 303)
        page, status = error_page(error.code or 500)
        return Response(page, status, headers=headers, mimetype="text/html")

    @app.errorhandler(AnugerahError)
    def service_error(error: AnugerahError) -> tuple[str, int] | Response:
        if is_api_request():
            problems = getattr(error, "problems", None)
            if problems:
                return api_problem(422, str(error), errors=field_errors(problems))
            return api_problem(error.http_status, str(error))
        return error_page(error.http_status, str(error))

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def database_away(error: Exception) -> Response:
        return database_unavailable(error)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError) -> Response:
        if error.connection_invalidated:
            return database_unavailable(error)
        raise error

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int] | Response:
        if is_api_request():
            return api_problem(500)
        return error_page(500)


def database_unavailable(error: Exception) -> Response:
    """A 503 page with Retry-After, made without asking the database anything: the visitor is
    shown as signed out on it (loading the user would ask the database again)."""
    current_app.logger.warning("database unavailable: %s", type(error).__name__, exc_info=error)
    g._login_user = AnonymousUserMixin()
    if is_api_request():
        return api_problem(503, str(DATABASE_AWAY[1]), headers=[("Retry-After", str(DATABASE_RETRY_SECONDS))])
    page, status = error_page(503, words=DATABASE_AWAY)
    return Response(page, status, headers={"Retry-After": str(DATABASE_RETRY_SECONDS)}, mimetype="text/html")
