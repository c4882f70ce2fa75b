"""The fast paths of load and check report exactly what the plain, slower ones do.

``compose`` builds values without positions unless asked (``Document`` works them out again on demand), and
the checks skip texts that cannot hold a problem; these tests pin each shortcut to the long way round.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import multiprocessing
import re
import signal
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import check_json, incident_path, minimal_files, valid_incident, valid_source, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs_project import make_project

from generator import load as load_module
from generator import pipeline
from generator.check import check, placeholders, safety, warnings
from generator.dates import PartialDate
from generator.load import Document, compose, load, split_front_matter
from generator.pools import fork_pool

PATROL = incident_path("2025-12-09-joint-bomber-patrol")
TODAY = dt.date(2026, 1, 1)

yaml_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.text(max_size=20),
        st.sampled_from(["NO", "on", "12:30", "2025-12-09", "0o17", "0x1F", "1e3", ".inf", "~", "-", ""]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(["a", "b"])), children, max_size=4),
    ),
    max_leaves=30,
)
NOISE = [*"-:,[]{}#&*!|>'\"? \n", "!!str ", "!!int ", "!x ", "&a ", "*a", "a: 1\n", "[[[[[[[[[[[[[[[[[[[[[["]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    yaml_values,
    st.sampled_from([None, True, False]),
    st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(NOISE)), max_size=4),
)
def test_values_without_positions_equal_values_with_them(
    value: Any, flow: bool | None, noise: list[tuple[int, str]]
) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    for position, mark in noise:
        cut = position % (len(text) + 1)
        text = text[:cut] + mark + text[cut:]
    fast_problems: list[Any] = []
    slow_problems: list[Any] = []
    fast = compose(text, "f.md", 1, fast_problems)
    slow = compose(text, "f.md", 1, slow_problems, positions=True)
    assert fast_problems == slow_problems
    assert (fast is None) == (slow is None)
    if fast is not None and slow is not None:
        assert repr(fast[0]) == repr(slow[0])  # repr: NaN is not equal to itself
        assert fast[1].refused == slow[1].refused


def test_positions_deep_in_a_file_are_exact(tmp_path: Path) -> None:
    sources = [valid_source(n) for n in range(1, 40)]
    sources[37]["archive_url"] = None  # FL601 at the url of the 38th source, far down the file
    files = minimal_files()
    files[PATROL] = valid_incident(sources=sources)
    write_tree(tmp_path, files)
    lines = (tmp_path / PATROL).read_text().split("\n")
    url_line = lines.index(f"  url: {sources[37]['url']}") + 1
    (found,) = [d for d in check_json(tmp_path, "--verbose") if d["code"] == "FL601"]
    assert (found["path"], found["line"], found["column"]) == (PATROL, url_line, 8)
    # the positions worked out on demand are those recorded when composing with positions
    documents, _ = load(tmp_path)
    (document,) = [d for d in documents if d.path == PATROL]
    assert document.key_position(("sources", 37, "url")) == (url_line, 3)
    front = "\n".join(lines[1 : lines.index("---", 1)])
    composed = compose(front, PATROL, 1, [], positions=True)
    assert composed is not None
    assert (document.value_positions, document.key_positions) == (composed[1].values, composed[1].keys)


FRAGMENTS = ["<script>", "<b onclick=x>", "](javascript:x)", "href='data:x'", "TODO", "TODOs", "\x07", "\x7f"]
FRAGMENTS += ["\ufffe", "é", "\n", "\t", "=", "<", "](", "]:", "java\nscript:", " ", "x", "ok"]
texts = st.lists(st.sampled_from(FRAGMENTS), max_size=5).map("".join)
FORCE_SLOW = "<script>\x07 TODO"  # as a value text, it makes both checks look at every value


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.one_of(texts, st.lists(texts, max_size=3))),
    texts,
)
def test_quick_tests_of_values_never_skip_a_problem(data: dict[str, Any], body: str) -> None:
    document = Document("content/actors/a.md", "actor", "a", data, body, 5, front="x: 1\n")
    object.__setattr__(document, "_positions", ({}, {}))  # positions do not matter here
    assert safety.check_document(document) == safety.check_document(document, FORCE_SLOW)
    assert placeholders.check_document(document) == placeholders.check_document(document, FORCE_SLOW)
    for text in [body, *(v for v in data.values() if isinstance(v, str))]:
        assert safety._has_control(text) == (safety._CONTROL.search(text) is not None)


def test_loading_in_several_processes_gives_what_one_process_does(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(load_module, "_CHUNK", 3)  # several tasks, to check their order
    files: dict[str, Any] = minimal_files()
    for n in range(1, 30):
        files[incident_path(f"2025-12-{n:02d}-patrol-{n}")] = valid_incident(date=f"2025-12-{n:02d}")
    files[incident_path("2025-12-09-joint-bomber-patrol")] = "---\ntitle: [unclosed\n---\n"
    files[incident_path("2025-12-10-bad")] = b"---\ntitle: caf\xe9\n---\n"
    files[incident_path("2025-12-11-todo")] = (
        "---\ntitle: TODO\ntitle: again\nx: !!python/none\n---\n<script>"
    )
    files["content/notes.txt"] = "stray"
    write_tree(tmp_path, files)
    serial = load(tmp_path, processes=1)
    parallel = load(tmp_path, processes=2)
    assert parallel == serial
    assert [d.position(("title",)) for d in parallel[0]] == [d.position(("title",)) for d in serial[0]]
    assert check(parallel[0], today=TODAY)[1] == check(serial[0], today=TODAY)[1]


@pytest.fixture
def load_pools(monkeypatch: Any) -> list[tuple[Any, ...]]:
    """The process pools load starts, recorded; trees of two files or more count as large."""
    pools: list[tuple[Any, ...]] = []

    def recorded_pool(*args: Any, **kwargs: Any) -> ProcessPoolExecutor:
        pools.append(args)
        return fork_pool(*args, **kwargs)

    monkeypatch.setattr(load_module, "fork_pool", recorded_pool)
    monkeypatch.setattr(load_module, "PARALLEL_MIN_FILES", 2)
    # a thread another test left running in this test process (a server, a pool) would rule the workers out;
    # the rule itself is tested in test_no_load_workers_beside_another_thread
    monkeypatch.setattr(load_module.threading, "active_count", lambda: 1)
    if load_module._processes(10) == 1:  # one core, or no fork here
        pytest.skip("this machine loads in one process")
    return pools


def test_a_large_tree_is_loaded_in_several_processes(
    tmp_path: Path, monkeypatch: Any, load_pools: list[tuple[Any, ...]]
) -> None:
    files: dict[str, Any] = minimal_files()
    files[incident_path("2025-12-11-todo")] = "---\ntitle: TODO\n---\n"
    write_tree(tmp_path, files)
    with monkeypatch.context() as serial:  # what one process reports
        serial.setattr(load_module, "PARALLEL_MIN_FILES", 10**9)
        expected = check_json(tmp_path, "--no-cache")  # every file read, not from check's cache
    assert not load_pools
    monkeypatch.setattr(load_module, "_CHUNK", 2)
    assert check_json(tmp_path, "--no-cache") == expected
    assert load_pools


def test_a_cache_is_filled_by_several_processes_then_reused(
    tmp_path: Path, monkeypatch: Any, load_pools: list[tuple[Any, ...]]
) -> None:
    monkeypatch.setattr(load_module, "_CHUNK", 3)
    files: dict[str, Any] = minimal_files()
    for n in range(1, 12):
        files[incident_path(f"2025-12-{n:02d}-patrol-{n}")] = valid_incident(date=f"2025-12-{n:02d}")
    files[incident_path("2025-12-20-bad")] = b"---\ntitle: caf\xe9\n---\n"
    files[incident_path("2025-12-21-twice")] = "---\ntitle: a\ntitle: b\n---\n"
    write_tree(tmp_path, files)
    serial = load(tmp_path, processes=1)
    cache: load_module.LoadCache = {}
    assert not load_pools
    assert load(tmp_path, cache, processes=2) == serial  # the first build: every file read by the workers
    assert len(load_pools) == 1
    assert set(cache) == {path for path in files if path.startswith("content/")}
    edited = tmp_path / incident_path("2025-12-01-patrol-1")
    edited.write_text(edited.read_text(encoding="utf-8").replace("title:", "title: Edited"), encoding="utf-8")
    reread: list[str] = []
    load_file = load_module.load_file
    monkeypatch.setattr(
        load_module,
        "load_file",
        lambda root, relative, *rest: reread.append(relative) or load_file(root, relative, *rest),
    )
    documents, problems = load(tmp_path, cache, processes=2)
    assert reread == [incident_path("2025-12-01-patrol-1")]  # only the edited file is read again, here
    assert len(load_pools) == 1
    assert problems == serial[1] and [d.path for d in documents] == [d.path for d in serial[0]]
    assert documents[[d.path for d in documents].index(reread[0])].data["title"].startswith("Edited")


def test_a_cached_load_reports_a_file_it_cannot_stat_where_a_plain_load_does(tmp_path: Path) -> None:
    files: dict[str, Any] = minimal_files()
    write_tree(tmp_path, files)
    (tmp_path / "content" / "actors" / "zz-gone.md").symlink_to("no-such-file.md")  # dangling: stat fails
    plain = load(tmp_path, processes=1)
    cache: load_module.LoadCache = {}
    for _ in range(2):  # the first build and a rebuild
        assert load(tmp_path, cache, processes=1) == plain
    assert any(d.code == "FL102" and d.path.endswith("zz-gone.md") for d in plain[1])
    assert not any(path.endswith("zz-gone.md") for path in cache)


@pytest.mark.parametrize(
    ("command", "option", "workers"), [("build", None, True), ("serve", None, False), ("build", 0, False)]
)
def test_mkdocs_build_reads_a_large_tree_in_several_processes(
    tmp_path: Path, load_pools: list[tuple[Any, ...]], command: str, option: int | None, workers: bool
) -> None:
    root = make_project(tmp_path, minimal_files())
    sigterm = signal.getsignal(signal.SIGTERM)  # the plugin's clean-up handler is not left in pytest
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command=command, dirty=False)
    config = config.plugins.on_config(config)
    plugin = config.plugins["fault-lines"]
    plugin.config["processes"] = option
    try:
        files = plugin.on_files(Files([]), config=config)
    finally:
        plugin.on_build_error(error=Exception("test over"))  # removes the staging folder
        signal.signal(signal.SIGTERM, sigterm)
    # serve reads in its own process (its web server runs in a thread), and so does `processes: 0`
    assert bool(load_pools) is workers
    assert files.get_file_from_path("incidents/2025-12-09-joint-bomber-patrol.md") is not None
    content = len([path for path in minimal_files() if path.startswith("content/")])
    assert plugin.result.files == content
    # serve keeps the parsed files for its next rebuild; build lets them go once the chronology is built (memory)
    assert len(plugin.load_cache) == (content if command == "serve" else 0)


def test_no_load_workers_beside_another_thread(monkeypatch: Any) -> None:
    monkeypatch.setattr(load_module.threading, "active_count", lambda: 1)
    if load_module._processes(100_000) == 1:
        pytest.skip("this machine loads in one process")
    monkeypatch.setattr(load_module.threading, "active_count", lambda: 2)  # mkdocs serve's web server
    assert load_module._processes(100_000) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abc de", max_size=30), st.text(alphabet="abc de", max_size=30))
def test_title_similarity_bounds_never_change_the_answer(a: str, b: str) -> None:
    matcher = difflib.SequenceMatcher(None, a, b)
    ratio = matcher.ratio()
    assert warnings._similar(a, b) == (ratio >= warnings.TITLE_SIMILARITY)
    assert warnings._similar(a, b, Counter(a), Counter(b)) == (ratio >= warnings.TITLE_SIMILARITY)
    if (
        matcher.quick_ratio() < warnings.TITLE_SIMILARITY
    ):  # the bound worked out without a matcher is difflib's
        assert not warnings._similar(a, b)


def test_remembered_dates_are_the_dates_parsed() -> None:
    for text in ["2025", "2025-12", "2025-12-09", " 2025-12-09 ", "2024-02-29"]:
        first, again = PartialDate.parse(text), PartialDate.parse(text)
        assert first == again == PartialDate._parse(text)
    for wrong in ["2025-02-30", "2025-13", "0999", "12:30"]:
        for _ in range(2):  # refused every time, never remembered
            with pytest.raises(ValueError, match=r"date|year"):
                PartialDate.parse(wrong)


_OLD_FENCE = re.compile(r"^---[ \t]*$")


def _split_line_by_line(text: str) -> tuple[str, str, int] | None:
    """split_front_matter as it was written first: every line matched against the fence."""
    lines = text.split("\n")
    if not _OLD_FENCE.match(lines[0]):
        return None
    for index in range(1, len(lines)):
        if _OLD_FENCE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(["---", "--", "-", "\n", " ", "\t", "a", ":", "---\n", "\n---"]), max_size=20)
)
def test_front_matter_split_by_substring_equals_line_by_line(parts: list[str]) -> None:
    text = "".join(parts)
    problems: list[Any] = []
    assert split_front_matter(text, "f.md", problems) == _split_line_by_line(text)
    assert len(problems) == (_split_line_by_line(text) is None)


class _NoFork:
    """A pool that cannot start: fork refused (as under a process limit)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise OSError(11, "Resource temporarily unavailable")


