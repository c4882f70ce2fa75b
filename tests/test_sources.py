"""Source health: archive coverage, aggregator-only incidents, publishers, dead links on pages, and the link
checker against a local HTTP server on 127.0.0.1 (never the internet) with live, dead and slow URLs."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import incident_path, minimal_files, run_cli, valid_incident, valid_source

from generator.pipeline import run
from generator.render.site import render_site
from generator.render.source_health import sources_fragment
from generator.sources import ALLOW_LOOPBACK_ENV, check_links, link_uses, source_report

PATROL = "2025-12-09-joint-bomber-patrol"
RADAR = "2025-12-06-radar-lock-on"
SLOW_SECONDS = 3.0
TIMEOUT = 0.5


def kinds_files(base: str = "https://example.org") -> dict:
    """The minimal project with source kinds and every URL under ``base``: the radar incident rests only on
    aggregators."""
    files = minimal_files()
    files[incident_path(PATROL)] = valid_incident(sources=[
        valid_source(1, kind="official", url=f"{base}/live"),
        valid_source(2, kind="aggregator", url=f"{base}/dead", archive_url=None, publisher="Publisher 1"),
    ])  # fmt: skip
    files[incident_path(RADAR)] = {
        **files[incident_path(RADAR)],
        "sources": [
            valid_source(3, kind="aggregator", url=f"{base}/slow"),
            valid_source(4, kind="aggregator", url=f"{base}/head-refused", archive_url=None),
        ],
    }
    statement = incident_path("2025-12-10-defense-ministry-statement")
    files[statement] = {
        **files[statement],
        "sources": [valid_source(5, url=f"{base}/live?5"), valid_source(6, url=f"{base}/live?6")],
    }
    return files


def chronology(root: Path):
    result = run(root)
    assert result.chronology is not None, result.diagnostics
    return result.chronology


# --- the report -------------------------------------------------------------------------------------------


def test_report_counts_archive_coverage_kinds_and_publishers(tree) -> None:
    report = source_report(chronology(tree(kinds_files())))

    assert report.incidents == 3
    assert (report.overall.sources, report.overall.archived) == (
        6,
        4,
    )  # the statement's two sources have no kind
    assert [(c.key, c.sources, c.archived) for c in report.by_kind] == [
        ("official", 1, 1),
        ("aggregator", 3, 1),
        ("unclassified", 2, 2),
    ]
    assert report.aggregator_only == ((RADAR, incident_path(RADAR)),)
    assert report.publishers[0] == ("Publisher 1", 2)


def test_retracted_incidents_are_left_out(tree) -> None:
    files = kinds_files()
    files[incident_path(RADAR)] = {
        **files[incident_path(RADAR)],
        "status": "retracted",
        "status_note": "Duplicate.",
    }
    report = source_report(chronology(tree(files)))
    assert report.incidents == 2 and report.aggregator_only == ()


def test_cli_prints_the_report(tree) -> None:
    root = tree(kinds_files())
    status, out, _ = run_cli("sources", str(root))
    assert status == 0
    assert "archive coverage: 67% (4 of 6 sources have an archive_url)" in out
    assert f"incidents resting only on aggregators: 1\n  {incident_path(RADAR)}" in out
    assert "  Aggregator         3   33%  (aggregator)\n" in out

    status, out, _ = run_cli("sources", str(root), "--format", "json")
    data = json.loads(out)
    assert data["overall"]["share"] == 0.6667
    assert data["aggregator_only"] == [{"incident": RADAR, "path": incident_path(RADAR)}]


def test_cli_refuses_a_folder_without_content(tmp_path: Path) -> None:
    status, _, err = run_cli("sources", str(tmp_path))
    assert status == 2 and "no content/ folder" in err


def test_methodology_marker_fragment_shows_the_numbers(tree) -> None:
    html = sources_fragment(chronology(tree(kinds_files())), "methodology.md")
    assert "<strong>67%</strong>" in html
    assert (
        '<td>Aggregator <span class="fl-note">(aggregator)</span></td><td class="fl-num">3</td><td class="fl-num">33%</td>'
        in html
    )
    assert f'<a href="../incidents/{RADAR}/">' in html
    assert "\n\n" not in html  # one HTML block for Markdown


def test_plugin_replaces_the_sources_marker(tree) -> None:
    from types import SimpleNamespace

    from generator.mkdocs_plugin import FaultLinesPlugin

    plugin = FaultLinesPlugin()
    plugin.result = run(tree(kinds_files()))
    page = SimpleNamespace(file=SimpleNamespace(generated_by=None, src_uri="methodology.md"))
    config = SimpleNamespace(use_directory_urls=True)
    out = plugin.on_page_markdown(
        "# Method\n\n<!-- fault-lines: sources -->\n", page=page, config=config, files=None
    )
    assert "fl-source-health" in out and "<!-- fault-lines: sources -->" not in out


# --- dead sources on pages --------------------------------------------------------------------------------


def test_dead_source_links_the_archive_copy_first(tree) -> None:
    files = minimal_files()
    files[incident_path(PATROL)] = valid_incident(
        sources=[valid_source(1, url_status="dead"), valid_source(2)]
    )
    page = render_site(chronology(tree(files))).pages[f"incidents/{PATROL}.md"].markdown
    dead = valid_source(1)
    assert (
        f'<a class="fl-archive" href="{dead["archive_url"]}">archived copy</a> '
        f'<span class="fl-host">(web.archive.org)</span>; the original at '
        f'<span class="fl-url" title="{dead["url"]}">mod.go.jp</span> is gone'
    ) in page
    assert f'<a class="fl-url" href="{dead["url"]}"' not in page
    live = valid_source(2)["url"]
    assert (
        f'<a class="fl-url" href="{live}" title="{live}">mod.go.jp</a>' in page
    )  # a live source: original first


# --- the link checker -------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    def _answer(self, body: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
        if path == "/head-refused" and self.command == "HEAD":
            self.send_response(405)
        elif path in ("/live", "/head-refused", "/slow"):
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A server on 127.0.0.1: /live 200, /dead 404, /slow answers after 3 s, /head-refused 405 to HEAD."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv(ALLOW_LOOPBACK_ENV, "1")  # the test-only switch: loopback is refused otherwise
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_link_checker_reports_dead_and_slow_links_with_archives(tree, server: str) -> None:
    uses = link_uses(chronology(tree(kinds_files(server))))
    started = time.monotonic()
    results = {r.url.removeprefix(server): r for r in check_links(uses, concurrency=4, timeout=TIMEOUT)}
    elapsed = time.monotonic() - started

    assert elapsed < SLOW_SECONDS  # the slow URL timed out instead of being waited for
    assert results["/live"].ok and results["/live"].status == 200
    assert results["/head-refused"].ok and results["/head-refused"].status == 200  # GET after a refused HEAD
    assert not results["/dead"].ok and results["/dead"].reason.startswith("HTTP 404")
    assert results["/dead"].archive_url is None
    assert not results["/slow"].ok and results["/slow"].reason == f"timed out after {TIMEOUT:g} s"
    assert results["/slow"].archive_url == valid_source(3)["archive_url"]


def test_concurrency_is_bounded(tree) -> None:
    uses = link_uses(chronology(tree(kinds_files())))
    running, peak = 0, 0
    lock = threading.Lock()

    def checker(url: str, timeout: float) -> tuple[bool, int, str]:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return True, 200, "OK"

    results = check_links(uses, concurrency=2, timeout=1, checker=checker)
    assert len(results) == 6 and peak == 2


def test_cli_check_links_exits_1_and_names_the_fallback(tree, server: str) -> None:
    root = tree(kinds_files(server))
    status, out, _ = run_cli(
        "sources", str(root), "--check-links", "--timeout", str(TIMEOUT), "--concurrency", "4"
    )
    assert status == 1
    assert (
        f"dead: {server}/slow — timed out after 0.5 s\n    archive: {valid_source(3)['archive_url']}" in out
    )
    assert f"dead: {server}/dead — HTTP 404" in out
    assert "    archive: none (add an archive_url)" in out
    assert f"    cited in {incident_path(PATROL)}" in out
    assert "6 links checked: 4 live, 2 dead" in out

    status, out, _ = run_cli(
        "sources", str(root), "--check-links", "--timeout", str(TIMEOUT), "--format", "json"
    )
    links = {link["url"].removeprefix(server): link for link in json.loads(out)["links"]}
    assert links["/dead"]["status"] == 404 and links["/dead"]["newly_dead"] is True
    assert links["/live"]["ok"] is True


def test_links_already_marked_dead_do_not_fail(tree, server: str) -> None:
    files = minimal_files()
    files[incident_path(PATROL)] = valid_incident(sources=[
        valid_source(1, url=f"{server}/dead", url_status="dead"),
        valid_source(2, url=f"{server}/live"),
    ])  # fmt: skip
    for other in (RADAR, "2025-12-10-defense-ministry-statement"):
        files[incident_path(other)] = {**files[incident_path(other)], "sources": [
            valid_source(7, url=f"{server}/live"), valid_source(8, url=f"{server}/live?b")]}  # fmt: skip
    status, out, _ = run_cli("sources", str(tree(files)), "--check-links", "--timeout", "2")
    assert status == 0, out
    assert "(already marked url_status: dead)" in out


def test_bad_options_are_usage_errors(tree) -> None:
    root = tree(kinds_files())
    assert run_cli("sources", str(root), "--concurrency", "0")[0] == 2
    assert run_cli("sources", str(root), "--timeout", "-1")[0] == 2
