"""Shared fixtures: one real build of the seeds into a temporary folder per test session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import sqlite_utils

from etl.build import build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FACTS = ROOT / "facts.yml"
METADATA = ROOT / "metadata.yml"


def run_make(*args: str) -> subprocess.CompletedProcess:
    """``make ARGS`` in the project, as a user runs it: without the outer make's flags when under `make test`."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("build") / "facts.db"
    build(SEEDS, FACTS, path)
    return path


@pytest.fixture(scope="session")
def db(db_path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(db_path)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A writable copy of the inputs (seeds/ and facts.yml) to break on purpose."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copy(FACTS, tmp_path / "facts.yml")
    return tmp_path


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection or address lookup fails the test: nothing the build or the export does may reach out."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
