"""Photos and uploaded files: one mechanism for every app (see docs/architecture.md, "Photos and files").

- **Upload.** `save_photo(row, upload)` checks the upload, decodes it with Pillow, turns it upright
  (EXIF orientation), shrinks it to `MAX_SIDE` and re-encodes it as JPEG — which drops EXIF (GPS
  position, camera serial) and anything that is not an image — then stores it in the default
  storage (file system or S3) under a random name (`random_name`, used by the models' `upload_to`).
- **Serving.** No file has a public path. An app registers each model that holds a file with
  `register(model, key=, can_view=)`; `url_for(obj)` is `/files/<key>/<pk>/`, and the view
  `torg.core.views.file` answers 404 unless `can_view(request, obj)` — whoever asks for a row
  they may not see (another municipality's user, an anonymous visitor, a guessed id) learns
  nothing. Views with their own rule (a public listing's photo) call `serve(request, name)`.
- **Removal.** `release(names)` deletes files after the commit that removed their rows, unless
  another registered row still uses the name (photos shared between items).
"""

import io
import mimetypes
import posixpath
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 82
PRIVATE_MAX_AGE = 3600  # seconds a browser may keep a photo it was allowed to see


def _too_large():
    return ValidationError(_("The photo is too large (at most %(mb)d MB).") % {"mb": MAX_UPLOAD_BYTES // 2**20})


def reencode_photo(upload) -> tuple[ContentFile, int, int]:
    """Return (jpeg file, width, height) or raise ValidationError for anything that is not a photo."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _too_large()
    data = upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            img = ImageOps.exif_transpose(img)
            img = img.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            width, height = img.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("The file is not a photo we can read (use JPEG, PNG or HEIC saved as JPEG).")) \
            from None
    return ContentFile(out.getvalue()), width, height


def random_name(folder: str, suffix: str = ".jpg") -> str:
    """`folder/<32 random hex digits><suffix>`: 128 bits, so a name cannot be guessed or enumerated."""
    return posixpath.join(folder.strip("/"), secrets.token_hex(16) + suffix)


def save_photo(row, upload, *, field: str = "image"):
    """Check and re-encode `upload`, store it as `row.<field>` (the field's `upload_to` gives the random
    name), set `row.width` and `row.height`, and save the row."""
    content, row.width, row.height = reencode_photo(upload)
    getattr(row, field).save("photo.jpg", content, save=True)
    return row


# --- Registry of the models that hold files -------------------------------------------------------
@dataclass(frozen=True)
class FileKind:
    key: str
    model: type
    field: str
    can_view: object  # (request, obj) -> bool
    select_related: tuple = ()


_kinds: dict[str, FileKind] = {}


def register(model, *, key: str, can_view, field: str = "image", select_related=()) -> None:
    """Declare that `model.<field>` holds a file, served at /files/<key>/<pk>/ to whom `can_view` allows."""
    _kinds[key] = FileKind(key=key, model=model, field=field, can_view=can_view, select_related=tuple(select_related))


def kind_for_key(key: str) -> FileKind | None:
    return _kinds.get(key)


def kind_of(obj) -> FileKind:
    for kind in _kinds.values():
        if isinstance(obj, kind.model):
            return kind
    raise LookupError(f"{type(obj).__name__} is not registered in torg.core.photos")


def url_for(obj) -> str:
    """The URL of a registered row's file, through the checking view."""
    return reverse("core:file", kwargs={"key": kind_of(obj).key, "pk": obj.pk})


def member_with(perm: str):
    """A `can_view` rule: the row is in the request's tenant and the user holds `perm` there."""

    def can_view(request, obj) -> bool:
        tenant = getattr(request, "tenant", None)
        return (tenant is not None and obj.tenant_id == tenant.pk
                and request.user.is_authenticated and request.user.has_perm(perm, tenant))

    return can_view


def is_used(name: str) -> bool:
    """Does any registered row still use the file `name`?"""
    return any(k.model.objects.filter(**{k.field: name}).exists() for k in _kinds.values())


def release(*names: str) -> None:
    """After the commit, delete the files whose rows are gone (a file other rows use is kept)."""

    def delete():
        for name in names:
            if name and not is_used(name):
                default_storage.delete(name)

    transaction.on_commit(delete)


# --- Serving ------------------------------------------------------------------------------------
def serve(request, name: str, *, public: bool = False) -> HttpResponse:
    """Hand out the stored file `name` to a request that was allowed to see it.

    `TORG_MEDIA_SERVE` decides how: a redirect to a signed URL of the object store, a stream from
    the storage, or an empty response that the proxy fills (`X-Accel-Redirect`, `X-Sendfile`).
    """
    if not name:
        raise Http404
    mode = settings.TORG_MEDIA_SERVE
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if mode == "redirect":
        expiry = settings.TORG_MEDIA_URL_EXPIRY
        response = HttpResponseRedirect(default_storage.url(name, expire=expiry))
        max_age = min(PRIVATE_MAX_AGE, expiry // 2)  # never longer than the signed URL lives
    elif mode == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.TORG_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(name)
        max_age = PRIVATE_MAX_AGE
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = default_storage.path(name)
        max_age = PRIVATE_MAX_AGE
    else:
        try:
            handle = default_storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
        max_age = PRIVATE_MAX_AGE
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age={max_age}"
    if not public:
        response["Vary"] = "Cookie"
    response["Content-Disposition"] = "inline"
    return response


def serve_row(request, key: str, pk: int) -> HttpResponse:
    """The file of row `pk` of the registered kind `key`, or 404 unless the request may see the row."""
    kind = kind_for_key(key)
    if kind is None:
        raise Http404
    obj = kind.model.objects.select_related(*kind.select_related).filter(pk=pk).first()
    if obj is None or not kind.can_view(request, obj):
        raise Http404
    return serve(request, getattr(obj, kind.field).name)
