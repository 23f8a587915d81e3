"""Files kept between the tries of one ticket form (nothing typed is lost, issue 18).

A form that comes back with an error (a missing email) would otherwise drop the files the
customer chose: the browser cannot put them back. The ones that passed the checks
(tickets.attachments) are stored here as PendingUpload rows tied to the form's key (its
idempotency token and who sent it), shown back as "Already attached", and referenced by hidden
inputs. A reference is only honoured with the same key: a forged or copied reference from
another browser or user finds nothing. Claimed files become the ticket's attachments;
unclaimed ones are deleted after KEEP_FOR by a periodic task.
"""

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .attachments import CleanFile
from .models import PendingUpload

KEEP_FOR = timedelta(hours=24)


def _ids(references: Iterable[str]) -> list[uuid.UUID]:
    ids = []
    for reference in references:
        try:
            ids.append(uuid.UUID(str(reference)))
        except ValueError:
            continue  # a mangled reference is ignored, like a foreign one
    return ids


def keep(files: Sequence[CleanFile], *, form_key: str) -> list[PendingUpload]:
    """Store checked files for the form with this key."""
    return [
        PendingUpload.objects.create(
            form_key=form_key,
            file=ContentFile(file.data, name="upload"),
            original_name=file.name,
            content_type=file.content_type,
            size=len(file.data),
            sha256=file.sha256,
            removed_content=", ".join(file.removed_content)[:255],
            found=dict(file.found),
        )
        for file in files
    ]


def kept(references: Iterable[str], *, form_key: str) -> list[PendingUpload]:
    """The pending uploads these references name that belong to this form and have not
    expired, in the order they were kept; anything else is silently left out."""
    return list(
        PendingUpload.objects.filter(
            pk__in=_ids(references),
            form_key=form_key,
            created_at__gte=timezone.now() - KEEP_FOR,
        ).order_by("created_at", "pk")
    )


def as_clean_files(uploads: Sequence[PendingUpload]) -> list[CleanFile]:
    """The kept files as the checked files the ticket services take."""
    files = []
    for upload in uploads:
        with upload.file.open("rb") as handle:
            data = handle.read()
        files.append(
            CleanFile(
                name=upload.original_name,
                content_type=upload.content_type,
                data=data,
                found=Counter(upload.found),
                removed_content=tuple(filter(None, upload.removed_content.split(", "))),
            )
        )
    return files


def discard(uploads: Iterable[PendingUpload]) -> int:
    """Delete rows and, once the transaction commits, their files."""
    uploads = list(uploads)
    names = [upload.file.name for upload in uploads]
    storage = PendingUpload._meta.get_field("file").storage
    deleted, _ = PendingUpload.objects.filter(pk__in=[upload.pk for upload in uploads]).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])
    return deleted


def delete_expired(now=None) -> int:
    """Delete the pending uploads nobody claimed within KEEP_FOR; returns how many."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    return discard(PendingUpload.objects.filter(created_at__lt=cutoff).iterator())
