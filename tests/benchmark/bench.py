"""The Fault Lines benchmark: how check, the pipeline and the MkDocs build scale with the number of incidents.

    python -m tests.benchmark.bench [--sizes 1000,5000,10000] [--out bench-results/bench.json]

For each N it writes a synthetic content tree (see ``corpus.py``) next to a copy of the repository's
``mkdocs.yml`` and ``timeline/``, and measures ``faultlines check`` (wall time, with interpreter start-up),
load → check → render_site in this process, a full ``mkdocs build`` (wall time, peak memory of its process tree),
the output and search-index sizes, one incident page's HTML, and a bare Material build of N plain Markdown
pages of the same length with the same theme settings and search and a short navigation: the floor.
Not a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from tests.benchmark.corpus import counts, incident_id, write_corpus, write_plain_pages
from tests.benchmark.hugo import hugo_binary, hugo_build_command, hugo_version, measure_hugo_serve, setup_hugo

REPO = Path(__file__).resolve().parents[2]
PROBE = 20  # the incident whose page is measured: the same content at every N
PLUGIN_MARKER = "  - fault-lines:\n"


# A small parent for every measured command: Linux keeps a process's peak RSS across exec, so a command forked
# straight from this (large) process would report at least this process's peak; this one starts at ~10 MB.
#
# Peak memory of a tree of processes: the kernel's ru_maxrss of a waited-for child is the largest peak of any
# ONE process of its tree, which is unfair both ways for a build with worker processes: it ignores a worker
# running beside the build (two processes of 800 MB report 800), and it counts in full the pages a forked worker
# still shares with its parent. So the parent also samples, every 0.1 s, the proportional set size (PSS: each
# shared page divided among the processes that map it) of every process of the tree, and adds them up: the
# memory the tree holds at that moment, shared pages counted once. The peak reported is the larger of the two
# (for one process, its peak RSS; a short spike between two samples is still caught by ru_maxrss).
_PARENT = """
import json, os, sys, time
def tree(root):
    kids = {}
    for name in os.listdir('/proc'):
        if name.isdigit():
            try:
                with open('/proc/' + name + '/stat', 'rb') as f:
                    kids.setdefault(int(f.read().rpartition(b')')[2].split()[1]), []).append(int(name))
            except (OSError, IndexError, ValueError):
                pass
    found = [root]
    for pid in found:
        found.extend(kids.get(pid, ()))
    return found
def pss(pid):
    try:
        with open('/proc/%d/smaps_rollup' % pid, 'rb') as f:
            for line in f:
                if line.startswith(b'Pss:'):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
sampled = os.path.exists('/proc/self/smaps_rollup')
peak = 0
while True:
    done, status, usage = os.wait4(pid, os.WNOHANG if sampled else 0)
    if done:
        break
    peak = max(peak, sum(pss(p) for p in tree(pid)))
    time.sleep(0.1)
