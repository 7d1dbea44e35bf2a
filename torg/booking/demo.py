"""Demo data for booking (filled in by the booking module)."""


def load(ctx):
    return None
