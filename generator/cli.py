"""The command-line interface: ``faultlines check | build | new | sources`` (also ``python -m generator``)."""

from __future__ import annotations

import argparse
import gc
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.model import Chronology
    from generator.render.site import SiteOutput

from generator import __version__
from generator.diagnostics import FORMATTERS

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
BUG_REPORT = "https://github.com/fault-lines/fault-lines/issues"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faultlines", description="Validate and build a Fault Lines chronology."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an internal error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="validate the content (every file, or the files named or changed)",
        description="Validate content files. The whole tree is always read, so references resolve against "
        "every file; only problems about the files asked for are reported.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="content files or folders to report on, or the project root (default: the current folder)",
    )
    check.add_argument(
        "--changed",
        action="store_true",
        help="report on the content files that differ from --base REF (default: from HEAD), untracked included",
    )
    check.add_argument(
        "--base",
        metavar="REF",
        help="git revision to compare with: fail when an incident id of REF vanished without a redirect; "
        "with --changed, report on the files changed since REF",
    )
    check.add_argument("--strict", action="store_true", help="treat the warnings reported as errors")
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file (without it, files unchanged since the last check come from .cache/fault-lines/)",
    )
    loudness = check.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="report errors only (warnings counted)")
    loudness.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="report everything, state-of-the-record findings (sources without archive_url, ...) included",
    )
    check.add_argument(
        "--format",
        choices=sorted([*FORMATTERS, "concise"]),
        default="text",
        help="text: each problem with its source line, a caret and help (default); concise: one line each; "
        "github: workflow annotations; json",
    )
    check.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the text output (auto: on a terminal, unless NO_COLOR is set)",
    )
    # SUPPRESS: without it the subcommand's default (False) would override `faultlines --debug check`
    check.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    build = commands.add_parser("build", help="write the generated pages and data files as a plain tree")
    build.add_argument("root", nargs="?", default=".", type=Path, help="project root holding content/")
    build.add_argument(
        "--out",
        required=True,
        type=Path,
        help="output folder: created, or replaced atomically when empty or written by an earlier build",
    )
    build.add_argument(
        "--site-url",
        metavar="URL",
        help="the published site's address, for absolute links and ids in feeds, sitemaps and share cards "
        "(default: site_url of mkdocs.yml)",
    )
    build.add_argument(
        "--standalone",
        action="store_true",
        help="write a whole project for builders without plugins (Zensical, plain MkDocs): pages in docs/, "
        "a plugin-free mkdocs.yml and the theme overrides",
    )
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_loudness = build.add_mutually_exclusive_group()
    build_loudness.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    build_loudness.add_argument("-v", "--verbose", action="store_true", help="print every finding")

    new = commands.add_parser(
        "new",
        help="scaffold a new incident, actor or place (never overwrites)",
        description="Write a new content file with every required field and a commented template; the type or "
        "kind must be a key of content/vocabulary.yml.",
        epilog="examples: faultlines new incident --date 2025-12-09 --title 'Joint bomber patrol' "
        "--type joint-patrol | faultlines new actor --name 'Japan Air Self-Defense Force' --kind armed-force "
        "--id jasdf",
    )
    new.add_argument("kind", choices=["incident", "actor", "place"], metavar="{incident,actor,place}",
                     help="what to create")  # fmt: skip
    new.add_argument("--root", default=".", type=Path, help="project root holding content/ (default .)")
    new.add_argument("--title", "--name", dest="title", required=True, metavar="TEXT",
                     help="an incident's title, or an actor's or place's name")  # fmt: skip
    new.add_argument("--date", metavar="DATE", help="incident date: YYYY-MM-DD, YYYY-MM or YYYY")
    new.add_argument("--type", dest="type_", default="", metavar="TYPE",
                     help="incident type: a key of incident_types in content/vocabulary.yml")  # fmt: skip
    new.add_argument("--kind", dest="entity_kind", default="", metavar="KIND",
                     help="actor or place kind: a key of actor_kinds or place_kinds")  # fmt: skip
    new.add_argument("--id", dest="slug", default="", metavar="ID",
                     help="the id, which is the file name (default: made from the title)")  # fmt: skip
    sources = commands.add_parser("sources", help="report source health: archive coverage, kinds, dead links")
    sources.add_argument("root", nargs="?", default=".", type=Path, help="project root holding content/")
    sources.add_argument("--check-links", action="store_true", help="check every source URL over HTTP")
    sources.add_argument("--concurrency", type=int, default=8, metavar="N", help="links checked at once (8)")
    sources.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds per URL, redirects included (10)"
    )
    sources.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    for sub in (build, new, sources):
        sub.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    """Validate and print the problems asked for; exit 1 when one is an error (or a warning under --strict)."""
    from generator.history import HistoryError
    from generator.pipeline import run
    from generator.selection import Selection, SelectionError, changed_files, report, select

    try:
        selection = select(args.paths)
    except SelectionError as exc:
        print(f"faultlines check: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    root = selection.root
    if not (root / "content").is_dir():
        print(
            f"faultlines check: error: {root.as_posix()} has no content/ folder; "
            "run the command from the project root, or pass the root or content files: faultlines check PATH",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.changed:
        try:
            changed = changed_files(root, args.base)
        except HistoryError as exc:
            print(f"faultlines check: error: --changed: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if selection.paths is not None:
            changed = frozenset(p for p in changed if selection.covers(p))
        selection = Selection(root, changed)
    from generator import check_cache

    # parsed files and their own problems from the last check (generator/check_cache.py): only the changed
    # files are read and checked again (the checks across files run over all of them)
    cache, memo = (None, None) if args.no_cache else check_cache.load(root)
    before = check_cache.state(cache, memo) if cache is not None and memo is not None else None
    # --base reads the ids from the Chronology
    result = run(root, chronology=bool(args.base), cache=cache, memo=memo)
    if cache is not None and memo is not None and check_cache.state(cache, memo) != before:
        check_cache.write(root, cache, memo)
    level = "quiet" if args.quiet else "verbose" if args.verbose else "default"
    found = report(result.diagnostics, selection, level, args.strict)
    if args.base:
        from generator.history import removed_ids

        try:
            removed = removed_ids(root, args.base, result)
        except HistoryError as exc:
            print(f"faultlines check: error: --base {args.base}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        found.shown = sorted([*found.shown, *(d.promoted() if args.strict else d for d in removed)])
    note = found.note()
    if args.changed and not selection.paths:
        note += f"; no content file differs from {args.base or 'HEAD'}"
    if args.format == "text":
        from generator.pretty import format_pretty, use_color

        color = use_color(args.color, sys.stdout)
        sys.stdout.write(format_pretty(found.shown, root, color, note))
    else:
        formatter = FORMATTERS["text" if args.format == "concise" else args.format]
        sys.stdout.write(formatter(found.shown, note))
    return EXIT_PROBLEMS if found.failed() else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Check, render and write the generated tree; print problems like ``check`` and write nothing on errors."""
    from generator.history import file_history
    from generator.pipeline import run
    from generator.publish import BuildLocked, UnsafeOutput, check_destination, write_tree
    from generator.render.parallel import usable_processes
    from generator.render.site import render_site
    from generator.render.text import BodyError
    from generator.selection import Selection, report
    from generator.standalone import read_config

    try:
        check_destination(args.root, args.out)
    except UnsafeOutput as exc:
        print(f"faultlines: {exc}", file=sys.stderr)
        return EXIT_USAGE
    result = run(args.root)
    level = "quiet" if args.quiet else "verbose" if args.verbose else "default"
    found = report(result.diagnostics, Selection(args.root), level)
    if found.shown:
        sys.stderr.write(FORMATTERS["text"](found.shown, found.note()))
    if result.failed(args.strict) or result.chronology is None:
        print("faultlines: nothing written", file=sys.stderr)
        return EXIT_PROBLEMS
    gc.freeze()  # the chronology lives to the end: the cycle collector need not re-scan it (as in the plugin)
    try:
        config = read_config(args.root)
        site_url = args.site_url if args.site_url is not None else str(config.get("site_url") or "")
        site_url = site_url.rstrip("/") + "/" if site_url else ""
        directory_urls = bool(config.get("use_directory_urls", True))
        output = render_site(
            result.chronology,
            history=file_history(args.root),
            site_url=site_url,
            directory_urls=directory_urls,
            processes=usable_processes(),
        )
        written = _with_hand_written(output, args.root, config, result.chronology, directory_urls)
        if args.standalone:
            written = _standalone(written, args.root, config, site_url)
        count = write_tree(written, args.out)
    except UnsafeOutput as exc:  # the folder changed while the site was built
        print(f"faultlines: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BuildLocked as exc:  # another build is writing the same folder
        print(f"faultlines: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BodyError as exc:  # the renderer failed on a body the check passed: the file's error, no traceback
        print(exc, file=sys.stderr)
        print("faultlines: nothing written", file=sys.stderr)
        return EXIT_PROBLEMS
    except PageClash as exc:
        print(f"faultlines: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        gc.unfreeze()
    how = f"; build it with: zensical build -f {args.out / 'mkdocs.yml'}" if args.standalone else ""
    print(f"wrote {count} files to {args.out}{how}")
    return EXIT_OK


class PageClash(ValueError):
    """A hand-written page has the path of a generated one."""


def _with_hand_written(
    output: SiteOutput, root: Path, config: dict[str, Any], chronology: Chronology, directory_urls: bool
) -> SiteOutput:
    """The generated pages and files plus the docs folder's own, markers filled (as the plugin serves them)."""
    from generator.render.pages import GeneratedPage
    from generator.render.site import SiteOutput
    from generator.standalone import hand_written

    pages, files = hand_written(root, config, chronology, directory_urls)
    clashes = sorted((set(pages) | set(files)) & (set(output.pages) | set(output.files)))
    if clashes:
        docs = config.get("docs_dir", "docs")
        raise PageClash(f"{docs}/{clashes[0]} clashes with a generated page or file; rename or remove it")
    merged = dict(output.pages)
    merged.update((path, GeneratedPage(path, text)) for path, text in pages.items())
    return SiteOutput(merged, {**output.files, **files}, output.modified)


def _standalone(output: SiteOutput, root: Path, config: dict[str, Any], site_url: str) -> SiteOutput:
    """``output`` under docs/, with a plugin-free mkdocs.yml and the theme overrides beside it."""
    from generator.render.pages import GeneratedPage
    from generator.render.site import SiteOutput
    from generator.standalone import DOCS, OVERRIDES, overrides, standalone_config

    pages = {f"{DOCS}/{p}": GeneratedPage(f"{DOCS}/{p}", page.markdown) for p, page in output.pages.items()}
    files = {f"{DOCS}/{p}": data for p, data in output.files.items()}
    files.update((f"{OVERRIDES}/{p}", data) for p, data in overrides(root, config).items())
    files["mkdocs.yml"] = standalone_config(config, site_url).encode("utf-8")
    return SiteOutput(pages, files, output.modified)


def cmd_new(args: argparse.Namespace) -> int:
    """Scaffold one content file and print its path; refuse to overwrite (exit 1)."""
    from generator.scaffold import ScaffoldError, create

    try:
        path = create(args.root, args.kind, title=args.title, date=args.date, type_=args.type_, slug=args.slug,
                      entity_kind=args.entity_kind)  # fmt: skip
    except ScaffoldError as exc:
        print(f"faultlines new: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if exc.usage else EXIT_PROBLEMS
    print(path.resolve().relative_to(args.root.resolve()).as_posix())
    return EXIT_OK


def cmd_sources(args: argparse.Namespace) -> int:
    """Print the source-health report; with --check-links exit 1 when a link is dead and not yet marked so."""
    from generator import sources
    from generator.pipeline import run

    if args.concurrency < 1 or args.timeout <= 0:
        print("faultlines sources: error: --concurrency and --timeout must be positive", file=sys.stderr)
        return EXIT_USAGE
    if not (args.root / "content").is_dir():
        print(f"faultlines sources: error: {args.root.as_posix()} has no content/ folder", file=sys.stderr)
        return EXIT_USAGE
    result = run(args.root)
    if result.chronology is None:
        print("faultlines sources: content has errors; run 'faultlines check' for details", file=sys.stderr)
        return EXIT_PROBLEMS
    report = sources.source_report(result.chronology)
    links = None
    if args.check_links:
        uses = sources.link_uses(result.chronology)
        try:
            links = sources.check_links(uses, concurrency=args.concurrency, timeout=args.timeout)
        except sources.NetworkUnavailable as exc:  # offline: say so, instead of calling every link dead
            print(f"faultlines sources: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.format == "json":
        data = sources.report_json(report)
        if links is not None:
            data["links"] = sources.links_json(links)
        sys.stdout.write(sources.dumps(data))
    else:
        sys.stdout.write(sources.format_report_text(report))
        if links is not None:
            sys.stdout.write(sources.format_links_text(links))
    return EXIT_PROBLEMS if links and any(r.newly_dead for r in links) else EXIT_OK


COMMANDS = {"check": cmd_check, "build": cmd_build, "new": cmd_new, "sources": cmd_sources}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse arguments, run the command, turn any internal failure into one line and exit 3."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage and 0 on --help
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("faultlines: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        detail = " ".join(str(exc).split())  # one line, whatever the exception says
        print(
            f"faultlines: internal error ({type(exc).__name__}: {detail}); this is a bug, please report it "
            f"at {BUG_REPORT} (run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
