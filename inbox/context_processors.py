from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tickets import roles

from . import services


def unread_notifications(request: HttpRequest) -> dict:
    """`unread_notifications` for the staff topbar's bell: counted (one indexed count) only
    when a page shows it, so customer pages and JSON answers pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return services.unread_count(user) if roles.is_staff_member(user) else 0

    return {"unread_notifications": SimpleLazyObject(count)}
