"""The benchmark's synthetic corpus stays valid, and an incident page does not grow with the chronology."""

from __future__ import annotations

from pathlib import Path

from generator.cli import main
from generator.load import load
from generator.pipeline import run
from generator.render.site import render_site
from tests.benchmark.corpus import incident_id, write_corpus


def test_synthetic_corpus_passes_check_without_errors(tmp_path: Path, capsys) -> None:
    write_corpus(tmp_path, 50)
    assert main(["check", str(tmp_path), "--strict"]) == 0, capsys.readouterr().out


def _incident_page(root: Path, n: int, probe: int = 20) -> str:
    write_corpus(root, n)
    result = run(root)
    assert result.chronology is not None, [str(d) for d in result.diagnostics[:5]]
    return render_site(result.chronology).pages[f"incidents/{incident_id(probe)[0]}.md"].markdown


def test_incident_page_does_not_grow_with_the_number_of_incidents(tmp_path: Path) -> None:
    small = _incident_page(tmp_path / "small", 50)
    large = _incident_page(tmp_path / "large", 200)
    # the same incident, the same links (ids and names are fixed-width): only the other actors' and places'
    # numbers differ, never the length; a navigation or list of every incident would add kilobytes
    assert abs(len(small.encode()) - len(large.encode())) <= 64, (len(small), len(large))


def test_load_cache_reuses_unchanged_files_and_rereads_edited_ones(tmp_path: Path) -> None:
    write_corpus(tmp_path, 20)
    cache: dict = {}
    first, _ = load(tmp_path, cache)
    second, _ = load(tmp_path, cache)
    assert all(a is b for a, b in zip(first, second, strict=True))  # not parsed again
    k = next(i for i, d in enumerate(first) if d.kind == "incident")
    edited = tmp_path / first[k].path
    edited.write_text(edited.read_text(encoding="utf-8").replace("tags: [synthetic]", "tags: [edited]"))
    third, _ = load(tmp_path, cache)
    assert third[k] is not first[k] and third[k].data["tags"] == ["edited"]
    assert all(a is b for i, (a, b) in enumerate(zip(first, third, strict=True)) if i != k)
    edited.unlink()
    fourth, _ = load(tmp_path, cache)
    assert len(fourth) == len(first) - 1 and first[k].path not in cache
