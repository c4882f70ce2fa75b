"""The measuring server answers as GitHub Pages does: gzip when the browser accepts it, the folder's index.html,
a slash redirect, the site's 404 page with status 404."""

from __future__ import annotations

import gzip
import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pages_server import accepts_gzip, serving

HTML = "<!doctype html><title>Home</title>" + "<p>Incident 釣魚島</p>" * 200


@pytest.fixture
def base(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "index.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "timeline").mkdir()
    (tmp_path / "timeline" / "index.html").write_text("<p>timeline</p>" * 50, encoding="utf-8")
    (tmp_path / "style.css").write_text("body { color: red }\n" * 50, encoding="utf-8")
    (tmp_path / "card.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "404.html").write_text("<p>Not here</p>", encoding="utf-8")
    with serving(tmp_path) as url:
        yield url


def get(base: str, path: str, encoding: str | None = "gzip, deflate, br", method: str = "GET"):  # type: ignore[no-untyped-def]
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Accept-Encoding": encoding} if encoding is not None else {}
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_html_is_gzipped_when_the_browser_accepts_it(base: str) -> None:
    response, body = get(base, "/")
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert int(response.getheader("Content-Length")) == len(body) < len(HTML.encode()) / 5
    assert gzip.decompress(body).decode() == HTML
    assert response.getheader("Cache-Control") == "max-age=600"


@pytest.mark.parametrize("encoding", [None, "identity", "br", "gzip;q=0", "*;q=0"])
def test_plain_when_gzip_is_not_accepted(base: str, encoding: str | None) -> None:
    response, body = get(base, "/", encoding)
    assert response.getheader("Content-Encoding") is None
    assert body.decode() == HTML


def test_css_is_gzipped_and_images_are_not(base: str) -> None:
    response, body = get(base, "/style.css")
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body).decode().startswith("body { color: red }")
    response, body = get(base, "/card.png")
    assert response.getheader("Content-Encoding") is None
    assert body.startswith(b"\x89PNG")


def test_folders_redirect_to_their_slash_and_serve_index_html(base: str) -> None:
    response, _ = get(base, "/timeline?year=2025")
    assert response.status == 301
    assert response.getheader("Location") == "/timeline/?year=2025"
    response, body = get(base, "/timeline/?year=2025")
    assert response.status == 200
    assert gzip.decompress(body).decode().startswith("<p>timeline</p>")


def test_a_missing_file_gets_the_404_page_with_status_404(base: str) -> None:
    response, body = get(base, "/nowhere/", encoding=None)
    assert response.status == 404
    assert body.decode() == "<p>Not here</p>"


def test_head_sends_the_headers_without_a_body(base: str) -> None:
    response, body = get(base, "/style.css", method="HEAD")
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert int(response.getheader("Content-Length")) > 0
    assert body == b""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*;q=0", False),
        ("identity", False),
        ("", False),
        (None, False),
        ("gzip;q=oops", False),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected
