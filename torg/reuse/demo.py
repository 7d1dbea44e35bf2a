"""Demo data for reuse (filled in by the reuse module)."""


def load(ctx):
    return None
