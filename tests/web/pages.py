"""What the page tests share: signing in through the form, and reading a page."""

from __future__ import annotations

from tests.factories import PASSWORD


def sign_in(client, user, language: str | None = "en") -> None:
    """Sign ``user`` in; then switch the session to ``language`` (None keeps Bahasa Indonesia, the
    default), since the pages' newest texts are checked in English."""
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    if language is not None:
        client.post("/language", data={"language": language, "next": "/"})


def page(response) -> str:
    return response.get_data(as_text=True)
