# ConvLSTM Cost Explorer: `docker build -t convlstm-cost-explorer .`
#                         `docker run -p 8000:8000 convlstm-cost-explorer`

# Stage 1: front-end assets from npm, exactly as package-lock.json pins them.
FROM python:3.11-slim AS assets
# Debian's Node uses its own CA list; also trust the system store (proxies with their own CA).
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
# The same copies as the Makefile's `assets` target.
RUN mkdir -p static/vendor \
 && cp node_modules/htmx.org/dist/htmx.min.js static/vendor/ \
 && cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css static/vendor/

# Stage 2: runtime, only the packages in pyproject's `dependencies` (no test tools, no Keras).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=2
WORKDIR /srv
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && pip install --no-compile -r requirements.txt \
 && rm requirements.txt
# .dockerignore is an allow-list: this brings app/, templates/ and static/ (whichever exist).
COPY . ./
COPY --from=assets /build/static/vendor ./static/vendor
# Translations (.po, when present) compiled to .mo, and bytecode built while we are still root:
# the code stays owned by root and read-only for the user that runs it.
RUN if [ -d app/translations ]; then pybabel -q compile -d app/translations; fi \
 && python -m compileall -q app \
 && adduser --system --group --uid 10001 --no-create-home --home /nonexistent app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# uvicorn takes its worker count from WEB_CONCURRENCY (`docker run -e WEB_CONCURRENCY=4`).
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--no-server-header"]
