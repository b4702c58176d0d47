"""API keys: generated once, shown once, configured only as SHA-256 hashes.

A key is a long random token, so a plain SHA-256 is enough (there is nothing to
brute-force as with passwords); the hashes are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

ROLES = ("score", "admin")
PREFIX = "mlk_"
_HEX = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class KeyConfigError(ValueError):
    """An API key entry that cannot be used."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    name: str
    role: str
    digest: bytes

    def allows(self, role: str) -> bool:
        # An admin key may do everything a scoring key may.
        return self.role == role or self.role == "admin"


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_entry(entry: str) -> ApiKey:
    """`name:role:sha256hex` or `name:sha256hex` (role `score`)."""
    parts = entry.strip().split(":")
    if len(parts) == 2:
        parts.insert(1, "score")
    if len(parts) != 3:
        raise KeyConfigError(f"API key entry {_redact(entry)!r}: expected name:role:sha256hex")
    name, role, digest = (p.strip() for p in parts)
    if not _NAME.match(name):
        raise KeyConfigError(f"API key entry {name!r}: the name may hold letters, digits and _.@- only")
    if role not in ROLES:
        raise KeyConfigError(f"API key {name!r}: role {role!r} is not one of {', '.join(ROLES)}")
    if not _HEX.match(digest.lower()):
        raise KeyConfigError(
            f"API key {name!r}: {_redact(digest)!r} is not a SHA-256 hex digest "
            "(configure the hash from `modlens keys hash`, never the key itself)"
        )
    return ApiKey(name, role, bytes.fromhex(digest))


def _redact(s: str) -> str:
    # A misconfigured entry may be a raw key pasted by mistake: never echo it whole.
    s = s.strip()
    return s if len(s) <= 8 else s[:4] + "…"


class KeyRing:
    def __init__(self, keys: list[ApiKey]):
        names = [k.name for k in keys]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise KeyConfigError(f"API key names must be unique; repeated: {', '.join(dupes)}")
        self.keys = keys

    @classmethod
    def from_config(cls, entries: str, keys_file: Path | None) -> KeyRing:
        lines = [e for e in re.split(r"[,\s]+", entries) if e]
        if keys_file is not None:
            try:
                text = keys_file.read_text(encoding="utf-8")
            except OSError as e:
                raise KeyConfigError(f"cannot read the keys file {keys_file}: {e.strerror}") from None
            for line in text.splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    lines.append(line)
        return cls([parse_entry(e) for e in lines])

    def __bool__(self) -> bool:
        return bool(self.keys)

    def lookup(self, presented: str) -> ApiKey | None:
        digest = hashlib.sha256(presented.encode("utf-8", "surrogatepass")).digest()
        found = None
        # Compare with every key, whatever matches, so timing says nothing.
        for key in self.keys:
            if hmac.compare_digest(digest, key.digest):
                found = key
        return found
