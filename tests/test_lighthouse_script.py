"""tests/lighthouse.py (make lighthouse): finds Lighthouse as told, and reports the median of the runs with the
machine's CPU benchmark index beside it. Lighthouse itself runs only under `make lighthouse`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import lighthouse
import pytest


def report(score: float, tbt: float, cls: float, benchmark: float) -> dict[str, Any]:
    return {
        "categories": {"performance": {"score": score}},
        "audits": {
            "total-blocking-time": {"numericValue": tbt},
            "cumulative-layout-shift": {"numericValue": cls},
        },
        "environment": {"benchmarkIndex": benchmark},
    }


def test_the_median_run_is_reported_with_every_runs_benchmark_index() -> None:
    runs = lighthouse.Runs()
    for r in (report(0.91, 300, 0.0, 1200), report(0.99, 90, 0.0, 2400), report(0.96, 150, 0.01, 2000)):
        runs.add(r)
    line = lighthouse.line("timeline", runs)
    assert "performance 96 (91/99/96)" in line
    assert "TBT 150 ms" in line and "CLS 0.000" in line
    assert "CPU benchmarkIndex 1200/2400/2000" in line


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_lighthouse_package_folder_runs_its_cli_with_node(tmp_path: Path) -> None:
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "index.js").write_text("", encoding="utf-8")
    command = lighthouse.lighthouse_command(str(tmp_path))
    assert command[1:] == [str(tmp_path / "cli" / "index.js")]


def test_no_lighthouse_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIGHTHOUSE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(lighthouse.Unavailable, match="npm install -g lighthouse@12"):
        lighthouse.lighthouse_command(None)
    with pytest.raises(lighthouse.Unavailable, match="is not a command"):
        lighthouse.lighthouse_command(str(tmp_path / "nowhere"))
