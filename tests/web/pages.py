"""What the page tests share: signing in through the form, and reading a page."""

from __future__ import annotations

import re

from tests.factories import PASSWORD


def sign_in(client, user, language: str | None = "en") -> None:
    """Sign ``user`` in; then switch the session to ``language`` (None keeps Bahasa Indonesia, the
    default), since the pages' newest texts are checked in English."""
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    if language is not None:
        client.post("/language", data={"language": language, "next": "/"})


def page(response) -> str:
    return response.get_data(as_text=True)


_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_HANDLER = re.compile(r"<[a-z][^>]*?\s(on[a-z]+)\s*=", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\sstyle\s*=", re.IGNORECASE)


def inline_code(page: str) -> list[str]:
    """What the Content-Security-Policy would refuse in ``page`` (a template or a rendered page):
    script elements without src, inline event handlers, javascript: addresses, style
    attributes and style elements."""
    problems = ["<script> without src" for attributes in _SCRIPT.findall(page)
                if not re.search(r"\ssrc\s*=", attributes, re.IGNORECASE)]
    problems += [f"event handler {name.lower()}=" for name in _HANDLER.findall(page)]
    if re.search(r"javascript:", page, re.IGNORECASE):
        problems.append("javascript: address")
    problems += ["style= attribute" for _ in _STYLE_ATTRIBUTE.findall(page)]
    problems += ["<style> element" for _ in re.findall(r"<style\b", page, re.IGNORECASE)]
    return problems
