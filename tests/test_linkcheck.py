"""``sources --check-links`` reaches only public http(s) addresses, within a total time per URL, and says
"network unavailable" when offline (issue 19, item 9). Servers run on 127.0.0.1, which the checker reaches
only under its test-only switch; names are pointed at private addresses by a patched resolver."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import incident_path, minimal_files, run_cli, valid_incident, valid_source, write_tree

from generator import sources
from generator.pipeline import run
from generator.sources import ALLOW_LOOPBACK_ENV, check_url

REQUESTS: list[str] = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self) -> None:
        REQUESTS.append(self.path)
        port = self.server.server_address[1]
        targets = {
            "/to-metadata": "http://169.254.169.254/latest/meta-data/",
            "/to-private": "http://10.1.2.3/admin",
            "/to-ftp": "ftp://example.org/file",
            "/to-loopback-name": f"http://localhost:{port}/live",
            "/loop": "/loop",
            "/to-live": "/live",
        }
        if self.path in targets:
            self.send_response(302)
            self.send_header("Location", targets[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/drip":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.wfile.flush()
            for _ in range(40):  # one header byte every 0.25 s: 10 s in all
                try:
                    self.wfile.write(b"X")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.25)
        else:
            self.send_response(200 if self.path == "/live" else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    REQUESTS.clear()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_loopback_is_refused_without_the_test_switch(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_LOOPBACK_ENV, raising=False)
    ok, status, reason = check_url(f"{server}/live", 2)
    assert (ok, status) == (False, 0) and reason == "refused: 127.0.0.1 is not a public address (127.0.0.1)"
    assert REQUESTS == []  # nothing was sent
    assert check_url(f"{server}/live", 2, allow_loopback=True) == (True, 200, "OK")


@pytest.mark.parametrize(
    ("address", "host"),
    [("10.0.0.5", "intranet.example"), ("169.254.169.254", "metadata.example"), ("192.168.1.1", "router.example"),
     ("::1", "six.example"), ("fe80::1", "link.example"), ("0.0.0.0", "zero.example"), ("100.64.0.1", "cgnat.example")],
)  # fmt: skip
def test_names_that_resolve_inside_are_refused(
    monkeypatch: pytest.MonkeyPatch, address: str, host: str
) -> None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def resolve(name: str, port: int, *args: object, **kwargs: object) -> list:
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    ok, _, reason = check_url(f"https://{host}/page", 2, allow_loopback=False)
    assert not ok and reason.startswith(f"refused: {host} is not a public address")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/to-metadata", "refused: 169.254.169.254 is not a public address"),
        ("/to-private", "refused: 10.1.2.3 is not a public address"),
        ("/to-ftp", "refused: not an http(s) URL (ftp://example.org/file)"),
        ("/loop", "more than 5 redirects"),
    ],
)
def test_every_redirect_is_checked_again(server: str, path: str, expected: str) -> None:
    ok, _, reason = check_url(f"{server}{path}", 3, allow_loopback=True)
    assert not ok and reason.startswith(expected), reason
    assert check_url(f"{server}/to-live", 3, allow_loopback=True) == (True, 200, "OK")


def test_a_dripping_server_cannot_hold_a_url_past_its_time(server: str) -> None:
    """One byte every 2 s held a URL 41 s past a 3 s time-out: the time-out is now the URL's total."""
    started = time.monotonic()
    ok, status, reason = check_url(f"{server}/drip", 1.0, allow_loopback=True)
    elapsed = time.monotonic() - started
    assert (ok, status, reason) == (False, 0, "timed out after 1 s")
    assert elapsed < 3.0  # the server drips for 10 s; a loaded machine may add a little to the 1 s


def test_offline_says_network_unavailable(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline, every one of the links was reported dead and the command failed."""

    def offline(*args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    write_tree(tmp_path, minimal_files())
    status, out, err = run_cli("sources", str(tmp_path), "--check-links", "--timeout", "1")
    assert status == 2
    assert "dead:" not in out
    assert (
        err.startswith("faultlines sources: network unavailable: none of the ")
        and "no link was marked dead" in err
    )


def test_one_unresolvable_host_among_reachable_ones_is_dead(
    server: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv(ALLOW_LOOPBACK_ENV, "1")
    files = minimal_files()
    files[incident_path("2025-12-09-joint-bomber-patrol")] = valid_incident(
        sources=[valid_source(1, url=f"{server}/live"), valid_source(2, url="https://no-such-host.invalid/x")]
    )
    write_tree(tmp_path, files)
    chronology = run(tmp_path).chronology
    assert chronology is not None
    uses = {url: use for url, use in sources.link_uses(chronology).items() if "mod.go.jp" not in url}
    results = {r.url: r for r in sources.check_links(uses, timeout=2)}
    assert results[f"{server}/live"].ok
    assert not results["https://no-such-host.invalid/x"].ok
