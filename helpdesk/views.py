import logging

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tickets import roles

from .cache import cache_is_down, degraded_calls
from .celery import app as celery_app
from .tasks import ping_task

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: the database does not answer")
        return False


def broker_answers() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True
    except Exception:
        logger.exception("healthz: the broker does not answer")
        return False


def cache_answers() -> bool:
    try:
        cache.get("healthz")
    except Exception:
        return False
    return not cache_is_down()


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For probes: 503 when the database does not answer (nothing can be served). Without the
    broker or the cache the web still takes every ticket (the outbox keeps their emails, rate
    limits let requests through): 200, "degraded", naming what does not answer, so a load
    balancer keeps sending customers here while an alert says what to fix."""
    checks = {"database": database_answers(), "broker": broker_answers(), "cache": cache_answers()}
    failing = [name for name, ok in checks.items() if not ok]
    status = "unavailable" if not checks["database"] else "degraded" if failing else "ok"
    body = {
        "status": status,
        "checks": {name: "ok" if ok else "unavailable" for name, ok in checks.items()},
        "cache_calls_without_redis": degraded_calls(),
    }
    return JsonResponse(body, status=503 if status == "unavailable" else 200)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "429.html", status=429)


@staff_member_required
@require_POST
def ping_worker(request: HttpRequest) -> HttpResponse:
    """Admin button: send a test task from this web process; the worker logs its arrival."""
    if not roles.is_admin(request.user):
        raise PermissionDenied
    result = ping_task.delay(timezone.now().isoformat(), f"web ({request.user.email})")
    messages.success(
        request,
        _("Test task %(id)s sent. The worker log shows a line starting 'ping from web'.")
        % {"id": result.id},
    )
    return redirect("admin:index")
