"""An uploaded import file kept between its preview and its confirmation.

The file lives in the database (`UploadStash`), not on the disk of the server that showed the
preview, so the confirmation may reach another app server. It is bound to the session (the session
holds the token under the import's `key`) and to the tenant; a token from another session or
tenant finds nothing. `claim` hands the file to one request only (a double click or a second tab
confirming the same preview writes once): the row is deleted in the caller's transaction, so a
refused import (nothing written, transaction rolled back) can be confirmed again.
"""

import secrets
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .models import UploadStash

MAX_AGE = timedelta(days=1)  # previews left unconfirmed (closed tab, expired session) are removed


def put(request, *, key, tenant, name, data: bytes) -> str:
    """Keep `data` for this session's import `key` (replacing its earlier preview); returns the token."""
    drop(request, key=key)
    UploadStash.objects.filter(created_at__lt=timezone.now() - MAX_AGE).delete()
    token = secrets.token_urlsafe(16)
    UploadStash.objects.create(tenant=tenant, token=token, name=name[:255], data=data)
    request.session[key] = {"token": token, "name": name, "tenant": tenant.pk}
    return token


def _row(request, *, key, tenant, token):
    stash = request.session.get(key)
    if not stash or not token or stash["token"] != token or stash["tenant"] != tenant.pk:
        return None
    return UploadStash.objects.filter(tenant=tenant, token=token).first()


def get(request, *, key, tenant, token):
    """The stashed file of this session's preview, or None."""
    row = _row(request, key=key, tenant=tenant, token=token)
    return SimpleUploadedFile(row.name, bytes(row.data)) if row else None


def claim(request, *, key, tenant, token):
    """The stashed file for writing, for one request only (None for the others). Call it inside the
    transaction that writes the import."""
    row = _row(request, key=key, tenant=tenant, token=token)
    if row is None or UploadStash.objects.filter(pk=row.pk).delete()[0] != 1:
        return None
    return SimpleUploadedFile(row.name, bytes(row.data))


def drop(request, *, key) -> None:
    """Forget this session's preview of import `key` (and its file)."""
    stash = request.session.pop(key, None)
    if stash:
        UploadStash.objects.filter(token=stash["token"]).delete()
