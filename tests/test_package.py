"""`make package` and the publish targets: the replica image's pins and settings, its command served for real,
`datasette publish cloudrun` building the same image, and the README's Publishing commands equal to the Makefile's."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
import urllib.request
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from datasette import cli as datasette_cli
from datasette.publish import cloudrun

from etl import package
from etl.cli import main
from etl.publish import SETTINGS, free_port, read_metadata, serve_command, serve_options, serving
from tests.conftest import METADATA, ROOT, run_make

SECRET = "5e" * 32


@pytest.fixture(scope="module")
def context(db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "package"
    package.build_context(db_path, METADATA, out, SECRET)
    return out


def dockerfile(context: Path) -> dict[str, list[str]]:
    """Dockerfile instructions: keyword -> the argument lines, in order."""
    lines: dict[str, list[str]] = {}
    for line in (context / "Dockerfile").read_text().splitlines():
        if line.strip():
            keyword, _, rest = line.partition(" ")
            lines.setdefault(keyword, []).append(rest)
    return lines


def test_context_holds_the_database_and_metadata(context: Path, db_path: Path):
    assert sorted(p.name for p in context.iterdir()) == [
        "Dockerfile",
        "facts.db",
        "metadata.json",
        "plugins",
        "templates",
    ]
    for folder in ("plugins", "templates"):  # the source viewer
        repo = {p.name: p.read_bytes() for p in (ROOT / folder).iterdir() if p.is_file()}
        assert {p.name: p.read_bytes() for p in (context / folder).iterdir() if p.is_file()} == repo
    assert (context / "facts.db").read_bytes() == db_path.read_bytes()
    assert json.loads((context / "metadata.json").read_text()) == read_metadata(METADATA)


PLUGINS = ["datasette", "datasette-vega", "datasette-search-all", "datasette-cluster-map", "datasette-atom"]


def test_image_installs_exactly_the_tested_datasette_and_plugins(context: Path):
    [install] = [r for r in dockerfile(context)["RUN"] if r.startswith("pip install")]
    pins = set(shlex.split(install)) - {"pip", "install", "-U", "datasette"}
    assert pins == {f"{name}=={version(name)}" for name in PLUGINS}


def test_image_serves_immutable_with_inspect_file_and_every_setting(context: Path):
    lines = dockerfile(context)
    assert "datasette inspect facts.db --inspect-file inspect-data.json" in lines["RUN"]
    [cmd] = lines["CMD"]
    assert " -i facts.db " in cmd and " --inspect-file inspect-data.json " in cmd
    for key, value in SETTINGS.items():
        assert f" --setting {key} {value} " in cmd
    assert f"ENV DATASETTE_SECRET '{SECRET}'" in (context / "Dockerfile").read_text()


def test_serve_flags_all_come_from_serve_options():
    """A flag added to serve_command outside serve_options would be missing from the image: keep them in one place."""
    cmd = serve_command(Path("facts.db"), Path("metadata.yml"), "127.0.0.1", 8001, Path("inspect.json"))
    base = ["-m", "datasette", "serve", "-i", "facts.db", "--metadata", "metadata.yml", "-h", "127.0.0.1", "-p"]
    assert cmd[1:11] == base and cmd[12:14] == ["--inspect-file", "inspect.json"]
    assert cmd[14:] == serve_options()


def test_the_images_command_serves_read_only_with_the_settings(context: Path, tmp_path: Path, monkeypatch):
    """Run the Dockerfile's inspect step and CMD here, with the same Datasette, and ask the server."""
    shutil.copytree(context, tmp_path / "app")
    monkeypatch.chdir(tmp_path / "app")  # the image's WORKDIR
    lines = dockerfile(context)
    [inspect] = [shlex.split(r) for r in lines["RUN"] if r.startswith("datasette inspect")]
    assert CliRunner().invoke(datasette_cli.cli, inspect[1:]).exit_code == 0
    assert Path("inspect-data.json").exists()
    port = free_port()
    [cmd] = lines["CMD"]
    args = shlex.split(cmd.replace("$PORT", str(port)).replace("0.0.0.0", "127.0.0.1"))
    assert args[0] == "datasette"
    # As in the image: Datasette and the plugins folder, but not our etl package (importing it fails here).
    no_etl = "import sys; sys.modules['etl'] = None; from datasette.cli import cli; cli()"
    argv = [sys.executable, "-c", no_etl, *args[1:]]
    with serving(argv, port) as base:

        def get(path):
            with urllib.request.urlopen(base + path, timeout=10) as r:
                return json.load(r)

        settings = get("/-/settings.json")
        as_json = {"on": True, "off": False}
        expected = {k: as_json.get(v, int(v) if v.isdigit() else v) for k, v in SETTINGS.items()}
        assert {k: settings[k] for k in SETTINGS} == expected
        [db] = get("/-/databases.json")
        assert (db["name"], db["is_mutable"], db["hash"] is not None) == ("facts", False, True)
        assert "datasette-vega" in {p["name"] for p in get("/-/plugins.json")}
        assert len(get("/facts/facts.json?_shape=array&_size=max")) == 62
        with urllib.request.urlopen(base + "/facts/sources/rferl-2023-02-03", timeout=10) as r:
            assert 'data-evidence="zelensky-will-not-give-up-bakhmut@' in r.read().decode()  # viewer plugin+template


