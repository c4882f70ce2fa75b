"""Live preview that never hangs (issue 16, point 7): a real ``mkdocs serve`` on a loopback port, started on a
tree with an error, answers every request with the errors (path, line, message, the source line) over the page,
and serves the site again by itself once the file is fixed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import incident_path, minimal_files, valid_incident, write_tree
from mkdocs_project import build_env, make_project

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
PATROL = incident_path("2025-12-09-joint-bomber-patrol")
DEADLINE = 180  # seconds for a build of the small fixture on a busy machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 20) -> tuple[int, str]:
    """(status, body); a hanging server fails the test through the timeout."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(condition: object, what: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        assert process.poll() is None, f"mkdocs serve exited while waiting for {what}"
        try:
            if condition():  # type: ignore[operator]
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(params=["--no-strict"])
def served(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    """``mkdocs serve`` of a project whose content has an error (the timeline/ pages link to incidents the fixture
    lacks: strict mode would fail the fixture's clean build, so the recovery test runs without it)."""
    files = minimal_files()
    files[PATROL] = valid_incident(type="joint-patrl")  # an error from the start
    root = make_project(tmp_path / "project", files)
    port = free_port()
    env = build_env(PYTHONPATH=str(REPO))
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "mkdocs"), "serve", request.param, "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield root, f"http://127.0.0.1:{port}/fault-lines/", process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()


def test_serve_shows_the_errors_and_recovers_when_fixed(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    root, base, process = served
    wait_for(lambda: get(base, timeout=5)[0] == 200, "the first page", process)

    status, page = get(base)
    assert status == 200
    assert 'id="fl-serve-errors"' in page and "The content has errors" in page
    assert f"{PATROL}:4:7: error FL203 unknown incident type &#x27;joint-patrl&#x27;" in page or (
        f"{PATROL}:4:7: error FL203 unknown incident type 'joint-patrl'" in page
    )
    assert " 4 | type: joint-patrl" in page  # the source line, and a caret under it
    assert "script-src 'self' 'unsafe-inline'" in page  # the preview's reload script may run

    # a generated page that cannot be built: the 404 page, with the errors, at once (never a hanging request)
    status, missing = get(base + "incidents/2025-12-09-joint-bomber-patrol/")
    assert status == 404 and "The content has errors" in missing
    assert process.poll() is None, "serve must keep running on a broken tree"

    write_tree(root, {PATROL: valid_incident()})  # the fix
    wait_for(lambda: "fl-serve-errors" not in get(base, timeout=5)[1], "the page without errors", process)
    status, incident = get(base + "incidents/2025-12-09-joint-bomber-patrol/")
    assert status == 200 and "fl-serve-errors" not in incident
    assert "Joint bomber patrol over the East China Sea" in incident

    write_tree(root, {PATROL: valid_incident(places=["east-chna-sea"])})  # broken again: the errors come back
    wait_for(lambda: "fl-serve-errors" in get(base, timeout=5)[1], "the errors again", process)
    assert "unknown place" in get(base)[1]


@pytest.mark.parametrize("served", ["--strict"], indirect=True)
def test_serve_under_strict_stays_up_on_a_broken_tree(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    """mkdocs.yml sets strict: true; the content error (and the links to the pages it keeps from being built)
    must not abort the preview."""
    _, base, process = served
    wait_for(lambda: get(base, timeout=5)[0] == 200, "the first page", process)
    assert "The content has errors" in get(base)[1]
    assert process.poll() is None


def test_a_built_site_never_allows_inline_scripts(tmp_path: Path) -> None:
    from mkdocs_project import mkdocs_build

    root = make_project(tmp_path / "project", minimal_files())
    mkdocs_build(root, PYTHONPATH=str(REPO))
    page = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "script-src 'self';" in page and "unsafe-inline'; style-src" not in page
