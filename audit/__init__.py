"""Who read what (PCI DSS 10, UU PDP 27/2022): `audit.record(request, kind, ...)` writes one
append-only row; `audit.purge_older_than(cutoff)` is the retention purge's one way to delete.

Both live in audit/services.py and are named here lazily: Django imports this package while it
registers the apps, before a model can be loaded.
"""

__all__ = ["Kind", "purge_older_than", "record", "record_as"]


def __getattr__(name: str):
    if name in __all__:
        from . import services

        return getattr(services, name)
    raise AttributeError(f"module 'audit' has no attribute {name!r}")
