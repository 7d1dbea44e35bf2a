"""Views of the impact app."""
