"""Configuration from ANUGERAH_* variables, with working defaults."""

from __future__ import annotations

from pathlib import Path

from competition.config import database_url, load_config


def test_defaults_use_sqlite_in_the_instance_folder_and_keep_one_secret(tmp_path: Path):
    first = load_config(tmp_path, environ={})
    second = load_config(tmp_path, environ={})
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'anugerah.db'}"
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert first["EVIDENCE_DIR"] == tmp_path / "evidence"
    assert first["EVIDENCE_MAX_BYTES"] == 20 * 1024 * 1024


def test_environment_overrides(tmp_path: Path):
    config = load_config(tmp_path, environ={
        "ANUGERAH_DATABASE_URL": "postgresql://anugerah@db/anugerah",
        "ANUGERAH_SECRET_KEY": "s3cret",
        "ANUGERAH_EVIDENCE_MAX_BYTES": "1048576",
        "ANUGERAH_EVIDENCE_TYPES": "pdf, PNG",
        "ANUGERAH_TIMEZONE": "Asia/Makassar",
    })
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://anugerah@db/anugerah"
    assert config["SECRET_KEY"] == "s3cret"
    assert not (tmp_path / "secret_key").exists()
    assert config["EVIDENCE_MAX_BYTES"] == 1048576
    assert config["EVIDENCE_TYPES"] == ("pdf", "png")
    assert config["DISPLAY_TIMEZONE"] == "Asia/Makassar"


def test_database_url_picks_psycopg():
    assert database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_request_form_and_import_limits_by_default(tmp_path: Path):
    config = load_config(tmp_path, environ={})
    assert config["MAX_CONTENT_LENGTH"] == 25 * 1024 * 1024   # the 20 MB evidence limit and 5 MB more
    assert config["MAX_FORM_MEMORY_SIZE"] == 1024 * 1024
    assert config["MAX_FORM_PARTS"] == 1000
    assert config["IMPORT_MAX_ROWS"] == 5000


def test_request_form_and_import_limits_from_the_environment(tmp_path: Path):
    config = load_config(tmp_path, environ={
        "ANUGERAH_MAX_REQUEST_MB": "40", "ANUGERAH_MAX_FORM_KB": "512", "ANUGERAH_MAX_FORM_FIELDS": "300",
        "ANUGERAH_IMPORT_MAX_ROWS": "800"})
    assert config["MAX_CONTENT_LENGTH"] == 40 * 1024 * 1024
    assert config["MAX_FORM_MEMORY_SIZE"] == 512 * 1024
    assert config["MAX_FORM_PARTS"] == 300
    assert config["IMPORT_MAX_ROWS"] == 800
    larger_files = load_config(tmp_path, environ={"ANUGERAH_EVIDENCE_MAX_BYTES": str(50 * 1024 * 1024)})
    assert larger_files["MAX_CONTENT_LENGTH"] == 55 * 1024 * 1024


def test_the_verifiers_digest_hour_is_a_whole_hour_of_the_day(tmp_path: Path):
    import pytest

    assert load_config(tmp_path, environ={})["VERIFIER_DIGEST_HOUR"] == 7
    assert load_config(tmp_path, environ={"ANUGERAH_VERIFIER_DIGEST_HOUR": "0"})["VERIFIER_DIGEST_HOUR"] == 0
    for wrong in ("24", "-1", "tujuh", "7.5"):
        with pytest.raises(ValueError, match="DIGEST_HOUR must be a whole hour from 0 to 23"):
            load_config(tmp_path, environ={"ANUGERAH_VERIFIER_DIGEST_HOUR": wrong})
