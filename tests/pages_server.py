"""Serve a built site as GitHub Pages does, for measuring it: text files gzip-compressed when the browser
accepts gzip (with ``Vary: Accept-Encoding``), ``Cache-Control: max-age=600``, a folder's ``index.html``, a
301 to the folder's URL with a slash, and the site's ``404.html`` with status 404 for a missing file.

Lighthouse on Python's plain ``http.server`` (no compression) would measure a site nobody visits: the timeline
page is 370 KB as written and about 60 KB as GitHub Pages sends it.

    python -m tests.pages_server SITE_DIR [--port 8000] [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from io import BytesIO
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

# what GitHub Pages (Fastly) compresses: text, and the text-based formats a static site serves
COMPRESSED_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/manifest+json",
    "image/svg+xml",
    "text/calendar",
)
MAX_AGE = 600  # seconds, as GitHub Pages sends


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip ("gzip;q=0" refuses it; "*" allows it)."""
    allowed: dict[str, float] = {}
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name.strip():
            allowed[name.strip().lower()] = quality
    if "gzip" in allowed:
        return allowed["gzip"] > 0
    return allowed.get("*", 0) > 0


def compressible(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower().startswith(COMPRESSED_TYPES)


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """GET and HEAD of a site folder, answered as GitHub Pages answers them."""

    # (path, size, mtime) -> gzip body: each file is compressed once, as a CDN caches it
    _cache: ClassVar[dict[tuple[str, int, int], bytes]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> BytesIO | None:  # type: ignore[override]
        url = urlsplit(self.path)
        path = self.translate_path(url.path)
        if os.path.isdir(path):
            if not unquote(url.path).endswith("/"):
                self.send_response(301)
                self.send_header("Location", url.path + "/" + (f"?{url.query}" if url.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = os.path.join(path, "index.html")
        status = 200
        if not os.path.isfile(path):
            status = 404
            path = os.path.join(self.directory, "404.html")
            if not os.path.isfile(path):
                self.send_error(404, "File not found")
                return None
        content_type = self.guess_type(path)
        body = Path(path).read_bytes()
        gzipped = compressible(content_type) and accepts_gzip(self.headers.get("Accept-Encoding"))
        if gzipped:
            body = self._gzip(path, body)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", f"max-age={MAX_AGE}")
        if compressible(content_type):
            self.send_header("Vary", "Accept-Encoding")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        return BytesIO(body)

    def _gzip(self, path: str, body: bytes) -> bytes:
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            cached = gzip.compress(body, compresslevel=6, mtime=0)
            with self._lock:
                self._cache[key] = cached
        return cached

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        kind = super().guess_type(path)
        if kind.startswith("text/") or kind in (
            "application/javascript",
            "application/json",
            "image/svg+xml",
        ):
            return kind + "; charset=utf-8"
        return kind


@contextmanager
def serving(site: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``site`` in a background thread; yields its base URL (``http://host:port/``)."""
    handler = lambda *args, **kwargs: PagesHandler(*args, directory=str(site), **kwargs)  # noqa: E731
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site folder (mkdocs build's site/)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} has no index.html: build the site first (make site)")
    with serving(args.site, args.host, args.port) as url:
        print(f"serving {args.site} at {url} (gzip, as GitHub Pages); Ctrl+C stops", flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
