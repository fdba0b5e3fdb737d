"""The load test's client: people in a browser, as cheaply as Python allows.

Each client process runs one thread per person, each with one keep-alive connection (stdlib
``http.client``) and its own cookies. A person signs in through the sign-in form, then, once every
process is ready, works until the deadline:

- a judge, per innovation: GET /scoring/<id> (page); the autosave POST /scoring/<id>/draft as
  competition/static/scoring/scoring.js sends it (multipart FormData of the form, ``Accept:
  application/json``, ``X-CSRFToken``) (draft); POST /scoring/<id>/confirm with the form's CSRF
  token (confirm); GET the page the redirect names (next page), then on to that innovation;
- an organiser: the monitoring dashboard and the results preview, with a pause between pages;
- an OPD operator: each draft's page, then its "Ajukan" (submit) form, then the page the redirect
  names, with a pause between innovations.

Each request is kept as (operation, seconds since start, milliseconds, outcome); each write the
app acknowledged (2xx, or a redirect to where success leads) is kept for the database checks.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
SCORING = re.compile(r"^/scoring/(\d+)$")
DANGER = re.compile(r'class="alert alert-danger[^"]*" role="alert">(.*?)<', re.S)


class ConnectionFailed(Exception):
    pass


@dataclass
class Person:
    role: str  # judge, organiser, operator, bare
    email: str = ""
    drafts: list[int] = field(default_factory=list)  # a judge's innovation in hand; an operator's drafts


@dataclass
class Results:
    samples: list[tuple[str, float, float, str]] = field(default_factory=list)
    drafts: list[tuple[int, dict[int, float]]] = field(default_factory=list)  # acknowledged
    drafts_sent: list[tuple[int, dict[int, float]]] = field(default_factory=list)  # every save sent
    confirms: list[tuple[int, dict[int, float]]] = field(default_factory=list)  # acknowledged
    confirm_times: list[float] = field(default_factory=list)  # seconds since the start, acknowledged
    refused_confirms: list[int] = field(default_factory=list)
    submits: list[int] = field(default_factory=list)  # acknowledged
    refused_submits: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # of refusals
    server_errors: list[tuple[int, str | None, bool, float]] = field(default_factory=list)
    sign_in_failures: int = 0
    finished_at: float = 0.0


class Browser:
    """One person's keep-alive connection and cookies."""

    def __init__(self, host: str, port: int, results: Results, start: list[float]) -> None:
        self.host, self.port, self.results, self.start = host, port, results, start
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.origin = f"http://{host}:{port}"

    def request(
        self,
        op: str,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        sent = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "anugerah-loadtest",
            "Accept-Language": "id",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        began = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            data = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self._record(op, began, "conn")
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            raise ConnectionFailed(str(error)) from error
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in cookie or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        status = response.status
        self._record(op, began, "ok" if status < 400 else "4xx" if status < 500 else "5xx")
        if status >= 500:   # kept to judge the error page: the app's own, with Retry-After, no traceback
            own = "Sementara tidak tersedia" in data or "Temporarily unavailable" in data
            clean = own and "Traceback" not in data
            self.results.server_errors.append((status, response.getheader("Retry-After"), clean,
                                               began - self.start[0]))
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return status, {k.lower(): v for k, v in response.getheaders()}, data

    def _record(self, op: str, began: float, outcome: str) -> None:
        now = time.perf_counter()
        self.results.samples.append((op, began - self.start[0], (now - began) * 1000, outcome))

    def form_post(
        self, op: str, path: str, fields: dict[str, str], referer: str
    ) -> tuple[int, dict[str, str], str]:
        return self.request(
            op,
            "POST",
            path,
            urlencode(fields).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + referer,
            },
        )

    def sign_in(self, email: str, password: str) -> bool:
        status, _headers, page = self.request("sign-in", "GET", "/login")
        token = CSRF.search(page)
        if status != 200 or token is None:
            return False
        status, headers, _ = self.form_post(
            "sign-in",
            "/login",
            {"csrf_token": unescape(token.group(1)), "email": email, "password": password},
            "/login",
        )
        return status == 302 and not headers.get("location", "").startswith("/login")


def location(headers: dict[str, str]) -> str:
    target = headers.get("location", "")
    return urlsplit(target).path if target.startswith("http") else target.split("?")[0]


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The body a browser's FormData makes of the fields."""
    boundary = "----WebKitFormBoundary" + uuid.uuid4().hex[:16]
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


def choose_scores(page: str, rng: random.Random) -> dict[int, float]:
    """A value for every criterion of the scoring form: one of its levels, or a number in its range."""
    levels: dict[int, list[str]] = {}
    chosen: dict[int, float] = {}
    for tag in INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        name = attributes.get("name", "")
        if not name.startswith("value-"):
            continue
        criterion = int(name.removeprefix("value-"))
        if attributes.get("type") == "radio":
            if attributes.get("value"):
                levels.setdefault(criterion, []).append(attributes["value"])
        else:
            low, high = float(attributes.get("min", 0)), float(attributes.get("max", 100))
            step = float(attributes.get("step", 1) or 1)
            chosen[criterion] = low + step * rng.randint(0, int((high - low) / step))
    for criterion, values in levels.items():
        chosen[criterion] = float(rng.choice(values))
    return chosen


