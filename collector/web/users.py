"""The users file: who may read the pages with Basic auth, one `name:hash` per line
(`#` starts a comment), the hash made by `owabi serve --hash-password`.

A hash is `scrypt$n$r$p$salt$key` (salt and key in base64): scrypt from the standard
library, a fresh salt per user, compared in constant time. Nothing here keeps a password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from collector.errors import ConfigError

N, R, P = 2**14, 8, 1
KEY_BYTES = 32


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=KEY_BYTES)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(key).decode()}"


def _matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, key = stored.split("$")
        want = base64.b64decode(key, validate=True)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want),
        )
    except (ValueError, TypeError):
        return False
    return kind == "scrypt" and hmac.compare_digest(got, want)


@dataclass(frozen=True)
class Users:
    hashes: dict[str, str]

    def allows(self, name: str, password: str) -> bool:
        stored = self.hashes.get(name)
        # An unknown name still costs one derivation: timing tells no names apart.
        return _matches(password, stored or _DECOY) and stored is not None


_DECOY = hash_password("", salt=b"owabi-decoy-salt")


def read_users(path: Path) -> Users:
    """The users of `path`; ConfigError naming the file and line of a bad entry."""
    where = f"setting OWABI_WEB_USERS_FILE: {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        message = f"{where}: cannot read: {exc.strerror or exc}"
        raise ConfigError(message, key="web_users_file") from None
    hashes: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, stored = line.partition(":")
        if not sep or not name or not stored.startswith("scrypt$") or stored.count("$") != 5:
            raise ConfigError(
                f"{where}: line {number}: not `name:scrypt$…` "
                "(make the hash with `owabi serve --hash-password`)",
                key="web_users_file",
            )
        hashes[name.strip()] = stored.strip()
    if not hashes:
        raise ConfigError(f"{where}: no users in the file", key="web_users_file")
    return Users(hashes)