with open(sys.argv[1], "w") as out:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_maxrss, usage.ru_utime + usage.ru_stime, peak], out)
"""


def _run(command: list[str], cwd: Path | None = None) -> tuple[float, int, int, str, float]:
    """(wall seconds, exit status, peak memory in KiB of the command's process tree, stderr, CPU seconds) of one
    command, measured from a small parent process (see ``_PARENT``: the larger of the tree's summed PSS, sampled,
    and the largest process's own peak RSS).

    CPU seconds (user + system of the child and every process of its tree it waited for) are reported next to
    wall time: on a shared machine the wall time also counts waiting for the CPU."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    with tempfile.NamedTemporaryFile(suffix=".json") as usage_file:
        start = time.perf_counter()
        process = subprocess.run(
            [sys.executable, "-c", _PARENT, usage_file.name, *command],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        elapsed = time.perf_counter() - start
        status, largest, cpu, tree = json.loads(Path(usage_file.name).read_text() or "[1, 0, 0, 0]")
    return elapsed, status, max(largest, tree), process.stderr, cpu


def _tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under ``folder``."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            files += 1
    return total, files


def setup_project(where: Path, n: int) -> Path:
    """A Fault Lines project of ``n`` synthetic incidents: the repository's mkdocs.yml and timeline/."""
    where.mkdir(parents=True, exist_ok=True)
    # not strict: hand-written pages (an article, the about page) link to real incidents the synthetic tree lacks
    config = (
        (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("\nstrict: true\n", "\nstrict: false\n")
    )
    # the whole text of every page indexed, as in the bare build (the default, auto, switches to the summary
    # index above 1,000 incidents: measured separately with --summary-index)
    assert PLUGIN_MARKER in config, "the benchmark expects the fault-lines plugin in mkdocs.yml"
    config = config.replace(PLUGIN_MARKER, PLUGIN_MARKER + "      search_index: full\n")
    (where / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(REPO / "timeline", where / "timeline", dirs_exist_ok=True)
    write_corpus(where, n)
    return where


def setup_bare(where: Path, n: int) -> Path:
    """The floor: N plain pages, the same Material theme settings and search, and a short navigation."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = where / "docs"
    shutil.copytree(REPO / "timeline", docs, dirs_exist_ok=True)
    write_plain_pages(docs, n)
    config["docs_dir"] = "docs"
    config["theme"]["custom_dir"] = "docs/overrides"
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "fault-lines" in p)]
    config["strict"] = False  # the copied home page links to generated pages that do not exist here
    config["nav"] = [{"Home": "index.md"}, *({f"Page {i}": f"pages/page-{i:06d}.md"} for i in range(5))]
    config["not_in_nav"] = "/pages/\n"
    config["validation"] = {"omitted_files": "info", "unrecognized_links": "info", "anchors": "info"}
    (where / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return where


def pipeline_times(root: Path) -> dict[str, float]:
    """load → check → render_site in this process, each stage timed."""
    from generator.check import check
    from generator.load import load
    from generator.render.site import render_site

    gc.collect()
    c0 = time.process_time()
    t0 = time.perf_counter()
    documents, problems = load(root)
    t1 = time.perf_counter()
    chronology, found = check(documents)
    t2 = time.perf_counter()
    errors = [d for d in [*problems, *found] if d.severity == "error"]
    if chronology is None or errors:
        raise SystemExit(f"synthetic content has errors: {errors[:3]}")
    output = render_site(chronology, search_index="full")  # as the build measured beside it
    t3 = time.perf_counter()
    return {
        "pipeline_cpu_s": time.process_time() - c0,
        "stage_load_s": t1 - t0,
        "stage_check_s": t2 - t1,
        "stage_render_s": t3 - t2,
        "pipeline_s": t3 - t0,
        "generated_pages": len(output.pages),
    }


def summary_build(project: Path) -> dict[str, float]:
    """The build with the plugin's ``search_index: summary`` (the default above 1,000 incidents): its wall and
    CPU seconds and its search index's size (a second build of the same tree)."""
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    summary = project / "mkdocs-summary.yml"
    summary.write_text(config.replace("search_index: full\n", "search_index: summary\n"), encoding="utf-8")
    site = project / "site-summary"
    seconds, status, _, stderr, cpu = _run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(summary), "-d", str(site)]
    )
    if status != 0:
        raise SystemExit(f"mkdocs build (search_index: summary) failed (exit {status}):\n{stderr[-3000:]}")
    size = (site / "search" / "search_index.json").stat().st_size / 1e6
    shutil.rmtree(site, ignore_errors=True)
    return {"search_index_summary_mb": size, "build_summary_s": seconds, "build_summary_cpu_s": cpu}


def measure(
    n: int,
    work: Path,
    *,
    bare: bool = True,
    summary: bool = False,
    serve: int = 0,
    hugo: bool = True,
    verify: bool = False,
    hugo_serve: int | None = None,
) -> dict[str, Any]:
    """Every number for one N."""
    result: dict[str, Any] = {"incidents": n}
    result["actors"], result["places"] = counts(n)
    project = setup_project(work / f"fl-{n}", n)
    seconds, status, _, stderr, cpu = _run([sys.executable, "-m", "generator", "check", str(project)])
    if status != 0:
        raise SystemExit(f"faultlines check failed on the synthetic tree (exit {status}):\n{stderr[-2000:]}")
    result["check_s"], result["check_cpu_s"] = seconds, cpu
    result.update(check_again(project))
    result.update(pipeline_times(project))
    site = project / "site"
    seconds, status, rss, stderr, cpu = _run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    )
    if status != 0:
        raise SystemExit(f"mkdocs build failed (exit {status}):\n{stderr[-3000:]}")
    result["build_s"], result["build_cpu_s"], result["build_peak_mb"] = seconds, cpu, rss / 1024
    result.update(warm_builds(project, site, verify=verify))
    result["warm_vs_cold_cpu"] = result["warm_one_change_cpu_s"] / result["build_cpu_s"]
    result["warm_vs_cold_wall"] = result["warm_one_change_s"] / result["build_s"]
    result["site_mb"], result["site_files"] = (lambda b, f: (b / 1e6, f))(*_tree_size(site))
    result["search_index_mb"] = (site / "search" / "search_index.json").stat().st_size / 1e6
    probe_id = incident_id(PROBE)[0]
    page = (site / "incidents" / probe_id / "index.html").read_text(encoding="utf-8")
    result["incident_page_kb"] = len(page.encode()) / 1000
    # how many incident pages this page links to: a navigation listing incidents would make it grow with N
    result["incident_page_incident_links"] = page.count("synthetic-incident-") - page.count(probe_id)
    if serve:
        result.update(serve_times(project, serve))
    if summary:
        result.update(summary_build(project))
    if bare:
        floor = setup_bare(work / f"bare-{n}", n)
        seconds, status, rss, stderr, cpu = _run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(floor / "mkdocs.yml")]
        )
        if status != 0:
            raise SystemExit(f"bare mkdocs build failed (exit {status}):\n{stderr[-3000:]}")
        bare_site = floor / "site"
        result["bare_build_s"], result["bare_cpu_s"], result["bare_peak_mb"] = seconds, cpu, rss / 1024
        result["bare_site_mb"] = _tree_size(bare_site)[0] / 1e6
        result["bare_search_index_mb"] = (bare_site / "search" / "search_index.json").stat().st_size / 1e6
        bare_page = bare_site / "pages" / f"page-{PROBE:06d}" / "index.html"
        result["bare_page_kb"] = bare_page.stat().st_size / 1000
        result["build_vs_bare"] = result["build_cpu_s"] / result["bare_cpu_s"]
        result["build_vs_bare_wall"] = result["build_s"] / result["bare_build_s"]
        result["peak_vs_bare"] = result["build_peak_mb"] / result["bare_peak_mb"]
        shutil.rmtree(floor, ignore_errors=True)
    if hugo and hugo_binary() is not None:
        result.update(hugo_times(project, work / f"hugo-{n}", serve if hugo_serve is None else hugo_serve))
    shutil.rmtree(project, ignore_errors=True)
    return result


