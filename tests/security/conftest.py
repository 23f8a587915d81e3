import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Sign-in tests hash a password per attempt; PBKDF2 would be most of their time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
