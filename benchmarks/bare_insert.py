"""The yardstick for the load test: a Flask route that does one INSERT and nothing else, served
by gunicorn with the app's settings (gunicorn.conf.py) against the same database server.

    BARE_DATABASE_URL=postgresql://... gunicorn -c gunicorn.conf.py --chdir benchmarks bare_insert:app

POST /hit inserts one row into ``bare_hit`` (made by the load test) in a transaction of its own.
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

app = Flask(__name__)
_url = os.environ["BARE_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
# As the app's engine: a pool per worker, each connection tested before use.
engine = create_engine(_url, pool_pre_ping=True)


@app.post("/hit")
def hit() -> tuple[str, int]:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO bare_hit (note) VALUES ('x')"))
    return "ok", 201


@app.get("/healthz")
def healthz() -> str:
    return "ok"