class _DiesAfterOneTask(ProcessPoolExecutor):
    """A pool whose workers die after the first task's result."""

    def __init__(self, processes: int) -> None:
        super().__init__(processes, mp_context=multiprocessing.get_context("fork"))

    def map(self, fn: Any, *iterables: Any, **kwargs: Any) -> Any:
        results = super().map(fn, *iterables, **kwargs)
        yield next(results)
        raise BrokenProcessPool("a worker died")


def test_loading_falls_back_to_one_process(tmp_path: Path, monkeypatch: Any) -> None:
    files: dict[str, Any] = minimal_files()
    for n in range(1, 12):
        files[incident_path(f"2025-12-{n:02d}-patrol-{n}")] = valid_incident(date=f"2025-12-{n:02d}")
    write_tree(tmp_path, files)
    serial = load(tmp_path, processes=1)
    monkeypatch.setattr(load_module, "_CHUNK", 3)
    for pool in (_NoFork, _DiesAfterOneTask):
        monkeypatch.setattr(load_module, "fork_pool", pool)
        assert load(tmp_path, processes=2) == serial


def test_a_run_pauses_the_cycle_collector_and_restores_it(tmp_path: Path, monkeypatch: Any) -> None:
    write_tree(tmp_path, minimal_files())
    seen = []
    original = pipeline.check
    monkeypatch.setattr(pipeline, "check", lambda *a, **k: seen.append(gc.isenabled()) or original(*a, **k))
    was = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            assert not pipeline.run(tmp_path).failed()
            assert gc.isenabled() is state
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False, False]


