"""Headless Chromium (Debian's package), driven directly: rendered DOM and screenshots of served pages.

No browser is downloaded; the system's ``chromium`` is used or nothing is.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
    "--hide-scrollbars", "--mute-audio",
]  # fmt: skip


def chromium() -> str | None:
    """Path of the system Chromium, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (Debian: apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [exe, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip


def dump_dom(url: str, budget_ms: int = 8000, timeout: float = 60, window: str | None = None) -> str:
    """The page's DOM after scripts ran for ``budget_ms`` of virtual time, in a ``window`` ("1400,1000") if given."""
    size = [f"--window-size={window}"] if window else []
    return _run([f"--virtual-time-budget={budget_ms}", *size, "--dump-dom", url], timeout).stdout


def screenshot(url: str, png: Path, size: str = "1280,1000", budget_ms: int = 8000, timeout: float = 60) -> Path:
    """Save a PNG of the page after scripts ran."""
    png.parent.mkdir(parents=True, exist_ok=True)
    _run([f"--virtual-time-budget={budget_ms}", f"--window-size={size}", f"--screenshot={png.resolve()}", url], timeout)
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot for {url}")
    return png
