"""The page cache (generator/page_cache.py, generator/render/memo.py): a warm build makes the same site as a cold
one, byte for byte (the search index included), after each kind of change; a stale or damaged entry is never
used; ``mkdocs serve``-style rebuilds in one process reuse the cache in memory."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import zlib
from pathlib import Path
from typing import Any

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


def rendered(stderr: str) -> tuple[int, int]:
    """(generated pages rendered, generated pages whose Markdown came from the cache) of a build."""
    [(made, kept)] = re.findall(r"generated pages: ([\d,]+) rendered, ([\d,]+) from the cache", stderr)
    return int(made.replace(",", "")), int(kept.replace(",", ""))


# the pages a change renders again (besides the two reference pages, made every time): its incident's page and
# the pages that show what changed; every other generated page comes from the cache
RENDERED_AFTER = {
    "incident text": 1,  # the body is shown on the incident's page only
    "incident actors": 6,  # its page, the actor pages (its old and new role), the actors' feeds are files
    "incident title": 15,  # its page, the timeline, its year, type, series, actors', places', related pages, map
}


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
    "incident title": lambda root: edit(
        root / incident_path(CHANGED), "title: Joint bomber patrol", "title: Joint bomber patrol, edited"
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
        made, kept = rendered(stderr)
        if kind in RENDERED_AFTER:  # counted, not timed: the Markdown of only the pages that show the change
            assert 2 < made <= 2 + RENDERED_AFTER[kind] and made < kept, (kind, made, kept)


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
    import generator.render.memo as memo_module

    digested: list[str] = []  # the records whose digest (a pydantic repr: slow) each build computed
    real_digest = memo_module.record_digest

    def counted_digest(record: Any) -> str:
        digested.append(getattr(record, "id", type(record).__name__))
        return real_digest(record)

    monkeypatch.setattr(memo_module, "record_digest", counted_digest)
    import generator.render.pages as pages_module

    bodies: list[str] = []  # actor and place bodies converted (Markdown to HTML) by each build
    real_body = pages_module.body_html

    def counted_body(body: str, *args: Any, **kwargs: Any) -> str:
        bodies.append(body)
        return real_body(body, *args, **kwargs)

    monkeypatch.setattr(pages_module, "body_html", counted_body)
    bodies_per_build: list[list[str]] = []
    per_build: list[list[str]] = []
    try:
        config = load_config(str(root / name), site_dir=str(tmp_path / "served"))
        config.plugins.on_startup(command="serve", dirty=False)
        for step in range(3):
            if step == 2:
                edit(root / incident_path(CHANGED), "scrambled fighters", "scrambled two fighters")
            config = load_config(str(root / name), site_dir=str(tmp_path / "served"))
            digested.clear()
            bodies.clear()
            build(config)
            per_build.append(sorted(digested))
            bodies_per_build.append(list(bodies))
            if step == 1:  # every incident page reused: held as text, not compressed again each rebuild
                pages = config.plugins["fault-lines"].output.pages
                reused = [page for path, page in pages.items() if "/incidents/" in f"/{path}"]
                assert reused and all(page.plain is not None and not page.packed for page in reused)
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
    # an unchanged file's record is the same object at the next rebuild: its digest is not computed again;
    # after the edit, only the edited incident's is
    assert len(per_build[0]) > 5 and per_build[1] == [] and per_build[2] == [CHANGED], per_build
    # nor is a body converted again while its text and its links' targets are the same: only the edited one is
    assert len(bodies_per_build[0]) > 3 and bodies_per_build[1] == [], bodies_per_build
    assert [("scrambled two fighters" in body) for body in bodies_per_build[2]] == [True], bodies_per_build[2]


def test_serve_keeps_entries_decoded_and_each_load_is_a_fresh_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.page_cache as page_cache_module
    from generator.page_cache import PageCache

    cache = PageCache()
    cache.start("site", None, remember=True)  # as under `mkdocs serve`: in memory only
    cache.put({"key": "k", "toc": [["A", "a", 2, []]], "entries": [{"location": "x/", "text": "one"}]})
    decompressed: list[int] = []
    real = page_cache_module.zlib.decompress

    def counted(data: bytes, *args: Any) -> bytes:
        decompressed.append(len(data))
        return real(data, *args)

    monkeypatch.setattr(page_cache_module.zlib, "decompress", counted)
    first = cache.load("k")
    assert first is not None and len(decompressed) == 1
    first["entries"][0]["text"] = "changed by the build that read it"
    first["hit"] = True
    for _ in range(3):
        again = cache.load("k")
        assert again == {"key": "k", "toc": [["A", "a", 2, []]], "entries": [{"location": "x/", "text": "one"}],
                         "texts": {}}  # fmt: skip
    assert len(decompressed) == 1  # read once, kept decoded
    cache.put({"key": "k", "toc": [], "entries": []})  # a new entry of the same key: read from the new data
    assert cache.load("k") == {"key": "k", "toc": [], "entries": [], "texts": {}} and len(decompressed) == 2
    cache.put({"key": "t", "toc": [], "content": "<p>html</p>", "output": "<html>page</html>"})
    checked: list[int] = []
    real_crc = page_cache_module.zlib.crc32
    monkeypatch.setattr(
        page_cache_module.zlib, "crc32", lambda data, *a: checked.append(1) or real_crc(data, *a)
    )
    assert cache.get("t", None) is not None and checked  # type: ignore[arg-type]  # no links to look up
    checked.clear()
    assert cache.get("t", None) is not None and checked == []  # type: ignore[arg-type]  # held, checked once
    assert cache.text("t", "output") == "<html>page</html>"
    cache.finish()
    cache.start("site", None, remember=True)
    cache.finish()  # a build that did not use it: let go
    assert cache.load("k") is None and cache.load("t") is None


def serve_build(root: Path, site: Path, *, cache: bool = True) -> None:
    """One `mkdocs serve` rebuild, in this process with the plugin instances of the last (MkDocs keeps them):
    the configuration read again, ``site_url`` set to the preview's address, built with ``serve_url``."""
    from urllib.parse import urlsplit

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(root / with_cache(root, "")), site_dir=str(site))  # mkdocs.yml as it is now
    config.site_url = serve_url = "http://127.0.0.1:8000" + urlsplit(config.site_url or "/").path
    config.plugins["fault-lines"].config.cache = cache
    build(config, serve_url=serve_url)


