"""No output of ``faultlines check`` or ``faultlines sources`` can forge a CI workflow command (issue 19, item 8).

A runner reads a line that starts (after spaces) with ``::`` (or the old ``##[``) as a command: a text holding a
line break and ``::error …`` or ``::stop-commands::`` forged annotations or switched them off. Every text a
contributor wrote is printed on its own line's terms: line breaks and controls escaped, never at a line's start,
``%`` and line breaks encoded in annotations; the job summary is HTML-escaped.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import (
    VOCABULARY,
    incident_path,
    minimal_files,
    run_cli,
    valid_incident,
    valid_source,
    write_tree,
)

REPO = Path(__file__).resolve().parent.parent
PATROL = incident_path("2025-12-09-joint-bomber-patrol")
FORGERIES = [
    "\n::error file=README.md,line=1::forged annotation",
    "\r::stop-commands::pwned",
    "\u2028::warning::after a line separator",
    "\x85::notice::after NEL",
    "%0A::error::encoded",
    "##[error]old syntax",
    "::add-mask::secret",
]
ANNOTATION = re.compile(
    r"::(error|warning) file=[^,:\r\n]+(,line=\d+)?(,col=\d+)?(,endLine=\d+)?(,endColumn=\d+)?,title=FL\d{3}::[^\r\n]*"
)


def assert_no_forged_command(output: str, annotations: bool = False) -> None:
    assert "\r" not in output and "\u2028" not in output and "\x85" not in output
    for line in output.split("\n"):
        body = line.lstrip()
        if annotations and body.startswith("::"):
            assert ANNOTATION.fullmatch(line), line
            assert "stop-commands" not in line.split("::")[1] and "add-mask" not in line.split("::")[1]
            continue
        assert not body.startswith(("::", "##[")), line


def hostile_check_tree(root: Path) -> None:
    files = minimal_files()
    for n, forgery in enumerate(FORGERIES):
        files[incident_path(f"2025-12-09-forged-{n}")] = valid_incident(
            title=f"TODO {forgery}",  # FL309 quotes the value
            sources=[valid_source(10 + n), valid_source(20 + n)],
            **{forgery.strip() or "x": "unknown field"},  # FL302 quotes the key
        )
    write_tree(root, files)


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_check_output_cannot_forge_commands(tmp_path: Path, fmt: str) -> None:
    hostile_check_tree(tmp_path)
    status, out, err = run_cli("check", str(tmp_path), "--format", fmt)
    assert status == 1 and out
    assert_no_forged_command(out, annotations=fmt == "github")
    assert_no_forged_command(err)
    if fmt == "json":
        records = json.loads(out)
        assert any("::error file=README.md" in r["message"] for r in records)  # kept, as escaped data
    if fmt == "github":
        assert "%0A::error file=README.md" in out and "%250A" in out  # encoded, not dropped


def hostile_sources_tree(root: Path) -> None:
    files = minimal_files()
    vocabulary = files[VOCABULARY]
    assert isinstance(vocabulary, dict)
    vocabulary["source_kinds"]["official"] = {"label": "::error::forged kind"}
    # the check refuses CR, NEL and LINE SEPARATOR in values: the others are what `sources` can be given
    passing = [f for f in FORGERIES if not re.search("[\r\x85\u2028]", f)]
    for n, forgery in enumerate(passing):
        files[incident_path(f"2025-12-0{1 + n}-source-{n}")] = valid_incident(
            date=f"2025-12-0{1 + n}",
            title=f"Incident with a hostile publisher {n}",
            sources=[
                valid_source(30 + n, publisher=f"Publisher{forgery}", kind="official"),
                valid_source(40 + n),
            ],
        )
    write_tree(root, files)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_sources_output_cannot_forge_commands(tmp_path: Path, fmt: str) -> None:
    hostile_sources_tree(tmp_path)
    status, out, err = run_cli("sources", str(tmp_path), "--format", fmt)
    assert status == 0, err
    assert_no_forged_command(out)
    if fmt == "text":
        assert "Publisher\\n::error file=README.md" in out and "\\x3a:error::forged kind" in out


def summary_step() -> str:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "validate.yml").read_text())
    for steps in (job["steps"] for job in workflow["jobs"].values()):
        for step in steps:
            if "GITHUB_STEP_SUMMARY" in step.get("run", "") and "faultlines check" in step["run"]:
                return step["run"]
    raise AssertionError("no summary step")


def test_job_summary_is_html_escaped(tmp_path: Path) -> None:
    """The summary step, run as the workflow runs it, with a faultlines that prints what a contributor could
    make it print: the text shows, escaped, inside one <pre> block."""
    hostile = "path:1:1: error FL309 '````\n# Heading\n</pre><img src=https://evil.example/x>\n[x](https://e.example)'\n"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "faultlines"
    fake.write_text(f"#!/bin/sh\ncat <<'EOF'\n{hostile}EOF\nexit 1\n")
    fake.chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    summary = tmp_path / "summary.md"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "RUNNER_TEMP": str(tmp_path),
           "GITHUB_STEP_SUMMARY": str(summary)}  # fmt: skip
    subprocess.run(["bash", "-e", "-c", summary_step()], env=env, check=True)
    text = summary.read_text()
    block = text[text.index("<pre>") : text.rindex("</pre>") + len("</pre>")]
    assert block.count("<pre>") == 1 and block.count("</pre>") == 1 and "<img" not in text
    assert "&lt;/pre&gt;&lt;img src=https://evil.example/x&gt;" in block
