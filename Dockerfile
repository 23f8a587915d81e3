# The production image: gunicorn, Celery worker and beat all run from it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

# gettext compiles the translations.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 helpdesk

WORKDIR /app

# Dependencies first (from the lock file), so a code change does not reinstall them.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/runtime.txt \
    && pip install -c requirements.lock -r /tmp/runtime.txt

COPY . .
RUN export SECRET_KEY=build-only-secret-key-not-used-at-run-time-0123456789 \
    && python manage.py compiletranslations \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var/media /app/var/mail \
    && chown -R helpdesk:helpdesk /app/var

USER helpdesk
EXPOSE 8000
# ASGI through gunicorn's uvicorn workers (the staff pages' live WebSocket holds no sync worker);
# bind address, workers and the access log without query strings: deploy/gunicorn.conf.py.
CMD ["gunicorn", "helpdesk.asgi:application", "--config", "deploy/gunicorn.conf.py"]
