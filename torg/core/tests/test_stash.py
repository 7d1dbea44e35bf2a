"""Import files kept between preview and confirmation (torg.core.stash): in the database, bound to the
session and the tenant, claimed by one request only, back again when the import is rolled back."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test import RequestFactory

from torg.core import stash
from torg.core.models import UploadStash

pytestmark = pytest.mark.django_db
KEY = "torg_test_import"


def _request(session=None):
    request = RequestFactory().post("/")
    request.session = session if session is not None else SessionStore()
    return request


def test_a_preview_is_found_by_its_own_session_and_tenant_only(tenant, other_tenant):
    request = _request()
    token = stash.put(request, key=KEY, tenant=tenant, name="rom.csv", data=b"a;b\n1;2\n")
    upload = stash.get(request, key=KEY, tenant=tenant, token=token)
    assert (upload.name, upload.read()) == ("rom.csv", b"a;b\n1;2\n")
    # Another app server sees the same database: a request with the same session finds it too.
    request.session.save()
    same_session = _request(SessionStore(session_key=request.session.session_key))
    assert stash.get(same_session, key=KEY, tenant=tenant, token=token).read() == b"a;b\n1;2\n"
    assert stash.get(_request(), key=KEY, tenant=tenant, token=token) is None  # another session
    assert stash.get(request, key=KEY, tenant=other_tenant, token=token) is None  # another tenant
    assert stash.get(request, key=KEY, tenant=tenant, token="guessed") is None


def test_a_preview_is_claimed_once_and_comes_back_when_the_import_rolls_back(tenant):
    request = _request()
    token = stash.put(request, key=KEY, tenant=tenant, name="rom.csv", data=b"x")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert stash.claim(request, key=KEY, tenant=tenant, token=token).read() == b"x"
        raise RuntimeError("import refused: nothing written")
    assert stash.claim(request, key=KEY, tenant=tenant, token=token).read() == b"x"
    assert stash.claim(request, key=KEY, tenant=tenant, token=token) is None  # a double click writes once
    stash.drop(request, key=KEY)
    assert KEY not in request.session and not UploadStash.objects.exists()
