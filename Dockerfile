# Anugerah in a container: gunicorn on port 8000, settings from ANUGERAH_* variables.
# Written to match `make serve` and docs/deployment/; NOT built or run on the machine it was
# written on (that machine has the docker client but no Docker engine). See the README,
# "Deployment", for what was tried and what was not.
FROM python:3.11-slim-bookworm

# Pango, HarfBuzz's subsetter and DejaVu fonts for the ceremony PDFs (WeasyPrint); make for the
# Makefile's targets.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core make \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /var/lib/anugerah anugerah
WORKDIR /srv/anugerah

# Exactly what uv.lock pins, without the development tools; the layer is reused while the lock
# does not change.
COPY pyproject.toml uv.lock ./
RUN python -m venv /opt/uv && /opt/uv/bin/pip install --no-cache-dir -q uv==0.13.9 \
    && /opt/uv/bin/uv sync --frozen --no-install-project --python python3 --quiet
COPY . .
# Bytecode compiled here: the running user cannot write __pycache__ beside root's files, and without
# it every `flask --app wsgi ...` compiles each module again (about 3.4 s instead of 1.2 s a command).
RUN /opt/uv/bin/uv sync --frozen --python python3 --quiet --compile-bytecode \
    && .venv/bin/python -m compileall -q competition workflows migrations wsgi.py gunicorn.conf.py \
    && .venv/bin/pybabel compile -d competition/translations >/dev/null

ENV ANUGERAH_INSTANCE_PATH=/var/lib/anugerah \
    ANUGERAH_EVIDENCE_DIR=/var/lib/anugerah/evidence \
    HOST=0.0.0.0 \
    PORT=8000 \
    PATH=/srv/anugerah/.venv/bin:$PATH
USER anugerah
VOLUME /var/lib/anugerah
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request as u; \
u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': 'localhost'}), timeout=4)"
# Migrate, then serve (what `make serve` does).
CMD ["sh", "-c", "flask --app wsgi db upgrade && exec gunicorn -c gunicorn.conf.py wsgi:app"]