SERVE_CHANGES = {
    **CHANGES,
    "content error": lambda root: edit(
        root / incident_path(CHANGED), "type: joint-patrol", "type: joint-patrl"
    ),
    "error fixed": lambda root: edit(
        root / incident_path(CHANGED), "type: joint-patrl", "type: joint-patrol"
    ),
    "title": lambda root: edit(
        root / incident_path(CHANGED), "title: Joint bomber patrol", "title: Joint bomber patrol, edited"
    ),
}


def test_each_serve_rebuild_is_the_site_an_uncached_rebuild_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mkdocs serve`-style rebuilds in one process after each kind of change (the incident's text, title and
    actors, an actor, a new and a deleted incident, the vocabulary, a template, mkdocs.yml, a content error and
    its fix): each serves, byte for byte, the site the same rebuild makes without any cache (the search index,
    the calendar, the lists and the error overlay included), so no kept page, list entry, calendar event or
    front matter is ever stale."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765238400")
    root = write_tree(tmp_path / "project", minimal_files())
    copy_site_sources(root)
    from mkdocs.config import load_config

    config = load_config(str(root / with_cache(root, "")), site_dir=str(tmp_path / "served"))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        serve_build(root, tmp_path / "served")
        for kind, change in SERVE_CHANGES.items():
            change(root)
            serve_build(root, tmp_path / "served")
            served = site_files(tmp_path / "served")
            serve_build(root, tmp_path / "cold", cache=False)
            cold = site_files(tmp_path / "cold")
            assert list(served) == list(cold), kind
            different = [path for path in cold if served[path] != cold[path]]
            assert not different, f"after a change of {kind}, the served site differs in {different[:5]}"
            overlay = b'id="fl-serve-errors"' in served["index.html"]
            assert overlay == (kind == "content error"), kind
            assert "search/search_index.json" in served, kind
            assert ("incidents.ics" in served) == (kind != "content error"), kind  # no exports while broken
    finally:
        config.plugins.on_shutdown()
    assert not (root / ".cache").exists()


def test_serve_watches_content_for_changes_only(tmp_path: Path) -> None:
    """Under `mkdocs serve`, a save under content/ asks for a rebuild at once (file events, not polling); a
    file only read (as every build reads some) does not, or each build would start the next."""
    from mkdocs.livereload import LiveReloadServer

    from generator.mkdocs_plugin import FaultLinesPlugin

    root = write_tree(tmp_path / "project", minimal_files())
    plugin = FaultLinesPlugin()
    plugin._root = root
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    polling = server.observer
    try:
        plugin._watch_content(server)
        assert server.observer is polling and plugin._observer is not None  # the server's own is untouched
        target = root / incident_path(CHANGED)

        def asked(action: object, wait: float = 3.0) -> bool:
            import time

            with server._rebuild_cond:
                server._want_rebuild = False
            action()  # type: ignore[operator]
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                with server._rebuild_cond:
                    if server._want_rebuild:
                        return True
                time.sleep(0.05)
            return False

        assert not asked(target.read_text, wait=1.0)
        assert asked(lambda: edit(target, "scrambled fighters", "scrambled two fighters"))
        assert asked(lambda: (root / incident_path("2025-12-06-radar-lock-on")).unlink())
    finally:
        plugin.on_shutdown()
        server.server_close()


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
    # a file's own problems (safety, bodies, evidence) are kept by its text: a new one is found, a fixed one goes
    edit(root / incident_path(CHANGED), "scrambled fighters", "scrambled fighters <script>alert(1)</script>")
    unsafe = run_cli("check", str(root))
    assert unsafe == run_cli("check", "--no-cache", str(root)) and unsafe[0] == 1 and "FL5" in unsafe[1]
    assert run_cli("check", str(root)) == unsafe  # from the cache this time
    edit(root / incident_path(CHANGED), "scrambled fighters <script>alert(1)</script>", "scrambled fighters")
    assert run_cli("check", str(root)) == first


def test_every_file_the_generator_reads_is_in_its_version() -> None:
    # the caches' keys hold a hash of the generator's files (code_digest.generator_digest): a kind of file it reads
    # but does not hash (the share cards' fonts were one) would let a cached page outlive an edit of that file
    from fnmatch import fnmatch

    from generator.code_digest import CODE_PATTERNS

    generator = Path(__file__).resolve().parent.parent / "generator"
    unhashed = [
        path.relative_to(generator).as_posix()
        for path in generator.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix != ".md"  # licence notes, not read
        and not any(fnmatch(path.name, pattern) for pattern in CODE_PATTERNS)
    ]
    assert unhashed == []
    assert any(fnmatch("DejaVuSans.ttf", pattern) for pattern in CODE_PATTERNS)


def test_the_themes_files_are_read_again_only_when_one_changed(tmp_path: Path, monkeypatch) -> None:
    # every serve rebuild asks for the hash of the theme's templates (a folder of some 14,000 files with the
    # icons): it is read again only when a file was added, removed or written, and then it is what it should be
    import os

    from generator.code_digest import files_digest

    theme = tmp_path / "theme"
    (theme / "partials" / "deep").mkdir(parents=True)
    (theme / "base.html").write_text("<html>{{ page }}</html>")
    (theme / "partials" / "deep" / "nav.html").write_text("<nav></nav>")
    (theme / "partials" / "icon.svg").write_text("<svg/>")
    patterns = ("*.html", "*.xml", "*.json")
    reads: list[str] = []
    real = Path.read_bytes

    def counted(self: Path) -> bytes:
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    first = files_digest([theme], patterns)
    assert sorted(reads) == ["base.html", "nav.html"]
    reads.clear()
    assert files_digest([theme], patterns) == first and reads == []

    nav = theme / "partials" / "deep" / "nav.html"
    nav.write_text("<nav>x</nav>")  # one byte more, in a folder two levels down
    changed = files_digest([theme], patterns)
    assert changed != first
    stat = nav.stat()
    nav.write_text("<nav>y</nav>")  # the same size, and the same modification time: its change time moves
    os.utime(nav, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    same_size = files_digest([theme], patterns)
    assert same_size not in (first, changed)
    (theme / "partials" / "deep" / "footer.html").write_text("<footer/>")  # a new file in a listed folder
    added = files_digest([theme], patterns)
    assert added != same_size
    (theme / "partials" / "deep" / "footer.html").unlink()
    assert files_digest([theme], patterns) == same_size  # removed again: the hash of the files as they are
    (theme / "partials" / "more.json").write_text("{}")
    assert files_digest([theme], patterns) != added
    (theme / "partials" / "other.svg").write_text("<svg/>")  # not a template: not in the hash
    before = files_digest([theme], patterns)
    (theme / "partials" / "other.svg").write_text("<svg>changed</svg>")
    assert files_digest([theme], patterns) == before


def test_serve_frees_the_last_build_between_saves_not_on_the_next_saves_path() -> None:
    # the cycle collection that frees a build (0.13 s at 1,000 incidents) runs while the preview waits for the
    # next save; a save that comes first frees it itself; a collection and a build never overlap
    import threading

    from generator.mkdocs_plugin import IdleCollection

    released: list[str] = []
    idle = IdleCollection(lambda: released.append(threading.current_thread().name))
    idle.DELAY_S = 0.05  # type: ignore[misc]
    assert idle.build_started() is False  # the first build: nothing to free
    idle.build_ended()
    time.sleep(0.5)
    assert len(released) == 1 and released[0] != threading.current_thread().name  # freed in the background
    assert idle.build_started() is False  # already freed: the build does not collect
    idle.build_ended()
    assert idle.build_started() is True  # a save before the delay: this build frees the last one itself
    time.sleep(0.5)
    assert len(released) == 1  # the older build's timer found a newer build: it did nothing
    idle.build_ended()

    started = threading.Event()
    order: list[str] = []

    def slow_release() -> None:
        started.set()
        time.sleep(0.3)
        order.append("collected")

    slow = IdleCollection(slow_release)
    slow.DELAY_S = 0.01  # type: ignore[misc]
    slow.build_started()
    slow.build_ended()
    assert started.wait(5)
    slow.build_started()  # waits for the collection under way
    order.append("build")
    assert order == ["collected", "build"]


def test_a_saved_page_made_first_puts_off_the_collection_to_the_whole_build() -> None:
    # a saved incident's page made before the whole build (generator/serve_preview.py) holds off the collection of
    # the last build, which would otherwise run right after it, just as browsers fetch the page; the whole build
    # that follows frees the last one itself
    import threading

    from generator.mkdocs_plugin import IdleCollection

    released: list[str] = []
    idle = IdleCollection(lambda: released.append("freed"))
    idle.DELAY_S = 0.2  # type: ignore[misc]
    idle.build_started()
    idle.build_ended()
    inside = threading.Event()
    with idle.paused():
        inside.set()
        time.sleep(0.4)  # the collection's delay passes while the page is made
    time.sleep(0.4)
    assert inside.is_set() and released == []  # it gave way
    assert idle.build_started() is True and released == []  # the whole build frees it (its own release, gc)


def test_the_idle_collection_gives_freed_memory_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # what a build freed goes back to the system once collected (glibc's malloc_trim, generator/memory.py), so
    # the server's resident memory between saves is what it holds, not its high-water mark
    from generator import mkdocs_plugin

    given: list[bool] = []
    monkeypatch.setattr(mkdocs_plugin, "give_back", lambda: given.append(True) or True)
    idle = mkdocs_plugin.IdleCollection(lambda: None)
    idle.DELAY_S = 0.01  # type: ignore[misc]
    idle.build_started()
    idle.build_ended()
    time.sleep(0.5)
    assert given == [True]


def test_a_kept_json_piece_is_parsed_once_across_serve_rebuilds() -> None:
    # the data tables join one JSON piece per incident: under `mkdocs serve` a piece kept between rebuilds is the
    # same string, so its value is reused instead of parsed again; a new piece (a changed incident) is parsed
    from generator.render.memo import Fragments

    fragments = Fragments()
    kept = fragments.get(("table", "a"), lambda: '{"record": {"id": "a"}}')
    first = fragments.parsed(kept)
    fragments.finish()  # the next rebuild
    again = fragments.get(("table", "a"), lambda: '{"record": {"id": "changed?"}}')
    assert again is kept and fragments.parsed(again) is first
    changed = fragments.get(("table", "b"), lambda: '{"record": {"id": "b"}}')
    assert fragments.parsed(changed) == {"record": {"id": "b"}}
    fragments.finish()
    fragments.finish()  # a rebuild that used neither: both let go
    assert fragments.parsed('{"record": {"id": "a"}}') is not first


def test_a_build_holds_no_parsed_piece() -> None:
    # under `mkdocs build` (pieces in the page cache on disk) the parsed pieces are not held until the build ends
    from generator.page_cache import PageCache
    from generator.render.memo import Fragments

    cache = PageCache()
    cache.start("site", None)
    fragments = Fragments()
    fragments.use(cache)
    piece = fragments.get(("table", "a"), lambda: '{"record": {"id": "a"}}')
    assert fragments.parsed(piece) == {"record": {"id": "a"}}
    assert fragments.parsed(piece) is not fragments.parsed(piece)  # parsed each time, nothing kept
    assert fragments._parsed == {} and fragments._parsed_used == {}


def test_a_warm_build_lets_go_of_each_cached_pages_markdown_and_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page converted from the cache keeps neither its Markdown nor the steps that read its entry: MkDocs holds
    every page to the end of the build, and with them, at 10,000 incidents, 1 GB of Markdown no step reads again
    (a warm build's peak was 5.6x bare MkDocs')."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.mkdocs_plugin import FaultLinesPlugin

    root = write_tree(tmp_path / "project", minimal_files())
    copy_site_sources(root)
    name = with_cache(root, ".cache/fault-lines")
    held: dict[str, tuple[str, list[str]]] = {}
    post_build = FaultLinesPlugin.on_post_build

    def spy(self: FaultLinesPlugin, *, config: Any) -> None:
        for file in self._files.documentation_pages():
            if file.page is not None and self._is_generated(file.src_uri):
                steps = sorted(step for step in ("read_source", "render") if step in file.page.__dict__)
                held[file.src_uri] = (file.page.markdown, steps)
        post_build(self, config=config)

    monkeypatch.setattr(FaultLinesPlugin, "on_post_build", spy)
    for site in ("cold", "warm"):  # the first fills the cache
        held.clear()
        config = load_config(str(root / name), site_dir=str(tmp_path / site))
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()
    assert len(held) > 10 and all(page == ("", []) for page in held.values()), held
    assert site_files(tmp_path / "warm") == site_files(tmp_path / "cold")


def test_a_warm_build_reads_no_cached_incident_pages_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An incident page found in the memo stands in the page cache's conversion key by its memo key (which covers
    everything its text is made from): under `mkdocs build` its text is not held, and a page whose conversion is
    cached is never read at all; after a change, only the changed incident's page is. The sites are a cold
    build's."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.render.pages import GeneratedPage

    root = write_tree(tmp_path / "project", minimal_files())
    copy_site_sources(root)
    name = with_cache(root, ".cache/fault-lines")
    read: list[str] = []
    text = GeneratedPage.markdown

    def counted(page: GeneratedPage) -> str:
        if page.path.startswith("incidents/"):
            read.append(page.path)
        return text.fget(page)  # type: ignore[attr-defined, no-any-return]

    monkeypatch.setattr(GeneratedPage, "markdown", property(counted))
    reads: list[list[str]] = []
    for step, site in enumerate(("cold", "warm", "changed")):
        if step == 2:
            edit(
                root / incident_path(CHANGED),
                "The [[jasdf]] scrambled fighters.",
                "The [[jasdf]] scrambled two.",
            )
        read.clear()
        config = load_config(str(root / name), site_dir=str(tmp_path / site))
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        config.plugins.on_shutdown()
        reads.append(sorted(read))
    incidents = len(list((root / "content" / "incidents").rglob("*.md")))
    assert len(reads[0]) >= incidents > 1  # the cold build reads each page it renders
    assert reads[1] == [], reads[1]
    assert reads[2] and all(CHANGED in path for path in reads[2]), reads[2]
    assert site_files(tmp_path / "warm") == site_files(tmp_path / "cold")
    config = load_config(str(root / name), site_dir=str(tmp_path / "uncached"))
    config.plugins["fault-lines"].config.cache = False  # the changed tree, built without the cache
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    config.plugins.on_shutdown()
    assert site_files(tmp_path / "changed") == site_files(tmp_path / "uncached")
