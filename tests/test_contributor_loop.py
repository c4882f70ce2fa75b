"""The contributor loop (issue 16): a quiet whole-tree check, one file or only what changed, the pre-commit hook
with file names, --quiet, --verbose and a usable --strict. Real CLI runs, real git repositories."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import (
    ACTOR_DIR,
    incident_path,
    problem_lines,
    run_cli,
    valid_actor,
    valid_incident,
    valid_source,
    with_changes,
    write_tree,
)

REPO = Path(__file__).resolve().parent.parent
PATROL = incident_path("2025-12-09-joint-bomber-patrol")
RADAR = incident_path("2025-12-06-radar-lock-on")
UNUSED = f"{ACTOR_DIR}/usfj.md"
NO_ARCHIVE = valid_source(7, archive_url=None)


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "C", "GIT_AUTHOR_EMAIL": "c@x.org",
           "GIT_COMMITTER_NAME": "C", "GIT_COMMITTER_EMAIL": "c@x.org"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture
def record_findings(tmp_path: Path) -> Path:
    """A tree whose only findings are state-of-the-record ones: a source without archive_url, a single source."""
    return with_changes(
        tmp_path,
        **{
            PATROL: valid_incident(sources=[valid_source(1), NO_ARCHIVE]),
            RADAR: valid_incident(
                title="Chinese carrier aircraft aim radar at Japanese fighters",
                date="2025-12-06",
                type="radar-lock",
                summary="J-15 fighters from the Liaoning locked their radar on JASDF F-15s near Okinawa.",
                places=["sea-of-japan"],
                sources=[valid_source(3)],
            ),
        },
    )


@pytest.fixture
def two_broken(tmp_path: Path) -> Path:
    """Errors in two incident files."""
    return with_changes(
        tmp_path,
        **{
            PATROL: valid_incident(type="joint-patrl"),
            RADAR: valid_incident(
                title="Chinese carrier aircraft aim radar at Japanese fighters",
                date="2025-12-06",
                type="radar-lock",
                summary="J-15 fighters locked their radar on JASDF F-15s near Okinawa.",
                actors=[{"actor": "jsdf", "role": "responder"}],
                places=["sea-of-japan"],
                sources=[valid_source(3), valid_source(4)],
            ),
        },
    )


# --- 1. quiet by default ------------------------------------------------------------------------------------


def test_whole_tree_with_only_record_findings_prints_one_line(record_findings: Path) -> None:
    status, out, err = run_cli("check", str(record_findings))
    assert status == 0 and err == ""
    assert out == (
        "no problems found; not listed: 1 source without an archive_url, 1 incident with a single source "
        "(--verbose lists them)\n"
    )


def test_verbose_lists_the_record_findings(record_findings: Path) -> None:
    status, out, _ = run_cli("check", str(record_findings), "--verbose")
    assert status == 0
    assert [line.split(" ", 2)[1:] for line in problem_lines(out)] == [
        ["warning", "FL602 the incident has a single source"],
        ["warning", "FL601 source https://www.mod.go.jp/news/7.html has no archive_url"],
    ]
    assert out.endswith("0 errors, 2 warnings in 2 files\n")


def test_strict_is_usable_on_a_tree_with_record_findings(record_findings: Path) -> None:
    assert run_cli("check", str(record_findings), "--strict")[0] == 0
    assert run_cli("check", str(record_findings), "--strict", "--verbose")[0] == 1


def test_strict_still_fails_on_a_per_file_warning(tmp_path: Path) -> None:
    root = with_changes(tmp_path, **{UNUSED: valid_actor("US Forces Japan")})
    status, out, _ = run_cli("check", str(root), "--strict")
    assert status == 1
    assert problem_lines(out) == [f"{UNUSED}:2:1: error FL603 actor 'usfj' is not used by any incident"]


def test_quiet_prints_errors_only_and_counts_the_warnings(two_broken: Path) -> None:
    write_tree(two_broken, {UNUSED: valid_actor("US Forces Japan")})
    status, out, _ = run_cli("check", str(two_broken), "--quiet")
    assert status == 1
    lines = problem_lines(out)
    assert lines and all(" error " in line for line in lines)
    assert out.splitlines()[-1].endswith("; not listed: 1 warning (--verbose lists them)")


def test_quiet_and_verbose_exclude_each_other(minimal_tree: Path) -> None:
    assert run_cli("check", str(minimal_tree), "--quiet", "--verbose")[0] == 2


def test_build_does_not_print_record_findings(record_findings: Path, tmp_path: Path) -> None:
    status, _, err = run_cli("build", str(record_findings), "--out", str(tmp_path / "out"))
    assert status == 0
    assert "FL601" not in err and "FL602" not in err


# --- 2. one file, or only what I changed ----------------------------------------------------------------------


def test_check_one_file_reports_only_that_file(two_broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(two_broken)
    status, out, err = run_cli("check", RADAR)
    assert status == 1, err
    assert problem_lines(out) == [
        f"{RADAR}:7:10: error FL201 unknown actor 'jsdf'; did you mean 'jasdf'?",
    ]
    status, out, _ = run_cli("check", PATROL, RADAR)
    assert {line.split(":")[0] for line in problem_lines(out)} == {PATROL, RADAR}


def test_check_one_file_resolves_references_against_the_whole_tree(tmp_path: Path) -> None:
    root = with_changes(tmp_path)
    status, out, _ = run_cli("check", str(root / PATROL))  # its actors and places live in other files
    assert status == 0, out
    assert out == "no problems found\n"


def test_check_a_file_lists_its_record_findings(record_findings: Path) -> None:
    status, out, _ = run_cli("check", str(record_findings / RADAR))
    assert status == 0
    assert problem_lines(out) == [f"{RADAR}:13:1: warning FL602 the incident has a single source"]


def test_check_a_folder_of_content(two_broken: Path) -> None:
    _, out, _ = run_cli("check", str(two_broken / "content/incidents"))
    assert {line.split(":")[0] for line in problem_lines(out)} == {PATROL, RADAR}
    _, out, _ = run_cli("check", str(two_broken / "content/actors"))
    assert out == "no problems found\n"


def test_check_a_file_from_a_subfolder(two_broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(two_broken / "content/incidents/2025")
    status, out, _ = run_cli("check", "2025-12-06-radar-lock-on.md")
    assert status == 1 and "FL201" in out and "FL203" not in out


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("README.md", "is not inside a content/ folder"),
        ("content/nothing.md", "no such file or folder"),
    ],
)
def test_check_refuses_paths_it_cannot_check(tmp_path: Path, argument: str, message: str) -> None:
    root = with_changes(tmp_path / "p")
    (root / "README.md").write_text("# hello\n")
    status, out, err = run_cli("check", str(root / PATROL), str(root / argument))
    assert status == 2 and out == ""
    assert message in err


def test_check_refuses_files_of_two_projects(tmp_path: Path) -> None:
    a, b = with_changes(tmp_path / "a"), with_changes(tmp_path / "b")
    status, _, err = run_cli("check", str(a / PATROL), str(b / PATROL))
    assert status == 2 and "different projects" in err


def test_errors_in_the_vocabulary_are_always_reported(tmp_path: Path) -> None:
    root = with_changes(tmp_path)
    (root / "content/vocabulary.yml").write_text("title: [unclosed\n")
    status, out, _ = run_cli("check", str(root / PATROL))
    assert status == 1 and "content/vocabulary.yml" in out


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    root = with_changes(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def test_changed_reports_modified_and_untracked_files(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    status, out, _ = run_cli("check", "--changed")
    assert (status, out) == (0, "no problems found; no content file differs from HEAD\n")
    write_tree(repository, {PATROL: valid_incident(type="joint-patrl")})  # modified, not staged
    new = incident_path("2025-12-11-new")
    write_tree(repository, {new: valid_incident(date="2025-12-11", places=["east-chna-sea"])})  # untracked
    write_tree(repository, {UNUSED: valid_actor("US Forces Japan")})  # untracked, but its warning is its own
    (repository / "content/places/sea-of-japan.md").unlink()  # deleted: its users' errors are theirs
    status, out, _ = run_cli("check", "--changed")
    assert status == 1
    assert {line.split(":")[0] for line in problem_lines(out)} == {PATROL, new, UNUSED}


def test_changed_since_a_base_branch(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repository)
    git(repository, "checkout", "-qb", "topic")
    write_tree(repository, {RADAR: valid_incident(
        title="Chinese carrier aircraft aim radar at Japanese fighters", date="2025-12-06", type="radar-lock",
        summary="J-15 fighters locked their radar.", places=["sea-of-jpan"],
        sources=[valid_source(3), valid_source(4)])})  # fmt: skip
    git(repository, "commit", "-qam", "a typo, committed")
    status, out, _ = run_cli("check", "--changed")  # nothing differs from HEAD
    assert status == 0
    status, out, _ = run_cli("check", "--changed", "--base", "main")
    assert status == 1
    assert problem_lines(out) == [
        f"{RADAR}:12:3: error FL202 unknown place 'sea-of-jpan'; did you mean 'sea-of-japan'?"
    ]
    git(repository, "rm", "-q", PATROL)
    status, out, _ = run_cli("check", "--changed", "--base", "main")
    assert "FL405" in out  # --base still guards the ids that vanished


def test_changed_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    root = with_changes(tmp_path)
    status, _, err = run_cli("check", str(root), "--changed")
    assert status == 2 and "--changed" in err


def test_pre_commit_hook_runs_on_the_files_being_committed(repository: Path) -> None:
    """The local hook as pre-commit runs it: its entry, from the repository root, with the staged file names
    appended, and a PATH without the virtual environment."""
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hook = next(h for r in config["repos"] for h in r["hooks"] if h["id"] == "faultlines-check")
    (repository / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    write_tree(
        repository, {RADAR: valid_incident(date="2025-12-06", type="radar-lok", sources=[valid_source(3)])}
    )
    write_tree(repository, {UNUSED: valid_actor("US Forces Japan")})  # not staged: not passed
    staged = [RADAR]
    env = {**os.environ, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [*shlex.split(hook["entry"]), *staged], cwd=repository, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert {line.split(":")[0] for line in problem_lines(done.stdout)} == {RADAR}
    assert "FL602" in done.stdout  # the committed file's own warnings are listed


def test_sources_reports_the_findings_check_counts(record_findings: Path) -> None:
    status, out, _ = run_cli("sources", str(record_findings))
    assert status == 0
    assert "archive coverage: 80% (4 of 5 sources have an archive_url)" in out
    assert f"incidents resting on a single source: 1\n  {RADAR}\n" in out


# --- 3. every problem in one pass ---------------------------------------------------------------------------

SEVEN = incident_path("2025-12-09-bombers-over-the-sea-of-japan")
SEVEN_TEXT = """---
title: Chinese and Russian bombers fly over the Sea of Japan
date: 2025-12-32
type: joint-patrl
summry: >-
  Two Chinese H-6K and two Russian Tu-95MS bombers flew together over the Sea of Japan.
