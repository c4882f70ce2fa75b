"""Lighthouse mobile scores of the built site, served as GitHub Pages serves it (gzip; ``tests/pages_server.py``):
home, timeline, an incident, map and statistics, each run several times, the median printed.

    python -m tests.lighthouse [--site DIR] [--runs 3] [--min 95] [--categories performance,accessibility]

Without ``--site`` it builds the repository's site first (``mkdocs build --strict`` into a temporary folder).
Lighthouse is found from ``--lighthouse``, ``$LIGHTHOUSE`` (its CLI script, its package folder, or a command),
or ``lighthouse`` on PATH (``npm install -g lighthouse@12``); Chromium from ``--chrome``, ``$CHROME_PATH`` or
PATH. Scores depend on the machine: each page's line shows Lighthouse's CPU benchmark index (a loaded or slow
machine scores lower: Lighthouse calibrates its 4x CPU slowdown for an index around 1000-2000), and the runs are
sequential, never in parallel. Exit status 1 when a median is below ``--min``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: python tests/lighthouse.py
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pages_server import serving
else:
    from .pages_server import serving

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "home": "",
    "timeline": "timeline/",
    "incident": "incidents/2025-12-09-china-russia-joint-bomber-patrol/",
    "map": "map/",
    "statistics": "stats/",
}
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


class Unavailable(Exception):
    """A tool the measurement needs is missing."""


def lighthouse_command(given: str | None) -> list[str]:
    """The command that runs Lighthouse's CLI."""
    candidate = given or os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse")
    if not candidate:
        raise Unavailable(
            "Lighthouse not found: install it (npm install -g lighthouse@12) or give --lighthouse / $LIGHTHOUSE"
        )
    path = Path(candidate)
    if path.is_dir():  # the package folder, e.g. node_modules/lighthouse
        path = path / "cli" / "index.js"
    if path.suffix == ".js":
        node = shutil.which("node")
        if not node:
            raise Unavailable("node not found: Lighthouse needs Node.js 18 or later")
        if not path.is_file():
            raise Unavailable(f"{path} does not exist")
        return [node, str(path)]
    found = shutil.which(str(path))
    if not found:
        raise Unavailable(f"{candidate} is not a command, a .js file or a Lighthouse package folder")
    return [found]


def chrome_path(given: str | None) -> str:
    for candidate in (given, os.environ.get("CHROME_PATH"), shutil.which("chromium"), shutil.which("chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    raise Unavailable(
        "Chromium not found: install it (apt-get install chromium) or give --chrome / $CHROME_PATH"
    )


def build_site(into: Path) -> Path:
    site = into / "site"
    mkdocs = Path(sys.executable).parent / "mkdocs"
    command = [str(mkdocs) if mkdocs.exists() else "mkdocs", "build", "--strict", "-q", "-d", str(site)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if process.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{process.stdout}{process.stderr}")
    return site


@dataclass
class Runs:
    """The runs of one page."""

    scores: dict[str, list[float]] = field(default_factory=dict)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    benchmark: list[float] = field(default_factory=list)

    def add(self, report: dict[str, Any]) -> None:
        for name, category in report["categories"].items():
            if category.get("score") is not None:
                self.scores.setdefault(name, []).append(round(category["score"] * 100))
        for audit in METRICS:
            value = report["audits"].get(audit, {}).get("numericValue")
            if value is not None:
                self.metrics.setdefault(audit, []).append(value)
        self.benchmark.append(report.get("environment", {}).get("benchmarkIndex", 0))


def run_once(command: list[str], chrome: str, url: str, categories: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fl-lighthouse-") as out:
        report = Path(out) / "report.json"
        process = subprocess.run(
            [
                *command,
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={categories}",
                f"--chrome-flags={CHROME_FLAGS}",
            ],
            env={**os.environ, "CHROME_PATH": chrome},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if process.returncode != 0 or not report.exists():
            raise SystemExit(f"lighthouse failed on {url}:\n{process.stdout[-2000:]}{process.stderr[-2000:]}")
        data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise SystemExit(f"lighthouse could not measure {url}: {data['runtimeError']}")
    return data


def metric_text(audit: str, value: float) -> str:
    return f"{value:.3f}" if audit == "cumulative-layout-shift" else f"{value:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site folder (default: build the repository's)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is reported (3)")
    parser.add_argument("--min", type=int, default=95, help="exit 1 when a page's median is below this (95)")
    parser.add_argument("--categories", default="performance", help="Lighthouse categories, comma-separated")
    parser.add_argument("--page", action="append", choices=list(PAGES), help="only these pages (repeatable)")
    parser.add_argument("--lighthouse", help="Lighthouse's CLI (command, cli/index.js or package folder)")
    parser.add_argument("--chrome", help="Chromium's executable")
    parser.add_argument("--json", type=Path, help="also write every run's numbers to this file")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        command = lighthouse_command(args.lighthouse)
        chrome = chrome_path(args.chrome)
    except Unavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    pages = {name: PAGES[name] for name in (args.page or PAGES)}
    with tempfile.TemporaryDirectory(prefix="fl-lighthouse-site-") as tmp:
        site = args.site or build_site(Path(tmp))
        for path in pages.values():
            if not (site / path / "index.html").is_file():
                print(f"error: {site} has no {path or '/'} page", file=sys.stderr)
                return 2
        results: dict[str, Runs] = {}
        with serving(site) as base:
            print(f"Lighthouse mobile, {args.runs} run(s) per page, served with gzip at {base}", flush=True)
            for name, path in pages.items():
                runs = results[name] = Runs()
                for _ in range(args.runs):
                    runs.add(run_once(command, chrome, base + path, args.categories))
                print(line(name, runs), flush=True)
    if args.json:
        args.json.write_text(
            json.dumps({n: r.__dict__ for n, r in results.items()}, indent=2) + "\n", encoding="utf-8"
        )
    low = [n for n, r in results.items() if statistics.median(r.scores.get("performance", [100])) < args.min]
    if low:
        print(f"below {args.min}: {', '.join(low)}")
        return 1
    return 0


def line(name: str, runs: Runs) -> str:
    scores = "  ".join(
        f"{category} {statistics.median(values):.0f} ({'/'.join(f'{v:.0f}' for v in values)})"
        for category, values in runs.scores.items()
    )
    metrics = ", ".join(
        f"{short} {metric_text(audit, statistics.median(runs.metrics[audit]))}"
        for audit, short in METRICS.items()
        if audit in runs.metrics
    )
    benchmark = "/".join(f"{b:.0f}" for b in runs.benchmark)
    return f"{name:<11} {scores}  | median {metrics} | CPU benchmarkIndex {benchmark}"


if __name__ == "__main__":
    raise SystemExit(main())
