"""A judge of a blind round opens an innovation's link: the scoring page holds only the
application's address for it, the page before leaving shows no address, and the site at the
other end learns nothing of where the judge came from (no Referer)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from competition.extensions import db
from competition.models import Evidence
from tests.e2e.conftest import LiveServer, sign_in
from tests.judging.test_scoring_views import Jury


class Recorder(BaseHTTPRequestHandler):
    """Another site: remembers the headers of each request it answers."""

    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        Recorder.seen.append({"path": self.path, **dict(self.headers.items())})
        body = b"<!doctype html><title>Dinas Kesehatan</title><p>Video inovasi</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_site() -> Iterator[str]:
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()
    server.server_close()


def test_a_judge_leaves_for_a_link_without_its_address_or_a_referrer(live_server: LiveServer,
                                                                     browser_page: Page, other_site: str):
    jury = Jury(blind=True)
    address = f"{other_site}/dinkes/video-si-sehat"
    link = Evidence(entry=jury.sehat, kind="link", url=address, title="Video", indicator="Video")
    db.session.add(link)
    db.session.commit()
    page = browser_page
    sign_in(page, jury.judge)
    page.goto(f"/scoring/{jury.first.id}")
    assert address not in page.content()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Buka tautan").last.click()
    leaving = opened.value
    heading = "Anda akan meninggalkan Anugerah menuju alamat di luarnya"
    expect(leaving.get_by_role("heading", name=heading)).to_be_visible()
    assert address not in leaving.content()
    leaving.get_by_role("link", name="Lanjutkan ke alamat tersebut").click()
    expect(leaving).to_have_url(address)
    first, *later = Recorder.seen  # the page, then its favicon (asked for by the page itself)
    assert first["path"] == "/dinkes/video-si-sehat" and "Referer" not in first
    assert [seen for seen in later if live_server.url in seen.get("Referer", "")] == []
