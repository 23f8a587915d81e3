"""Roles are groups: agent, lead, admin. A superuser counts as an admin.

An agent works the tickets of their queues; a lead also reassigns across the queues they lead and
edits canned responses; an admin sees everything and runs the Django admin.
"""

from django.contrib.auth.models import Group, Permission

AGENT = "agent"
LEAD = "lead"
ADMIN = "admin"
STAFF_ROLES = (AGENT, LEAD, ADMIN)

# Django admin permissions per role, as "app_label.codename" ("app_label.*" for all of an app).
# Incidents (incidents/admin.py): agents may look; leads and admins declare and edit them (their
# status moves by updates and resolution on the staff page or the API, never by deletion).
INCIDENT_VIEW = [
    "incidents.view_incident",
    "incidents.view_incidentupdate",
    "incidents.view_incidentjob",
]
INCIDENT_EDIT = [*INCIDENT_VIEW, "incidents.add_incident", "incidents.change_incident"]

ROLE_PERMISSIONS = {
    AGENT: [*INCIDENT_VIEW],
    # Leads reach the Django admin (is_staff) for their queues' canned responses.
    LEAD: [
        "tickets.view_queue",
        "tickets.view_queuemembership",
        "tickets.view_category",
        "tickets.view_cannedresponse",
        "tickets.add_cannedresponse",
        "tickets.change_cannedresponse",
        "tickets.delete_cannedresponse",
        "tickets.view_macro",
        "tickets.add_macro",
        "tickets.change_macro",
        "tickets.delete_macro",
        *INCIDENT_EDIT,
    ],
    # The audit log is read-only for everyone (audit/admin.py); admins may read it.
    ADMIN: [
        "tickets.*",
        "faq.*",
        "branding.*",
        "django_celery_beat.*",
        "auth.view_group",
        "audit.view_auditentry",
        # In-app notifications, read-only (inbox/admin.py).
        "inbox.view_staffnotification",
        # Retention periods (privacy/models.py).
        "privacy.*",
        *INCIDENT_EDIT,
    ],
}


def role_names(user) -> frozenset[str]:
    """The role groups of a user, read once per user object."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=STAFF_ROLES).values_list("name", flat=True))
        if user.is_superuser:
            cached |= {ADMIN}
        user._role_names = cached
    return cached


def is_admin(user) -> bool:
    return ADMIN in role_names(user)


def is_lead(user) -> bool:
    return bool({LEAD, ADMIN} & role_names(user))


def is_staff_member(user) -> bool:
    """Agents, leads and admins: everyone who works tickets rather than files them."""
    return bool(role_names(user))


def highest_role(user) -> str | None:
    names = role_names(user)
    for role in (ADMIN, LEAD, AGENT):
        if role in names:
            return role
    return None


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and give each exactly its admin permissions (runs after migrate)."""
    for role, specs in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.none()
        for spec in specs:
            app_label, codename = spec.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label)
            if codename != "*":
                found = found.filter(codename=codename)
            permissions |= found
        group.permissions.set(permissions)
