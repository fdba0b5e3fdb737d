"""gunicorn's access log as one JSON object per request, for a log collector to read without a
pattern: a user agent or a path holding quotes cannot break the line."""

from __future__ import annotations

import json
from typing import Any

from gunicorn.glogging import Logger

# (key in the log line, gunicorn's atom)
FIELDS = (("time", "t"), ("remote", "h"), ("method", "m"), ("path", "U"), ("query", "q"),
          ("status", "s"), ("bytes", "B"), ("duration_ms", "M"), ("user_agent", "a"))


class JsonAccessLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        line = {key: atoms.get(atom) for key, atom in FIELDS}
        for key in ("status", "bytes", "duration_ms"):
            value = line[key]
            line[key] = int(value) if isinstance(value, str) and value.isdigit() else value
        self.access_log.info(json.dumps(line, ensure_ascii=False))
