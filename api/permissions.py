from rest_framework import permissions

from tickets import roles

from .authentication import GuestGrant
from .models import ApiKey


class IsAuthenticatedOrGuest(permissions.BasePermission):
    """A signed-in user, an API key, or a guest link."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) or isinstance(
            request.auth, GuestGrant
        )


class IsStaff(permissions.BasePermission):
    """Agents, leads and admins."""

    def has_permission(self, request, view) -> bool:
        return roles.is_staff_member(request.user)


class IsLead(permissions.BasePermission):
    """Leads and admins (incidents are declared, updated and resolved by them)."""

    message = "Only leads and admins may do this."

    def has_permission(self, request, view) -> bool:
        return roles.is_lead(request.user)


class ApiKeyScope(permissions.BasePermission):
    """An API key reads with the `read` scope and writes with the `write` scope."""

    message = "This API key does not have the scope this request needs."

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiKey):
            return True
        scope = ApiKey.Scope.READ if request.method in permissions.SAFE_METHODS else "write"
        return request.auth.allows(scope)
