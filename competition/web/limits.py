"""How much one request may hold, and what no field of it may hold.

- ``MAX_CONTENT_LENGTH`` (``ANUGERAH_MAX_REQUEST_MB``): the whole body, files included. A larger
  request is refused with a 413 page before it is read.
- ``MAX_FORM_MEMORY_SIZE`` (``ANUGERAH_MAX_FORM_KB``): one text field of a form with files, and
  the whole of a form without files (Werkzeug applies it to the first kind only).
- ``MAX_FORM_PARTS`` (``ANUGERAH_MAX_FORM_FIELDS``): the fields of any form, with or without
  files (Werkzeug counts them only in a form with files).
- No parameter, form field or file name may hold a NUL character: PostgreSQL cannot store one,
  so such a request is refused with a page that names the field, whatever page it is for.
"""

from __future__ import annotations

from typing import IO, Any
from urllib.parse import parse_qsl

from flask import Flask, Request, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from competition.documents.inputs import text_problem
from competition.errors import InvalidInput


class LimitedFormDataParser(FormDataParser):
    """Werkzeug's parser, with the memory and field-count limits applied to forms without files
    too (``application/x-www-form-urlencoded``)."""

    def _parse_urlencoded(self, stream: IO[bytes], mimetype: str, content_length: int | None,
                          options: dict[str, str]) -> Any:
        limit = self.max_form_memory_size
        if limit is not None and content_length is not None and content_length > limit:
            raise RequestEntityTooLarge()
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise RequestEntityTooLarge()
        if self.max_form_parts is not None and body.count(b"&") >= self.max_form_parts:
            raise RequestEntityTooLarge()
        items = parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        return stream, self.cls(items), self.cls()


class LimitedRequest(Request):
    form_data_parser_class = LimitedFormDataParser


def refuse_nul_characters() -> None:
    """Refuse a request any of whose parameters, form fields or file names holds a NUL character,
    naming the first such field."""
    fields = [*request.args.items(multi=True), *request.form.items(multi=True),
              *((name, upload.filename or "") for name, upload in request.files.items(multi=True))]
    for name, value in fields:
        if "\x00" in name or "\x00" in value:
            raise InvalidInput(text_problem(name.replace("\x00", "\\0"), "\x00", None) or "")


def init_app(app: Flask) -> None:
    app.request_class = LimitedRequest
    app.before_request(refuse_nul_characters)
