"""Data of the market app."""

from django.db import models  # noqa: F401
