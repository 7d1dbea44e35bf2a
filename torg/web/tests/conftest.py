import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Users set and check passwords (also through the login form); the production hasher takes ~0.5 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
