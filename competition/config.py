"""Configuration: defaults, then ``ANUGERAH_*`` environment variables, then a test override."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_EVIDENCE_TYPES = "pdf,jpg,jpeg,png,mp4,docx,xlsx,pptx"
MB = 1024 * 1024


def database_url(url: str) -> str:
    """Pick the psycopg 3 driver for plain ``postgres://`` and ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(instance_path: Path) -> str:
    """The secret key kept in the instance folder, generated on first use."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


def trusted_hosts(env: Mapping[str, str]) -> list[str]:
    """The hosts the application answers for: ``ANUGERAH_TRUSTED_HOSTS`` (comma-separated), or
    the base URL's host with localhost for the machine itself."""
    if env.get("ANUGERAH_TRUSTED_HOSTS"):
        return [h.strip() for h in env["ANUGERAH_TRUSTED_HOSTS"].split(",") if h.strip()]
    base = urlsplit(env.get("ANUGERAH_BASE_URL", "http://127.0.0.1:5000")).hostname or "127.0.0.1"
    return sorted({base, "localhost", "127.0.0.1"})


def load_config(instance_path: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Settings from the environment, each with a working default."""
    env = os.environ if environ is None else environ
    evidence_dir = Path(env.get("ANUGERAH_EVIDENCE_DIR", instance_path / "evidence"))
    evidence_max = int(env.get("ANUGERAH_EVIDENCE_MAX_BYTES", 20 * MB))
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(
            env.get("ANUGERAH_DATABASE_URL", f"sqlite:///{instance_path / 'anugerah.db'}")),
        # A pooled connection is tested before each use, so a database that restarted (or a
        # connection it cut) costs one reconnect, not one failed request per pooled connection.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": env.get("ANUGERAH_SECRET_KEY") or instance_secret_key(instance_path),
        "EVIDENCE_DIR": evidence_dir,
        "EVIDENCE_MAX_BYTES": evidence_max,
        # One request's body, files included: by default 5 MB above the evidence limit (a file of
        # the largest size with its form). Larger requests get a 413 page before they are read.
        "MAX_CONTENT_LENGTH": int(float(env.get("ANUGERAH_MAX_REQUEST_MB", 0)) * MB)
        or evidence_max + 5 * MB,
        # One text field of a form with files, and a whole form without files (competition.web.limits).
        "MAX_FORM_MEMORY_SIZE": int(env.get("ANUGERAH_MAX_FORM_KB", 1024)) * 1024,
        # Fields in one form, with or without files.
        "MAX_FORM_PARTS": int(env.get("ANUGERAH_MAX_FORM_FIELDS", 1000)),
        # Rows below the header of one imported CSV or XLSX file (users, OPDs, scores).
        "IMPORT_MAX_ROWS": int(env.get("ANUGERAH_IMPORT_MAX_ROWS", 5000)),
        "EVIDENCE_TYPES": tuple(
            kind.strip().lower()
            for kind in env.get("ANUGERAH_EVIDENCE_TYPES", DEFAULT_EVIDENCE_TYPES).split(",")
            if kind.strip()),
        "DISPLAY_TIMEZONE": env.get("ANUGERAH_TIMEZONE", "Asia/Jakarta"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BASE_URL": env.get("ANUGERAH_BASE_URL", "http://127.0.0.1:5000"),
        # Requests for any other host are refused with a 400 (competition.links), and links in
        # e-mails are built on BASE_URL, never on the Host header.
        "TRUSTED_HOSTS": trusted_hosts(env),
        "SMTP_HOST": env.get("ANUGERAH_SMTP_HOST", "localhost"),
        "SMTP_PORT": int(env.get("ANUGERAH_SMTP_PORT", 25)),
        "SMTP_USER": env.get("ANUGERAH_SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("ANUGERAH_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env.get("ANUGERAH_SMTP_STARTTLS", "") in ("1", "true", "yes"),
        "MAIL_FROM": env.get("ANUGERAH_MAIL_FROM", "Anugerah <no-reply@anugerah.local>"),
        # How long after a judge's last change the scoring page saves the draft.
        "AUTOSAVE_DELAY_MS": int(env.get("ANUGERAH_AUTOSAVE_DELAY_MS", 800)),
        # The hour (0-23, in DISPLAY_TIMEZONE) from which the tick queues each verifier's daily
        # digest of new submissions (competition.notifications.operations).
        "VERIFIER_DIGEST_HOUR": digest_hour(env),
        "BABEL_DEFAULT_LOCALE": "id",
        **session_settings(env),
        **throttle_settings(env),
        **job_settings(env),
        # Files jobs make (certificates, run-sheets) and files uploaded for them (imports).
        "JOBS_DIR": Path(env.get("ANUGERAH_JOBS_DIR", instance_path / "jobs")),
    }


def digest_hour(env: Mapping[str, str]) -> int:
    """``ANUGERAH_VERIFIER_DIGEST_HOUR``: refused at start-up unless a whole hour from 0 to 23 (a
    wrong one would otherwise fail the periodic tick every minute)."""
    given = env.get("ANUGERAH_VERIFIER_DIGEST_HOUR", "7").strip()
    if not given.isdigit() or not 0 <= int(given) <= 23:
        raise ValueError(f"ANUGERAH_VERIFIER_DIGEST_HOUR must be a whole hour from 0 to 23, not {given!r}")
    return int(given)


def session_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The session cookie, and how long a session lasts (competition.people.sessions)."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Sent only over HTTPS when the application is served over HTTPS.
        "SESSION_COOKIE_SECURE": env.get("ANUGERAH_BASE_URL", "").lower().startswith("https://"),
        # A session ends after this long without a request, and this long after signing in.
        "SESSION_IDLE_MINUTES": int(env.get("ANUGERAH_SESSION_IDLE_MINUTES", 30)),
        "SESSION_MAX_HOURS": int(env.get("ANUGERAH_SESSION_MAX_HOURS", 12)),
    }


def throttle_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Limits on signing in and on password-reset mail (competition.throttling), in the notation
    of the ``limits`` library ("5 per 15 minutes"), counted in Redis when ``ANUGERAH_REDIS_URL``
    is set (shared by every process) and in each process's memory otherwise."""
    return {
        # Failed sign-ins (and wrong current passwords when changing it) per account, and per
        # client address; successful sign-ins do not count.
        "SIGN_IN_LIMIT_PER_ACCOUNT": env.get("ANUGERAH_SIGN_IN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "SIGN_IN_LIMIT_PER_ADDRESS": env.get("ANUGERAH_SIGN_IN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        # Requests for a reset link per account (the e-mail given) and per client address.
        "RESET_LIMIT_PER_ACCOUNT": env.get("ANUGERAH_RESET_LIMIT_PER_ACCOUNT", "3 per hour"),
        "RESET_LIMIT_PER_ADDRESS": env.get("ANUGERAH_RESET_LIMIT_PER_ADDRESS", "10 per hour"),
        "RATELIMIT_STORAGE_URI": env.get("ANUGERAH_REDIS_URL") or "memory://",
        "RATELIMIT_KEY_PREFIX": env.get("ANUGERAH_REDIS_PREFIX", "anugerah"),
        # How many reverse proxies stand in front of the application: the client address is then
        # taken from that many X-Forwarded-For entries (werkzeug's ProxyFix); 0 trusts none.
        "PROXY_COUNT": int(env.get("ANUGERAH_PROXY_COUNT", 0)),
    }


def job_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Background jobs (competition.jobs): on RQ when ``ANUGERAH_REDIS_URL`` is set, else on a small
    thread pool of the web process; and the periodic tick (the outbox, the schedule)."""
    redis_url = env.get("ANUGERAH_REDIS_URL", "")
    # Seconds between ticks run by a thread of each web process: by default every minute without
    # Redis, never with it (the worker ticks). ANUGERAH_MAIL_SEND_INTERVAL is the older name.
    tick = env.get("ANUGERAH_JOBS_TICK_SECONDS") or env.get("ANUGERAH_MAIL_SEND_INTERVAL")
    return {
        "REDIS_URL": redis_url,
        # "rq", "thread" or "sync" (at once, in the same thread, once the request commits: tests).
        "JOBS_RUN": env.get("ANUGERAH_JOBS_RUN") or ("rq" if redis_url else "thread"),
        "JOBS_QUEUE": env.get("ANUGERAH_JOBS_QUEUE", "anugerah"),
        "JOBS_THREADS": int(env.get("ANUGERAH_JOBS_THREADS", 2)),
        "JOBS_TICK_SECONDS": float(tick) if tick else (0.0 if redis_url else 60.0),
        # The worker's tick, between runs (make worker).
        "JOBS_WORKER_TICK_SECONDS": float(env.get("ANUGERAH_JOBS_WORKER_TICK_SECONDS", 60)),
        # A job's progress is written at most this often (and always at the end).
        "JOBS_PROGRESS_SECONDS": float(env.get("ANUGERAH_JOBS_PROGRESS_SECONDS", 0.5)),
        # An imported file with more rows than this is imported by a background job.
        "JOBS_IMPORT_INLINE_ROWS": int(env.get("ANUGERAH_JOBS_IMPORT_INLINE_ROWS", 200)),
        # Longest run of one job on RQ before the worker stops it.
        "JOBS_TIMEOUT_SECONDS": int(env.get("ANUGERAH_JOBS_TIMEOUT_SECONDS", 1800)),
    }
