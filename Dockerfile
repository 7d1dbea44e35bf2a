# Torg: one image for the app server (default command) and the task worker
# (`python manage.py db_worker --no-reload`). See docs/deployment.md.

# --- Front-end packages (npm), only to copy their files; not shipped -------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- The application --------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TORG_ENV=production \
    TORG_VAR_DIR=/var/lib/torg \
    TORG_STATIC_ROOT=/app/static \
    TORG_BIND=0.0.0.0:8000
WORKDIR /app

RUN useradd --system --home-dir /var/lib/torg --create-home --uid 10001 torg
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
COPY --from=assets /build/node_modules ./node_modules
# Vendored front-end files, translations, and the static files with hashed names (the secret and
# host here exist only for this build step; the real ones come from the environment at run time).
RUN python scripts/copy_assets.py \
    && python scripts/compile_messages.py \
    && TORG_SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-0123456789 TORG_ALLOWED_HOSTS=build \
       python manage.py collectstatic --no-input --verbosity 0 \
    && rm -rf node_modules

USER torg
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# gunicorn.conf.py (in /app, the working directory): processes, threads, JSON logs. Set
# PROMETHEUS_MULTIPROC_DIR (e.g. /tmp/torg-prometheus) for the app only, so /metrics adds up all
# processes; compose.yaml does.
CMD ["gunicorn", "torg.wsgi"]
