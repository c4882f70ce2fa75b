"""Edit-to-preview latency of a real ``mkdocs serve --dirty`` (what ``make serve`` runs; generator/serve_dirty.py):
start it on a loopback port, save an edit to one incident's title, and poll the served page until it shows the new
title, then the timeline until it shows it too (the whole site rebuilt: generator/serve_preview.py shows the
saved page first); the serve process's CPU and memory after each save. Used by ``bench.py`` (``--serve-edits``) and on its own:

    python -m tests.benchmark.serve PROJECT [--edits 5] [--port 8765] [--plain]

``--plain`` (or FL_SERVE_PLAIN=1 in the environment, for ``bench.py``) times plain ``mkdocs serve`` instead, which
empties the site folder and writes every page after each save.

With FL_SERVE_VERBOSE=1 in the environment, the server logs with ``-v`` into PROJECT/serve.log (each rebuild and
the file events that started it) instead of ``-q``.

Only 127.0.0.1 is contacted; every loop is bounded in count and time, and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

POLL_S = 0.05
TIMEOUT_S = 1800.0  # a cold start at 10,000 incidents on a loaded 2-core machine took more than 5 minutes


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # a loopback URL of our own
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, text: str, deadline: float) -> float:
    """Seconds until the page at ``url`` contains ``text`` (polled every POLL_S)."""
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        page = _fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - start
        time.sleep(POLL_S)
    raise TimeoutError(f"{url} never showed {text!r}")


def _wait_at_rest(pid: int, quiet_s: float = 1.0, longest_s: float = 120.0) -> None:
    """Until the server ``pid`` has used almost no CPU for ``quiet_s`` (after a build it still frees the last one:
    seconds at 10,000 incidents), at most ``longest_s``."""
    deadline = time.perf_counter() + longest_s
    while time.perf_counter() < deadline:
        before = _cpu_s(pid)
        time.sleep(quiet_s)
        if _cpu_s(pid) - before < 0.05 * quiet_s:
            return


def _memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) MB of ``pid`` now."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far (with its waited-for children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def measure_serve(
    project: Path,
    incident: Path,
    page_url: str,
    edits: int = 5,
    port: int = 8765,
    code: Path | None = None,
    dirty: bool | None = None,
    site_url: str | None = "timeline/",
) -> dict[str, Any]:
    """Start ``mkdocs serve`` in ``project``, then save ``edits`` edits to ``incident``'s title, each time
    timing how long the page at ``page_url`` (a path under the server) takes to show it and the CPU time the
    server spent meanwhile (on a shared machine, wall time also counts waiting for a core). ``code``: the
    checkout whose ``generator`` the server imports (default: the installed one); ``dirty``: ``mkdocs serve
    --dirty`` (default: unless FL_SERVE_PLAIN=1); ``site_url``: a page that lists the incident, polled after
    ``page_url`` until it shows the edit too (None: not polled)."""
    if dirty is None:
        dirty = not os.environ.get("FL_SERVE_PLAIN")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        *(["--dirty"] if dirty else []),
        *(["-v"] if os.environ.get("FL_SERVE_VERBOSE") else ["-q"]),
        "-a",
        f"127.0.0.1:{port}",
    ]
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    mount = urlsplit(config.get("site_url") or "/").path.strip(
        "/"
    )  # serve mounts the site at site_url's path

    def served(path: str) -> str:
        return f"http://127.0.0.1:{port}/" + "/".join(part for part in (mount, path.strip("/")) if part) + "/"

    return {"serve_mode": "dirty" if dirty else "plain"} | time_edits(
        command,
        cwd=project,
        env=env,
        log_path=project / "serve.log",
        incident=incident,
        url=served(page_url),
        site_url=served(site_url) if site_url else None,
        edits=edits,
        prefix="serve",
        name="mkdocs serve",
    )


def time_edits(
    command: list[str],
    *,
    cwd: Path | None,
    env: dict[str, str] | None,
    log_path: Path,
    incident: Path,
    url: str,
    edits: int,
    prefix: str,
    name: str,
    site_url: str | None = None,
) -> dict[str, Any]:
    """Start the server ``command``, wait until ``url`` answers, then save ``edits`` edits to ``incident``'s
    title a second apart, timing each until ``url`` shows it, and then until ``site_url`` (a list of incidents)
    shows it too, with the server's CPU (the whole rebuild's: until the list shows it) and memory; the incident
    is put back and the server stopped whatever happens. Results are named ``<prefix>_startup_s`` and so on
    (used for ``mkdocs serve`` here and ``hugo server`` in hugo.py)."""
    original = incident.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", original, re.MULTILINE)
    assert title is not None, f"{incident} has no title line"
    log = log_path.open("w")
    start = time.perf_counter()
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    result: dict[str, Any] = {}
    try:
        deadline = start + TIMEOUT_S
        while _fetch(url) is None:
            if server.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"{name} did not start: see {log_path}")
            time.sleep(POLL_S)
        result[f"{prefix}_startup_s"] = time.perf_counter() - start
        memory = [_memory_mb(server.pid)[0]]
        at_rest = [memory[0]]
        latencies, site_latencies, page_cpu, cpu = [], [], [], []
        for n in range(1, edits + 1):
            marker = f"Edited title {n} {time.time_ns()}"
            time.sleep(1.0)  # a save a second apart: the watcher sees each one
            _wait_at_rest(server.pid)  # and on a server at rest (the last build's cleanup done)
            before = _cpu_s(server.pid)
            saved = time.perf_counter()
            incident.write_text(original.replace(title.group(0), f"title: {marker}", 1), encoding="utf-8")
            latencies.append(_wait_for(url, marker, saved + TIMEOUT_S))
            page_cpu.append(_cpu_s(server.pid) - before)
            if site_url:  # the whole site: the next save starts from a server at rest
                _wait_for(site_url, marker, saved + TIMEOUT_S)
                site_latencies.append(time.perf_counter() - saved)
            cpu.append(_cpu_s(server.pid) - before)
            time.sleep(0.5)  # let the server settle before reading its memory
            memory.append(_memory_mb(server.pid)[0])
            _wait_at_rest(server.pid)  # and once it has freed the last build (mkdocs serve: a second later)
            at_rest.append(_memory_mb(server.pid)[0])
        result[f"{prefix}_latency_s"] = statistics.median(latencies)
        result[f"{prefix}_latencies_s"] = [round(x, 3) for x in latencies]
        result[f"{prefix}_page_cpu_s"] = statistics.median(page_cpu)
        if site_latencies:
            result[f"{prefix}_site_latency_s"] = statistics.median(site_latencies)
            result[f"{prefix}_site_latencies_s"] = [round(x, 3) for x in site_latencies]
        result[f"{prefix}_rebuild_cpu_s"] = statistics.median(cpu)
        result[f"{prefix}_rss_mb"] = [round(x) for x in memory]
        result[f"{prefix}_rest_rss_mb"] = [round(x) for x in at_rest]
        result[f"{prefix}_peak_mb"] = _memory_mb(server.pid)[1]
    finally:
        incident.write_text(original, encoding="utf-8")
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmark.serve", description=__doc__.split("\n")[0]
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--incident", type=Path, help="the incident file to edit (default: the first one)")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--plain", action="store_true", help="plain mkdocs serve, without --dirty")
    args = parser.parse_args(argv)
    project = args.project.resolve()
    incident = args.incident or sorted((project / "content" / "incidents").rglob("*.md"))[0]
    page = f"incidents/{incident.stem}/"
    result = measure_serve(project, incident.resolve(), page, args.edits, args.port, dirty=not args.plain)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
