"""Ruff-clean is a project standard; CI runs only `make test`, so the suite enforces it."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import ROOT


def _ruff(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")
    cmd = [exe] if exe else [sys.executable, "-m", "ruff"]
    return subprocess.run(
        [*cmd, *args, "etl", "tests", "bench", "plugins"], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_check_passes():
    proc = _ruff("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean():
    proc = _ruff("format", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