def ablation(n: int, work: Path, repeats: int = 3) -> list[dict[str, Any]]:
    """Cold builds at ``n`` with each speed-up turned off in turn (tests/benchmark/ablate.py), ``repeats`` rounds
    with the pieces in a new order each round (so that a change of the machine's load falls on all of them), and
    whether the site is the one built with all of them. Per piece, the median of: the CPU seconds of the build
    and its workers (what it costs), the CPU seconds of the build process alone (its wall time on a machine with
    an idle core per worker: what the workers save), wall seconds and peak memory."""
    from tests.benchmark.ablate import PIECES

    project = setup_project(work / f"ablate-{n}", n)
    config = str(project / "mkdocs.yml")
    reference = project / "site-none"
    runs: dict[str, list[dict[str, float]]] = {piece: [] for piece in PIECES}
    identical: dict[str, bool] = {}
    for round_ in range(repeats):
        pieces = PIECES[round_ % len(PIECES) :] + PIECES[: round_ % len(PIECES)]
        if round_ == 0:
            pieces = PIECES  # the reference site first
        for piece in pieces:
            shutil.rmtree(project / ".cache", ignore_errors=True)
            site = project / f"site-{piece}"
            command = [sys.executable, "-m", "tests.benchmark.ablate", piece, "-q", "-f", config]
            seconds, status, rss, stderr, cpu = _run([*command, "-d", str(site)], cwd=REPO)
            if status != 0:
                raise SystemExit(f"build without {piece} failed (exit {status}):\n{stderr[-3000:]}")
            own = json.loads(stderr.strip().splitlines()[-1])
            runs[piece].append(
                {"wall_s": seconds, "cpu_s": cpu, "self_cpu_s": own["self_cpu_s"], "peak_mb": rss / 1024}
            )
            if piece not in identical:
                identical[piece] = True if piece == "none" else _same_tree(reference, site)
            if piece != "none":
                shutil.rmtree(site, ignore_errors=True)
            print(json.dumps({"incidents": n, "off": piece, **runs[piece][-1]}), file=sys.stderr, flush=True)
    rows = []
    for piece in PIECES:
        row: dict[str, Any] = {
            "incidents": n,
            "off": piece,
            "repeats": repeats,
            "identical": identical[piece],
        }
        for measure in ("cpu_s", "self_cpu_s", "wall_s", "peak_mb"):
            values = sorted(run[measure] for run in runs[piece])
            row[measure] = values[len(values) // 2]
            row[f"{measure}_all"] = [round(v, 2) for v in values]
        rows.append(row)
    shutil.rmtree(project, ignore_errors=True)
    return rows


def hugo_times(project: Path, where: Path, serve: int) -> dict[str, Any]:
    """Hugo building (and serving) the same incident files (tests/benchmark/hugo.py): the reference."""
    site = setup_hugo(where, project)
    public = where / "public"
    seconds, status, rss, stderr, cpu = _run(hugo_build_command(site, public))
    if status != 0:
        raise SystemExit(f"hugo build failed (exit {status}):\n{stderr[-3000:]}")
    result: dict[str, Any] = {"hugo_build_s": seconds, "hugo_cpu_s": cpu, "hugo_peak_mb": rss / 1024}
    result["hugo_site_mb"] = _tree_size(public)[0] / 1e6
    if serve:
        probe, day = incident_id(PROBE)
        incident = project / "content" / "incidents" / day.strftime("%Y") / f"{probe}.md"
        result.update(measure_hugo_serve(site, project, incident, serve))
    shutil.rmtree(where, ignore_errors=True)
    return result


def check_again(project: Path, probe: Path | None = None) -> dict[str, float]:
    """``faultlines check`` after one file changed, with the cache the last check left (.cache/fault-lines)."""
    if probe is None:
        edit_probe(project)
    else:
        probe.write_text(probe.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    try:
        seconds, status, _, stderr, cpu = _run([sys.executable, "-m", "generator", "check", str(project)])
    finally:
        if probe is None:
            edit_probe(project, "tags: [edited]", "tags: [synthetic]")
        else:
            probe.write_text(probe.read_text(encoding="utf-8")[:-1], encoding="utf-8")
    if status != 0:
        raise SystemExit(f"faultlines check failed after one change (exit {status}):\n{stderr[-2000:]}")
    return {"check_one_change_s": seconds, "check_one_change_cpu_s": cpu}


def measure_real(work: Path, serve: int) -> dict[str, Any]:
    """The real record (this repository's content/, timeline/ and mkdocs.yml): check, check after one change,
    and the edit-to-preview latency of a real ``mkdocs serve``."""
    project = work / "real"
    shutil.rmtree(project, ignore_errors=True)
    # a clone, as a contributor has it: the incident pages show each file's history (one git log and every
    # version's text), which a copy without git would skip
    # (without a checkout: the files are this tree's, and the code is this tree's, imported through PYTHONPATH;
    # a checked-out generator/ in the project would be imported first by `python -m mkdocs`)
    cloned = (REPO / ".git").exists() and subprocess.run(
        ["git", "clone", "-q", "--local", "--no-checkout", str(REPO), str(project)], check=False
    ).returncode == 0
    project.mkdir(parents=True, exist_ok=True)  # no git here: a copy of the files, without history
    for folder in ("content", "timeline"):
        shutil.copytree(REPO / folder, project / folder, dirs_exist_ok=True)
    for name in ("mkdocs.yml", "CONTRIBUTING.md"):
        shutil.copy(REPO / name, project / name)
    incidents = sorted((project / "content" / "incidents").rglob("*.md"))
    result: dict[str, Any] = {"incidents": len(incidents), "record": "real", "git_history": cloned}
    seconds, status, _, stderr, cpu = _run([sys.executable, "-m", "generator", "check", str(project)])
    if status != 0:
        raise SystemExit(f"faultlines check failed on the real record (exit {status}):\n{stderr[-2000:]}")
    result["check_s"], result["check_cpu_s"] = seconds, cpu
    probe = incidents[-1]
    result.update(check_again(project, probe))
    if serve:
        with socket.socket() as probe_socket:
            probe_socket.bind(("127.0.0.1", 0))
            port = probe_socket.getsockname()[1]
        from tests.benchmark.serve import measure_serve

        result.update(
            measure_serve(project, probe, f"incidents/{probe.stem}/", edits=serve, port=port, code=REPO)
        )
    shutil.rmtree(project, ignore_errors=True)
    return result


def edit_probe(project: Path, old: str = "tags: [synthetic]", new: str = "tags: [edited]") -> None:
    """Change one tag of the probe incident (its page, the tag's pages and the exports change)."""
    target = project / "content" / "incidents" / incident_id(PROBE)[1].strftime("%Y")
    path = target / f"{incident_id(PROBE)[0]}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def warm_builds(project: Path, site: Path, verify: bool = False) -> dict[str, Any]:
    """``mkdocs build`` again with the cache the cold build left (``.cache/fault-lines``): unchanged, then after
    one incident's change (each into an empty folder, as the cold build); the cache's size; whether the warm
    site is the cold one, byte for byte; with ``verify``, whether the site after the change is the one a build
    without the cache makes of the changed tree (one more cold build)."""
    cache = project / ".cache" / "fault-lines"
    result: dict[str, Any] = {"cache_mb": _tree_size(cache)[0] / 1e6 if cache.is_dir() else 0.0}
    result["cache_files"] = _tree_size(cache)[1] if cache.is_dir() else 0
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")]
    warm = project / "site-warm"
    seconds, status, rss, stderr, cpu = _run([*command, "-d", str(warm)])
    if status != 0:
        raise SystemExit(f"warm mkdocs build failed (exit {status}):\n{stderr[-3000:]}")
    result["warm_build_s"], result["warm_build_cpu_s"], result["warm_peak_mb"] = seconds, cpu, rss / 1024
    result["warm_identical"] = _same_tree(site, warm)
    shutil.rmtree(warm, ignore_errors=True)
    edit_probe(project)
    try:
        seconds, status, rss, stderr, cpu = _run([*command, "-d", str(warm)])
        if status != 0:
            raise SystemExit(f"warm mkdocs build failed (exit {status}):\n{stderr[-3000:]}")
        result["warm_one_change_s"], result["warm_one_change_cpu_s"] = seconds, cpu
        result["warm_one_change_peak_mb"] = rss / 1024
        if verify:  # the changed tree built without the cache
            config = (project / "mkdocs.yml").read_text(encoding="utf-8")
            uncached = project / "mkdocs-uncached.yml"
            uncached.write_text(config.replace(PLUGIN_MARKER, PLUGIN_MARKER + "      cache: false\n"))
            fresh = project / "site-fresh"
            status = _run(
                [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(uncached), "-d", str(fresh)]
            )[1]
            if status != 0:
                raise SystemExit("mkdocs build without the cache failed")
            result["warm_one_change_identical"] = _same_tree(fresh, warm)
            shutil.rmtree(fresh, ignore_errors=True)
    finally:
        edit_probe(project, "tags: [edited]", "tags: [synthetic]")
    shutil.rmtree(warm, ignore_errors=True)
    return result


def _same_tree(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    return files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()) and all(
        (a / f).read_bytes() == (b / f).read_bytes() for f in files
    )


def serve_times(project: Path, edits: int) -> dict[str, Any]:
    """Edit-to-preview latency and memory of a real ``mkdocs serve`` (tests/benchmark/serve.py)."""
    from tests.benchmark.serve import measure_serve

    probe, day = incident_id(PROBE)
    incident = project / "content" / "incidents" / day.strftime("%Y") / f"{probe}.md"
    with socket.socket() as probe_socket:  # a free loopback port
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    return measure_serve(project, incident, f"incidents/{probe}/", edits=edits, port=port, code=REPO)


def rebuild_times(project: Path) -> dict[str, float]:
    """What ``mkdocs serve`` does after a save: build, touch one incident, build again with the same plugins.

    Run in a child process (``--rebuild ROOT``): MkDocs keeps plugin instances across serve rebuilds, so the
    second build reuses the plugin's cache of parsed files. Wall and CPU seconds of both builds."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    times: dict[str, float] = {}
    for label in ("first", "rebuild"):
        if label == "rebuild":
            target = project / "content" / "incidents" / incident_id(PROBE)[1].strftime("%Y")
            path = target / f"{incident_id(PROBE)[0]}.md"
            path.write_text(path.read_text(encoding="utf-8").replace("tags: [synthetic]", "tags: [edited]"))
        c0, t0 = time.process_time(), time.perf_counter()
        build(config, serve_url=None)
        times[f"{label}_build_s"] = time.perf_counter() - t0
        times[f"{label}_build_cpu_s"] = time.process_time() - c0
    config.plugins.on_shutdown()
    return times


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    from importlib.metadata import version

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) / 1024 / 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(memory, 1),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "material": version("mkdocs-material"),
        "pydantic": version("pydantic"),
        "pyyaml": version("pyyaml"),
        "hugo": hugo_version(),
    }


COLUMNS = [
    ("incidents", "N", "{:d}"),
    ("check_s", "check s", "{:.2f}"),
    ("check_cpu_s", "check CPU s", "{:.2f}"),
    ("check_one_change_cpu_s", "check, 1 change CPU s", "{:.2f}"),
    ("pipeline_cpu_s", "pipeline CPU s", "{:.2f}"),
    ("build_s", "build s", "{:.1f}"),
    ("build_cpu_s", "build CPU s", "{:.1f}"),
    ("bare_build_s", "bare s", "{:.1f}"),
    ("bare_cpu_s", "bare CPU s", "{:.1f}"),
    ("build_vs_bare_wall", "×bare (wall)", "{:.2f}"),
    ("build_vs_bare", "×bare (CPU)", "{:.2f}"),
    ("build_peak_mb", "peak MB", "{:.0f}"),
    ("peak_vs_bare", "peak ÷ bare", "{:.2f}"),
    ("bare_peak_mb", "bare peak MB", "{:.0f}"),
    ("warm_build_s", "warm s", "{:.1f}"),
    ("warm_build_cpu_s", "warm CPU s", "{:.1f}"),
    ("warm_one_change_s", "warm, 1 change s", "{:.1f}"),
    ("warm_one_change_cpu_s", "its CPU s", "{:.1f}"),
    ("warm_vs_cold_cpu", "÷ cold (CPU)", "{:.2f}"),
    ("warm_peak_mb", "warm peak MB", "{:.0f}"),
    ("hugo_build_s", "Hugo s", "{:.1f}"),
    ("hugo_cpu_s", "Hugo CPU s", "{:.1f}"),
    ("hugo_peak_mb", "Hugo peak MB", "{:.0f}"),
    ("hugo_serve_latency_s", "hugo server edit→page s", "{:.2f}"),
    ("hugo_serve_site_latency_s", "hugo server edit→list s", "{:.2f}"),
    ("cache_mb", "cache MB", "{:.0f}"),
    ("serve_latency_s", "serve edit→page s", "{:.2f}"),
    ("serve_page_cpu_s", "its CPU s", "{:.2f}"),
    ("serve_site_latency_s", "serve edit→timeline s", "{:.2f}"),
    ("serve_rebuild_cpu_s", "its CPU s", "{:.2f}"),
    ("serve_startup_s", "serve start s", "{:.1f}"),
    ("serve_peak_mb", "serve peak MB", "{:.0f}"),
    ("site_mb", "site MB", "{:.1f}"),
    ("search_index_mb", "search MB", "{:.1f}"),
    ("search_index_summary_mb", "search MB (summary)", "{:.1f}"),
    ("build_summary_s", "build s (summary)", "{:.1f}"),
    ("incident_page_kb", "page KB", "{:.1f}"),
    ("bare_page_kb", "bare page KB", "{:.1f}"),
]


def table(results: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    columns = [c for c in COLUMNS if any(c[0] in r for r in results)]
    lines = ["| " + " | ".join(title for _, title, _ in columns) + " |"]
    lines.append("|" + "|".join("---:" for _ in columns) + "|")
    for r in results:
        cells = [fmt.format(r[key]) if key in r else "–" for key, _, fmt in columns]
        if r.get("record") == "real":
            cells[0] += " (real)"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmark.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="1000,5000", help="comma-separated incident counts")
    parser.add_argument("--out", type=Path, default=Path("bench-results/bench.json"))
    parser.add_argument("--no-bare", action="store_true", help="skip the bare MkDocs floor")
    parser.add_argument(
        "--no-hugo", action="store_true", help="skip Hugo (skipped anyway when not installed)"
    )
    parser.add_argument(
        "--verify-warm",
        action="store_true",
        help="also build the changed tree without the cache and compare it with the warm build's site",
    )
    parser.add_argument("--no-real", action="store_true", help="skip the real record's check and serve row")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--rebuild", type=int, metavar="N", help="only time a serve-style rebuild at N")
    parser.add_argument(
        "--summary-index",
        action="store_true",
        help="also build with search_index: summary: its time and its index size",
    )
    parser.add_argument(
        "--serve-edits",
        type=int,
        default=5,
        metavar="K",
        help="edits timed under a real mkdocs serve --dirty, as make serve runs it (0: none; FL_SERVE_PLAIN=1: plain serve)",
    )
    parser.add_argument(
        "--hugo-serve-edits",
        type=int,
        metavar="K",
        help="edits timed under hugo server (default: as many as --serve-edits)",
    )
    parser.add_argument(
        "--ablate",
        action="store_true",
        help="only build cold and warm with each speed-up turned off in turn (tests/benchmark/ablate.py)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="rounds of --ablate (medians are reported)")
    args = parser.parse_args(argv)
    if args.ablate:
        work = args.work or Path(tempfile.mkdtemp(prefix="fl-ablate-"))
        rows = []
        for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
            rows += ablation(n, work, args.repeats)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            report = {"machine": machine(), "load_average": os.getloadavg(), "ablation": rows}
            args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if args.rebuild:
        with tempfile.TemporaryDirectory(prefix="fl-rebuild-") as folder:
            times = rebuild_times(setup_project(Path(folder), args.rebuild))
        print(json.dumps({"incidents": args.rebuild, **times}, indent=2))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="fl-bench-"))
    results = []
    try:
        if not args.no_real:
            print("measuring the real record ...", file=sys.stderr, flush=True)
            results.append(measure_real(work, args.serve_edits))
            print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
        for n in sizes:
            print(f"measuring N={n} ...", file=sys.stderr, flush=True)
            results.append(
                measure(
                    n,
                    work,
                    bare=not args.no_bare,
                    summary=args.summary_index,
                    serve=args.serve_edits,
                    hugo=not args.no_hugo,
                    verify=args.verify_warm,
                    hugo_serve=args.hugo_serve_edits,
                )
            )
            print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
            _write(args.out, results)  # after every size, so a long run that stops keeps what it measured
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report = _write(args.out, results)
    print(table(results))
    print(f"\nmachine: {json.dumps(report['machine'])}\nwritten to {args.out}")
    return 0


def _write(out: Path, results: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON report: the machine, its load average now, every result and the scaling ratios."""
    report: dict[str, Any] = {"machine": machine(), "load_average": os.getloadavg(), "results": results}
    synthetic = [r for r in results if r.get("record") != "real"]
    if len(synthetic) > 1:
        first, last = synthetic[0], synthetic[-1]
        report["scaling"] = {
            "sizes": [first["incidents"], last["incidents"]],
            "build_cpu_ratio": last["build_cpu_s"] / first["build_cpu_s"],
            "check_cpu_ratio": last["check_cpu_s"] / first["check_cpu_s"],
        }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    raise SystemExit(main())
