"""Source health: archive coverage overall and per kind, incidents resting only on aggregators, publishers by
count, and an HTTP link checker with bounded concurrency and time-outs.

Retracted incidents are left out of every number and of the link check: they are no longer part of the record.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from generator import __version__
from generator.diagnostics import json_text, line_start_text, one_line
from generator.model import Chronology, IncidentRecord

RETRACTED = "retracted"
UNCLASSIFIED = "unclassified"
USER_AGENT = f"fault-lines-linkcheck/{__version__} (+https://github.com/fault-lines/fault-lines)"


# --- the report -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How many sources (of one kind, or all) have an archive copy."""

    key: str
    label: str
    sources: int
    archived: int
    aggregator: bool = False

    @property
    def share(self) -> float:
        """Archived sources as a fraction of all (0.0 when there are none)."""
        return self.archived / self.sources if self.sources else 0.0


@dataclass(frozen=True)
class SourceReport:
    """Everything ``faultlines sources`` reports, and the methodology page shows."""

    incidents: int
    overall: Coverage
    by_kind: tuple[Coverage, ...]
    aggregator_only: tuple[tuple[str, str], ...]  # (incident id, path)
    publishers: tuple[tuple[str, int], ...]  # most sources first
    dead_marked: int = 0  # sources already marked `url_status: dead`
    single_source: tuple[tuple[str, str], ...] = ()  # (incident id, path) of incidents citing one source


def live_incidents(chronology: Chronology) -> list[IncidentRecord]:
    """The incidents that count: every one except the retracted."""
    return [r for r in chronology.incidents if r.data.status != RETRACTED]


def source_report(chronology: Chronology) -> SourceReport:
    """Count sources, archive copies, kinds and publishers over the chronology (pure)."""
    kinds = chronology.vocabulary.source_kinds
    aggregators = {key for key, term in kinds.items() if term.aggregator}
    totals: Counter[str] = Counter()
    archived: Counter[str] = Counter()
    publishers: Counter[str] = Counter()
    aggregator_only = []
    single: list[tuple[str, str]] = []
    dead = 0
    incidents = live_incidents(chronology)
    for record in incidents:
        sources = record.data.sources
        for source in sources:
            kind = source.kind or UNCLASSIFIED
            totals[kind] += 1
            archived[kind] += bool(source.archive_url)
            publishers[source.publisher] += 1
            dead += source.url_status == "dead"
        if aggregators and all(s.kind in aggregators for s in sources):
            aggregator_only.append((record.id, record.path))
        if len(sources) == 1:
            single.append((record.id, record.path))
    by_kind = [
        Coverage(key, term.label, totals[key], archived[key], term.aggregator)
        for key, term in kinds.items()
        if totals[key]
    ]
    if totals[UNCLASSIFIED]:
        by_kind.append(Coverage(UNCLASSIFIED, "No kind given", totals[UNCLASSIFIED], archived[UNCLASSIFIED]))
    overall = Coverage("all", "All sources", sum(totals.values()), sum(archived.values()))
    return SourceReport(
        incidents=len(incidents),
        overall=overall,
        by_kind=tuple(by_kind),
        aggregator_only=tuple(sorted(aggregator_only)),
        publishers=tuple(sorted(publishers.items(), key=lambda item: (-item[1], item[0]))),
        dead_marked=dead,
        single_source=tuple(sorted(single)),
    )


def percent(coverage: Coverage) -> str:
    """``87%`` (``–`` when there is nothing to count)."""
    return f"{coverage.share:.0%}" if coverage.sources else "–"


def format_report_text(report: SourceReport, top: int = 15) -> str:
    """The report as aligned plain text, for the terminal and CI logs."""
    lines = [
        f"{report.overall.sources} sources in {report.incidents} incidents",
        f"archive coverage: {percent(report.overall)} ({report.overall.archived} of {report.overall.sources}"
        " sources have an archive_url)",
    ]
    if report.by_kind:
        lines.append("by kind (sources, share archived):")
        width = max(len(line_start_text(c.label)) for c in report.by_kind)
        for c in report.by_kind:
            tag = "  (aggregator)" if c.aggregator else ""
            lines.append(f"  {line_start_text(c.label):<{width}}  {c.sources:>5}  {percent(c):>4}{tag}")
    lines.append(f"incidents resting only on aggregators: {len(report.aggregator_only)}")
    lines += [f"  {one_line(path)}" for _, path in report.aggregator_only]
    lines.append(f"incidents resting on a single source: {len(report.single_source)}")
    lines += [f"  {one_line(path)}" for _, path in report.single_source]
    if report.dead_marked:
        lines.append(f"sources marked url_status: dead: {report.dead_marked}")
    shown = report.publishers[:top]
    lines.append(f"publishers by count (top {len(shown)} of {len(report.publishers)}):")
    lines += [f"  {count:>5}  {one_line(publisher)}" for publisher, count in shown]
    return "\n".join(lines) + "\n"


