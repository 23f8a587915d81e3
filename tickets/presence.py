"""Who else has a ticket open, and whether they are typing: short-lived keys in the cache (Redis
in production, shared by every web process). The ticket page pings every PING_SECONDS, over its
live socket (staff/live.py, which tells the other pages at once) or by polling while the socket is
down; an agent whose key expired (closed the tab, lost the connection) disappears by itself."""

from django.core.cache import cache

PING_SECONDS = 10
TTL_SECONDS = 25  # survives one missed ping


def _user_key(ticket_id: int, user_id: int) -> str:
    return f"presence:ticket:{ticket_id}:user:{user_id}"


def _index_key(ticket_id: int) -> str:
    return f"presence:ticket:{ticket_id}:users"


def ping(ticket_id: int, user, state: str) -> list[dict]:
    """Record that `user` views (or types on) the ticket; return the others present.

    Each agent has a key of their own, so two pings never overwrite each other's state; the
    index of who was here may lose a concurrent addition, which the next ping restores.
    """
    cache.set(
        _user_key(ticket_id, user.pk),
        {"id": user.pk, "name": user.get_short_name(), "state": state},
        TTL_SECONDS,
    )
    index = set(cache.get(_index_key(ticket_id)) or ()) | {user.pk}
    alive = cache.get_many([_user_key(ticket_id, uid) for uid in index])
    cache.set(
        _index_key(ticket_id), sorted(entry["id"] for entry in alive.values()), TTL_SECONDS * 4
    )
    return sorted(
        (entry for entry in alive.values() if entry["id"] != user.pk), key=lambda e: e["name"]
    )


def present(ticket_id: int) -> list[dict]:
    """Everyone who has the ticket open, by name (the live pages leave each reader out)."""
    index = cache.get(_index_key(ticket_id)) or ()
    alive = cache.get_many([_user_key(ticket_id, uid) for uid in index])
    return sorted(alive.values(), key=lambda e: (e["name"], e["id"]))


def leave(ticket_id: int, user_id: int) -> None:
    """The agent closed the ticket's page: gone at once rather than when their key expires (a
    second tab of theirs on the ticket brings them back with its next ping)."""
    cache.delete(_user_key(ticket_id, user_id))
