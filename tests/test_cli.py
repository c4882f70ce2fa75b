"""`faultlines check`: exit statuses, ordering, the summary line and the three output formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import (
    ACTOR_DIR,
    check_tree,
    incident_path,
    problem_lines,
    run_cli,
    valid_actor,
    valid_incident,
    with_changes,
)

import generator.pipeline
from generator.diagnostics import Diagnostic, format_github, format_json, format_text

PATROL = incident_path("2025-12-09-joint-bomber-patrol")
RADAR = incident_path("2025-12-06-radar-lock-on")
UNUSED = f"{ACTOR_DIR}/usfj.md"


@pytest.fixture
def warnings_only(tmp_path: Path) -> Path:
    """A project whose only problem is a warning (an unused actor)."""
    return with_changes(tmp_path, **{UNUSED: valid_actor("US Forces Japan")})


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """Errors in two files, one warning, written so that file order differs from the sorted order."""
    return with_changes(
        tmp_path,
        **{
            PATROL: valid_incident(type="joint-patrl", places=["east-chna-sea"]),
            RADAR: valid_incident(
                title="Chinese carrier aircraft aim radar at Japanese fighters",
                date="2025-12-06",
                type="radar-lock",
                actors=[{"actor": "jsdf", "role": "responder"}],
                summary="J-15 fighters from the Liaoning locked their radar on JASDF F-15s near Okinawa.",
                places=["sea-of-japan"],
            ),
            UNUSED: valid_actor("US Forces Japan"),
        },
    )


# --- exit statuses -----------------------------------------------------------------------------------------


def test_clean_project_exits_0(minimal_tree: Path) -> None:
    assert run_cli("check", str(minimal_tree)) == (0, "no problems found\n", "")


def test_warnings_only_exit_0(warnings_only: Path) -> None:
    status, out, err = run_cli("check", str(warnings_only), "--format", "concise")
    assert status == 0
    assert out == (
        f"{UNUSED}:2:1: warning FL603 actor 'usfj' is not used by any incident\n"
        "0 errors, 1 warning in 1 file\n"
    )
    assert err == ""


def test_warnings_under_strict_exit_1_as_errors(warnings_only: Path) -> None:
    status, out, _ = run_cli("check", str(warnings_only), "--strict")
    assert status == 1
    assert problem_lines(out) == [f"{UNUSED}:2:1: error FL603 actor 'usfj' is not used by any incident"]
    assert out.endswith("1 error, 0 warnings in 1 file\n")


def test_errors_exit_1(broken: Path) -> None:
    status, _, err = run_cli("check", str(broken))
    assert status == 1
    assert err == ""


def test_unknown_option_exits_2(minimal_tree: Path) -> None:
    status, out, err = run_cli("check", str(minimal_tree), "--no-such-option")
    assert status == 2
    assert out == ""
    assert "unrecognized arguments: --no-such-option" in err


def test_unknown_format_exits_2(minimal_tree: Path) -> None:
    status, _, err = run_cli("check", str(minimal_tree), "--format", "xml")
    assert status == 2
    assert "invalid choice: 'xml'" in err


def test_missing_command_exits_2() -> None:
    status, _, err = run_cli()
    assert status == 2
    assert "usage: faultlines" in err


def test_root_without_content_exits_2(tmp_path: Path) -> None:
    status, out, err = run_cli("check", str(tmp_path / "nowhere"))
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "has no content/ folder" in err


def test_version_exits_0() -> None:
    status, out, _ = run_cli("--version")
    assert status == 0
    assert out.startswith("faultlines ")


def _explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError("unexpected state\nwith a second line")


def test_internal_error_exits_3_with_one_line(minimal_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.pipeline, "run", _explode)
    status, out, err = run_cli("check", str(minimal_tree))
    assert status == 3
    assert out == ""
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert "internal error (RuntimeError: unexpected state with a second line)" in err
    assert "bug" in err and "report" in err and "--debug" in err


@pytest.mark.parametrize("argv", [["--debug", "check"], ["check", "--debug"]])
def test_debug_shows_the_traceback(
    minimal_tree: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.setattr(generator.pipeline, "run", _explode)
    status, _, err = run_cli(*argv, str(minimal_tree))
    assert status == 3
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError: unexpected state" in err


# --- text output -------------------------------------------------------------------------------------------


def test_text_output_sorted_with_hints_and_summary(broken: Path) -> None:
    _, out, _ = run_cli("check", str(broken), "--format", "concise")
    assert out == (
        f"{UNUSED}:2:1: warning FL603 actor 'usfj' is not used by any incident\n"
        f"{RADAR}:7:10: error FL201 unknown actor 'jsdf'; did you mean 'jasdf'?\n"
        f"{PATROL}:4:7: error FL203 unknown incident type 'joint-patrl'; did you mean 'joint-patrol'?\n"
        f"{PATROL}:12:3: error FL202 unknown place 'east-chna-sea'; did you mean 'east-china-sea'?\n"
        "3 errors, 1 warning in 3 files\n"
    )


def test_lines_sorted_by_path_then_line(broken: Path) -> None:
    keys = []
    for line in check_tree(broken):
        path, number, column, _ = line.split(":", 3)
        keys.append((path, int(number), int(column)))
    assert keys == sorted(keys)
    assert len(keys) == 4


def test_hint_lines_are_indented(tmp_path: Path) -> None:
    with_changes(tmp_path, **{PATROL: valid_incident(sumary="typo")})
    _, out, _ = run_cli("check", str(tmp_path), "--format", "concise")
    lines = out.splitlines()
    index = next(
        i
        for i, line in enumerate(lines)
        if line.endswith(" FL302 unknown field 'sumary'; did you mean 'summary'?")
    )
    assert lines[index + 1].startswith("    hint: allowed fields here: title, date, end_date, type")


def test_summary_pluralises() -> None:
    one = [Diagnostic("a.md", 1, 1, "FL201", "x"), Diagnostic("a.md", 2, 1, "FL601", "y")]
    assert format_text(one).splitlines()[-1] == "1 error, 1 warning in 1 file"
    many = [*one, Diagnostic("b.md", 1, 1, "FL201", "z"), Diagnostic("b.md", 3, 1, "FL602", "w")]
    assert format_text(many).splitlines()[-1] == "2 errors, 2 warnings in 2 files"


# --- github output -----------------------------------------------------------------------------------------


def test_github_format_annotates_each_line(broken: Path) -> None:
    status, out, _ = run_cli("check", str(broken), "--format", "github")
    assert status == 1
    lines = out.splitlines()
    assert lines[1] == (
        f"::error file={RADAR},line=7,col=10,title=FL201::unknown actor 'jsdf'; did you mean 'jasdf'?"
        "%0Ahttps://fault-lines.github.io/fault-lines/reference/error-codes/#fl201"
    )
    assert lines[0].startswith(f"::warning file={ACTOR_DIR}/usfj.md,line=2,col=1,title=FL603::")
    assert lines[-1] == "3 errors, 1 warning in 3 files"


def test_github_format_escapes_properties_and_data() -> None:
    item = Diagnostic(
        "content/a,b:c%d.md", 3, 4, "FL201", "50% sure: a, b\nnext", hint="fix it", end_line=3, end_column=9
    )
    assert format_github([item]).splitlines()[0] == (
        "::error file=content/a%2Cb%3Ac%25d.md,line=3,col=4,endLine=3,endColumn=9,title=FL201"
        "::50%25 sure: a, b%0Anext%0Afix it%0Ahttps://fault-lines.github.io/fault-lines/reference/error-codes/#fl201"
    )


def test_github_format_leaves_out_unknown_positions() -> None:
    item = Diagnostic("content/notes.txt", 0, 0, "FL113", "stray")
    assert format_github([item]).splitlines()[0] == (
        "::error file=content/notes.txt,title=FL113::stray%0A"
        "https://fault-lines.github.io/fault-lines/reference/error-codes/#fl113"
    )


def test_github_format_under_strict(warnings_only: Path) -> None:
    _, out, _ = run_cli("check", str(warnings_only), "--format", "github", "--strict")
    assert out.startswith(f"::error file={UNUSED},line=2,col=1,title=FL603::")


# --- json output -------------------------------------------------------------------------------------------


def test_json_format(broken: Path) -> None:
    status, out, _ = run_cli("check", str(broken), "--format", "json")
    assert status == 1
    records = json.loads(out)
    assert [r["code"] for r in records] == ["FL603", "FL201", "FL203", "FL202"]
    assert records[1] == {
        "path": RADAR,
        "line": 7,
        "column": 10,
        "end": None,
        "severity": "error",
        "code": "FL201",
        "name": "unknown-actor",
        "message": "unknown actor 'jsdf'; did you mean 'jasdf'?",
        "hint": None,
        "url": "https://fault-lines.github.io/fault-lines/reference/error-codes/#fl201",
    }
    for record in records:
        assert {"path", "line", "column", "end", "severity", "code", "message", "hint"} <= set(record)


def test_json_format_end_and_hint(tmp_path: Path) -> None:
    with_changes(tmp_path, **{PATROL: valid_incident(__body__="See [[jsdf]].[^pub-1]\n")})
    _, out, _ = run_cli("check", str(tmp_path), "--format", "json")
    (record,) = json.loads(out)
    assert (record["line"], record["column"], record["end"]) == (23, 5, {"line": 23, "column": 13})
    assert (
        record["message"]
        == "link [[jsdf]] does not match any incident, actor or place; did you mean 'jasdf'?"
    )


def test_json_clean_is_an_empty_list(minimal_tree: Path) -> None:
    status, out, _ = run_cli("check", str(minimal_tree), "--format", "json")
    assert (status, json.loads(out)) == (0, [])


def test_json_formatter_keeps_unicode() -> None:
    out = format_json([Diagnostic("content/a.md", 1, 1, "FL201", "unknown actor '航空自衛隊'")])
    assert "航空自衛隊" in out
    assert json.loads(out)[0]["message"] == "unknown actor '航空自衛隊'"


# --- as a program ------------------------------------------------------------------------------------------


def test_python_dash_m_generator_check(broken: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(broken)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert f"{RADAR}:7:10: error FL201 unknown actor 'jsdf'; did you mean 'jasdf'?" in done.stdout
    assert done.stdout.endswith("3 errors, 1 warning in 3 files\n")
    assert done.stderr == ""


def test_check_defaults_to_the_current_directory(minimal_tree: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check"],
        cwd=minimal_tree,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (0, "no problems found\n")


def test_console_script_bad_usage() -> None:
    script = Path(sys.executable).with_name("faultlines")
    if not script.exists():
        pytest.skip("the faultlines console script is not installed next to this Python")
    done = subprocess.run([str(script), "check", "--bogus"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