def judge(browser: Browser, person: Person, deadline: float, rng: random.Random) -> None:
    """From the innovation in hand (``person.drafts[0]``, moved on as each is confirmed)."""
    while person.drafts and time.perf_counter() < deadline:
        assignment = person.drafts[0]
        path = f"/scoring/{assignment}"
        status, _headers, page = browser.request("page", "GET", path)
        token = CSRF.search(page)
        if status >= 500:
            time.sleep(0.2)
            continue
        if status != 200 or token is None:
            return
        csrf = unescape(token.group(1))
        scores = choose_scores(page, rng)
        fields = [("csrf_token", csrf)]
        for criterion, value in scores.items():
            fields += [(f"value-{criterion}", f"{value:g}"), (f"comment-{criterion}", "")]
        body, content_type = multipart(fields)
        browser.results.drafts_sent.append((assignment, scores))
        status, _headers, _answer = browser.request(
            "draft",
            "POST",
            f"{path}/draft",
            body,
            {
                "Accept": "application/json",
                "X-CSRFToken": csrf,
                "Content-Type": content_type,
                "Origin": browser.origin,
                "Referer": browser.origin + path,
            },
        )
        if status != 200:
            continue  # the page again: as a judge would, after a failed save
        browser.results.drafts.append((assignment, scores))
        status, headers, _ = browser.form_post(
            "confirm", f"{path}/confirm", {"csrf_token": csrf}, path + "/confirm"
        )
        target = location(headers)
        if status != 302:
            continue
        if target.endswith("/confirm"):  # refused: the summary again, with the reason
            browser.results.refused_confirms.append(assignment)
            _status, _headers, shown = browser.request("confirm page", "GET", target)
            reason = DANGER.search(shown)
            browser.results.reasons.append(
                re.sub(r"\s+", " ", unescape(reason.group(1))).strip()[:160] if reason else "(no message)"
            )
            continue
        browser.results.confirms.append((assignment, scores))
        browser.results.confirm_times.append(time.perf_counter() - browser.start[0])
        found = SCORING.match(target)
        person.drafts[:] = [int(found.group(1))] if found else []
        browser.request("next page", "GET", target)


def organiser(browser: Browser, competition_id: int, deadline: float, pause: float) -> None:
    while time.perf_counter() < deadline:
        browser.request("dashboard", "GET", f"/manage/{competition_id}/dashboard")
        time.sleep(pause)
        if time.perf_counter() >= deadline:
            return
        browser.request("preview", "GET", f"/manage/{competition_id}/results")
        time.sleep(pause)


def operator(browser: Browser, drafts: list[int], deadline: float, pause: float) -> None:
    for entry_id in drafts:
        if time.perf_counter() >= deadline:
            return
        path = f"/innovations/{entry_id}"
        status, _headers, page = browser.request("entry", "GET", path)
        form = re.search(r'id="action-submit".*?</form>', page, re.S)
        if status != 200 or form is None:
            continue
        token = CSRF.search(form.group(0))
        version = re.search(r'name="version" value="(\d+)"', form.group(0))
        if token is None or version is None:
            continue
        status, headers, _ = browser.form_post(
            "submit",
            f"{path}/submit",
            {"csrf_token": unescape(token.group(1)), "version": version.group(1)},
            path,
        )
        if status == 302:
            _status, _headers, shown = browser.request("entry", "GET", location(headers))
            if "alert alert-success" in shown:
                browser.results.submits.append(entry_id)
            else:
                browser.results.refused_submits.append(entry_id)
                reason = DANGER.search(shown)
                browser.results.reasons.append(
                    unescape(reason.group(1)).strip()[:160] if reason else "(none)"
                )
        time.sleep(pause)


def run_process(
    host: str,
    port: int,
    people: list[Person],
    password: str,
    competition_id: int,
    ready: Any,
    go: Any,
    seconds: float,
    out: Any,
    pause: float,
) -> None:
    """One client process: sign everyone in, report ready, wait for the start, work, report."""
    results = Results()
    start = [time.perf_counter()]
    browsers = [Browser(host, port, results, start) for _ in people]

    def sign_in(n: int) -> None:
        if people[n].role != "bare" and not browsers[n].sign_in(people[n].email, password):
            results.sign_in_failures += 1

    threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ready.put(os.getpid())
    go.wait()
    start[0] = time.perf_counter()
    deadline = start[0] + seconds
    results.samples.clear()
    rng = random.Random(os.getpid())

    def work(n: int) -> None:
        person, browser = people[n], browsers[n]
        try:
            if person.role == "judge":
                judge(browser, person, deadline, random.Random(rng.random()))
            elif person.role == "organiser":
                organiser(browser, competition_id, deadline, pause)
            elif person.role == "operator":
                operator(browser, person.drafts, deadline, pause / 2)
            else:
                while time.perf_counter() < deadline:
                    browser.request("bare insert", "POST", "/hit", b"", {"Content-Length": "0"})
        except ConnectionFailed:
            if time.perf_counter() < deadline:
                time.sleep(0.1)
                work(n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.finished_at = time.perf_counter() - start[0]
    cpu = os.times()
    out.put((results, cpu.user + cpu.system))
