"""Publishing with Datasette: the serve command, its settings, and the chart links in metadata.yml.

One definition used by ``make serve``, the tests and ``make screenshots``, so what
is tested is what is served.
"""

from __future__ import annotations

import contextlib
import errno
import html
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qsl

from etl.errors import InputError
from etl.yamlfile import read_yaml

DATABASE = "facts"
# Read-only publishing: immutable database, counts from an inspect file, bounded queries.
SETTINGS = {
    "sql_time_limit_ms": "1000",
    "max_returned_rows": "1000",
    "default_page_size": "100",
    "allow_download": "on",
    # Bounded work per page on a large database: no facet suggestions (a query per column on every table page),
    # and a facet that cannot be counted in time is skipped rather than holding the page.
    "suggest_facets": "off",
    "facet_time_limit_ms": "10",
}
# The source viewer: a plugin (plugins/source_viewer.py) and the template of the sources row page.
ROOT = Path(__file__).resolve().parent.parent
PLUGINS_DIR = ROOT / "plugins"
TEMPLATES_DIR = ROOT / "templates"


def viewer() -> ModuleType:
    """The source viewer plugin as a module, for the tests and the screenshots. Datasette loads plugin files by
    path, and a replica's image has them but not this package, so the plugin is one self-contained file (and,
    loaded as Datasette loads it, outside sys.modules: no ``from __future__ import annotations`` there)."""
    return plugin("source_viewer")


def plugin(name: str) -> ModuleType:
    """One of plugins/*.py as a module, loaded by path as Datasette loads it (reader, charts, source_viewer)."""
    path = PLUGINS_DIR / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def serve_command(db: Path, metadata: Path, host: str, port: int, inspect: Path | None = None) -> list[str]:
    """The datasette command line that publishes ``db``."""
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--metadata", str(metadata)]
    cmd += ["-h", host, "-p", str(port)]
    if inspect is not None:
        cmd += ["--inspect-file", str(inspect)]
    return cmd + serve_options()


def serve_options(relative_to: Path | None = None) -> list[str]:
    """The serve flags every deployment shares: ``make serve``, the tests and the image ``make package`` builds.

    Flags that belong to all of them go here, not in ``serve_command``, so a replica serves what was tested.
    Folders are absolute, or relative to ``relative_to`` for command lines shown to people (``plugins``).
    """
    folders = [PLUGINS_DIR, TEMPLATES_DIR]
    if relative_to is not None:
        folders = [Path(os.path.relpath(f, relative_to)) for f in folders]
    options = ["--plugins-dir", str(folders[0]), "--template-dir", str(folders[1])]
    for key, value in SETTINGS.items():
        options += ["--setting", key, value]
    return options


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def check_port(host: str, port: int) -> None:
    """Refuse, in one line, a port another server holds (Datasette would fail with a traceback), naming a free one."""
    try:
        bound = _bindable(host, port)
    except socket.gaierror:
        raise InputError(host, None, "unknown host; serve on 127.0.0.1 (the default) or a name of this host") from None
    if bound is not None:
        spare = next((p for p in range(port + 1, min(port + 100, 65536)) if _bindable(host, p) is None), None)
        pick = f"make serve PORT={spare}" if spare else "make serve PORT=N"
        raise InputError(
            f"{host}:{port}",
            None,
            f"port {port} is {bound}; stop the server holding it, or serve on another port: "
            f"{pick} (python -m etl serve --port N)",
        )