def test_mkdocs_build_holds_each_page_text_once_compressed_and_writes_data_files_at_once(
    tmp_path: Path,
) -> None:
    # memory: between rendering and MkDocs reading a page, its text is only the plugin's compressed copy (MkDocs'
    # file is empty); data files are in the site folder already, and MkDocs leaves them there
    root = make_project(tmp_path, minimal_files())
    sigterm = signal.getsignal(signal.SIGTERM)
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    plugin = config.plugins["fault-lines"]
    try:
        files = plugin.on_files(Files([]), config=config)
        file = files.get_file_from_path("incidents/2025-12-09-joint-bomber-patrol.md")
        assert file is not None and file.content_string == ""
        unread = plugin._unread[file.src_uri]
        assert isinstance(unread.packed, bytes) and unread.markdown.startswith("---\n")
        page = Page(None, file, config)
        page.read_source(config)  # as MkDocs reads it (the plugin's on_page_read_source gives the text)
        assert page.meta["title"] and page.markdown and page.markdown in unread.markdown
        assert file.src_uri not in plugin._unread  # let go once read
        data = files.get_file_from_path("data/incidents.json")
        assert data is not None and data.abs_src_path == data.abs_dest_path
        written = Path(data.abs_dest_path).read_bytes()
        data.copy_file()  # what MkDocs does at the end: the file stays as it is
        assert Path(data.abs_dest_path).read_bytes() == written and written.startswith(b"{")
    finally:
        plugin.on_build_error(error=Exception("test over"))  # removes the staging folder
        signal.signal(signal.SIGTERM, sigterm)


