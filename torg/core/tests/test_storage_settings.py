"""Storage settings from the environment, evaluated in a subprocess as a server would start."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT = """
import json, django
django.setup()
from django.conf import settings as s
from django.core.files.storage import storages
d = storages["default"]
print(json.dumps({"backend": type(d).__module__ + "." + type(d).__name__, "serve": s.TORG_MEDIA_SERVE,
                  "img": s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
                  "url": d.url("reuse/1/x.jpg") if s.TORG_STORAGE == "s3" else ""}))
"""


def _run(**env):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("TORG_", "DJANGO_", "AWS_"))}
    full.update({"DJANGO_SETTINGS_MODULE": "torg.settings", "TORG_VAR_DIR": str(settings.VAR_DIR), **env})
    return subprocess.run([sys.executable, "-c", PRINT], cwd=settings.BASE_DIR, env=full, capture_output=True,
                          text=True, timeout=120)


def test_file_system_is_the_default_and_s3_signs_urls_for_the_public_endpoint():
    default = _run()
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout) == {
        "backend": "django.core.files.storage.filesystem.FileSystemStorage", "serve": "stream",
        "img": ["'self'", "data:", "blob:"], "url": ""}

    s3 = _run(TORG_STORAGE="s3", TORG_S3_BUCKET="torg-media", TORG_S3_ENDPOINT_URL="http://minio:9000",
              TORG_S3_PUBLIC_ENDPOINT_URL="https://files.example.no", TORG_S3_ACCESS_KEY_ID="key",
              TORG_S3_SECRET_ACCESS_KEY="secret", TORG_MEDIA_URL_EXPIRY="120")
    assert s3.returncode == 0, s3.stderr
    out = json.loads(s3.stdout)
    assert out["backend"] == "torg.core.storage.S3Storage" and out["serve"] == "redirect"
    assert out["img"][-1] == "https://files.example.no"
    assert out["url"].startswith("https://files.example.no/torg-media/reuse/1/x.jpg?")  # path style, public host
    assert "X-Amz-Expires=120" in out["url"] and "X-Amz-Signature=" in out["url"]


def test_s3_without_bucket_or_a_serving_mode_that_does_not_fit_refuses_to_start():
    no_bucket = _run(TORG_STORAGE="s3")
    assert no_bucket.returncode != 0 and "TORG_S3_BUCKET" in no_bucket.stderr
    sendfile_on_s3 = _run(TORG_STORAGE="s3", TORG_S3_BUCKET="b", TORG_MEDIA_SERVE="x-sendfile")
    assert sendfile_on_s3.returncode != 0 and "TORG_MEDIA_SERVE" in sendfile_on_s3.stderr
    redirect_on_disk = _run(TORG_MEDIA_SERVE="redirect")
    assert redirect_on_disk.returncode != 0 and "TORG_MEDIA_SERVE" in redirect_on_disk.stderr
    unknown = _run(TORG_STORAGE="ftp")
    assert unknown.returncode != 0 and "TORG_STORAGE" in unknown.stderr