actors:
  - actor: JASDF
    role: responder
  - actor: pla-air-force
    role: participant
places:
  - east-sea
sources:
  - key: mod-1209
    url: https://www.mod.go.jp/j/press/news/2025/12/09a.html
    publisher: Japan Ministry of Defense
    kind: offical
  - key: channel4-1209
    url: https://www.example.org/news/2025/12/09/bombers
    publisher: Channel #4 News
    kind: official
---
"""


def seven_mistakes(root: Path) -> Path:
    """The minimal project with aliases, and one incident with seven mistakes (issue 16, point 3)."""
    return with_changes(
        root,
        **{
            f"{ACTOR_DIR}/jasdf.md": valid_actor("Japan Air Self-Defense Force", aliases=["JASDF"]),
            "content/places/sea-of-japan.md": {
                "name": "Sea of Japan",
                "kind": "sea",
                "aliases": ["East Sea"],
                "coordinates": [40.0, 135.0],
            },
            SEVEN: SEVEN_TEXT,
        },
    )


def test_schema_and_reference_problems_in_one_run(tmp_path: Path) -> None:
    root = seven_mistakes(tmp_path)
    status, out, _ = run_cli("check", str(root / SEVEN))
    assert status == 1
    found = [line.split(": ", 1)[1] for line in problem_lines(out)]
    assert found == [  # the seven mistakes, in one run
        "error FL305 'date': '2025-12-32' is an impossible date: December 2025 has 31 days",
        "error FL203 unknown incident type 'joint-patrl'; did you mean 'joint-patrol'?",
        "error FL302 unknown field 'summry'; did you mean 'summary'?",  # and not also "missing 'summary'"
        "error FL307 'actors[0].actor' must be a lowercase slug such as 'joint-patrol' (a-z, 0-9 and single "
        "hyphens), not text 'JASDF'; did you mean 'jasdf'?",
        "error FL202 unknown place 'east-sea'; did you mean 'sea-of-japan'?",
        "error FL203 unknown source kind 'offical'; did you mean 'official'?",
        "warning FL115 '#4 News' starts a YAML comment and is dropped: the value is 'Channel'",
    ]


def test_an_alias_suggests_its_entry_with_a_hint(tmp_path: Path) -> None:
    root = seven_mistakes(tmp_path)
    _, out, _ = run_cli("check", str(root / SEVEN))
    assert "    = help: 'East Sea' is a name of sea-of-japan; references use the id (its file name)" in out


def test_every_equally_close_candidate_is_suggested(tmp_path: Path) -> None:
    root = with_changes(tmp_path, **{
        f"{ACTOR_DIR}/jmsdf.md": valid_actor("Japan Maritime Self-Defense Force"),
        PATROL: valid_incident(actors=[{"actor": "jxsdf", "role": "responder"}, {"actor": "jmsdf", "role": "participant"}]),
    })  # fmt: skip
    _, out, _ = run_cli("check", str(root / PATROL))
    assert "unknown actor 'jxsdf'; did you mean 'jasdf' or 'jmsdf'?" in out


def test_references_of_a_file_with_schema_errors_in_an_actor(tmp_path: Path) -> None:
    root = with_changes(
        tmp_path, **{f"{ACTOR_DIR}/jasdf.md": valid_actor(1, kind="armed-frce", parent="jsdf")}
    )
    _, out, _ = run_cli("check", str(root / ACTOR_DIR / "jasdf.md"))
    codes = [line.split(" ")[2] for line in problem_lines(out)]
    assert "FL303" in codes  # the name is a number (schema)
    assert "FL203" in codes and "FL201" in codes  # and its kind and parent are looked up in the same run


BROKEN_YAML = """---
title: Joint patrol: bombers fly over the Sea of Japan
date: 2025-12-09
type: joint-patrl
summary: "Two Chinese and two Russian bombers flew together over the Sea of Japan.
actors:
  - actor: jsdf
    role: responder
