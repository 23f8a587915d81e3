"""docker-compose.yml, .env.example and the settings agree: every variable Django reads is
documented, every documented one reaches the Django services, and a copy of .env.example changes
nothing until a line is uncommented."""

import re
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
DJANGO_SERVICES = ("migrate", "web", "worker", "beat")
# Set by the compose file whatever .env says: the stack's own services, the image's paths and
# gunicorn's port. .env.example says so beside each.
FIXED_BY_COMPOSE = {
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "VAR_DIR",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "PORT",
}
# Read before .env is, by the test runner (scripts/run_tests.py): no place in a .env.
NOT_FROM_DOTENV = {"HELPDESK_IGNORE_DOTENV"}


@cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def variables_django_reads() -> set[str]:
    source = (ROOT / "helpdesk" / "settings.py").read_text()
    patterns = (
        r'env_\w+\(\s*"([A-Z][A-Z0-9_]*)"',
        r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]*)"',
        r'os\.environ\[\s*[\'"]([A-Z][A-Z0-9_]*)[\'"]\s*\]',
        r'database_from_url\(\s*"([A-Z][A-Z0-9_]*)"',
    )
    return {name for pattern in patterns for name in re.findall(pattern, source)} - NOT_FROM_DOTENV


def documented() -> dict[str, str]:
    """Each variable of .env.example and the comment block above it."""
    found, comment = {}, []
    for line in (ROOT / ".env.example").read_text().splitlines():
        variable = re.match(r"#? ?([A-Z][A-Z0-9_]*)=", line)
        if variable:
            found[variable.group(1)] = "\n".join(comment)
        elif line.startswith("#"):
            comment.append(line)
        else:
            comment = []
        if variable is None and not line.startswith("#"):
            comment = []
    return found


def test_the_compose_file_is_yaml_with_the_services_of_the_stack():
    assert set(compose()["services"]) == {*DJANGO_SERVICES, "proxy", "db", "redis"}


def test_it_documents_every_variable_the_settings_read():
    read = variables_django_reads()

    assert {"SECRET_KEY", "DATABASE_URL", "EMAIL_USE_TLS", "LOG_LEVEL"} <= read, "pattern broke"
    assert read - set(documented()) == set()


def test_a_copy_of_env_example_sets_nothing():
    lines = (ROOT / ".env.example").read_text().splitlines()

    assert [line for line in lines if line.strip() and not line.startswith("#")] == []


def test_the_django_services_share_one_anchor():
    anchor = compose()["x-django"]

    for name in DJANGO_SERVICES:
        service = compose()["services"][name]
        for key in ("image", "build", "env_file", "environment", "volumes"):
            assert service[key] == anchor[key], (name, key)


def test_every_documented_variable_reaches_the_django_services():
    anchor = compose()["x-django"]
    environment = anchor["environment"]
    notes = documented()

    # The .env beside the compose file, all of it; optional, so `docker compose up` works without.
    assert anchor["env_file"] == [{"path": ".env", "required": False}]
    for name in variables_django_reads() & set(environment):
        if name in FIXED_BY_COMPOSE:
            assert "compose" in notes[name], f".env.example does not say compose sets {name}"
        else:
            # An `environment:` entry wins over env_file: it must take .env's value when set.
            value = str(environment[name])
            assert value.startswith(f"${{{name}:"), f"{name}: {value} hides the .env value"
    # Anything else listed is a leftover (PORT is gunicorn's: deploy/gunicorn.conf.py).
    assert set(environment) - variables_django_reads() == {"PORT"}


def test_compose_refuses_to_start_without_a_secret_key():
    value = compose()["x-django"]["environment"]["SECRET_KEY"]

    assert value.startswith("${SECRET_KEY:?"), value
    assert ".env" in value
    assert "secrets.token_urlsafe" in value


def test_django_runs_its_production_commands():
    services = compose()["services"]

    assert "command" not in services["web"]  # the image's gunicorn (Dockerfile)
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["worker"]["command"][:4] == ["celery", "--app", "helpdesk", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "--app", "helpdesk", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_every_variable_compose_reads_is_documented():
    text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))

    assert {"HTTP_PORT", "POSTGRES_PASSWORD", "TLS_TERMINATOR"} <= interpolated
    assert interpolated - set(documented()) == set()


def test_the_proxy_gets_its_template_and_pages():
    proxy = compose()["services"]["proxy"]
    mounts = dict(volume.removesuffix(":ro").split(":", 1) for volume in proxy["volumes"])
    template = (ROOT / "deploy" / "nginx" / "default.conf.template").read_text()

    assert mounts == {
        "./deploy/nginx/default.conf.template": "/etc/nginx/templates/default.conf.template",
        "./deploy/nginx/errors": "/etc/nginx/helpdesk-errors",
    }
    # Relative to the image's prefix, /etc/nginx.
    assert "root helpdesk-errors;" in template
    # The image's envsubst replaces what the proxy's environment sets: nothing else looks like it.
    placeholders = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", template))
    assert placeholders == set(proxy["environment"]) == {"TLS_TERMINATOR"}
