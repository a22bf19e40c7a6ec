"""Private access codes: random, shown once to the complainant, stored hashed.

A code is 16 characters from a 32-letter alphabet: 80 random bits. A fast hash
(SHA-256) is enough for that. Slow password hashers exist because people choose short,
guessable passwords that an attacker holding the hashes can try by the billion; nobody
can enumerate 2^80 codes, even with the table, and online guessing is capped by the rate
limits. A fast hash also lets the lookup check one row without a costly hasher that
would make the portal easy to overload.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford's base32 without the letters people misread (I, L, O, U).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
assert len(ALPHABET) == 32
LENGTH = 16
GROUP = 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    # 5 bits a character (32 letters): the 80 bits read at once, not a read of the
    # system's random source per character (a batch of 500 complaints makes 500 codes).
    bits = secrets.randbits(5 * LENGTH)
    raw = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(LENGTH))
    return "-".join(raw[i:i + GROUP] for i in range(0, LENGTH, GROUP))


def masked(code: str) -> str:
    """The code as kept in the case's copy of the acknowledgment: only its last group."""
    return "-".join(["****"] * (LENGTH // GROUP - 1) + [code[-GROUP:]])


def normalise(code: str) -> str:
    """What the customer typed, as the code was issued: dashes and spaces dropped, case
    and the look-alike letters forgiven."""
    return "".join(ch for ch in code.upper() if ch.isalnum()).translate(_READ_AS)


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii", "ignore")).hexdigest()


def matches(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_code(code), stored_hash)


# Compared against when the reference is unknown, so a wrong reference costs the same
# time as a wrong code (no timing oracle for which references exist).
DUMMY_HASH = hash_code("0" * LENGTH)
