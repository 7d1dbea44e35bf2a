"""Torg's number and date formats per language (settings.FORMAT_MODULE_PATH), on top of Django's."""
