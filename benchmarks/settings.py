"""Settings of the write benchmark's gunicorn (manage.py bench_writes): the project's own, plus a
bare view to measure against, and no rate limits (the benchmark submits hundreds of tickets a
minute from one address). Never used to serve anyone."""

from helpdesk.settings import *  # noqa: F403
from helpdesk.settings import REST_FRAMEWORK

ROOT_URLCONF = "benchmarks.urls"
RATELIMIT_ENABLE = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], None),
}
