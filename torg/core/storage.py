"""The storage backends for uploaded files (settings: `TORG_STORAGE`, see docs/settings.md).

The file system (`MEDIA_ROOT`) is the default; `TORG_STORAGE=s3` stores files in an S3-compatible
bucket (AWS S3, MinIO, Ceph …) through django-storages. Either way files are never served from a
public path: `torg.core.photos` checks tenant and permission first (see docs/architecture.md,
"Photos and files").
"""

import threading

from storages.backends.s3 import S3Storage as BaseS3Storage
from storages.utils import clean_name


class S3Storage(BaseS3Storage):
    """django-storages' S3 backend, with a second endpoint for the signed URLs that browsers follow.

    Inside a compose network the application reaches the object store as `http://minio:9000`, the
    browser as `https://files.example.no`: `public_endpoint_url` is the latter (empty: the same as
    `endpoint_url`). Signing needs no request to the server, so the second client costs nothing.
    """

    def __init__(self, **settings):
        self.public_endpoint_url = settings.pop("public_endpoint_url", "") or ""
        super().__init__(**settings)
        self._public_clients = threading.local()

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_public_clients", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self._public_clients = threading.local()

    def _public_client(self):
        client = getattr(self._public_clients, "client", None)
        if client is None:
            client = self._create_session().client(
                "s3", region_name=self.region_name, use_ssl=self.use_ssl, endpoint_url=self.public_endpoint_url,
                config=self.client_config, verify=self.verify,
            )
            self._public_clients.client = client
        return client

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.public_endpoint_url or self.custom_domain or not self.querystring_auth:
            return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
        params = dict(parameters or {}, Bucket=self.bucket_name, Key=self._normalize_name(clean_name(name)))
        return self._public_client().generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )

