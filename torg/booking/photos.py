"""Photos of bookable resources: decoded with Pillow, turned upright, shrunk and re-encoded as JPEG.

(Same approach as torg.reuse.photos; sibling apps do not import each other.)

Re-encoding drops EXIF (GPS position, camera serial) and anything that is not an image.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 50_000_000


def reencode_photo(upload) -> tuple[ContentFile, int, int]:
    """Return (jpeg file, width, height) or raise ValidationError for anything that is not a photo."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The photo is too large (at most %(mb)d MB).") % {"mb": MAX_UPLOAD_BYTES // 2**20})
    data = upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The photo is too large (at most %(mb)d MB).") % {"mb": MAX_UPLOAD_BYTES // 2**20})
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            img = ImageOps.exif_transpose(img)
            img = img.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=82, optimize=True)
            width, height = img.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("The file is not a photo we can read (use JPEG, PNG or HEIC saved as JPEG).")) \
            from None
    return ContentFile(out.getvalue()), width, height
