"""The one photo mechanism (torg.core.photos): upload checks and re-encoding, random names, and how a
file is handed out once a view has allowed it — on the file system and on the S3 double (moto in
server mode, fetched over real HTTP). Who may see which file is tested with the apps' models in
torg/web/tests/test_files.py."""

import io
import re
import urllib.error
import urllib.request

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from PIL import Image

from torg.core import photos


def _jpeg(size=(3000, 2000), exif=None, colour=(200, 30, 30)):
    img = Image.new("RGB", size, colour)
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif or Image.Exif())
    return SimpleUploadedFile("photo.jpg", buf.getvalue(), content_type="image/jpeg")


def _decode(data):
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_reencoded_as_jpeg_shrunk_and_exif_stripped():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    gps = exif.get_ifd(0x8825)  # GPS position
    gps[1], gps[2] = "N", (59.0, 54.0, 0.0)
    content, width, height = photos.reencode_photo(_jpeg(exif=exif))
    img = _decode(content.read())
    assert img.format == "JPEG" and img.size == (width, height) == (1600, 1067)
    assert not dict(img.getexif())  # no camera, no position: nothing from the original's metadata


def test_orientation_is_applied_not_kept():
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": a portrait photo taken with the phone on its side
    content, width, height = photos.reencode_photo(_jpeg(size=(400, 300), exif=exif))
    img = _decode(content.read())
    assert (width, height) == img.size == (300, 400)
    assert 0x0112 not in img.getexif()


def test_png_with_transparency_becomes_a_jpeg():
    buf = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 255, 128)).save(buf, "PNG")
    content, width, height = photos.reencode_photo(SimpleUploadedFile("a.png", buf.getvalue()))
    assert _decode(content.read()).format == "JPEG" and (width, height) == (40, 30)


@pytest.mark.parametrize("data", [
    b"<?php echo 1;",
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n",
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b"\xff\xd8\xff\xe0" + b"\0" * 64,  # a JPEG header and nothing behind it
])
def test_what_is_not_a_photo_is_refused(data):
    with pytest.raises(ValidationError, match="not a photo we can read"):
        photos.reencode_photo(SimpleUploadedFile("photo.jpg", data))


def test_size_and_pixel_limits(monkeypatch):
    big = SimpleUploadedFile("big.jpg", b"\0" * 10)
    big.size = photos.MAX_UPLOAD_BYTES + 1  # what the upload handler says, before reading anything
    with pytest.raises(ValidationError, match="too large"):
        photos.reencode_photo(big)
    monkeypatch.setattr(photos, "MAX_PIXELS", 100 * 100)
    with pytest.raises(ValidationError, match="too many pixels"):
        photos.reencode_photo(_jpeg(size=(101, 100)))


def test_names_are_random_and_unguessable():
    names = {photos.random_name("reuse/3/items") for _ in range(100)}
    assert len(names) == 100
    assert all(re.fullmatch(r"reuse/3/items/[0-9a-f]{32}\.jpg", n) for n in names)


# --- Handing a file out ---------------------------------------------------------------------
@pytest.fixture
def stored(file_storage):
    data = photos.reencode_photo(_jpeg(size=(64, 48)))[0].read()
    return default_storage.save(photos.random_name("test/1/photos"), ContentFile(data)), data


def _fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the local S3 double
        return response.status, response.headers, response.read()


def test_serve_streams_from_disk_or_redirects_to_a_signed_url(stored, file_storage, settings):
    name, data = stored
    response = photos.serve(RequestFactory().get("/x"), name)
    assert response["Cache-Control"].startswith("private, ")
    if file_storage == "filesystem":
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content) == data
        return
    assert response.status_code == 302 and response["Cache-Control"] == "private, max-age=150"
    url = response["Location"]
    assert url.startswith(settings.STORAGES["default"]["OPTIONS"]["endpoint_url"] + "/")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    status, headers, body = _fetch(url)  # a real HTTP GET against the S3 server
    assert status == 200 and body == data and headers["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("file_storage", ["s3"], indirect=True)
def test_s3_can_also_be_streamed_through_django(stored, file_storage, settings):
    name, data = stored
    settings.TORG_MEDIA_SERVE = "stream"
    response = photos.serve(RequestFactory().get("/x"), name)
    assert response.status_code == 200 and b"".join(response.streaming_content) == data


def test_public_files_may_be_cached_by_anyone(stored):
    response = photos.serve(RequestFactory().get("/x"), stored[0], public=True)
    assert response["Cache-Control"].startswith("public, ") and "Vary" not in response


def test_proxy_modes_send_no_body_only_where_the_proxy_finds_the_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save(photos.random_name("test/1/photos"), ContentFile(b"jpeg"))
    settings.TORG_MEDIA_SERVE, settings.TORG_MEDIA_ACCEL_PREFIX = "x-accel-redirect", "/_media/"
    accel = photos.serve(RequestFactory().get("/x"), name)
    assert accel.status_code == 200 and accel.content == b"" and accel["X-Accel-Redirect"] == f"/_media/{name}"
    settings.TORG_MEDIA_SERVE = "x-sendfile"
    sendfile = photos.serve(RequestFactory().get("/x"), name)
    assert sendfile.content == b"" and sendfile["X-Sendfile"] == str(tmp_path / name)
    assert sendfile["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("file_storage", ["filesystem"], indirect=True)
def test_a_missing_file_is_404_and_an_unknown_kind_too(file_storage, db):
    with pytest.raises(Http404):
        photos.serve(RequestFactory().get("/x"), "test/1/photos/" + "0" * 32 + ".jpg")
    with pytest.raises(Http404):
        photos.serve_row(RequestFactory().get("/x"), "no-such-kind", 1)


def test_release_deletes_after_commit(stored, django_capture_on_commit_callbacks, db):
    name, _data = stored
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photos.release(name)
    assert default_storage.exists(name)  # nothing before the commit
    for callback in callbacks:
        callback()
    assert not default_storage.exists(name)


@pytest.mark.parametrize("file_storage", ["s3"], indirect=True)
def test_objects_are_private_without_the_signature_s3_refuses(stored, file_storage):
    """Torg writes objects without a public ACL: the same URL without its signature is refused by the
    S3 server. (The double does not check signature values or expiry; AWS and MinIO do.)"""
    url = photos.serve(RequestFactory().get("/x"), stored[0])["Location"]
    assert _fetch(url)[0] == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        _fetch(url.split("?")[0])
    assert refused.value.code == 403
