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


@pytest.fixture
def en_client(client_for):
    """client_for(user) with the English UI chosen (language cookie, as the language switcher sets)."""
    from django.conf import settings

    def login(user):
        c = client_for(user)
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return c

    return login
