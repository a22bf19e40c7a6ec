"""The key that signs the ledger's checkpoints, kept outside the database.

The hashes of the ledger prove that nothing changed only to someone who does not hold
the database: its owner can rewrite an event and recompute every hash after it. Each
checkpoint's head is therefore signed with an Ed25519 key the database never sees, and
`redress verify` refuses a checkpoint whose signature does not match. A rewrite now needs
the key as well as the database (docs/architecture.md, "The ledger's key").

Where the key comes from (settings): REDRESS_LEDGER_KEY, the key itself (an environment
secret: PEM, or the 32-byte seed in base64), else the file REDRESS_LEDGER_KEY_FILE
(default: ledger-signing-key.pem in the data directory). `redress init` creates that file,
readable by its owner only, when neither exists; nothing else ever creates a key, so a key
that went missing is an error rather than a silent new key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# What a signature covers, besides the checkpoint: a version, so a signature made for
# something else with the same key can never pass for a checkpoint's.
DOMAIN = b"redress-ledger-checkpoint-v1"


class NoLedgerKey(ImproperlyConfigured):
    pass


def message(checkpoint_id: int, checkpoint_hash: str) -> bytes:
    """The checkpoint's hash covers the one before it, its time, the last event it saw and
    every chain head it records; its id pins its place."""
    return b"|".join([DOMAIN, str(checkpoint_id).encode(), checkpoint_hash.encode()])


def key_file() -> Path:
    return Path(settings.REDRESS_LEDGER_KEY_FILE)


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def key_id(self) -> str:
        """Short name of the key, kept beside each signature: SHA-256 of the raw public key."""
        return hashlib.sha256(self.raw).hexdigest()[:16]

    def as_text(self) -> str:
        return base64.b64encode(self.raw).decode()

    @classmethod
    def from_text(cls, text: str) -> PublicKey:
        return cls(Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True)))

    def verifies(self, checkpoint_id: int, checkpoint_hash: str, signature: str) -> bool:
        try:
            self.key.verify(base64.b64decode(signature, validate=True), message(checkpoint_id, checkpoint_hash))
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    key: Ed25519PrivateKey
    source: str  # where it was read from, for messages (never the key itself)

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key.public_key())

    def sign(self, checkpoint_id: int, checkpoint_hash: str) -> str:
        return base64.b64encode(self.key.sign(message(checkpoint_id, checkpoint_hash))).decode()


def _parse(text: str, source: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise NoLedgerKey(f"{source}: not an Ed25519 private key (PEM, or its 32-byte seed in base64): "
                          f"{type(exc).__name__}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise NoLedgerKey(f"{source}: the ledger is signed with an Ed25519 key; this is a {type(key).__name__}")
    return key


def load() -> SigningKey:
    """The configured key; NoLedgerKey naming where it was looked for when there is none."""
    if settings.REDRESS_LEDGER_KEY:
        return SigningKey(_parse(settings.REDRESS_LEDGER_KEY, "REDRESS_LEDGER_KEY"), "REDRESS_LEDGER_KEY")
    path = key_file()
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise NoLedgerKey(f"no ledger signing key: {path} does not exist and REDRESS_LEDGER_KEY is not set. "
                          "`redress init` creates the file; if it existed before, put the kept copy back "
                          "(a new key cannot vouch for the checkpoints signed by the old one)") from None
    return SigningKey(_parse(text, str(path)), str(path))


def ensure() -> tuple[SigningKey, bool]:
    """The configured key, creating the key file (mode 0600) when there is none: `redress
    init` and the demo. Returns the key and whether it was created now."""
    if settings.REDRESS_LEDGER_KEY:
        return load(), False
    path = key_file()
    if path.exists():
        return load(), False
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it a moment ago: use theirs
        return load(), False
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return load(), True
