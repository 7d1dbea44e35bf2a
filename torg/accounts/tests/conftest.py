"""Fixtures for the accounts tests. Not autouse: test_oidc.py and test_security.py are separate."""

import pytest


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    """Service messages asserted in their English source form (the UI default is Norwegian)."""
    from django.utils import translation

    with translation.override("en"):
        yield
