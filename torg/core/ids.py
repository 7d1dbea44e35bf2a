"""Public identifiers: unguessable short codes and per-tenant human sequence numbers.

Database ids never appear in QR codes or public links. A public code is `bits` random bits from
the operating system's CSPRNG, written in Crockford base32 (no I, L, O, U; case-insensitive).
"""

import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(CROCKFORD)}
_DECODE.update({c.lower(): i for i, c in enumerate(CROCKFORD)})
_DECODE.update({"O": 0, "o": 0, "I": 1, "i": 1, "L": 1, "l": 1})

DEFAULT_CODE_BITS = 60  # 12 characters; well above the 50-bit minimum


def new_public_code(bits: int = DEFAULT_CODE_BITS) -> str:
    """Return a random Crockford base32 code carrying at least `bits` bits of entropy."""
    if bits < 50:
        raise ValueError("public codes need at least 50 bits")
    length = -(-bits // 5)
    return "".join(secrets.choice(CROCKFORD) for _ in range(length))


def normalize_public_code(text: str) -> str | None:
    """Canonical form of a typed or scanned code, or None if it cannot be one.

    Accepts lower case, hyphens/spaces as separators and the usual look-alikes (O→0, I/L→1).
    """
    cleaned = "".join(ch for ch in (text or "").strip() if ch not in "- ")
    if not cleaned or len(cleaned) > 32:
        return None
    try:
        return "".join(CROCKFORD[_DECODE[ch]] for ch in cleaned)
    except KeyError:
        return None


def format_sequence(prefix: str, number: int, width: int = 6) -> str:
    """Human sequence number, e.g. format_sequence("M", 4512) == "M-004512"."""
    return f"{prefix}-{number:0{width}d}"
