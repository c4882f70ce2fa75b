"""Pages built by forked worker processes (generator/page_workers.py) make the same site as pages built by MkDocs
alone: every file byte for byte, the search index included; a worker's warning still fails a strict build; a
worker that dies leaves its pages to the build."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from helpers import minimal_files, write_tree
from mkdocs_project import build_env, mkdocs_build
from test_site import copy_site_sources

from generator.mkdocs_plugin import FaultLinesPlugin
from generator.page_workers import _own_share, known_plugins
from generator.render.parallel import usable_processes

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(usable_processes(1) == 0 and sys.platform == "darwin", reason="no safe fork here"),
]


def with_processes(root: Path, processes: int) -> str:
    """A copy of the project's mkdocs.yml asking for ``processes`` workers; its file name."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    [options] = [entry["fault-lines"] for entry in config["plugins"] if "fault-lines" in entry]
    options["processes"] = processes
    options["cache"] = False  # every page built, each time (the page cache is tested in test_page_cache.py)
    name = f"mkdocs-{processes}.yml"
    (root / name).write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return name


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("workers") / "project", minimal_files())
    copy_site_sources(root)  # the site's own pages, those about the real chronology left out: no warnings
    return root


def test_pages_built_by_workers_are_the_pages_mkdocs_builds(project: Path, tmp_path: Path) -> None:
    alone = mkdocs_build(project, "-f", with_processes(project, 0), "-d", str(tmp_path / "alone"))
    shared = mkdocs_build(project, "-f", with_processes(project, 1), "-d", str(tmp_path / "shared"))
    assert "built by" not in alone.stderr
    # the workers really built pages: MkDocs only wrote them
    [(built, pages)] = re.findall(r"(\d+) of (\d+) pages built by 1 worker process\b", shared.stderr)
    built, pages = int(built), int(pages)
    assert pages > 20 and built == pages - int(pages * _own_share(1))  # the first share is built as usual
    expected, actual = site_files(tmp_path / "alone"), site_files(tmp_path / "shared")
    assert list(actual) == list(expected) and len(expected) > 50
    assert [path for path in expected if expected[path] != actual[path]] == []
    assert b'"docs":[{' in actual["search/search_index.json"]


SCRIPT = """
import logging, os, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
import generator.page_workers as workers

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
parent = os.getpid()
{patch}
config = load_config("mkdocs.yml", site_dir=sys.argv[1], strict={strict})
config.plugins["fault-lines"].config.processes = 1
config.plugins["fault-lines"].config.cache = False
config.plugins.on_startup(command="build", dirty=False)
try:
    build(config)
except Abort as abort:
    print("ABORTED", abort)
import gc
print("FROZEN", gc.get_freeze_count())  # the build unfreezes what it froze for its duration
"""


# a patch for run_build: tasks of {chunk} pages, each taking {seconds} s longer in the worker
SLOW_WORKER = """
import time
workers._CHUNK = {chunk}
build_chunk = workers._build_chunk
def slow(start, stop):
    time.sleep({seconds})
    return build_chunk(start, stop)
workers._build_chunk = slow
"""
# a patch for run_build: says on stdout each time the build takes a task back from the workers
COUNT_TAKEN_BACK = """
steal_last = workers.PageWorkers._steal_last
def counted(self, after):
    taken = steal_last(self, after)
    print("TAKEN BACK" if taken else "NOTHING LEFT", flush=True)
    return taken
workers.PageWorkers._steal_last = counted
"""


