"""``python -m etl``: a thin command line over the pipeline's functions.

Bad input is reported as one line (file:line: what is wrong and how to fix it)
with exit status 2 and no traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from etl.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of articles and sources.yml")
        p.add_argument("--facts", type=Path, default=ROOT / "facts.yml", help="the curated facts file")

    p_build = sub.add_parser("build", help="build the database from seeds/ and facts.yml (atomically)")
    inputs(p_build)
    p_build.add_argument("--db", type=Path, default=ROOT / "facts.db", help="database to write")
    p_build.add_argument(
        "--clean",
        action="store_true",
        help="recompute every article (default: only those changed since the last build)",
    )
    p_build.add_argument(
        "--jobs", type=_positive, default=None, help="processes segmenting and extracting articles (default: one "
        "per CPU); the database is the same whatever the number",
    )  # fmt: skip
    p_check = sub.add_parser("check", help="validate every input without writing anything")
    inputs(p_check)
    p_extract = sub.add_parser("extract", help="extract figures, dates, quotes and entity mentions from a text file")
    p_extract.add_argument("path", type=Path)
    p_extract.add_argument("--published", required=True, type=_iso_date, help="publication day, YYYY-MM-DD")
    p_extract.add_argument("--json", action="store_true", help="print one JSON object (the default is a summary)")
    p_extract.add_argument("--facts", type=Path, default=ROOT / "facts.yml", help="known entities come from here")
    p_extract.add_argument("--title", help="the article's headline, if known (helps find the headline paragraph)")

    p_suggest = sub.add_parser("suggest", help="draft facts.yml entries for one source's figures and dates")
    p_suggest.add_argument("source_id", help="the source's id in seeds/sources.yml")
    inputs(p_suggest)

    p_reanchor = sub.add_parser(
        "reanchor", help="carry every curated quote of a source over to its corrected text, and write it to seeds/"
    )
    p_reanchor.add_argument("source_id", help="the source's id in seeds/sources.yml")
    p_reanchor.add_argument("new_file", type=Path, help="the corrected article's text (UTF-8, LF line endings)")
    inputs(p_reanchor)
    p_reanchor.add_argument(
        "--accept", action="store_true", help="write even if spans are lost or a figure or date changed; they are "
        "then listed under review: in facts.yml, which the build refuses until a human resolves them",
    )  # fmt: skip
    p_reanchor.add_argument("--date", type=_iso_date, help="the day recorded for the replaced text (default: today)")

    p_serve = sub.add_parser("serve", help="publish the database read-only with Datasette")
    p_serve.add_argument("--db", type=Path, default=ROOT / "facts.db")
    p_serve.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml")
    p_serve.add_argument("--inspect", type=Path, default=None, help="inspect file with precomputed counts")
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=_port, default=8001, help="0 for any free port (the one chosen is printed)")
    p_shots = sub.add_parser(
        "screenshots", help="screenshot every page type, every chart and each source's viewer (headless Chromium)"
    )
    p_shots.add_argument("outdir", type=Path)
    p_shots.add_argument("--db", type=Path, default=ROOT / "facts.db")
    p_shots.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml")

    p_export = sub.add_parser("export", help="write the database as a Frictionless data package in dist/")
    p_export.add_argument("--db", type=Path, default=ROOT / "facts.db")
    p_export.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml", help="descriptions come from here")
    p_export.add_argument("--out", type=Path, default=ROOT / "dist")
    p_export.add_argument("--base-url", help="where the database is served, for the annotations' ids (default: "
                          "where `make serve` serves it)")  # fmt: skip
    p_package = sub.add_parser("package", help="write the Docker build context of a read-only replica (Dockerfile, db)")
    p_package.add_argument("--db", type=Path, default=ROOT / "facts.db")
    p_package.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml")
    p_package.add_argument("--out", type=Path, default=ROOT / "dist" / "package")
    p_publish = sub.add_parser("publish", help="run `datasette publish PLATFORM` with the options of `package`")
    p_publish.add_argument("platform", help="cloudrun, or fly with datasette-publish-fly installed; after --, "
                           "the platform's own options (-- --app NAME)")  # fmt: skip
    p_publish.add_argument("--db", type=Path, default=ROOT / "facts.db")
    p_publish.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml")
    p_publish.add_argument("--print", action="store_true", help="print the command without running it")

    argv = sys.argv[1:] if argv is None else argv
    # Everything after -- goes unchanged to the command being run (datasette publish PLATFORM).
    cut = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:cut])
    args.passthrough = argv[cut + 1 :]
    if cut < len(argv) and args.command != "publish":
        parser.error("only publish passes options after -- on to another command")
    commands = {
        "build": _build, "check": _check, "extract": _extract, "suggest": _suggest, "reanchor": _reanchor,
        "serve": _serve, "screenshots": _screenshots, "export": _export, "package": _package, "publish": _publish,
    }  # fmt: skip
    try:
        return commands[args.command](args)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def _iso_date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{s}' is not a date like 2023-02-03") from None


def _positive(s: str) -> int:
    if not s.isdigit() or int(s) < 1:
        raise argparse.ArgumentTypeError(f"'{s}' is not a whole number of at least 1")
    return int(s)


def _port(s: str) -> int:
    if not s.isdigit() or int(s) > 65535:
        raise argparse.ArgumentTypeError(f"'{s}' is not a port number (0-65535)")
    return int(s)


def _build(args: argparse.Namespace) -> int:
    from etl.build import build_report

    report = build_report(args.seeds, args.facts, args.db, incremental=not args.clean, jobs=args.jobs)
    kept = f" ({report.computed} articles computed, {report.kept} unchanged kept)" if report.kept else ""
    print(f"built {args.db}{kept}: " + ", ".join(f"{n} {t}" for t, n in report.counts.items()))
    return 0


def _check(args: argparse.Namespace) -> int:
    from etl.build import check

    counts = {t: len(r) for t, r in check(args.seeds, args.facts).items()}
    print("ok: " + ", ".join(f"{n} {t}" for t, n in counts.items() if n))
    return 0


def _extract(args: argparse.Namespace) -> int:
    from etl.extract import extract
    from etl.facts import load_entities
    from etl.segment import segment

    try:
        text = args.path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(args.path, None, "file not found") from None
    except UnicodeDecodeError as e:
        raise InputError(args.path, None, f"not valid UTF-8 at byte {e.start}; convert the file to UTF-8") from None
    entities = load_entities(args.facts) if args.facts.exists() else []
    result = extract(text, args.published, entities, segment(text, args.title)).to_json()
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for kind, items in result.items():
            print(f"{kind}: {len(items)}")
            for item in items:
                extra = {k: v for k, v in item.items() if k not in ("start", "end", "surface")}
                print(f"  {item['start']:>6}-{item['end']:<6} {item['surface']!r}  {extra}")
    return 0


def _suggest(args: argparse.Namespace) -> int:
    from etl.build import read
    from etl.suggest import suggest, to_yaml

    articles, curated = read(args.seeds, args.facts)
    by_id = {a.source.id: a for a in articles}
    if args.source_id not in by_id:
        raise InputError(
            args.seeds / "sources.yml", None, f"no source '{args.source_id}'; known: {', '.join(sorted(by_id))}"
        )
    print(to_yaml(suggest(by_id[args.source_id], articles, curated), curated), end="")
    return 0


def _reanchor(args: argparse.Namespace) -> int:
    from etl.reanchor import ReviewNeeded, run

    try:
        report = run(args.source_id, args.new_file, args.seeds, args.facts, args.accept, args.date)
    except ReviewNeeded as e:
        print("\n".join(e.report.lines()))
        raise
    print("\n".join(report.lines()))
    print("wrote " + ", ".join(report.written), end="")
    print(f"; {len(report.review)} span(s) to review under 'review:' in {args.facts}" if report.review else "")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import os

    from etl.publish import check_inspect, check_port, free_port, read_metadata, serve_command

    _need_db(args.db)
    read_metadata(args.metadata)  # Datasette would read a key written twice without a word
    if args.inspect is not None:
        check_inspect(args.inspect, args.db)
    port = args.port or free_port(args.host)  # --port 0 (PORT=0): any free port, said below
    check_port(args.host, port)
    print(f"Serving {args.db} on http://{args.host}:{port}/ (Ctrl-C to stop)", flush=True)
    cmd = serve_command(args.db, args.metadata, args.host, port, args.inspect)
    os.execv(cmd[0], cmd)
    return 0  # pragma: no cover


def _screenshots(args: argparse.Namespace) -> int:
    import sqlite_utils

    from etl.browser import screenshot
    from etl.publish import chart_links, read_metadata, running, viewer

    row_url = viewer().row_url

    charts = chart_links(read_metadata(args.metadata))
    db = sqlite_utils.Database(args.db)
    sources = [r["id"] for r in db["sources"].rows_where(order_by="id", select="id")]
    # One page of every type a reader meets (name, path, window), then every chart and every source viewer.
    fact = next(db.query("select fact_id from corroboration order by n_sources desc, fact_id limit 1"))["fact_id"]
    pages = [
        ("home", "/", "1400,1400"),
        ("facts", "/facts/facts", "1400,1000"),
        ("fact", row_url("facts", fact), "1400,1400"),
        ("sources", "/facts/sources", "1400,800"),
        ("search", "/-/search?q=F-16", "1400,1000"),
        ("search_all", "/facts/search_all?q=Soledar", "1400,1000"),
        ("map", "/facts/places", "1400,1200"),
        ("about", "/about", "1400,2200"),
        ("feed", "/facts/facts_feed", "1400,900"),
    ]
    with running(args.db, args.metadata) as base:
        for name, path, size in pages:
            png = screenshot(base + path, args.outdir / f"{name}.png", size=size)
            print(f"{png}: {path}")
        for chart in charts:
            png = screenshot(base + chart.url, args.outdir / f"{chart.slug}.png", size="1400,1000")
            print(f"{png}: {chart.title}")
        for source in sources:
            png = screenshot(base + row_url("sources", source), args.outdir / f"source_{source}.png", size="1280,2000")
            print(f"{png}: source viewer of {source}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from etl.export import ANNOTATIONS, BASE_URL, DATAPACKAGE, write

    _need_db(args.db)
    counts = write(args.db, args.metadata, args.out, args.base_url or BASE_URL)
    print(f"wrote {args.out / DATAPACKAGE}: {len(counts)} resources, {sum(counts.values())} rows; "
          f"{args.out / ANNOTATIONS}: {counts['fact_evidence']} Web Annotations")  # fmt: skip
    return 0


def _package(args: argparse.Namespace) -> int:
    import os
    import secrets

    from etl.package import build_context
    from etl.publish import read_metadata

    _need_db(args.db)
    read_metadata(args.metadata)
    # The same variable `datasette publish` reads; by default a new random secret per image, as it does.
    secret = os.environ.get("DATASETTE_PUBLISH_SECRET") or secrets.token_hex(32)
    files = build_context(args.db, args.metadata, args.out, secret)
    print(f"wrote {args.out}: " + ", ".join(str(f.relative_to(args.out.resolve())) for f in files))
    return 0


def _publish(args: argparse.Namespace) -> int:
    import os
    import shlex

    from etl.package import publish_command
    from etl.publish import read_metadata

    if not args.print:  # printing the command needs no database (the tests run on a fresh clone without one)
        _need_db(args.db)
    read_metadata(args.metadata)
    cmd = publish_command(args.platform, args.db, args.metadata, args.passthrough)
    print(shlex.join(["datasette", *cmd[3:]]), flush=True)
    if not args.print:
        os.execv(cmd[0], cmd)
    return 0


def _need_db(path: Path) -> None:
    if not path.exists():
        raise InputError(path, None, "database not found; build it first with `make db`")
