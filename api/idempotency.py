"""Idempotency-Key on creation: a retried POST gets the first answer, and creates nothing.

The key is scoped to who sends it (an API key, a signed-in user, or a guest's email address),
so two callers can never read each other's answers. A guest proves nothing but an address anyone
can type, so a guest's replay answers without the ticket's access token (the guest has it by
email): knowing someone's key and request never opens their ticket.

A row per (principal, key) is inserted in the same transaction as the ticket: a concurrent
retry's insert waits on the unique index until the first commits, then fails and replays the
stored answer; if the first rolls back, the retry goes ahead.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from .models import ApiKey, IdempotentRequest
from .problems import ProblemResponse, problem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEY_PATTERN = rf"^[!-~]{{1,{MAX_KEY_LENGTH}}}$"  # visible ASCII, no spaces: what the schema says


@dataclass(frozen=True)
class Stored:
    status_code: int
    body: dict
    ticket_id: int | None = None


def principal_of(request) -> str:
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.pk}"
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    email = str(request.data.get("email", "")).strip().lower()
    return f"guest:{email}"[:200]


def fingerprint(request) -> str:
    """What makes two requests the same request: the fields and the files' contents."""
    data = request.data
    fields = (
        {key: data.getlist(key) for key in data if key != "attachments"}
        if hasattr(data, "getlist")
        else dict(data)
    )
    files = []
    for upload in request.FILES.getlist("attachments"):
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        files.append([upload.name, digest.hexdigest()])
    canonical = json.dumps([fields, files], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_of(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not re.fullmatch(KEY_PATTERN, key):
        raise exceptions.ValidationError(
            {HEADER: [_("Send 1 to 255 printable characters, e.g. a UUID.")]}
        )
    return key


def service_key(principal: str, key: str) -> str:
    """The key handed to create_ticket (64 characters): its unique constraint guards too."""
    return "api:" + hashlib.sha256(f"{principal}\n{key}".encode()).hexdigest()[:60]


def once(
    request,
    create: Callable[[str | None], Stored],
    answer: Callable[[Stored, bool], Response],
):
    """Run `create` (given the service key, or None without an Idempotency-Key) at most once per
    key; `answer(stored, replayed)` answers the first call and every retry."""
    key = key_of(request)
    if key is None:
        return answer(create(None), False)
    principal = principal_of(request)
    digest = fingerprint(request)
    existing = IdempotentRequest.objects.filter(principal=principal, key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    principal=principal,
                    key=key,
                    request_hash=digest,
                    status_code=0,
                    response_body={},
                )
                stored = create(service_key(principal, key))
                record.status_code = stored.status_code
                record.response_body = stored.body
                record.ticket_id = stored.ticket_id
                record.save(update_fields=["status_code", "response_body", "ticket"])
            return answer(stored, False)
        except IntegrityError:
            existing = IdempotentRequest.objects.filter(principal=principal, key=key).first()
            if existing is None:
                raise
    if existing.request_hash != digest:
        return ProblemResponse(
            problem(
                "idempotency-key-reused",
                _("This Idempotency-Key was sent before with a different request."),
            )
        )
    response = answer(
        Stored(existing.status_code, existing.response_body, existing.ticket_id), True
    )
    response["Idempotent-Replayed"] = "true"
    return response