def report_json(report: SourceReport) -> dict[str, object]:
    """The report as plain JSON-ready values."""

    def coverage(c: Coverage) -> dict[str, object]:
        return {**asdict(c), "share": round(c.share, 4)}

    return {
        "incidents": report.incidents,
        "overall": coverage(report.overall),
        "by_kind": [coverage(c) for c in report.by_kind],
        "aggregator_only": [{"incident": i, "path": p} for i, p in report.aggregator_only],
        "single_source": [{"incident": i, "path": p} for i, p in report.single_source],
        "publishers": [{"publisher": p, "sources": n} for p, n in report.publishers],
        "dead_marked": report.dead_marked,
    }


# --- link checking ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkUse:
    """Where a URL is cited: which incident file, and the source's archive copy and status there."""

    incident: str
    path: str
    archive_url: str | None
    marked_dead: bool


@dataclass(frozen=True)
class LinkResult:
    """The outcome of checking one URL: ``ok`` or not, the HTTP status (0 without one) and why."""

    url: str
    ok: bool
    status: int
    reason: str
    uses: tuple[LinkUse, ...] = field(default=())

    @property
    def archive_url(self) -> str | None:
        """An archive copy any citing incident gives, to fall back on."""
        return next((u.archive_url for u in self.uses if u.archive_url), None)

    @property
    def newly_dead(self) -> bool:
        """Dead, and not yet marked ``url_status: dead`` everywhere it is cited."""
        return not self.ok and not all(u.marked_dead for u in self.uses)


def link_uses(chronology: Chronology) -> dict[str, tuple[LinkUse, ...]]:
    """Every source URL of the (non-retracted) incidents, each with where it is cited, sorted by URL."""
    uses: dict[str, list[LinkUse]] = {}
    for record in live_incidents(chronology):
        for s in record.data.sources:
            use = LinkUse(record.id, record.path, s.archive_url, s.url_status == "dead")
            uses.setdefault(s.url, []).append(use)
    return {url: tuple(items) for url, items in sorted(uses.items())}


MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Test-only: lets the checker reach a server on 127.0.0.1/::1 (the tests' own); never set it elsewhere
ALLOW_LOOPBACK_ENV = "FAULTLINES_TEST_ALLOW_LOOPBACK"
UNREACHABLE = (
    "unreachable: "  # the reason of a link that no network could reach (no name resolution, no route)
)


class NetworkUnavailable(Exception):
    """No link could be reached at all: the machine is offline, not the links dead."""


class _Refused(Exception):
    """A URL the checker will not request (not http(s), not a public address); the message says why."""


def _allowed_address(host: str, port: int, allow_loopback: bool) -> tuple[str, int]:
    """The address to connect to for ``host``: every address it resolves to must be public (after DNS, so a
    name pointing inside is refused as an IP literal is); the one connected to is the one checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"{UNREACHABLE}cannot resolve {host} ({exc.strerror})") from None
    chosen = None
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_loopback and allow_loopback:
            pass
        elif not address.is_global or address.is_multicast:
            raise _Refused(f"refused: {host} is not a public address ({address})")
        chosen = chosen or (str(sockaddr[0]), int(sockaddr[1]))
    if chosen is None:
        raise OSError(f"{UNREACHABLE}cannot resolve {host}")
    return chosen


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to by then."""

    def __init__(self, host: str, port: int, address: tuple[str, int], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection(self._address, self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: tuple[str, int], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection(self._address, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _request(url: str, method: str, deadline: float, allow_loopback: bool) -> tuple[int, str | None]:
    """(status, Location) of one request, connected to a checked public address, within ``deadline``."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Refused(f"refused: not an http(s) URL ({url[:80]})")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    address = _allowed_address(parts.hostname, port, allow_loopback)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(parts.hostname, port, address, timeout=remaining)
    # each read waits at most the time left, and the connection is cut when the deadline passes: a server
    # that drips one byte at a time cannot hold the URL past it
    watchdog = threading.Timer(remaining, _cut, args=(connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection.request(method, target, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        response = connection.getresponse()
        if time.monotonic() >= deadline:  # cut short by the watchdog: what was read is not an answer
            raise TimeoutError
        return response.status, response.getheader("Location")
    except (OSError, http.client.HTTPException):
        if time.monotonic() >= deadline:
            raise TimeoutError from None
        raise
    finally:
        watchdog.cancel()
        connection.close()


def _cut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def check_url(url: str, timeout: float, *, allow_loopback: bool | None = None) -> tuple[bool, int, str]:
    """HEAD the URL, then GET when HEAD is refused; (ok, HTTP status or 0, reason).

    Only http(s) URLs on public addresses are requested, checked after name resolution and again at each
    redirect (at most MAX_REDIRECTS); ``timeout`` is the total time for the URL, every attempt and redirect
    included. ``allow_loopback`` (default: the test-only ALLOW_LOOPBACK_ENV) lets 127.0.0.1 and ::1 through.
    """
    if allow_loopback is None:
        allow_loopback = os.environ.get(ALLOW_LOOPBACK_ENV) == "1"
    deadline = time.monotonic() + timeout
    status, reason = 0, ""
    for method in ("HEAD", "GET"):
        current = url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                status, location = _request(current, method, deadline, allow_loopback)
                if status not in REDIRECTS or not location:
                    break
                current = urllib.parse.urljoin(current, location)
            else:
                return False, status, f"more than {MAX_REDIRECTS} redirects"
        except _Refused as exc:
            where = "" if current == url else f" (redirected to {current[:120]})"
            return False, 0, f"{exc}{where}"
        except TimeoutError:
            return False, 0, f"timed out after {timeout:g} s"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            text = str(exc) or type(exc).__name__
            if isinstance(exc, OSError) and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
                text = f"{UNREACHABLE}{text}"
            return False, 0, text if text.startswith(UNREACHABLE) else f"connection failed: {text}"
        if status < 400:
            return True, status, "OK"
        reason = f"HTTP {status} {http.client.responses.get(status, '')}".strip()
    return False, status, reason


def check_links(
    uses: dict[str, tuple[LinkUse, ...]],
    *,
    concurrency: int = 8,
    timeout: float = 10.0,
    checker: Callable[[str, float], tuple[bool, int, str]] = check_url,
) -> list[LinkResult]:
    """Check each URL once, at most ``concurrency`` at a time; results in URL order. Raises NetworkUnavailable
    when no URL could be reached at all (offline), rather than reporting every link dead."""
    urls = sorted(uses)
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="linkcheck") as pool:
        outcomes = list(pool.map(lambda url: checker(url, timeout), urls))
    if outcomes and all(not ok and reason.startswith(UNREACHABLE) for ok, _, reason in outcomes):
        raise NetworkUnavailable(
            f"network unavailable: none of the {len(urls)} links could be reached ({outcomes[0][2]}); "
            "no link was marked dead"
        )
    return [
        LinkResult(url, ok, status, reason, uses[url])
        for url, (ok, status, reason) in zip(urls, outcomes, strict=True)
    ]


def format_links_text(results: Iterable[LinkResult]) -> str:
    """Dead links, each with its reason, where it is cited and its archive fallback; then a summary."""
    results = list(results)
    dead = [r for r in results if not r.ok]
    lines = []
    for r in dead:
        marked = "" if r.newly_dead else " (already marked url_status: dead)"
        lines.append(f"dead: {one_line(r.url)} — {one_line(r.reason)}{marked}")
        lines.append(
            f"    archive: {one_line(r.archive_url)}"
            if r.archive_url
            else "    archive: none (add an archive_url)"
        )
        lines += [f"    cited in {one_line(path)}" for path in sorted({u.path for u in r.uses})]
    lines.append(f"{len(results)} links checked: {len(results) - len(dead)} live, {len(dead)} dead")
    return "\n".join(lines) + "\n"


def links_json(results: Iterable[LinkResult]) -> list[dict[str, object]]:
    """Each checked link as JSON-ready values."""
    return [
        {
            "url": r.url,
            "ok": r.ok,
            "status": r.status or None,
            "reason": r.reason,
            "archive_url": r.archive_url,
            "newly_dead": r.newly_dead,
            "cited_in": sorted({u.path for u in r.uses}),
        }
        for r in results
    ]


def dumps(value: object) -> str:
    """JSON text as the CLI prints it (every character that could break a log line escaped)."""
    return json_text(value)
