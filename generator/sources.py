"""Source health: archive coverage overall and per kind, incidents resting only on aggregators, publishers by
count, and an HTTP link checker with bounded concurrency and time-outs.

Retracted incidents are left out of every number and of the link check: they are no longer part of the record.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from generator import __version__
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
        width = max(len(c.label) for c in report.by_kind)
        for c in report.by_kind:
            tag = "  (aggregator)" if c.aggregator else ""
            lines.append(f"  {c.label:<{width}}  {c.sources:>5}  {percent(c):>4}{tag}")
    lines.append(f"incidents resting only on aggregators: {len(report.aggregator_only)}")
    lines += [f"  {path}" for _, path in report.aggregator_only]
    lines.append(f"incidents resting on a single source: {len(report.single_source)}")
    lines += [f"  {path}" for _, path in report.single_source]
    if report.dead_marked:
        lines.append(f"sources marked url_status: dead: {report.dead_marked}")
    shown = report.publishers[:top]
    lines.append(f"publishers by count (top {len(shown)} of {len(report.publishers)}):")
    lines += [f"  {count:>5}  {publisher}" for publisher, count in shown]
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


def _request(url: str, method: str, timeout: float) -> int:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return int(response.status)


def check_url(url: str, timeout: float) -> tuple[bool, int, str]:
    """HEAD the URL, then GET when HEAD is refused; (ok, HTTP status or 0, reason).

    The time-out applies to connecting and to each read, so a server that never answers costs at most
    ``timeout`` seconds per attempt. Time-outs and connection errors are not retried with GET.
    """
    if not url.lower().startswith(("http://", "https://")):
        return False, 0, "not an http(s) URL"
    status, reason = 0, ""
    for method in ("HEAD", "GET"):
        try:
            status = _request(url, method, timeout)
            return True, status, "OK"
        except urllib.error.HTTPError as exc:
            status, reason = exc.code, f"HTTP {exc.code} {exc.reason}".strip()
            exc.close()
        except TimeoutError:
            return False, 0, f"timed out after {timeout:g} s"
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                return False, 0, f"timed out after {timeout:g} s"
            return False, 0, f"connection failed: {exc.reason}"
        except (OSError, ValueError) as exc:  # reset connections, malformed responses, bad URLs
            return False, 0, f"connection failed: {exc}"
    return False, status, reason


def check_links(
    uses: dict[str, tuple[LinkUse, ...]],
    *,
    concurrency: int = 8,
    timeout: float = 10.0,
    checker: Callable[[str, float], tuple[bool, int, str]] = check_url,
) -> list[LinkResult]:
    """Check each URL once, at most ``concurrency`` at a time; results in URL order."""
    urls = sorted(uses)
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="linkcheck") as pool:
        outcomes = list(pool.map(lambda url: checker(url, timeout), urls))
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
        lines.append(f"dead: {r.url} — {r.reason}{marked}")
        lines.append(
            f"    archive: {r.archive_url}" if r.archive_url else "    archive: none (add an archive_url)"
        )
        lines += [f"    cited in {path}" for path in sorted({u.path for u in r.uses})]
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
    """JSON text as the CLI prints it."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
