"""gunicorn's settings for `make serve`: PORT (default 8000), WEB_CONCURRENCY workers (default
2 × cores + 1), access log as JSON lines on standard output. The app's own settings (database,
base URL, trusted hosts, proxies, limits) come from the ANUGERAH_* variables as always."""

import multiprocessing
import os

import gunicorn.http.wsgi

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
accesslog = "-"
errorlog = "-"
logger_class = "competition.web.access_log.JsonAccessLogger"
# A worker that has not answered for this long is replaced (a PDF of certificates included).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# Behind a reverse proxy the app reads X-Forwarded-* itself (ANUGERAH_PROXY_COUNT), not gunicorn.
forwarded_allow_ips = ""
# gunicorn has no setting for its Server header, which names it and its version: name the app.
gunicorn.http.wsgi.SERVER = "Anugerah"
# gunicorn's control socket (gunicornc) is not used; left on, every instance on a host would share
# one socket path in the home folder.
control_socket_disable = True
