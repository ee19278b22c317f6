# syntax=docker/dockerfile:1
# vidsearch: the API under gunicorn. Build: docker build -t vidsearch .
# Run: docker run -e DATABASE_URL=... -e DJANGO_SECRET_KEY=... -p 8000:8000 vidsearch
# (or `docker compose up`, which adds PostgreSQL 18 and runs the migrations).

FROM python:3.12-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies from the project's own metadata (pyproject.toml), in a layer of their own.
COPY pyproject.toml README.md ./
COPY config ./config
COPY api ./api
COPY search ./search
COPY analytics ./analytics
COPY explorer ./explorer
COPY demo ./demo
COPY maintenance ./maintenance
RUN pip install .

FROM python:3.12-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PORT=8000 \
    HOST=0.0.0.0
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The source tree itself: migrations_sql/ is read from beside the packages.
COPY --chown=app:app manage.py gunicorn.conf.py ./
COPY --chown=app:app config ./config
COPY --chown=app:app api ./api
COPY --chown=app:app search ./search
COPY --chown=app:app analytics ./analytics
COPY --chown=app:app explorer ./explorer
COPY --chown=app:app demo ./demo
COPY --chown=app:app maintenance ./maintenance
COPY --chown=app:app migrations_sql ./migrations_sql
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]
# No secret is baked in: DATABASE_URL and DJANGO_SECRET_KEY come from the environment.
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
