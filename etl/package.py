"""Scale-out publishing: the Docker build context of read-only Datasette replicas, made by Datasette's own code.

The database is immutable, so scaling out is running more identical read-only replicas. ``make package``
writes what ``datasette package`` and ``datasette publish`` build (Dockerfile, facts.db, metadata.json),
and ``python -m etl publish`` runs ``datasette publish <platform>`` with the same options. Both take the
serve flags from publish.py and the Datasette pins from pyproject.toml, so a replica serves what ``make
serve`` serves and what the tests test.
"""

from __future__ import annotations

import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from datasette.utils import temporary_docker_directory

from etl.publish import serve_options

ROOT = Path(__file__).resolve().parent.parent
# serve flags naming folders that must be copied into the image; make_dockerfile adds their own flags back.
FOLDER_FLAGS = {"--plugins-dir": "plugins_dir", "--template-dir": "template_dir"}


@dataclass(frozen=True)
class Options:
    """What ``datasette package`` and ``datasette publish`` take besides the database and metadata."""

    install: tuple[str, ...]
    extra_options: str
    plugins_dir: str | None = None
    template_dir: str | None = None

    def args(self) -> list[str]:
        """The same, as command-line options of ``datasette publish``."""
        out = [arg for pin in self.install for arg in ("--install", pin)]
        out += ["--extra-options", self.extra_options]
        for flag, attr in FOLDER_FLAGS.items():
            if getattr(self, attr):
                out += [flag, getattr(self, attr)]
        return out


def pins(pyproject: Path = ROOT / "pyproject.toml") -> tuple[str, ...]:
    """Datasette and its plugins exactly as pyproject.toml pins them (the image's pip installs these)."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    found = tuple(d.replace(" ", "") for d in deps if re.match(r"datasette\b", d))
    loose = [d for d in found if not re.fullmatch(r"[\w.-]+==[\w.]+", d)]
    if loose or not found:
        raise ValueError(f"{pyproject}: datasette and its plugins must be pinned with ==, not {loose or 'absent'}")
    return found


def options(flags: list[str] | None = None) -> Options:
    """Split the shared serve flags into folders to copy and the rest, passed to ``datasette serve`` as is."""
    rest: list[str] = []
    folders: dict[str, str] = {}
    it = iter(serve_options(relative_to=Path.cwd()) if flags is None else flags)
    for flag in it:
        if flag in FOLDER_FLAGS:
            folders[FOLDER_FLAGS[flag]] = next(it)
        else:
            rest.append(flag)
    if any(not arg or arg.split() != [arg] for arg in rest):
        # make_dockerfile splits extra options on whitespace
        raise ValueError(f"serve options must not contain blanks: {rest}")
    return Options(install=pins(), extra_options=" ".join(rest), **folders)


def build_context(db: Path, metadata: Path, out: Path, secret: str) -> list[Path]:
    """Write the Docker build context into ``out`` (replacing it); returns its files.

    ``secret`` signs Datasette's cookies and tokens; baked into the image, every replica shares it.
    """
    out = out.resolve()  # temporary_docker_directory changes the working directory
    opts = options()
    with metadata.open(encoding="utf-8") as meta, temporary_docker_directory(
        files=[str(db.resolve())], name="datasette", metadata=meta, extra_options=opts.extra_options, branch=None,
        template_dir=opts.template_dir, plugins_dir=opts.plugins_dir, static=[], install=list(opts.install),
        spatialite=False, version_note=None, secret=secret,
    ) as context:  # fmt: skip
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(context, out)
    return sorted(p for p in out.rglob("*") if p.is_file())


def publish_command(platform: str, db: Path, metadata: Path, platform_args: list[str]) -> list[str]:
    """``datasette publish <platform>`` with the options ``build_context`` uses (needs the platform's CLI)."""
    cmd = [sys.executable, "-m", "datasette", "publish", platform, str(db), "--metadata", str(metadata)]
    return cmd + options().args() + platform_args
