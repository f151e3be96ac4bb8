"""Optional login for the web chat.

Credentials come from `GFMD_AUTH="user:pass[,user2:pass2]"` or a file named by `GFMD_AUTH_FILE` with one
`user:pass` per line (blank lines and `#` comments ignored). A password may contain ':' (the first ':' splits);
in `GFMD_AUTH` it may not contain ','. No credentials: no login. Passwords are compared in constant time.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

Credentials = list[tuple[str, str]]


class AuthConfigError(ValueError):
    """The login configuration is malformed: the server must not start without the login it was asked for."""


def parse_pair(item: str, where: str) -> tuple[str, str]:
    user, sep, password = item.strip().partition(":")
    user = user.strip()
    if not sep or not user or not password:
        raise AuthConfigError(f"{where}: expected 'user:password'")
    return user, password


def parse_credentials(spec: str) -> Credentials:
    """`user:pass,user2:pass2` → [(user, pass), (user2, pass2)]."""
    items = [item for item in spec.split(",") if item.strip()]
    return [parse_pair(item, f"GFMD_AUTH entry {number}") for number, item in enumerate(items, start=1)]


def read_credentials_file(path: Path | str) -> Credentials:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthConfigError(f"cannot read the credentials file {path}: {exc}") from exc
    pairs = [
        parse_pair(line, f"{path}:{number}")
        for number, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not pairs:
        raise AuthConfigError(f"the credentials file {path} holds no 'user:password' line")
    return pairs


def _setting(settings: Any, field: str, env: str) -> str:
    value = getattr(settings, field, None)
    if value is not None and hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return str(value or os.environ.get(env, "") or "")


def load_credentials(settings: Any = None) -> Credentials | None:
    """The configured users (settings `auth` / `auth_file`, else GFMD_AUTH / GFMD_AUTH_FILE), or None."""
    pairs: Credentials = []
    spec = _setting(settings, "auth", "GFMD_AUTH")
    if spec.strip():
        pairs.extend(parse_credentials(spec))
    file = _setting(settings, "auth_file", "GFMD_AUTH_FILE")
    if file.strip():
        pairs.extend(read_credentials_file(file.strip()))
    users = [user for user, _ in pairs]
    duplicates = sorted({user for user in users if users.count(user) > 1})
    if duplicates:
        raise AuthConfigError(f"user(s) defined twice: {', '.join(duplicates)}")
    return pairs or None


def make_authenticator(credentials: Credentials) -> Callable[[str, str], bool]:
    """A gradio `auth` callable that checks a login against `credentials` in constant time."""
    table = {user: password.encode("utf-8") for user, password in credentials}

    def authenticate(username: str, password: str) -> bool:
        expected = table.get(username)
        given = (password or "").encode("utf-8")
        if expected is None:
            hmac.compare_digest(given, given)  # same work whether or not the user exists
            return False
        return hmac.compare_digest(given, expected)

    return authenticate