def test_files_handed_to_a_sink_are_the_files_and_are_not_kept(tmp_path: Path) -> None:
    # memory: under `mkdocs build` the exports (about 140 MB at 10,000 incidents) are written out as soon as
    # they are made, instead of being held while every page is rendered
    from generator.render.pages import SiteRenderer
    from generator.render.site import render_site

    root = write_tree(tmp_path / "project", minimal_files())
    chronology = pipeline.run(root).chronology
    assert chronology is not None
    whole = render_site(chronology)
    handed: list[tuple[str, bytes, int]] = []
    rendered: list[str] = []
    incident = SiteRenderer.incident

    def noted(self: SiteRenderer, record: Any) -> Any:
        rendered.append(record.id)
        return incident(self, record)

    SiteRenderer.incident = noted  # type: ignore[method-assign]
    try:
        output = render_site(chronology, sink=lambda path, data: handed.append((path, data, len(rendered))))
    finally:
        SiteRenderer.incident = incident  # type: ignore[method-assign]
    assert output.files == {}
    assert [(path, data) for path, data, _ in handed] == list(whole.files.items())
    assert {before for _, _, before in handed} == {0}  # every file handed over before any page is rendered
    assert output.pages.keys() == whole.pages.keys()
    assert all(output.pages[p].markdown == whole.pages[p].markdown for p in whole.pages)
