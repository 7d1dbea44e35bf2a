"""Data of the impact app."""

from django.db import models  # noqa: F401