def test_plugin_and_template_folders_are_copied_into_the_image(db_path: Path, tmp_path: Path, monkeypatch):
    plugins, templates = tmp_path / "plugins", tmp_path / "templates"
    (plugins / "viewer.py").parent.mkdir()
    (plugins / "viewer.py").write_text("# a plugin\n")
    (templates / "row.html").parent.mkdir()
    (templates / "row.html").write_text("{{ row }}\n")
    flags = ["--plugins-dir", str(plugins), "--template-dir", str(templates), "--setting", "sql_time_limit_ms", "1000"]
    monkeypatch.setattr(package, "serve_options", lambda **_: flags)
    files = package.build_context(db_path, METADATA, tmp_path / "package", SECRET)
    assert {str(f.relative_to(tmp_path / "package")) for f in files} >= {"plugins/viewer.py", "templates/row.html"}
    [cmd] = dockerfile(tmp_path / "package")["CMD"]
    assert " --template-dir templates/ --plugins-dir plugins/ --setting sql_time_limit_ms 1000 " in cmd


def test_datasette_publish_cloudrun_builds_the_same_image(context: Path, db_path: Path, monkeypatch):
    """`python -m etl publish cloudrun` runs Datasette's own publisher; with gcloud stubbed it shows its files."""
    calls: list[str] = []
    monkeypatch.setattr(cloudrun, "fail_if_publish_binary_not_installed", lambda *a: None)
    monkeypatch.setattr(cloudrun, "_ensure_artifact_registry", lambda **kw: None)
    monkeypatch.setattr(cloudrun, "check_output", lambda *a, **kw: "a-project\n")
    monkeypatch.setattr(cloudrun, "check_call", lambda cmd, **kw: calls.append(cmd))
    argv = package.publish_command(
        "cloudrun", db_path, METADATA, ["--service", "facts-x", "--max-instances", "3", "--show-files"]
    )
    result = CliRunner().invoke(datasette_cli.cli, argv[3:], env={"DATASETTE_PUBLISH_SECRET": SECRET})
    assert result.exit_code == 0, result.output
    published = result.output.split("==== Dockerfile ====")[1]
    ours = (context / "Dockerfile").read_text()
    for line in ours.splitlines():
        if line.startswith("CMD"):  # Cloud Run serves behind HTTPS: Datasette adds force_https_urls
            line = line.replace(" --port $PORT", " --setting force_https_urls on --port $PORT")
        assert line in published
    assert calls[-1].startswith("gcloud run deploy") and calls[-1].endswith(" facts-x --max-instances 3")


def publishing_blocks() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Publishing\n", 1)[1].split("\n## ", 1)[0]
    return [block.strip().splitlines() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def expand(make_line: str, capsys) -> list[str]:
    """What `make` runs for a README line, as a reader would type it: no .venv/bin/, the datasette command
    that `python -m etl publish` runs instead of that wrapper."""
    dry = run_make("-n", "-o", "facts.db", *shlex.split(make_line)[1:])
    assert dry.returncode == 0, dry.stderr
    commands = []
    for line in dry.stdout.splitlines():
        words = shlex.split(line.replace(".venv/bin/", ""))
        if words[:4] == ["python", "-m", "etl", "publish"]:
            capsys.readouterr()
            assert main(["publish", "--print", *words[4:]]) == 0
            line = capsys.readouterr().out.strip()
        commands.append(line.replace(".venv/bin/", ""))
    return commands


def test_readme_publishing_commands_are_the_makefiles(capsys):
    blocks = publishing_blocks()
    assert [b[0].split()[:2] for b in blocks] == [["make", "package"], ["make", "publish-cloudrun"],
                                                  ["make", "publish-fly"]]  # fmt: skip
    assert expand(blocks[0][0], capsys) == [
        "python -m etl package --db facts.db --metadata metadata.yml --out dist/package"
    ]
    for block in blocks[1:]:
        assert block[1] == "# runs:"
        assert block[2:] == expand(block[0], capsys), block[0]
    makefile = (ROOT / "Makefile").read_text()
    for block in blocks:
        for assignment in block[0].split()[2:]:
            assert re.search(rf"^{assignment.split('=')[0]} \?= ", makefile, re.M), assignment
