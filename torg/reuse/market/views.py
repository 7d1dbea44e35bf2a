"""Views of the market app."""
