"""Data of the relocation app."""

from django.db import models  # noqa: F401
