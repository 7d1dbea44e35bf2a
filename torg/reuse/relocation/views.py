"""Views of the relocation app."""
