"""The `search_index` option: a large chronology can index incidents by their title, summary and facts only, and
by default (`auto`) does so above SUMMARY_INDEX_ABOVE incidents."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from helpers import incident_path, minimal_files, valid_incident, write_tree
from mkdocs_project import make_project, mkdocs_build

from generator.mkdocs_plugin import FaultLinesPlugin
from generator.pipeline import run
from generator.render import site as site_module
from generator.render.site import SUMMARY_INDEX_ABOVE, render_site

pytestmark = pytest.mark.slow

PAGE = "incidents/2025-12-09-joint-bomber-patrol/"


def _index(tmp_path: Path, option: str | None) -> dict[str, str]:
    files = minimal_files()
    files[incident_path("2025-12-09-joint-bomber-patrol")] = valid_incident(
        __body__="The [[jasdf]] scrambled fighters over the Tsushimamarker strait.[^pub-1]\n"
    )
    root = make_project(tmp_path / "project", files)
    if option:
        config = (root / "mkdocs.yml").read_text(encoding="utf-8")
        assert "      branch: main\n" in config
        config = config.replace("      branch: main\n", f"      branch: main\n      search_index: {option}\n")
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    mkdocs_build(root, "-d", str(tmp_path / "site"))
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {d["location"]: d["text"] for d in index["docs"] if d["location"].startswith(PAGE)}


@pytest.mark.parametrize("option", [None, "full"])  # the default, auto, is full for a small chronology
def test_full_index_finds_an_incident_by_its_body_and_sources(tmp_path: Path, option: str | None) -> None:
    entries = _index(tmp_path, option)
    assert "Tsushimamarker" in entries[PAGE]
    assert f"{PAGE}#sources" in entries and f"{PAGE}#actors" in entries


def test_summary_index_keeps_title_summary_and_facts_only(tmp_path: Path) -> None:
    entries = _index(tmp_path, "summary")
    assert list(entries) == [PAGE]  # no section entries
    text = entries[PAGE]
    assert "Two Chinese and two Russian bombers flew together over the East China Sea." in text
    assert "East China Sea" in text and "Tsushimamarker" not in text
    # the page itself is unchanged for readers
    html = (tmp_path / "site" / PAGE / "index.html").read_text(encoding="utf-8")
    assert "Tsushimamarker" in html and 'id="sources"' in html


def test_an_unknown_value_is_a_configuration_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", minimal_files())
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("      branch: main\n", "      branch: main\n      search_index: tiny\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    process = mkdocs_build(root, check=False)
    assert process.returncode != 0 and "search_index" in process.stderr


def test_auto_indexes_in_full_up_to_the_limit_and_by_summary_beyond(caplog: pytest.LogCaptureFixture) -> None:
    plugin = FaultLinesPlugin()
    assert plugin.load_config({}) == ([], []) and plugin.config.search_index == "auto"
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.fault-lines"):
        assert plugin._search_index(SUMMARY_INDEX_ABOVE) == "full"
        assert not caplog.records
        assert plugin._search_index(SUMMARY_INDEX_ABOVE + 1) == "summary"
    [record] = caplog.records  # the build says why, and how to have the whole pages indexed
    assert "1,001 incidents" in record.getMessage() and "search_index: full" in record.getMessage()
    for option in ("full", "summary"):
        plugin = FaultLinesPlugin()
        plugin.load_config({"search_index": option})
        assert plugin._search_index(1) == plugin._search_index(10 * SUMMARY_INDEX_ABOVE) == option


def test_faultlines_build_chooses_the_index_by_the_same_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # render_site (faultlines build --out) resolves "auto" as the plugin does: the same pages either way
    root = write_tree(tmp_path, minimal_files())
    chronology = run(root).chronology
    assert chronology is not None

    def body_indexed() -> bool:
        page = render_site(chronology).pages["incidents/2025-12-09-joint-bomber-patrol.md"].markdown
        assert '<div class="fl-body"' in page
        return '<div class="fl-body">' in page

    assert body_indexed()
    monkeypatch.setattr(site_module, "SUMMARY_INDEX_ABOVE", len(chronology.incidents) - 1)
    assert not body_indexed()
