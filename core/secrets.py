"""Secret files: generated once, kept with mode 0600, read back on every later use.

Secrets the project makes for itself (the embedded server's superuser password, Superset's secret key
and passwords) live in the state folder, never in the repository; a value given in the environment
always wins over the file (see ``.env.example``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


class SecretFileError(RuntimeError):
    """A secret file exists but cannot be used; the message says what to do."""


def new_token(nbytes: int = 24) -> str:
    """A URL-safe random secret."""
    return secrets.token_urlsafe(nbytes)


def kept_secret(path: Path, make: Callable[[], str] = new_token) -> str:
    """The secret in ``path``, created exclusively with mode 0600 on first use.

    A file that others may read is tightened to 0600; an empty file is an error (delete it to
    generate a new secret), never silently replaced.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
        if not value:
            raise SecretFileError(f"{path} is empty; delete it to generate a new one") from None
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return value
    value = make()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value