places:
  - east-china-sea
sources:
  - key: mod-1209
    url: https://www.mod.go.jp/news/1.html
    publisher: Japan Ministry of Defense
  - key: jiji-1209
    url: https://www.mod.go.jp/news/2.html
    publisher: Jiji Press
---
"""


def test_yaml_errors_get_hints_and_the_rest_of_the_file_is_checked(tmp_path: Path) -> None:
    root = with_changes(tmp_path, **{PATROL: BROKEN_YAML})
    status, out, _ = run_cli("check", str(root / PATROL))
    assert status == 1
    lines = out.splitlines()
    assert [line.split(": ", 1)[1] for line in problem_lines(out)] == [
        "error FL102 invalid YAML: mapping values are not allowed in this context",
        "error FL203 unknown incident type 'joint-patrl'; did you mean 'joint-patrol'?",
        # reported where the quote opens (line 5), not at the end of the front matter
        "error FL102 invalid YAML: found unexpected end of stream (while scanning a quoted scalar)",
        "error FL201 unknown actor 'jsdf'; did you mean 'jasdf'?",
    ]
    assert [line.split(":")[1] for line in problem_lines(out)] == ["2", "4", "5", "7"]
    assert (
        "   = help: a ': ' inside a value starts a new field; put the value in quotes: "
        'title: "Joint patrol: bombers fly over the Sea of Japan"'
    ) in lines
    assert (
        '   = help: this quote is never closed; add the closing quote (inside "...", write a quote as \\")'
        in lines
    )
    assert "missing required field" not in out  # the fields set aside are not reported missing


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("  - actor: jasdf\n    role: responder", "  - actor: jasdf\n     role: responder", "indentation"),
        ("places:\n  - east-china-sea", "places: [east-china-sea", "not closed"),
        ("date: 2025-12-09", "date 2025-12-09", "missing ':'"),
        ("type: joint-patrol", "type: `joint-patrol`", "in quotes"),
    ],
)
def test_every_yaml_syntax_error_has_a_plain_hint(tmp_path: Path, old: str, new: str, words: str) -> None:
    text = BROKEN_YAML.replace("Joint patrol: bombers", "Bombers").replace("joint-patrl", "joint-patrol")
    text = text.replace("Sea of Japan.\n", 'Sea of Japan."\n').replace("actor: jsdf", "actor: jasdf")
    assert run_cli("check", str(with_changes(tmp_path / "ok", **{PATROL: text}) / PATROL))[0] == 0
    assert old in text
    root = with_changes(tmp_path / "broken", **{PATROL: text.replace(old, new)})
    _, out, _ = run_cli("check", str(root / PATROL), "--format", "concise")
    errors = [line for line in problem_lines(out) if "FL102" in line]
    assert errors, out
    index = out.splitlines().index(errors[0])
    assert out.splitlines()[index + 1].startswith("    hint: ") and words in out.splitlines()[index + 1], out


# --- 4. errors a newcomer can act on: source line, caret, help, link, colour on a terminal only -----------


def test_text_output_shows_the_line_a_caret_help_and_the_code_page(tmp_path: Path) -> None:
    root = seven_mistakes(tmp_path)
    _, out, _ = run_cli("check", str(root / SEVEN))
    lines = out.splitlines()
    index = lines.index(f"{SEVEN}:13:5: error FL202 unknown place 'east-sea'; did you mean 'sea-of-japan'?")
    assert lines[index + 1 : index + 6] == [
        "    |",
        " 13 |   - east-sea",
        "    |     ^^^^^^^^",
        "    = help: 'East Sea' is a name of sea-of-japan; references use the id (its file name)",
        "    = see: https://fault-lines.github.io/fault-lines/reference/error-codes/#fl202",
    ]
    assert "\033[" not in out  # not a terminal: no colour


def test_the_caret_is_under_the_column_with_wide_characters(tmp_path: Path) -> None:
    text = SEVEN_TEXT.replace(
        "title: Chinese and Russian", "title: 中国とロシアの bombers: Chinese and Russian"
    )
    root = seven_mistakes(tmp_path)
    (root / SEVEN).write_text(text, encoding="utf-8")
    _, out, _ = run_cli("check", str(root / SEVEN))
    lines = out.splitlines()
    index = next(i for i, line in enumerate(lines) if "FL102" in line)
    assert lines[index].startswith(f"{SEVEN}:2:23: error FL102 ")
    source, caret = lines[index + 2], lines[index + 3]
    assert (
        source == " 2 | title: 中国とロシアの bombers: Chinese and Russian bombers fly over the Sea of Japan"
    )
    assert caret.index("^") == len(" 2 | title: ") + 2 * 7 + len(" bombers")  # seven wide characters
    assert caret.count("^") == 1


def test_a_whole_file_problem_is_shown_at_its_first_line(tmp_path: Path) -> None:
    bad = "content/incidents/2025/radar-lock-on.md"
    root = with_changes(
        tmp_path, **{bad: valid_incident(date="2025-12-06", sources=[valid_source(8), valid_source(9)])}
    )
    _, out, _ = run_cli("check", str(root / bad))
    lines = out.splitlines()
    index = lines.index(
        f"{bad}:1:1: error FL401 incident file name 'radar-lock-on.md' must start with its date"
    )
    assert lines[index + 2] == " 1 | ---"
    assert ":0:0:" not in out


def test_a_problem_about_a_file_that_is_gone_has_no_position(repository: Path) -> None:
    git(repository, "rm", "-q", PATROL)
    _, out, _ = run_cli("check", str(repository), "--base", "HEAD")
    assert f"{PATROL}: error FL405 incident '2025-12-09-joint-bomber-patrol' exists at HEAD" in out
    assert ":0:0:" not in out


def test_colour_only_when_asked_or_on_a_terminal(two_broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.pretty import use_color

    _, out, _ = run_cli("check", str(two_broken), "--color", "always")
    assert "\033[1;31merror\033[0m" in out
    assert "\033[" not in run_cli("check", str(two_broken), "--color", "never")[1]

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color("auto", Terminal())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color("auto", Terminal())  # type: ignore[arg-type]


def test_the_code_links_point_at_the_error_codes_page() -> None:
    from generator.codes import CODES, ERROR_CODES_URL
    from generator.render.reference import error_codes_markdown

    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    site_url = re.search(r"^site_url: (\S+)$", config, re.MULTILINE).group(1)  # type: ignore[union-attr]
    assert "Error codes: reference/error-codes.md" in config
    assert site_url.rstrip("/") + "/reference/error-codes/" == ERROR_CODES_URL
    page = error_codes_markdown()
    assert all(f"id='{code.lower()}'" in page for code in CODES)


# --- 5. nothing silently dropped: the reference pages keep their <placeholders> ---------------------------


def _page_text(markdown_text: str) -> str:
    """The text a reader sees of a Markdown page (Python-Markdown as MkDocs runs it, then an HTML parser)."""
    from html.parser import HTMLParser

    import markdown

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(markdown.markdown(markdown_text, extensions=["tables"]))
    return "".join(parser.parts)


def test_the_field_reference_keeps_angle_bracket_placeholders() -> None:
    from generator.render.reference import fields_page_markdown

    text = _page_text(fields_page_markdown())
    assert "One incident: content/incidents/<year>/<date>-<slug>.md." in text
    assert "content/actors/<id>.md." in text and "content/places/<id>.md." in text
    assert "content/incidents//-.md" not in text
    contributing = _page_text((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8"))
    assert "One incident: content/incidents/<year>/<date>-<slug>.md." in contributing


# --- 8. light set-up -------------------------------------------------------------------------------------------


def _make_dry_run(target: str, tmp_path: Path) -> list[str]:
    """The commands ``make TARGET`` would run for a fresh virtual environment (``make -n``, nothing run)."""
    done = subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}"], cwd=REPO, capture_output=True,
                          text=True, check=True)  # fmt: skip
    return done.stdout.splitlines()


def test_make_site_installs_only_what_building_needs(tmp_path: Path) -> None:
    installs = [line for line in _make_dry_run("site", tmp_path) if "pip install" in line and "-e" in line]
    assert installs == [f"{tmp_path}/venv/bin/python -m pip install --quiet -c constraints.txt -e ."]
    test_installs = [
        line for line in _make_dry_run("test", tmp_path) if "pip install" in line and "-e" in line
    ]
    assert test_installs[-1].endswith("-e '.[test]'")
    import tomllib

    project_table = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    core = " ".join(project_table["dependencies"]).lower()
    assert not any(tool in core for tool in ("pytest", "playwright", "ruff", "hypothesis", "pip-audit"))


def test_readme_says_how_to_view_the_site() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_commands = re.findall(r"```bash\n(.*?)\n```", readme)[:2]
    assert first_commands == ["make site", "make test"]
    assert "make serve" in readme and "http://127.0.0.1:8000/" in readme


# --- 6. faultlines new ----------------------------------------------------------------------------------------


def _content(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "content").rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["incident", "--date", "2025-12-11", "--title", "Bombers again", "--type", "joint-patrl"],
         "--type 'joint-patrl' is not a key of incident_types in content/vocabulary.yml; did you mean 'joint-patrol'?"),
        (["actor", "--name", "Coast Guard", "--kind", "ministri"],
         "--kind 'ministri' is not a key of actor_kinds in content/vocabulary.yml; did you mean 'ministry'?"),
        (["incident", "--date", "2025-02-30", "--title", "Bombers again", "--type", "joint-patrol"],
         "--date '2025-02-30': '2025-02-30' is an impossible date"),
        (["place", "--name", "Yellow Sea", "--type", "sea"], "--type and --date are for incidents"),
        (["incident", "--date", "2025-12-11", "--title", "Bombers again", "--kind", "sea"], "--kind is for actors"),
    ],
)  # fmt: skip
def test_new_validates_before_writing(tmp_path: Path, args: list[str], message: str) -> None:
    root = with_changes(tmp_path)
    before = _content(root)
    status, out, err = run_cli("new", *args, "--root", str(root))
    assert status == 2 and out == ""
    assert err.startswith(f"faultlines new: error: {message}"), err
    assert _content(root) == before


def test_new_writes_atomically_and_a_failed_write_blocks_no_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = with_changes(tmp_path)
    before = _content(root)
    args = ["new", "place", "--name", "Yellow Sea", "--kind", "sea", "--root", str(root)]

    def disk_full(_: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    status, _, err = run_cli(*args)
    assert status == 3 and "No space left on device" in err
    assert _content(root) == before  # no empty or partial file, no temporary file left
    monkeypatch.undo()
    status, out, _ = run_cli(*args)
    assert status == 0 and out.strip() == "content/places/yellow-sea.md"
    assert run_cli("check", str(root / "content/places/yellow-sea.md"))[0] == 0
    assert run_cli(*args)[0] == 1  # never overwrites


def test_new_help_shows_the_real_option_names() -> None:
    status, out, _ = run_cli("new", "--help")
    assert status == 0
    for shown in ("--type TYPE", "--kind KIND", "--id ID", "--title TEXT, --name TEXT", "--date DATE"):
        assert shown in out
    assert "TYPE_" not in out and "ENTITY_KIND" not in out and "SLUG" not in out


def test_the_field_reference_states_the_enforced_limits() -> None:
    from generator.load import MAX_DEPTH, MAX_FILE_BYTES
    from generator.render.reference import fields_page_markdown

    text = _page_text(fields_page_markdown())
    assert f"at most {MAX_FILE_BYTES:,} bytes (FL111) and {MAX_DEPTH} levels of nesting (FL114)" in text
    assert "series_number needs series" in text and "(min length 20, max length 400)" in text


def test_build_takes_quiet_and_verbose_too(record_findings: Path, tmp_path: Path) -> None:
    write_tree(record_findings, {UNUSED: valid_actor("US Forces Japan")})
    _, _, err = run_cli("build", str(record_findings), "--out", str(tmp_path / "a"), "--verbose")
    assert "FL601" in err and "FL603" in err
    _, _, err = run_cli("build", str(record_findings), "--out", str(tmp_path / "b"), "--quiet")
    assert "FL603" not in err and "FL601" not in err


def test_wiki_links_are_suggested_by_names_and_aliases_too(tmp_path: Path) -> None:
    root = seven_mistakes(tmp_path)
    write_tree(
        root, {PATROL: valid_incident(__body__="Over the [[East Sea]], [[JASDF]] jets scrambled.[^pub-1]\n")}
    )
    _, out, _ = run_cli("check", str(root / PATROL), "--format", "concise")
    assert (
        "link [[East Sea]] does not match any incident, actor or place; did you mean 'sea-of-japan'?" in out
    )
    assert "link [[JASDF]] does not match any incident, actor or place; did you mean 'jasdf'?" in out
