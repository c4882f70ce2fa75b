"""The command-line interface: ``faultlines check | build | new | sources`` (also ``python -m generator``)."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.diagnostics import FORMATTERS

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
BUG_REPORT = "https://github.com/fault-lines/fault-lines/issues"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="faultlines", description="Validate and build a Fault Lines chronology.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an internal error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate every file under content/")
    check.add_argument("root", nargs="?", default=".", type=Path, help="project root holding content/ (default .)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="output format")
    check.add_argument("--base", metavar="REF", help="also fail when an incident id of git revision REF vanished")
    check.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    """Validate and print every problem; exit 1 when there are errors (or warnings under --strict)."""
    from generator.pipeline import run

    result = run(args.root)
    items = list(result.diagnostics)
    if args.base:
        from generator.history import removed_ids

        items = sorted([*items, *removed_ids(args.root, args.base, result)])
    if args.strict:
        items = [d.promoted() for d in items]
    sys.stdout.write(FORMATTERS[args.format](items))
    return EXIT_PROBLEMS if any(d.severity == "error" for d in items) else EXIT_OK


COMMANDS = {"check": cmd_check}


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
        print(f"faultlines: internal error ({type(exc).__name__}: {exc}); this is a bug, please report it at "
              f"{BUG_REPORT} (run again with --debug for the traceback)", file=sys.stderr)
        return EXIT_INTERNAL