def _bindable(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on, or None when it can. SO_REUSEADDR as uvicorn sets it, so a port
    a server just stopped left in TIME_WAIT counts as free."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as e:
            return "already in use" if e.errno == errno.EADDRINUSE else (e.strerror or str(e)).lower()
    return None


def check_inspect(inspect: Path, db: Path) -> None:
    """An inspect file that Datasette can read and that describes this database (its counts are shown as is)."""
    fix = f"make it with `datasette inspect {db} --inspect-file {inspect}` (make serve does)"
    try:
        data = json.loads(inspect.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(inspect, None, f"inspect file not found; {fix}") from None
    except (UnicodeDecodeError, ValueError):
        raise InputError(inspect, None, f"not an inspect file (invalid JSON); {fix}") from None
    entry = data.get(db.stem) if isinstance(data, dict) else None
    if not isinstance(entry, dict) or entry.get("size") != db.stat().st_size:
        raise InputError(inspect, None, f"inspect file is not of {db} as it is now (stale or another database); {fix}")


@contextlib.contextmanager
def running(
    db: Path, metadata: Path, port: int | None = None, timeout: float = 30, inspect: Path | None = None
) -> Iterator[str]:
    """Serve ``db`` exactly as ``make serve`` does, on 127.0.0.1; yields the base URL."""
    port = port or free_port()
    with serving(serve_command(db, metadata, "127.0.0.1", port, inspect), port, timeout) as base:
        yield base


@contextlib.contextmanager
def serving(cmd: list[str], port: int, timeout: float = 30, cwd: Path | None = None) -> Iterator[str]:
    """Run a Datasette command line serving on 127.0.0.1:``port`` until it answers; yields the base URL."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"datasette did not start on {base}: {err[-500:]}") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass(frozen=True)
class Chart:
    """A chart: a page path and either the ``g.*`` state of a datasette-vega link's fragment, or the Vega-Lite
    ``spec`` of a canned query's ``chart:`` (drawn by plugins/charts.py)."""

    title: str
    path: str
    state: dict[str, str]
    spec: dict | None = None

    @property
    def url(self) -> str:
        if self.spec is not None:
            return self.path
        return f"{self.path}#" + "&".join(f"g.{k}={v}" for k, v in self.state.items())

    @property
    def slug(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    @property
    def columns(self) -> list[str]:
        if self.spec is not None:
            return sorted(_fields(self.spec) - {None})
        return [self.state[k] for k in ("x_column", "y_column", "color_column", "size_column") if k in self.state]


def _fields(spec: object) -> set:
    """Every ``field`` a Vega-Lite spec encodes (in layers too), less those its transforms compute."""
    if isinstance(spec, list):
        return set().union(*(_fields(x) for x in spec)) if spec else set()
    if not isinstance(spec, dict):
        return set()
    computed = {t.get("as") for t in spec.get("transform", [])}
    found = {spec["field"]} if isinstance(spec.get("field"), str) else set()
    for key, value in spec.items():
        if key != "transform":
            found |= _fields(value)
    return found - computed


def chart_links(metadata: dict) -> list[Chart]:
    """Every chart link in metadata: links with a g.* fragment in the home page text, and canned query fragments."""
    charts: dict[str, Chart] = {}
    for m in re.finditer(r'<a href="([^"#]+)#([^"]*g\.mark[^"]*)">([^<]+)</a>', metadata.get("description_html", "")):
        path, fragment, title = m[1], html.unescape(m[2]), m[3]
        charts[path] = Chart(title, path, _state(fragment))
    for db_name, db in metadata.get("databases", {}).items():
        for name, q in db.get("queries", {}).items():
            path = f"/{db_name}/{name}"
            if "chart" in q:
                charts[path] = Chart(q.get("title", name), path, {}, q["chart"])
            elif "fragment" in q:
                charts[path] = Chart(q.get("title", name), path, _state(q["fragment"]))
    return list(charts.values())


def _state(fragment: str) -> dict[str, str]:
    return {k[2:]: v for k, v in parse_qsl(fragment) if k.startswith("g.")}


def read_metadata(path: Path) -> dict:
    """metadata.yml as Datasette reads it, refusing what Datasette would read wrong (a key written twice)."""
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(path, lines.of(()), "expected a mapping (title:, databases:, ...); fix the YAML")
    return data


def query_params(source_id: str) -> dict[str, str]:
    """Example parameters for the canned queries that take them, so every endpoint can be requested."""
    return {
        "facts_by_topic": "topic=sanctions",
        "search_paragraphs": "q=Bakhmut",
        "search_all": "q=Bakhmut",
        "source_paragraphs": f"source={source_id}",
        "facts_one_source_states": f"source={source_id}",
    }


def endpoints(metadata: dict, tables: list[str], views: list[str], first_source: str) -> list[str]:
    """Every page a reader can reach: table and view pages, canned queries, a facet, a search, the JSON API."""
    db = metadata.get("databases", {}).get(DATABASE, {})
    paths = [f"/{DATABASE}/{name}" for name in [*tables, *views]]
    params = query_params(first_source)
    for name in db.get("queries", {}):
        paths.append(f"/{DATABASE}/{name}" + (f"?{params[name]}" if name in params else ""))
    paths += [
        "/",
        f"/{DATABASE}",
        f"/{DATABASE}/facts?_facet=topic&_facet=unit",
        f"/{DATABASE}/segments?_search=Bakhmut",
        f"/{DATABASE}/facts.json?_shape=array",
        f"/{DATABASE}/sources/{first_source}",  # the source viewer
    ]
    return paths