def run_build(
    project: Path, site: Path, patch: str, strict: bool = False, count_taken_back: bool = False
) -> subprocess.CompletedProcess[str]:
    """Build ``project`` in a fresh interpreter with one worker, after running ``patch``."""
    patch = textwrap.dedent(patch) + (COUNT_TAKEN_BACK if count_taken_back else "")
    script = SCRIPT.format(patch=patch, strict=strict)
    return subprocess.run(
        [sys.executable, "-c", script, str(site)],
        cwd=project,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def same_site_as_alone(
    project: Path, tmp_path: Path, patch: str, **options: bool
) -> subprocess.CompletedProcess[str]:
    """Build with one worker after ``patch`` and require the site built without workers; the build's output."""
    mkdocs_build(project, "-f", with_processes(project, 0), "-d", str(tmp_path / "alone"))
    done = run_build(project, tmp_path / "shared", patch, **options)
    assert done.returncode == 0 and "ABORTED" not in done.stdout, done.stdout + done.stderr
    expected, actual = site_files(tmp_path / "alone"), site_files(tmp_path / "shared")
    assert list(actual) == list(expected)
    assert [path for path in expected if expected[path] != actual[path]] == []
    return done


def test_a_worker_that_dies_leaves_its_pages_to_the_build(project: Path, tmp_path: Path) -> None:
    done = same_site_as_alone(
        project,
        tmp_path,
        """
        build_chunk = workers._build_chunk
        def dying(start, stop):
            if start == 0:
                os._exit(3)  # the first task's worker dies: the pool breaks, every page is built here
            return build_chunk(start, stop)
        workers._build_chunk = dying
        """,
    )
    assert re.search(r"\b0 of \d+ pages built by 1 worker process", done.stderr), done.stderr


def test_this_process_takes_back_the_tasks_a_slow_worker_has_not_started(
    project: Path, tmp_path: Path
) -> None:
    done = same_site_as_alone(
        project,
        tmp_path,
        SLOW_WORKER.format(chunk=2, seconds=0.4),
        count_taken_back=True,
    )
    assert "TAKEN BACK" in done.stdout, done.stdout
    assert "FROZEN 0" in done.stdout


def test_pages_taken_back_while_a_navigation_page_is_being_built_are_built_as_alone(
    project: Path, tmp_path: Path
) -> None:
    # MkDocs marks the page it is building (and its sections) active, which the theme's navigation shows: the
    # pages taken back meanwhile must not see that page as active
    done = same_site_as_alone(
        project,
        tmp_path,
        """
        import time
        workers._CHUNK = 1
        build_pages = workers._build_pages
        def slow_on_places(job, start, stop, *rest):
            if os.getpid() != parent and job.pages[start].file.src_uri == "places/index.md":
                print("SLOWED", flush=True)
                time.sleep(3)
            return build_pages(job, start, stop, *rest)
        workers._build_pages = slow_on_places
        """,
        count_taken_back=True,
    )
    assert "SLOWED" in done.stdout and "TAKEN BACK" in done.stdout, done.stdout


def test_a_page_that_fails_in_a_task_taken_back_is_left_to_mkdocs(project: Path, tmp_path: Path) -> None:
    # the pages before it keep what was built for them; it and the rest are built by MkDocs at their turn
    done = same_site_as_alone(
        project,
        tmp_path,
        SLOW_WORKER.format(chunk=4, seconds=1)
        + textwrap.dedent("""
        get_context = workers.get_context
        failed = set()
        def fails_once_here(nav, files, config, page):
            if os.getpid() == parent and page.file.src_uri not in failed and len(failed) < 2:
                failed.add(page.file.src_uri)
                print("FAILED ONCE", page.file.src_uri, flush=True)
                raise RuntimeError("a transient failure")
            return get_context(nav, files, config, page)
        workers.get_context = fails_once_here
        """),
    )
    assert "FAILED ONCE" in done.stdout, done.stdout


def test_a_warning_logged_in_a_worker_fails_a_strict_build(project: Path, tmp_path: Path) -> None:
    control = run_build(project, tmp_path / "control", "", strict=True)
    assert "ABORTED" not in control.stdout and "pages built by 1 worker process" in control.stderr
    done = run_build(
        project,
        tmp_path / "site",
        """
        get_context = workers.get_context
        def warning_in_worker(nav, files, config, page):
            if os.getpid() != parent:
                logging.getLogger("mkdocs.plugins.test").warning("seen in a worker: %s", page.file.src_uri)
            return get_context(nav, files, config, page)
        workers.get_context = warning_in_worker
        """,
        strict=True,
    )
    assert "ABORTED Aborted with" in done.stdout, done.stdout + done.stderr
    assert "FROZEN 0" in done.stdout
    warned = [line for line in done.stderr.splitlines() if "seen in a worker: " in line]
    # every page the worker built logged its warning once, through the build: none lost, none twice
    [built] = re.findall(r"(\d+) of \d+ pages built by 1 worker process", done.stderr)
    assert len(warned) == len(set(warned)) == int(built) > 0


def test_workers_only_with_plugins_whose_page_events_they_reproduce() -> None:
    from material.plugins.search.plugin import SearchPlugin

    ours = FaultLinesPlugin()
    assert known_plugins(
        SimpleNamespace(plugins={"search": SearchPlugin(), "fault-lines": ours}), FaultLinesPlugin
    )
    other = SimpleNamespace()  # any other plugin (a minifier, a blog, hooks) may keep state across pages
    assert not known_plugins(SimpleNamespace(plugins={"x": other, "fault-lines": ours}), FaultLinesPlugin)


@pytest.mark.parametrize(("command", "dirty"), [("serve", False), ("build", True)])
def test_no_workers_for_serve_or_dirty_builds(command: str, dirty: bool) -> None:
    plugin = FaultLinesPlugin()
    plugin.load_config({"processes": 1})
    plugin.on_startup(command=command, dirty=dirty)
    assert plugin._processes() == (0, False)


# a patch for run_build: after each task, the worker says how much page HTML it still holds for the task's pages
HELD_AFTER_TASK = """
build_chunk = workers._build_chunk
def measured(start, stop):
    built = build_chunk(start, stop)
    held = sum(len(page.content or "") for page in workers._job.pages[start:stop])
    print("HELD", held, flush=True)
    return built
workers._build_chunk = measured
"""


def test_a_worker_lets_go_of_each_page_html_once_built(project: Path, tmp_path: Path) -> None:
    # the build lets go of a page's HTML when it writes the page; a worker, which writes nothing, did not, and
    # held the HTML of every page it built (~300 MB at 10,000 incidents)
    done = same_site_as_alone(project, tmp_path, HELD_AFTER_TASK)
    held = [int(n) for n in re.findall(r"^HELD (\d+)$", done.stdout, re.MULTILINE)]
    assert held and held == [0] * len(held), held


DEFAULT_PROCESSES = """
import logging, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
import generator.mkdocs_plugin as plugin

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
plugin.PARALLEL_MIN_PAGES = 1  # a site of any size would have page workers by the old default
config = load_config("mkdocs.yml", site_dir=sys.argv[1])
config.plugins["fault-lines"].config.processes = None
config.plugins["fault-lines"].config.cache = False
config.plugins.on_startup(command="build", dirty=False)
build(config)
"""


@pytest.mark.skipif(usable_processes() == 0, reason="one core: no workers by default anyway")
def test_no_page_workers_unless_processes_is_set(project: Path, tmp_path: Path) -> None:
    # memory: a page worker ends up with its own copy of most of the build's memory (see on_env)
    done = subprocess.run(
        [sys.executable, "-c", DEFAULT_PROCESSES, str(tmp_path / "site")],
        cwd=project, env=build_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "built by" not in done.stderr and (tmp_path / "site" / "index.html").is_file()
    shared = run_build(project, tmp_path / "shared", "")  # processes: 1
    assert re.search(r"\d+ of \d+ pages built by 1 worker process\b", shared.stderr), shared.stderr
