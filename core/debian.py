"""Debian tools the product and the tests drive (Chromium for PDF rendering, poppler's pdftoppm):
found at their path, or installed with apt-get when missing and running as root (as CI does).

:func:`ensure_tool` returns the path of the executable or raises :class:`MissingTool` saying which
package to install.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_PACKAGE = "chromium"
PDFTOPPM = Path("/usr/bin/pdftoppm")
PDFTOTEXT = Path("/usr/bin/pdftotext")
POPPLER_PACKAGE = "poppler-utils"

# apt-get waits this long for another apt-get (another process installing) instead of failing.
_LOCK_TIMEOUT = "600"


class MissingTool(RuntimeError):
    """A tool is missing and could not be installed here."""


def ensure_tool(path: Path, package: str) -> Path:
    """``path`` when it exists; else ``apt-get install package`` (as root), then ``path``."""
    if path.exists():
        return path
    if os.geteuid() != 0:
        raise MissingTool(f"{path} is missing; install Debian's {package} (apt-get install {package})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = ["apt-get", "-o", f"DPkg::Lock::Timeout={_LOCK_TIMEOUT}"]
    install = [*apt, "install", "-y", "--no-install-recommends", package]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        subprocess.run([*apt, "update"], env=env, capture_output=True, check=True)
        done = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise MissingTool(f"apt-get install {package} failed: {done.stderr.strip()[-500:]}")
    if not path.exists():
        raise MissingTool(f"apt-get installed {package} but {path} is missing")
    return path


def ensure_chromium(path: Path = CHROMIUM) -> Path:
    """Debian's Chromium (what Playwright drives, no browser download)."""
    return ensure_tool(path, CHROMIUM_PACKAGE)
