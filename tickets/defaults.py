"""The queues and topic routing every installation starts with (docs/design.md section 4).

Used by the data migration (with historical models) and by seed_demo; both only create what is
missing, so an admin's later changes are kept.
"""

# slug, name, inbound address (local part), assignment strategy
DEFAULT_QUEUES = [
    ("payments", "Payments", "payments", "round_robin"),
    ("refunds", "Refunds", "refunds", "least_open"),
    ("account-security", "Account & security", "security", "round_robin"),
    ("complaints", "Complaints", "complaints", "manual"),
    ("general", "General", "help", "least_open"),
]

# category code, queue slug, default priority (1 low .. 4 urgent), position on the help centre
DEFAULT_ROUTING = [
    ("payment_failed", "payments", 3, 10),
    ("refund", "refunds", 2, 20),
    ("account_access", "account-security", 3, 30),
    ("suspicious_transaction", "account-security", 4, 40),
    ("complaint", "complaints", 2, 50),
    ("how_to", "general", 1, 60),
    ("app_problem", "general", 2, 70),
]

INBOUND_DOMAIN = "helpdesk.localhost"


def ensure_default_queues(Queue, Category) -> None:
    queues = {}
    for slug, name, local_part, assignment in DEFAULT_QUEUES:
        queues[slug], _ = Queue.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "email": f"{local_part}@{INBOUND_DOMAIN}",
                "assignment": assignment,
            },
        )
    for code, queue_slug, priority, position in DEFAULT_ROUTING:
        Category.objects.get_or_create(
            code=code,
            defaults={
                "queue": queues[queue_slug],
                "default_priority": priority,
                "position": position,
            },
        )
