"""The page cache (generator/page_cache.py, generator/render/memo.py): a warm build makes the same site as a cold
one, byte for byte (the search index included), after each kind of change; a stale or damaged entry is never
used; ``mkdocs serve``-style rebuilds in one process reuse the cache in memory."""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from pathlib import Path

import pytest
import yaml
from helpers import ACTOR_DIR, VOCABULARY, incident_path, minimal_files, valid_incident, write_tree
from mkdocs_project import mkdocs_build
from test_site import copy_site_sources

from generator.page_cache import DB_NAME

pytestmark = pytest.mark.slow

CHANGED = "2025-12-09-joint-bomber-patrol"


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def with_cache(root: Path, folder: str, **options: object) -> str:
    """A copy of ``root``'s mkdocs.yml with the fault-lines option ``cache_dir: folder`` (and ``options``)."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    [entry] = [entry for entry in config["plugins"] if isinstance(entry, dict) and "fault-lines" in entry]
    entry["fault-lines"].update(cache_dir=folder, **options)
    name = f"mkdocs-{Path(folder).name or 'none'}-{len(options)}.yml"
    (root / name).write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return name


def reused(stderr: str) -> tuple[int, int]:
    [(hits, built)] = re.findall(r"page cache: ([\d,]+) pages reused, ([\d,]+) built", stderr)
    return int(hits.replace(",", "")), int(built.replace(",", ""))


def build_both(root: Path, out: Path, label: str) -> tuple[dict[str, bytes], dict[str, bytes], str]:
    """A warm build (the project's cache) and a cold one (no cache at all) of ``root`` as it is now."""
    warm = mkdocs_build(root, "-f", with_cache(root, ".cache/fault-lines"), "-d", str(out / f"{label}-warm"))
    cold = mkdocs_build(root, "-f", with_cache(root, "", cache=False), "-d", str(out / f"{label}-cold"))
    assert "page cache" not in cold.stderr
    return site_files(out / f"{label}-warm"), site_files(out / f"{label}-cold"), warm.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES = {
    "incident text": lambda root: edit(
        root / incident_path(CHANGED),
        "The [[jasdf]] scrambled fighters.",
        "The [[jasdf]] scrambled four fighters.",
    ),
    "incident actors": lambda root: edit(
        root / incident_path(CHANGED), "role: responder", "role: participant"
    ),
    "actor name": lambda root: edit(
        root / ACTOR_DIR / "pla-air-force.md", "PLA Air Force", "PLA Air Force (PLAAF)"
    ),
    "new incident": lambda root: write_tree(
        root,
        {
            incident_path("2025-12-11-new-patrol"): valid_incident(
                title="Another joint patrol over the Sea of Japan",
                date="2025-12-11",
                places=["sea-of-japan"],
                related=[CHANGED],
                __body__="After [[2025-12-09-joint-bomber-patrol]].[^pub-1]\n",
            )
        },
    ),
    "deleted incident": lambda root: (root / incident_path("2025-12-06-radar-lock-on")).unlink(),
    "vocabulary": lambda root: edit(root / VOCABULARY, "Joint patrol", "Joint air patrol"),
    "template": lambda root: edit(
        root / "timeline" / "overrides" / "main.html", "{% extends", "{#- edited -#}\n{% extends"
    ),
    "mkdocs.yml": lambda root: edit(root / "mkdocs.yml", "copyright: ", "copyright: Edited · "),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("cache") / "project", minimal_files())
    copy_site_sources(root)
    return root


def test_a_warm_build_is_the_cold_build_after_each_kind_of_change(project: Path, tmp_path: Path) -> None:
    first = mkdocs_build(
        project, "-f", with_cache(project, ".cache/fault-lines"), "-d", str(tmp_path / "first")
    )
    hits, built = reused(first.stderr)
    assert hits == 0 and built > 20
    warm, cold, stderr = build_both(project, tmp_path, "unchanged")
    assert warm == cold and "search/search_index.json" in warm
    assert reused(stderr)[1] == 0  # nothing changed: every page from the cache
    for kind, change in CHANGES.items():
        change(project)
        label = kind.replace(" ", "-").replace(".", "")
        warm, cold, stderr = build_both(project, tmp_path, label)
        assert list(warm) == list(cold), kind
        different = [path for path in cold if warm[path] != cold[path]]
        assert not different, f"after a change of {kind}, the warm build differs in {different[:5]}"
        hits, built = reused(stderr)
        assert built > 0, f"a change of {kind} rebuilt no page"
        if kind in ("incident text", "incident actors"):  # the others touch most pages of three incidents
            assert hits > built, f"a change of {kind} rebuilt {built} pages and reused only {hits}"


def _rows(cache: Path) -> dict[str, tuple[bytes, bytes | None, bytes | None]]:
    """The entries of the cache's one namespace: key -> (data, content, output) as stored."""
    [database] = cache.glob(f"*/{DB_NAME}")
    with sqlite3.connect(database) as db:
        return {key: rest for key, *rest in db.execute("SELECT key, data, content, output FROM entries")}


def _store(cache: Path, rows: dict[str, tuple[bytes, bytes | None, bytes | None]]) -> None:
    [database] = cache.glob(f"*/{DB_NAME}")
    with sqlite3.connect(database) as db:
        db.executemany(
            "UPDATE entries SET data = ?, content = ?, output = ? WHERE key = ?",
            [(*row, key) for key, row in rows.items()],
        )


def _data(blob: bytes) -> tuple[bytes, dict]:
    head, _, body = zlib.decompress(blob).partition(b"\n")
    return head, json.loads(body)


def test_a_damaged_or_foreign_entry_is_never_used(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    name = with_cache(project, str(cache))
    mkdocs_build(project, "-f", name, "-d", str(tmp_path / "first"))
    rows = _rows(cache)
    pages = sorted(key for key, (_, _, output) in rows.items() if output is not None)
    assert len(pages) > 20
    assert not [p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(DB_NAME)]  # one file
    # an entry copied under another page's key; one truncated; one whose output was changed with its key kept
    # (its checksum no longer matches); one whose HTML is another page's; one forged with new checksums
    a, b, c, d, e, f = pages[:6]
    changed = {b: rows[a], c: (rows[c][0][:50], *rows[c][1:])}
    head, output = zlib.decompress(rows[d][2]).split(b"\n", 1)
    changed[d] = (
        rows[d][0],
        rows[d][1],
        zlib.compress(head + b"\n" + output.replace(b"</body>", b"tampered")),
    )
    changed[e] = (rows[e][0], rows[a][1], rows[e][2])
    head, data = _data(rows[f][0])
    forged = zlib.compress(head + b"\n" + output.replace(b"</body>", b"tampered"))
    data["texts"]["output"] = zlib.crc32(forged)
    changed[f] = (zlib.compress(head + b"\n" + json.dumps(data).encode()), rows[f][1], forged)
    _store(cache, changed)
    warm = mkdocs_build(project, "-f", name, "-d", str(tmp_path / "warm"))
    mkdocs_build(project, "-f", with_cache(project, "", cache=False), "-d", str(tmp_path / "cold"))
    assert site_files(tmp_path / "warm") == site_files(tmp_path / "cold")
    assert reused(warm.stderr)[1] >= 5  # those five pages were built again
    assert b"tampered" not in b"".join(site_files(tmp_path / "warm").values())


def test_entries_of_pages_gone_are_removed_and_the_cache_stays_in_its_folder(
    project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    name = with_cache(project, str(cache))
    mkdocs_build(project, "-f", name, "-d", str(tmp_path / "one"))
    before = set(_rows(cache))
    edit(project / VOCABULARY, "Radar lock-on", "Radar lock")
    try:
        mkdocs_build(project, "-f", name, "-d", str(tmp_path / "two"))
    finally:
        edit(project / VOCABULARY, "Radar lock", "Radar lock-on")
    after = set(_rows(cache))
    assert after and after != before
    # only this build's entries are left: as many as a build from nothing makes
    fresh = tmp_path / "fresh"
    mkdocs_build(project, "-f", with_cache(project, str(fresh)), "-d", str(tmp_path / "three"))
    assert len(after) == len(_rows(fresh))


def test_serve_rebuilds_reuse_the_cache_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three builds in one process with the same plugin instances, as `mkdocs serve` makes them: the second
    reuses every page, the third (after an edit) rebuilds a few and makes the site a cold build makes."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765238400")  # as the build it is compared with
    root = write_tree(tmp_path / "project", minimal_files())
    copy_site_sources(root)
    name = with_cache(root, "")  # memory only
    counts: list[tuple[int, int]] = []

    class Counter(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            match = re.search(r"page cache: ([\d,]+) pages reused, ([\d,]+) built", record.getMessage())
            if match:
                counts.append((int(match.group(1)), int(match.group(2))))

    handler = Counter()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        config = load_config(str(root / name), site_dir=str(tmp_path / "served"))
        config.plugins.on_startup(command="serve", dirty=False)
        for step in range(3):
            if step == 2:
                edit(root / incident_path(CHANGED), "scrambled fighters", "scrambled two fighters")
            config = load_config(str(root / name), site_dir=str(tmp_path / "served"))
            build(config)
        config = load_config(str(root / name), site_dir=str(tmp_path / "cold"))
        config.plugins["fault-lines"].config.cache = False  # the same serve build, without the cache
        build(config)
        config.plugins.on_shutdown()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
    assert counts[0][0] == 0 and counts[1][1] == 0 and 0 < counts[2][1] < counts[2][0] and len(counts) == 3
    assert not (root / ".cache").exists()
    assert site_files(tmp_path / "served") == site_files(tmp_path / "cold")


def test_check_reuses_its_cache_and_says_what_an_uncached_check_says(tmp_path: Path) -> None:
    from helpers import run_cli

    from generator import check_cache

    root = write_tree(tmp_path / "project", minimal_files())
    first = run_cli("check", str(root))
    assert check_cache.path(root).is_file()
    assert len(check_cache.read(root)) == len([p for p in minimal_files() if p.startswith("content/")])
    # an edit that makes an error, then a damaged cache: each time what a check without the cache says
    edit(root / incident_path(CHANGED), "date: '2025-12-09'", "date: '2025-13-09'")
    second = run_cli("check", str(root))
    assert second == run_cli("check", "--no-cache", str(root)) and second != first and second[0] == 1
    check_cache.path(root).write_bytes(b"\x00not marshal")
    assert run_cli("check", str(root)) == second
    edit(root / incident_path(CHANGED), "date: '2025-13-09'", "date: '2025-12-09'")
    assert run_cli("check", str(root)) == first
