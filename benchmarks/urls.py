"""The project's URLs and a bare JsonResponse view: the unit the write benchmark counts in (the
cost of a request through gunicorn and Django's middleware that does nothing)."""

from django.http import JsonResponse
from django.urls import include, path


def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare/", bare), path("", include("helpdesk.urls"))]
