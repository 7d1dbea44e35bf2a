import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are created by the shared fixtures; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source form (the UI default is Norwegian)."""
    from django.utils import translation

    with translation.override("en"):
        yield
