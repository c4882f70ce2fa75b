"""One test per diagnostic code: a tree with exactly that mistake, checked by the real CLI.

Each test is named ``test_flNNN_...`` after the code it triggers; ``test_every_code_has_a_test`` reads this
file and fails when a code of the catalogue has no such test.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest
from helpers import (
    ACTOR_DIR,
    PLACE_DIR,
    check_json,
    check_tree,
    incident_path,
    minimal_files,
    problem_lines,
    run_cli,
    valid_actor,
    valid_incident,
    valid_place,
    valid_source,
    write_tree,
)

from generator.codes import CODES
from generator.load import MAX_FILE_BYTES, load

PATROL = incident_path("2025-12-09-joint-bomber-patrol")
RADAR = incident_path("2025-12-06-radar-lock-on")
JASDF = f"{ACTOR_DIR}/jasdf.md"

# The joint-patrol incident as a contributor would type it; the line numbers below refer to this text.
PATROL_TEXT = """\
---
title: Joint bomber patrol over the East China Sea
date: 2025-12-09
type: joint-patrol
summary: Two Chinese and two Russian bombers flew together over the East China Sea.
actors:
  - actor: pla-air-force
    role: participant
  - actor: jasdf
    role: responder
places: [east-china-sea]
sources:
  - key: pub-1
    url: https://www.mod.go.jp/news/1.html
    publisher: Publisher 1
    archive_url: https://web.archive.org/web/2025/https://www.mod.go.jp/news/1.html
  - key: pub-2
    url: https://www.mod.go.jp/news/2.html
    publisher: Publisher 2
    archive_url: https://web.archive.org/web/2025/https://www.mod.go.jp/news/2.html
---
The [[jasdf]] scrambled fighters.[^pub-1]
"""


def patrol(old: str = "", new: str = "") -> str:
    """PATROL_TEXT with one exact substring replaced (the replacement must happen)."""
    if old:
        assert old in PATROL_TEXT, old
    return PATROL_TEXT.replace(old, new, 1) if old else PATROL_TEXT


def problems(root: Path, files: dict, *options: str) -> list[str]:
    """Write the minimal project with ``files`` changed (``None`` deletes one) and check it."""
    tree = minimal_files()
    tree.update(files)
    write_tree(root, tree)
    return check_tree(root, *options)


def test_the_minimal_tree_is_clean(minimal_tree: Path) -> None:
    status, out, err = run_cli("check", str(minimal_tree), "--strict")
    assert (status, out, err) == (0, "no problems found\n", "")


def test_the_patrol_text_is_clean(tmp_path: Path) -> None:
    assert problems(tmp_path, {PATROL: patrol()}, "--strict") == []


# --- FL1xx: the file itself --------------------------------------------------------------------------------


def test_fl101_duplicate_key_reported_at_the_second_key(tmp_path: Path) -> None:
    text = patrol("type: joint-patrol\n", "type: joint-patrol\ntitle: Joint bomber patrol, again\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:5:1: error FL101 duplicate key 'title' (first defined on line 2)"
    ]


def test_fl101_duplicate_key_in_a_nested_flow_mapping(tmp_path: Path) -> None:
    text = patrol("  - actor: jasdf\n    role: responder\n", "  - {actor: jasdf, role: responder, role: x}\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:9:37: error FL101 duplicate key 'role' (first defined on line 9)"
    ]


def test_fl102_yaml_syntax_error_at_the_parsers_line(tmp_path: Path) -> None:
    text = patrol("type: joint-patrol", "type: joint-patrol: again")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:4:19: error FL102 invalid YAML: mapping values are not allowed in this context"
    ]


def test_fl102_control_character_at_its_position(tmp_path: Path) -> None:
    text = patrol("Two Chinese", "Two\x07Chinese")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:5:13: error FL102 invalid YAML: control character U+0007 is not allowed"
    ]


def test_fl102_unicode_line_separator_does_not_shift_lines(tmp_path: Path) -> None:
    # PyYAML (YAML 1.1) would break the line at U+2028 and silently change the summary
    text = patrol("Two Chinese", "Two\u2028Chinese")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:5:13: error FL102 invisible line-break character U+2028 is not allowed here"
    ]


def test_fl103_no_front_matter(tmp_path: Path) -> None:
    text = patrol().removeprefix("---\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:1:1: error FL103 the file does not start with front matter ('---')"
    ]


def test_fl104_unclosed_front_matter(tmp_path: Path) -> None:
    text = patrol("---\nThe [[jasdf]]", "The [[jasdf]]")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:1:1: error FL104 the front matter is never closed"
    ]


def test_fl105_front_matter_not_a_mapping(tmp_path: Path) -> None:
    assert problems(tmp_path, {PATROL: "---\n- a\n- b\n---\n"}) == [
        f"{PATROL}:2:1: error FL105 the front matter is a list, not a mapping of fields"
    ]


def test_fl105_empty_vocabulary(tmp_path: Path) -> None:
    assert problems(tmp_path, {"content/vocabulary.yml": "# nothing yet\n"}) == [
        "content/vocabulary.yml:1:1: error FL105 the file is empty, not a mapping of fields"
    ]


def test_fl106_latin1_bytes_at_line_and_column(tmp_path: Path) -> None:
    text = patrol("Two Chinese", "Two Chinése").encode("latin-1")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:5:18: error FL106 the file is not valid UTF-8 (byte 0xe9)"
    ]


def test_fl106_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    raw = patrol("Two Chinese", "Двa Chin@se").encode().replace(b"@", b"\xe9")  # Cyrillic: 2 bytes each
    assert problems(tmp_path, {PATROL: raw}) == [
        f"{PATROL}:5:18: error FL106 the file is not valid UTF-8 (byte 0xe9)"
    ]


def test_fl107_nul_byte(tmp_path: Path) -> None:
    raw = patrol("Two Chinese", "Two Chin\x00se").encode()
    assert problems(tmp_path, {PATROL: raw}) == [f"{PATROL}:5:18: error FL107 the file contains a NUL byte"]


def test_fl106_utf16_file(tmp_path: Path) -> None:
    raw = patrol().encode("utf-16")
    assert problems(tmp_path, {PATROL: raw}) == [
        f"{PATROL}:1:1: error FL106 the file is saved as UTF-16 or UTF-32, not UTF-8"
    ]


def test_fl108_tab_indentation(tmp_path: Path) -> None:
    text = patrol("    role: participant", "\trole: participant")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:8:1: error FL108 tab used for indentation; YAML allows only spaces"
    ]


def test_fl109_python_tag_refused_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    text = patrol(
        "type: joint-patrol\n",
        f"type: joint-patrol\ntime: !!python/object/apply:os.system ['touch {marker}']\n",
    )
    lines = problems(tmp_path, {PATROL: text})
    assert lines == [
        f"{PATROL}:5:7: error FL109 YAML tag '!!python/object/apply:os.system' is not allowed; "
        "content is data, never code"
    ]
    assert not marker.exists()


def test_fl109_local_tag(tmp_path: Path) -> None:
    text = patrol("type: joint-patrol", "type: !vocabulary joint-patrol")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:4:7: error FL109 YAML tag '!vocabulary' is not allowed; content is data, never code"
    ]


def test_fl110_alias_reported_at_the_alias(tmp_path: Path) -> None:
    text = patrol(
        "  - actor: jasdf\n    role: responder\n",
        "  - &jasdf {actor: jasdf, role: responder}\n  - *jasdf\n",
    )
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:10:5: error FL110 YAML alias '*jasdf' is not allowed"
    ]


def test_fl110_billion_laughs_fails_fast(tmp_path: Path) -> None:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = "---\n" + "\n".join(levels) + "\n---\n"
    write_tree(tmp_path, {**minimal_files(), PATROL: text})
    result: list[list[str]] = []
    worker = threading.Thread(target=lambda: result.append(check_tree(tmp_path)), daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "the alias bomb was expanded"
    assert time.monotonic() - started < 20
    lines = result[0]
    assert f"{PATROL}:3:10: error FL110 YAML alias '*a0' is not allowed" in lines
    assert f"{PATROL}:4:15: error FL110 71 more YAML aliases from here on are not allowed" in lines
    assert sum(" FL110 " in line for line in lines) == 11  # bounded, however large the bomb


def test_fl111_file_too_large(tmp_path: Path) -> None:
    body = "word " * (MAX_FILE_BYTES // 5 + 100)
    files = {JASDF: valid_actor(__body__=body)}
    write_tree(tmp_path, {**minimal_files(), **files})
    size = (tmp_path / JASDF).stat().st_size
    assert check_tree(tmp_path) == [
        f"{JASDF}:1:1: error FL111 the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
    ]


def test_fl112_symlink_outside_content(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\nname: secret\n---\n<script>x</script>\n")
    write_tree(tmp_path, minimal_files())
    os.symlink(secret, tmp_path / ACTOR_DIR / "secret.md")
    assert check_tree(tmp_path) == [
        f"{ACTOR_DIR}/secret.md:0:0: error FL112 symbolic link points outside content/; it is not read"
    ]


def test_fl112_symlink_loop_is_reported_not_a_crash(tmp_path: Path) -> None:
    write_tree(tmp_path, minimal_files())
    os.symlink("loop-b.md", tmp_path / ACTOR_DIR / "loop-a.md")
    os.symlink("loop-a.md", tmp_path / ACTOR_DIR / "loop-b.md")
    assert check_tree(tmp_path) == [
        f"{ACTOR_DIR}/loop-a.md:0:0: error FL112 symbolic link cannot be followed (it loops); it is not read",
        f"{ACTOR_DIR}/loop-b.md:0:0: error FL112 symbolic link cannot be followed (it loops); it is not read",
    ]


def test_fl113_stray_file(tmp_path: Path) -> None:
    assert problems(tmp_path, {"content/actors/notes.txt": "to do"}) == [
        "content/actors/notes.txt:0:0: error FL113 this file is not part of the content model and is not published"
    ]


@pytest.mark.parametrize(
    ("path", "message", "hint"),
    [
        (f"{PLACE_DIR}/yellow-sea.markdown", "content files end in '.md' (lowercase), not '.markdown'",
         "rename it to yellow-sea.md"),
        (f"{PLACE_DIR}/yellow-sea.MD", "content files end in '.md' (lowercase), not '.MD'", "rename it to yellow-sea.md"),
        (f"{PLACE_DIR}/yellow-sea.yml", "content files are Markdown with YAML front matter, not .yml files",
         "rename it to yellow-sea.md"),
        ("content/yellow-sea.md", "this content file is in the wrong folder", "places in content/places/"),
        (f"{PLACE_DIR}/.yellow-sea.md", "this file's name starts with '.', so it is hidden and never published",
         "rename it without the leading dot (yellow-sea.md)"),
    ],
)  # fmt: skip
def test_fl113_wrong_extension_folder_or_dotfile_is_an_error(
    tmp_path: Path, path: str, message: str, hint: str
) -> None:
    write_tree(tmp_path, {**minimal_files(), path: valid_place("Yellow Sea")})
    (tmp_path / "content/places/.gitkeep").write_text("")  # not text: ignored
    status, out, _ = run_cli("check", str(tmp_path), "--format", "concise")
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}:0:0: error FL113 {message}"), out
    assert hint in lines[1]
    assert len(problem_lines(out)) == 1


def test_fl114_too_deep(tmp_path: Path) -> None:
    text = patrol("places: [east-china-sea]", "places: " + "[" * 25 + "]" * 25)
    lines = problems(tmp_path, {PATROL: text})
    assert f"{PATROL}:11:29: error FL114 the YAML nests more than 20 levels deep" in lines
    assert [line for line in lines if "FL114" not in line] == [
        f"{PATROL}:11:10: error FL303 'places[0]' must be text, not a list"
    ]


# --- FL2xx: references -------------------------------------------------------------------------------------


def test_fl115_comment_swallowing_part_of_a_value(tmp_path: Path) -> None:
    text = patrol("    publisher: Publisher 1\n", "    publisher: Channel #4 News\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:15:24: warning FL115 '#4 News' starts a YAML comment and is dropped: the value is 'Channel'"
    ]


def test_fl115_not_for_real_comments_or_quoted_values(tmp_path: Path) -> None:
    text = patrol("    publisher: Publisher 1\n", '    publisher: "Channel #4 News"  # quoted\n')
    text = text.replace("type: joint-patrol\n", "type: joint-patrol # a comment\n")
    assert problems(tmp_path, {PATROL: text}) == []


def test_fl201_unknown_actor_with_did_you_mean(tmp_path: Path) -> None:
    text = patrol("  - actor: jasdf", "  - actor: jsdf")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:9:12: error FL201 unknown actor 'jsdf'; did you mean 'jasdf'?"
    ]


def test_fl202_unknown_place(tmp_path: Path) -> None:
    text = patrol("places: [east-china-sea]", "places: [east-chna-sea]")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:11:10: error FL202 unknown place 'east-chna-sea'; did you mean 'east-china-sea'?"
    ]


def test_fl203_unknown_type(tmp_path: Path) -> None:
    text = patrol("type: joint-patrol", "type: joint-patrl")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:4:7: error FL203 unknown incident type 'joint-patrl'; did you mean 'joint-patrol'?"
    ]


def test_fl203_status_on_stays_text(tmp_path: Path) -> None:
    # YAML 1.1 would turn `on` into true; here it is the status the contributor wrote
    text = patrol("type: joint-patrol\n", "type: joint-patrol\nstatus: on\n")
    assert problems(tmp_path, {PATROL: text}) == [f"{PATROL}:5:9: error FL203 unknown status 'on'"]


def test_fl204_unknown_related_incident(tmp_path: Path) -> None:
    text = patrol(
        "places: [east-china-sea]\n", "places: [east-china-sea]\nrelated: [2025-12-06-radar-lock]\n"
    )
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:12:11: error FL204 unknown incident '2025-12-06-radar-lock'; "
        "did you mean '2025-12-06-radar-lock-on'?"
    ]


def test_fl205_claim_source_not_among_sources(tmp_path: Path) -> None:
    claim = (
        "claims:\n  - actor: jasdf\n    text: We scrambled.\n    source: https://www.mod.go.jp/news/9.html\n"
    )
    text = patrol("sources:\n", claim + "sources:\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:15:13: error FL205 claim source https://www.mod.go.jp/news/9.html is not one of this "
        "incident's sources; did you mean https://www.mod.go.jp/news/2.html?"
    ]


def test_fl206_broken_wiki_link_in_body(tmp_path: Path) -> None:
    text = patrol("The [[jasdf]] scrambled", "The [[jasdf]] and [[jsdf]] scrambled")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:22:19: error FL206 link [[jsdf]] does not match any incident, actor or place; "
        "did you mean 'jasdf'?"
    ]


def test_fl207_parent_cycle(tmp_path: Path) -> None:
    files = {
        JASDF: "---\nname: JASDF\nkind: armed-force\nparent: japan-ministry-of-defense\n---\n",
        f"{ACTOR_DIR}/japan-ministry-of-defense.md": valid_actor("MOD", kind="ministry", parent="jasdf"),
    }
    assert problems(tmp_path, files) == [
        f"{ACTOR_DIR}/japan-ministry-of-defense.md:4:9: error FL207 parent chain loops back: "
        "japan-ministry-of-defense → jasdf → japan-ministry-of-defense"
    ]


def test_fl208_retracted_without_reason(tmp_path: Path) -> None:
    text = patrol("type: joint-patrol\n", "type: joint-patrol\nstatus: retracted\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:5:9: error FL208 a retracted incident needs a status_note saying why"
    ]


# --- FL3xx: schema -----------------------------------------------------------------------------------------


def test_fl301_missing_field(tmp_path: Path) -> None:
    text = patrol("summary: Two Chinese and two Russian bombers flew together over the East China Sea.\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:2:1: error FL301 missing required field 'summary'"
    ]


def test_fl301_missing_field_in_a_source(tmp_path: Path) -> None:
    text = patrol("    publisher: Publisher 2\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:17:5: error FL301 missing required field 'publisher' in sources[1]"
    ]


def test_fl301_missing_vocabulary(tmp_path: Path) -> None:
    assert problems(tmp_path, {"content/vocabulary.yml": None}) == [
        "content/vocabulary.yml:0:0: error FL301 missing required file content/vocabulary.yml"
    ]


def test_fl302_unknown_field_with_did_you_mean(tmp_path: Path) -> None:
    text = patrol("summary:", "sumary:")
    # one mistake, one problem: not also "missing required field 'summary'"
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:5:1: error FL302 unknown field 'sumary'; did you mean 'summary'?",
    ]


def test_fl302_unknown_nested_field(tmp_path: Path) -> None:
    text = patrol("    publisher: Publisher 1", "    publisher: Publisher 1\n    publsher: Publisher 1")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:16:5: error FL302 unknown field 'publsher'; did you mean 'publisher'?"
    ]


def test_fl303_wrong_type(tmp_path: Path) -> None:
    text = patrol("places: [east-china-sea]", "places: east-china-sea")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:11:9: error FL303 'places' must be a list, not text 'east-china-sea'"
    ]


def test_fl303_yes_is_not_true(tmp_path: Path) -> None:
    place = (
        "---\nname: East China Sea\nkind: sea\ncoordinates: [29, 125]\ncoordinates_approximate: yes\n---\n"
    )
    assert problems(tmp_path, {f"{PLACE_DIR}/east-china-sea.md": place}) == [
        f"{PLACE_DIR}/east-china-sea.md:5:26: error FL303 'coordinates_approximate' must be true or false, "
        "not text 'yes'"
    ]


def test_fl303_number_where_text_is_expected_says_to_quote(tmp_path: Path) -> None:
    # YAML 1.2 reads 1e3 as a number: never silently turned into text, and the hint says how to keep it
    write_tree(tmp_path, {**minimal_files(), JASDF: "---\nname: 1e3\nkind: armed-force\n---\n"})
    _, out, _ = run_cli("check", str(tmp_path), "--format", "concise")
    assert out.splitlines()[:2] == [
        f"{JASDF}:2:7: error FL303 'name' must be text, not the number 1000.0",
        "    hint: YAML reads this as a number or true/false; put it in quotes to keep it as text",
    ]


def test_fl304_bad_length(tmp_path: Path) -> None:
    text = patrol("title: Joint bomber patrol over the East China Sea", "title: Patrol")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:2:8: error FL304 'title': string should have at least 10 characters"
    ]


def test_fl305_impossible_date(tmp_path: Path) -> None:
    text = patrol("date: 2025-12-09", "date: 2025-02-30")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:3:7: error FL305 'date': '2025-02-30' is an impossible date: February 2025 has 28 days"
    ]


def test_fl305_malformed_date(tmp_path: Path) -> None:
    text = patrol("date: 2025-12-09", "date: 9 December 2025")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:3:7: error FL305 'date': '9 December 2025' is not a date; "
        "write YYYY, YYYY-MM or YYYY-MM-DD"
    ]


def test_fl306_end_date_before_date(tmp_path: Path) -> None:
    text = patrol("date: 2025-12-09\n", "date: 2025-12-09\nend_date: 2025-12-08\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:4:11: error FL306 end_date 2025-12-08 is before date 2025-12-09"
    ]


def test_fl307_bad_slug(tmp_path: Path) -> None:
    text = patrol("places: [east-china-sea]\n", "places: [east-china-sea]\ntags: [Bombers]\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:12:8: error FL307 'tags[0]' must be a lowercase slug such as 'joint-patrol' "
        "(a-z, 0-9 and single hyphens), not text 'Bombers'"
    ]


def test_fl308_bad_value(tmp_path: Path) -> None:
    place = "---\nname: East China Sea\nkind: sea\ncoordinates: [95.0, 125.0]\n---\n"
    assert problems(tmp_path, {f"{PLACE_DIR}/east-china-sea.md": place}) == [
        f"{PLACE_DIR}/east-china-sea.md:4:15: error FL308 "
        "'coordinates[0]': input should be less than or equal to 90"
    ]


def test_fl308_c1_control_character_escaped_in_yaml_or_raw_in_the_body(tmp_path: Path) -> None:
    # YAML's "\x99" escape reads as U+0099, which no reader sees and which MkDocs' YAML refuses
    text = (
        patrol("summary: Two Chinese", 'summary: "Two \\x99Chinese').replace(
            "East China Sea.\n", 'East China Sea."\n', 1
        )
        + "More\u0085text.\n"
    )
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:5:10: error FL308 invisible control character U+0099 is not allowed in text",
        f"{PATROL}:23:5: error FL308 invisible control character U+0085 is not allowed in text",
    ]


def test_fl308_a_figure_that_is_not_a_finite_number(tmp_path: Path) -> None:
    figures = (
        "figures:\n  - what: aircraft\n    value: .nan\n    source: https://www.mod.go.jp/news/1.html\n"
        "  - what: hours\n    value: -.inf\n    source: https://www.mod.go.jp/news/1.html\n"
        "  - what: distance\n    value: '.inf'\n    source: https://www.mod.go.jp/news/1.html\n"
    )
    text = patrol("sources:\n", figures + "sources:\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:14:12: error FL308 'figures[0].value': must be a finite number, not nan "
        "(put a text figure in quotes)",
        f"{PATROL}:17:12: error FL308 'figures[1].value': must be a finite number, not -inf "
        "(put a text figure in quotes)",
        # the valid third figure is checked in the same run, as in any file (its source has no excerpts)
        f"{PATROL}:20:12: warning FL705 figure value '.inf' is in no excerpt of pub-1",
    ]


def test_fl308_unknown_timezone(tmp_path: Path) -> None:
    text = patrol("type: joint-patrol\n", "type: joint-patrol\ntimezone: Asia/Tokio\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:5:11: error FL308 unknown time zone 'Asia/Tokio'"
    ]


# --- FL4xx: identity ---------------------------------------------------------------------------------------


def test_fl401_file_name_not_an_id(tmp_path: Path) -> None:
    bad = incident_path("2025-12-06-Radar-Lock-On")
    files = {bad: minimal_files()[RADAR], RADAR: None}
    assert problems(tmp_path, files) == [
        f"{bad}:0:0: error FL401 file name '2025-12-06-Radar-Lock-On.md' is not a valid id"
    ]


def test_fl401_incident_name_without_date(tmp_path: Path) -> None:
    bad = "content/incidents/2025/radar-lock-on.md"
    files = {bad: minimal_files()[RADAR], RADAR: None}
    assert problems(tmp_path, files) == [
        f"{bad}:0:0: error FL401 incident file name 'radar-lock-on.md' must start with its date"
    ]


def test_fl402_file_name_date_disagrees(tmp_path: Path) -> None:
    text = patrol("date: 2025-12-09", "date: 2025-12-08")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:3:7: error FL402 file name starts with 2025-12-09 but date is 2025-12-08"
    ]


def test_fl402_year_folder_disagrees(tmp_path: Path) -> None:
    moved = "content/incidents/2024/2025-12-06-radar-lock-on.md"
    files = {moved: minimal_files()[RADAR], RADAR: None}
    assert problems(tmp_path, files) == [
        f"{moved}:3:7: error FL402 incident is in folder '2024' but its date is in 2025"
    ]


def test_fl403_previous_id_still_in_use(tmp_path: Path) -> None:
    text = patrol(
        "places: [east-china-sea]\n", "places: [east-china-sea]\nprevious_ids: [2025-12-06-radar-lock-on]\n"
    )
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:12:16: error FL403 previous id '2025-12-06-radar-lock-on' is still the id of {RADAR}"
    ]


def test_fl403_same_id_in_two_year_folders(tmp_path: Path) -> None:
    copy = "content/incidents/2024/2025-12-06-radar-lock-on.md"
    lines = problems(tmp_path, {copy: minimal_files()[RADAR]})
    assert f"{RADAR}:0:0: error FL403 incident id '2025-12-06-radar-lock-on' is also used by {copy}" in lines


def test_fl401_id_too_long(tmp_path: Path) -> None:
    """An actor id of 252 characters passed the check, and the build died on "File name too long"."""
    long_id = "a" * 252
    lines = problems(tmp_path, {f"{ACTOR_DIR}/{long_id}.md": valid_actor()})
    assert (
        f"{ACTOR_DIR}/{long_id}.md:0:0: error FL401 file name is 252 characters long; an id has at most 80"
        in lines
    )


def test_fl401_file_name_with_a_final_newline(tmp_path: Path) -> None:
    """`$` matched before a final newline: `china\n.md` passed and published a second "china" page."""
    name = f"{ACTOR_DIR}/china\n.md"
    lines = problems(tmp_path, {name: valid_actor("China")})
    shown = name.replace("\n", "\\n")  # paths are printed on one line, their line breaks escaped
    assert any(line.startswith(f"{shown}:0:0: error FL401 file name ") for line in lines), lines


def test_fl401_reserved_id(tmp_path: Path) -> None:
    lines = problems(tmp_path, {f"{PLACE_DIR}/index.md": valid_place("Index Sea")})
    assert (
        f"{PLACE_DIR}/index.md:0:0: error FL401 'index' is reserved: its page would replace the list of places"
        in lines
    )


def test_fl401_previous_id_that_is_not_an_incident_id(tmp_path: Path) -> None:
    """`previous_ids: [index]` made the incident's redirect take over /incidents/."""
    text = patrol("places: [east-china-sea]\n", "places: [east-china-sea]\nprevious_ids: [index]\n")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:12:16: error FL401 previous id 'index' is not an incident id (<date>-<slug>, at most 80 "
        "characters): its redirect would take the place of another page"
    ]


def test_fl401_reserved_vocabulary_key(tmp_path: Path) -> None:
    from helpers import VOCABULARY, valid_vocabulary

    vocabulary = valid_vocabulary(series={"index": {"label": "Index"}})
    lines = problems(tmp_path, {VOCABULARY: vocabulary})
    assert any(
        line.startswith(f"{VOCABULARY}:")
        and "FL401 'index' is reserved: its page would replace the list of series" in line
        for line in lines
    ), lines


def test_fl403_previous_id_claimed_twice(tmp_path: Path) -> None:
    old = "2025-12-01-old-patrol-report"
    text = patrol("places: [east-china-sea]\n", f"places: [east-china-sea]\nprevious_ids: [{old}]\n")
    other = minimal_files()[RADAR]
    assert isinstance(other, dict)
    lines = problems(tmp_path, {PATROL: text, RADAR: {**other, "previous_ids": [old]}})
    assert (
        len(lines) == 1
        and " error FL403 previous id '2025-12-01-old-patrol-report' is also claimed by " in lines[0]
    )
    assert lines[0].split(":")[0] in (PATROL, RADAR) and lines[0].split(":")[1] != "0"


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u2069", "\u200b", "\ufeff", "\u00ad"])
def test_fl308_invisible_format_character(tmp_path: Path, char: str) -> None:
    """Display spoofing: a title, an id's label or a URL that reads differently from what it holds."""
    title = patrol("title: Joint bomber patrol", f"title: Joint bomber{char} patrol")
    url = patrol("https://www.mod.go.jp/news/1.html\n", f"https://www.mod.go.jp/news/{char}1.html\n")
    for name, text, line in (("title", title, 2), ("url", url, 14)):
        lines = problems(tmp_path / name, {PATROL: text})
        assert any(
            f"{PATROL}:{line}:" in found
            and f"error FL308 invisible format character U+{ord(char):04X} (" in found
            for found in lines
        ), (name, lines)


def test_fl404_duplicate_source(tmp_path: Path) -> None:
    text = patrol(
        "https://www.mod.go.jp/news/2.html\n    publisher", "https://www.mod.go.jp/news/1.html\n    publisher"
    )
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:18:10: error FL404 "
        "source https://www.mod.go.jp/news/1.html is listed twice (also sources[0])"
    ]


def test_fl405_removed_incident_id(tmp_path: Path) -> None:
    # FL405 compares with a git revision (`--base`); generator/history.py implements it (another issue)
    pytest.importorskip("generator.history")
    import subprocess

    write_tree(tmp_path, minimal_files())
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)
    (tmp_path / RADAR).unlink()
    status, out, _ = run_cli("check", str(tmp_path), "--base", "HEAD")
    assert status == 1
    assert any(" error FL405 " in line and "2025-12-06-radar-lock-on" in line for line in out.splitlines())


# --- FL5xx: safety -----------------------------------------------------------------------------------------


def test_fl501_script_in_body(tmp_path: Path) -> None:
    text = patrol(
        "The [[jasdf]] scrambled fighters.[^pub-1]\n",
        "The [[jasdf]] scrambled fighters.[^pub-1]\n\n<script>alert(1)</script>\n",
    )
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:24:1: error FL501 raw <script> element is not allowed in content",
        f"{PATROL}:24:1: error FL701 paragraph '<script>alert(1)</script>' cites no source",
    ]


def test_fl501_event_handler_in_front_matter(tmp_path: Path) -> None:
    text = patrol("Two Chinese", "Two <img src=x onerror=alert(1)> Chinese")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:5:10: error FL501 event-handler attribute 'onerror' is not allowed in content"
    ]


def test_fl502_javascript_url_in_body(tmp_path: Path) -> None:
    text = patrol("The [[jasdf]] scrambled", "The [[jasdf]] [scrambled](javascript:alert(1))")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:22:25: error FL502 'javascript:' URL is not allowed in content"
    ]


def test_fl502_protocol_relative_link_in_body(tmp_path: Path) -> None:
    # '//host' borrows the page's scheme and reaches any host, while it looks like a link inside the site
    text = patrol("The [[jasdf]] scrambled", "The [[jasdf]] [scrambled](//evil.example/x)")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:22:25: error FL502 protocol-relative '//' URL is not allowed in content"
    ]


@pytest.mark.parametrize(
    "target",
    [
        "javascript&#58;alert(1)",
        "javascript&colon;alert(1)",
        "&#106;avascript:alert(1)",
        "java&#x09;script:x",
    ],
)
def test_an_entity_hidden_scheme_in_a_markdown_link_is_never_silent(tmp_path: Path, target: str) -> None:
    text = patrol("The [[jasdf]] scrambled", f"The [[jasdf]] [scrambled]({target})")
    found = problems(tmp_path, {PATROL: text})
    assert len(found) == 1 and (" error FL514 " in found[0] or " error FL502 " in found[0]), found


def test_fl502_source_url_not_http(tmp_path: Path) -> None:
    text = patrol("url: https://www.mod.go.jp/news/1.html", "url: ftp://www.mod.go.jp/news/1.html")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:14:10: error FL502 'sources[0].url' must be an absolute http(s) URL, "
        "not text 'ftp://www.mod.go.jp/news/1.html'"
    ]


# --- FL6xx: warnings ---------------------------------------------------------------------------------------


def test_fl601_no_archive_url(tmp_path: Path) -> None:
    text = patrol("    archive_url: https://web.archive.org/web/2025/https://www.mod.go.jp/news/1.html\n")
    assert problems(tmp_path, {PATROL: text}, "--verbose") == [
        f"{PATROL}:14:10: warning FL601 source https://www.mod.go.jp/news/1.html has no archive_url"
    ]


def test_fl602_single_source(tmp_path: Path) -> None:
    files = {PATROL: valid_incident(sources=[valid_source(1)])}
    assert problems(tmp_path, files, "--verbose") == [
        f"{PATROL}:13:1: warning FL602 the incident has a single source"
    ]


def test_fl603_unused_actor(tmp_path: Path) -> None:
    files = {f"{ACTOR_DIR}/usfj.md": valid_actor("US Forces Japan")}
    assert problems(tmp_path, files) == [
        f"{ACTOR_DIR}/usfj.md:2:1: warning FL603 actor 'usfj' is not used by any incident"
    ]


def test_fl604_place_without_coordinates(tmp_path: Path) -> None:
    files = {f"{PLACE_DIR}/sea-of-japan.md": valid_place("Sea of Japan", None)}
    assert problems(tmp_path, files) == [
        f"{PLACE_DIR}/sea-of-japan.md:2:1: warning FL604 "
        "place 'sea-of-japan' has no coordinates and cannot be mapped"
    ]


def test_fl605_future_date(tmp_path: Path) -> None:
    future = incident_path("2099-01-01-future-patrol")
    files = {
        future: valid_incident(
            date="2099-01-01", type="radar-lock", sources=[valid_source(7), valid_source(8)]
        )
    }
    assert problems(tmp_path, files) == [f"{future}:3:7: warning FL605 date 2099-01-01 is in the future"]


def test_fl606_near_duplicate(tmp_path: Path) -> None:
    second = incident_path("2025-12-09-joint-patrol-second-report")
    files = {
        second: valid_incident(
            title="A second report of the patrol", sources=[valid_source(7), valid_source(8)]
        )
    }
    reason = "same type 'joint-patrol' and actor 'jasdf', overlapping dates"
    assert problems(tmp_path, files) == [  # one warning per group of look-alikes, on its first file
        f"{PATROL}:2:8: warning FL606 possible duplicate of {second} ({reason})",
    ]


def test_fl606_not_for_incidents_that_name_each_other_as_related(tmp_path: Path) -> None:
    second = incident_path("2025-12-09-joint-patrol-second-report")
    related = ["2025-12-09-joint-bomber-patrol"]
    files = {
        second: valid_incident(
            title="A second report of the patrol", related=related, sources=[valid_source(7), valid_source(8)]
        )
    }
    assert problems(tmp_path, files) == []  # the contributor said how the two relate: two events, not one


def test_fl607_aggregators_only(tmp_path: Path) -> None:
    sources = [valid_source(1, kind="aggregator"), valid_source(2, kind="aggregator")]
    assert problems(tmp_path, {PATROL: valid_incident(sources=sources)}, "--verbose") == [
        f"{PATROL}:13:1: warning FL607 every source of this incident is an aggregator or mirror"
    ]


# --- FL7xx: evidence ---------------------------------------------------------------------------------------
# PATROL_TEXT's body is line 22: "The [[jasdf]] scrambled fighters.[^pub-1]"


def test_fl701_uncited_paragraph_list_item_and_table_row_at_their_lines(tmp_path: Path) -> None:
    text = patrol() + (
        "\nTwo F-15s followed them.\n"  # 24
        "\n- Cited item.[^pub-2]\n- Uncited item.\n"  # 26, 27
        "\nA `[^pub-1]` in code and an escaped \\[^pub-1] cite nothing.\n"  # 29
        "\n## A heading needs no source\n"  # 31
        "\n| Who | What |\n| --- | --- |\n| JASDF | scrambled[^pub-1] |\n| PLA | flew |\n"  # 33-36
        "\n```\ncode needs no source\n```\n"  # 38-40
    )
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:24:1: error FL701 paragraph 'Two F-15s followed them.' cites no source",
        f"{PATROL}:27:3: error FL701 list item 'Uncited item.' cites no source",
        f"{PATROL}:29:1: error FL701 paragraph 'A `[^pub-1]` in code and an escaped \\...' cites no source",
        f"{PATROL}:36:1: error FL701 table row '| PLA | flew |' cites no source",
    ]


def test_fl701_blockquote_and_continuation_lines(tmp_path: Path) -> None:
    text = patrol() + "\n> Quoted paragraph,\n> over two lines.\n\n- Item\n  continued.[^pub-1]\n"
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:24:3: error FL701 paragraph 'Quoted paragraph,' cites no source"
    ]


def test_fl702_unknown_citation_key_with_did_you_mean_at_its_column(tmp_path: Path) -> None:
    text = patrol("fighters.[^pub-1]", "fighters.[^pub-1][^Pub-2] and [^agency-9].")
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:22:42: error FL702 citation [^Pub-2] names no source of this incident; did you mean [^pub-2]?",
        f"{PATROL}:22:55: error FL702 citation [^agency-9] names no source of this incident",
    ]
    (record,) = [r for r in check_json(tmp_path) if r["code"] == "FL702"][:1]
    assert record["end"] == {"line": 22, "column": 50}


def test_fl703_marker_in_the_summary_or_an_actors_text(tmp_path: Path) -> None:
    text = patrol("East China Sea.\n", "East China Sea.[^pub-1]\n")
    assert problems(tmp_path, {PATROL: text, JASDF: valid_actor(__body__="An air force.[^pub-1]\n")}) == [
        f"{JASDF}:5:14: error FL703 citation marker [^pub-1] outside an incident's body",
        f"{PATROL}:5:10: error FL703 citation marker [^pub-1] in 'summary'",
    ]


def line_of(root: Path, needle: str, path: str = PATROL) -> int:
    """The line of the written file ``path`` holding ``needle`` (trees written from dicts are dumped by YAML)."""
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return next(n for n, row in enumerate(lines, 1) if needle in row)


QUOTE = {"actor": "jasdf", "text": "It was a show of force.", "quote": True, "source": "pub-1"}


def test_fl704_quote_not_in_the_cited_excerpt_names_the_source_that_has_it(tmp_path: Path) -> None:
    sources = [
        valid_source(1, excerpts=[{"text": "The ministry spoke of a demonstration."}]),
        valid_source(2, excerpts=[{"text": "He said: \u201cit was a show of force\u201d, and left."}]),
    ]
    files = {PATROL: valid_incident(claims=[QUOTE], sources=sources, __body__="Flew.[^pub-1]\n")}
    lines = problems(tmp_path, files)
    line = line_of(tmp_path, "text: It was a show of force.")
    assert lines == [
        f"{PATROL}:{line}:9: error FL704 quote is not in an excerpt of pub-1, but it is in one of pub-2"
    ]


def test_fl704_quote_without_any_excerpt(tmp_path: Path) -> None:
    files = {PATROL: valid_incident(claims=[QUOTE], __body__="Flew.[^pub-1]\n")}
    lines = problems(tmp_path, files)
    line = line_of(tmp_path, "text: It was a show of force.")
    assert lines == [f"{PATROL}:{line}:9: error FL704 quote cannot be verified: source pub-1 has no excerpts"]


def test_fl704_quote_matches_across_quotes_dashes_case_spacing_and_ellipses(tmp_path: Path) -> None:
    claim = {**QUOTE, "text": 'it was a "show of force" \u2014 aimed at Japan ... it must stop.'}
    excerpt = "IT WAS A \u201cSHOW OF FORCE\u201d - aimed\n at Japan. Officials added that it must stop."
    files = {PATROL: valid_incident(claims=[claim], sources=[valid_source(1, excerpts=[{"text": excerpt}]),
                                                             valid_source(2)], __body__="Flew.[^pub-1]\n")}  # fmt: skip
    assert problems(tmp_path, files) == []


def test_fl705_figure_value_not_in_its_sources_excerpts(tmp_path: Path) -> None:
    figures = [
        {"what": "bombers", "value": 4, "source": "pub-1"},
        {"what": "fighters", "value": "about 8 hours", "source": "pub-1"},
        {"what": "aircraft", "value": 1200, "source": "pub-1"},
    ]
    excerpt = "Two bombers flew for about eight hours; 1,200 sorties in 2024 (14 more)."
    files = {PATROL: valid_incident(figures=figures, sources=[valid_source(1, excerpts=[{"text": excerpt}]),
                                                              valid_source(2)], __body__="Flew.[^pub-1]\n")}  # fmt: skip
    lines = problems(tmp_path, files)
    assert lines == [
        f"{PATROL}:{line_of(tmp_path, 'value: 4')}:10: warning FL705 figure value 4 is in no excerpt of pub-1"
    ]


def test_fl706_quoted_words_in_a_paraphrase_and_in_a_paragraph(tmp_path: Path) -> None:
    claim = {"actor": "jasdf", "text": 'The ministry called it "a grave concern".', "source": "pub-1"}
    body = 'Tokyo spoke of \u201ca show of force\u201d.[^pub-1]\n\nIt was "routine".[^pub-2]\n'
    sources = [valid_source(1, excerpts=[{"text": "It was a show of force."}]), valid_source(2)]
    files = {PATROL: valid_incident(claims=[claim], sources=sources, __body__=body)}
    lines = problems(tmp_path, files)
    assert lines == [
        f'{PATROL}:{line_of(tmp_path, "grave")}:9: warning FL706 quoted words "a grave concern" are in no excerpt of pub-1',
        f'{PATROL}:{line_of(tmp_path, "routine")}:8: warning FL706 quoted words "routine" are in no excerpt of pub-2',
    ]


def test_translations_count_for_numbers_and_quoted_words_but_never_for_an_exact_quote(tmp_path: Path) -> None:
    excerpt = {
        "text": "飛行は六時間以上続いた。「反省」と述べた。",
        "translation": 'The flight lasted over six hours. She spoke of "reflection".',
    }
    exact = {"actor": "jasdf", "text": "The flight lasted over six hours.", "quote": True, "source": "pub-1"}
    figure = {"what": "flight", "value": "more than six hours", "source": "pub-1"}
    body = 'She spoke of "reflection".[^pub-1]\n'
    sources = [valid_source(1, language="ja", excerpts=[excerpt]), valid_source(2)]
    files = {PATROL: valid_incident(claims=[exact], figures=[figure], sources=sources, __body__=body)}
    lines = problems(tmp_path, files)
    # the number and the quoted word are found in our translation; the exact quote must be the source's own words
    assert [line.split(" ", 3)[1:3] for line in lines] == [["error", "FL704"]], lines


def test_fl304_excerpt_too_long_says_the_limit_and_why(tmp_path: Path) -> None:
    files = {
        PATROL: valid_incident(sources=[valid_source(1, excerpts=[{"text": "x" * 501}]), valid_source(2)])
    }
    tree = minimal_files()
    tree.update(files)
    write_tree(tmp_path, tree)
    _, out, _ = run_cli("check", str(tmp_path))
    line = line_of(tmp_path, "xxxxx")
    assert (
        f"{PATROL}:{line}:11: error FL304 'sources[0].excerpts[0].text' is 501 characters; an excerpt may have at most 500"
        in out
    )
    assert "fair quotation" in out


def test_fl301_source_without_key_suggests_one(tmp_path: Path) -> None:
    source = {
        "url": "https://www.nippon.com/en/news/1/",
        "publisher": "Nippon.com (Jiji Press)",
        "published": "2025-12-10",
    }
    tree = minimal_files()
    tree[PATROL] = valid_incident(sources=[source, valid_source(2)])
    write_tree(tmp_path, tree)
    _, out, _ = run_cli("check", str(tmp_path))
    line = line_of(tmp_path, "url: https://www.nippon.com/en/news/1/")
    assert f"{PATROL}:{line}:3: error FL301 missing required field 'key' in sources[0]" in out
    assert "key: jiji-1210" in out


# --- YAML 1.1 traps, encodings and line endings ------------------------------------------------------------


def test_values_keep_what_the_contributor_wrote(tmp_path: Path) -> None:
    text = patrol("type: joint-patrol\n", "type: joint-patrol\ntime: 12:30\n")
    actor = "---\nname: Norwegian Armed Forces\nkind: armed-force\ncountry: NO\n---\n"
    files = {PATROL: text, f"{ACTOR_DIR}/norway.md": actor}
    assert problems(tmp_path, files) == [
        f"{ACTOR_DIR}/norway.md:2:1: warning FL603 actor 'norway' is not used by any incident"
    ]
    documents, _ = load(tmp_path)
    by_path = {d.path: d for d in documents}
    assert by_path[PATROL].data["time"] == "12:30"
    assert by_path[PATROL].data["date"] == "2025-12-09"
    assert by_path[f"{ACTOR_DIR}/norway.md"].data["country"] == "NO"


def test_bom_and_crlf_are_accepted_with_right_lines(tmp_path: Path) -> None:
    clean = ("\ufeff" + patrol()).replace("\n", "\r\n").encode()
    assert problems(tmp_path, {PATROL: clean}, "--strict") == []
    wrong = ("\ufeff" + patrol("type: joint-patrol", "type: joint-patrl")).replace("\n", "\r\n").encode()
    assert check_tree(write_tree(tmp_path, {PATROL: wrong})) == [
        f"{PATROL}:4:7: error FL203 unknown incident type 'joint-patrl'; did you mean 'joint-patrol'?"
    ]


def test_a_broken_file_does_not_break_links_to_it(tmp_path: Path) -> None:
    # the 2025-12-10 incident relates to the patrol; only the patrol's own error is reported
    raw = patrol("Two Chinese", "Two Chin\xe9se").encode("latin-1")
    lines = problems(tmp_path, {PATROL: raw})
    assert [line.split(": ")[1] for line in lines] == ["error FL106 the file is not valid UTF-8 (byte 0xe9)"]


BODY_LINE = 22  # the patrol's body starts here


def unevidenced(lines: list[str]) -> list[str]:
    """The problems but the evidence rules' (FL70x: these bodies cite no source, which is not what is tested)."""
    return [line for line in lines if not re.search(r" FL70\d ", line)]


def body(text: str) -> str:
    return patrol("The [[jasdf]] scrambled fighters.[^pub-1]\n", text)


def test_fl510_body_too_large(tmp_path: Path) -> None:
    lines = unevidenced(problems(tmp_path, {PATROL: body("word " * 12_000 + "\n")}))
    assert lines == [f"{PATROL}:22:1: error FL510 the body is 60,001 characters long; the limit is 50,000"]


def test_fl511_nesting_too_deep(tmp_path: Path) -> None:
    """A list nested 245 deep crashed the build with RecursionError; 11 levels are refused at their line."""
    nested = "".join("    " * level + f"- level {level}\n" for level in range(12))
    lines = unevidenced(problems(tmp_path, {PATROL: body("Intro.\n\n" + nested)}))
    assert lines == [f"{PATROL}:35:1: error FL511 lists or quotes nest 11 levels deep here; the limit is 10"]
    quotes = unevidenced(problems(tmp_path / "quotes", {PATROL: body(">" * 245 + " deep\n")}))
    assert quotes == [
        f"{PATROL}:22:1: error FL511 lists or quotes nest 245 levels deep here; the limit is 10"
    ]


@pytest.mark.parametrize("attack", ["[" * 45_000, "[[a|" * 9_000, "<a " * 15_000])
def test_fl512_too_many_brackets(tmp_path: Path, attack: str) -> None:
    """Bodies that passed the check and then held the build for minutes (35 KB of `[[a|`: 71 s)."""
    lines = unevidenced(problems(tmp_path, {PATROL: body("Intro.\n\n" + attack + "\n")}))
    assert len(lines) == 1 and lines[0].startswith(f"{PATROL}:24:1: error FL512 too many unclosed '[' or '<'")


def test_fl513_render_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the renderer fails on is the file's error; here a renderer made to fail on one word."""
    from generator.check import bodies
    from generator.render import text

    real = text.markdown_html

    def failing(source: str, link: object) -> str:
        if "explode" in source:
            raise RecursionError("maximum recursion depth exceeded")
        return real(source, link)  # type: ignore[arg-type]

    monkeypatch.setattr(text, "markdown_html", failing)
    tree = minimal_files()
    tree[PATROL] = body("It will <b>explode</b>.\n")
    write_tree(tmp_path, tree)
    from generator.pipeline import run

    found = [d for d in run(tmp_path).diagnostics if d.severity == "error" and not d.code.startswith("FL70")]
    assert [(d.path, d.line, d.code) for d in found] == [(PATROL, 22, "FL513")]
    assert "RecursionError" in found[0].message
    assert bodies.MAX_NESTING == 10


@pytest.mark.parametrize(
    ("written", "line", "shown"),
    [
        ("Quoted <unnamed official> said it.", 22, "'<unnamed official>'"),
        ("Before.\n\n<template>hidden</template> after.", 24, "'<template>'"),
        ("An <svg><text>x</text></svg> drawing.", 22, "'<svg>'"),
        ("A <math>x</math> formula.", 22, "'<math>'"),
        ("Old <textarea> **b** c", 22, "'<textarea>'"),
        ("A <title> b", 22, "'<title>'"),
        ("An <xmp> *b*", 22, "'<xmp>'"),
        ("Line one.\na<b and c>d", 23, "'<b and c>'"),
        ("[Archive](ftp://example.org/x)", 22, "'<a href=\"ftp://example.org/x\">'"),
        ("![The map](https://example.org/map.png)", 22, "'<img"),
    ],
)
def test_fl514_sanitiser_would_drop(tmp_path: Path, written: str, line: int, shown: str) -> None:
    lines = unevidenced(problems(tmp_path, {PATROL: body(written + "\n")}))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{PATROL}:{line}:1: error FL514 the sanitiser would remove")
    assert shown in lines[0]


def test_bodies_the_sanitiser_keeps_whole_pass(tmp_path: Path) -> None:
    kept = (
        "A [link](https://example.org/) and [[jasdf]], <b>bold</b>, &amp;, 1 < 2 > 0, `<code>` and [^pub-1].\n\n"
        "<!-- a note to editors, shown nowhere -->\n\n"
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n> quoted\n\n- a\n    - b\n"
    )
    assert unevidenced(problems(tmp_path, {PATROL: body(kept)})) == []


# --- the meta-test -----------------------------------------------------------------------------------------


def test_every_code_has_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    tested = {f"FL{number}" for number in re.findall(r"^def test_fl(\d{3})_", source, flags=re.MULTILINE)}
    expected = set(CODES)
    if not Path(__file__).parents[1].joinpath("generator", "history.py").exists():
        # FL405 (--base) lives in generator/history.py, written for another issue; its test skips until then
        expected.discard("FL405")
    missing = sorted(expected - tested)
    assert not missing, f"codes without a test that triggers them: {', '.join(missing)}"
    assert not tested - set(CODES), f"tests for codes not in the catalogue: {sorted(tested - set(CODES))}"


# --- every reference field resolves (one rule, many fields) ------------------------------------------------

MOD = f"{ACTOR_DIR}/japan-ministry-of-defense.md"
ECS = f"{PLACE_DIR}/east-china-sea.md"
CLAIM = {"actor": "jasdf", "text": "We scrambled.", "source": "https://www.mod.go.jp/news/1.html"}
FIGURE = {"what": "aircraft", "value": 4, "source": "https://www.mod.go.jp/news/1.html"}


@pytest.mark.parametrize(
    ("path", "content", "expected"),
    [
        (PATROL, valid_incident(actors=[{"actor": "jasdf", "role": "particpant"}]), "FL203 unknown role "),
        (PATROL, valid_incident(series="joint-air-patrol"), "FL203 unknown series 'joint-air-patrol'"),
        (
            PATROL,
            valid_incident(sources=[valid_source(1, kind="wire"), valid_source(2)]),
            "FL203 unknown source kind",
        ),
        (
            PATROL,
            valid_incident(related=[{"incident": RADAR[23:-3], "relation": "causes"}]),
            "FL203 unknown relation",
        ),
        (
            PATROL,
            valid_incident(status="retracted", status_note="Merged.", replaced_by="2025-12-06-radar"),
            "FL204 unknown incident '2025-12-06-radar'",
        ),
        (PATROL, valid_incident(claims=[{**CLAIM, "actor": "jsdf"}]), "FL201 unknown actor 'jsdf'"),
        (PATROL, valid_incident(figures=[{**FIGURE, "source": "https://x.example/"}]), "FL205 figure source"),
        (MOD, valid_actor("MOD", kind="ministri"), "FL203 unknown actor kind 'ministri'"),
        (MOD, valid_actor("MOD", kind="ministry", parent="goverment"), "FL201 unknown actor 'goverment'"),
        (
            MOD,
            valid_actor(
                "MOD", kind="ministry", positions=[{"title": "Minister", "of": "jsdf", "from": "2025"}]
            ),
            "FL201 unknown actor 'jsdf'",
        ),
        (
            MOD,
            valid_actor(
                "MOD", kind="ministry", positions=[{"title": "Minister", "from": "2025-10", "to": "2025-09"}]
            ),
            "FL306 'to' 2025-09 is before 'from' 2025-10",
        ),
        (ECS, valid_place(kind="ocean"), "FL203 unknown place kind 'ocean'"),
        (ECS, valid_place(parent="pacific"), "FL202 unknown place 'pacific'"),
    ],
)
def test_every_reference_field_resolves(tmp_path: Path, path: str, content: dict, expected: str) -> None:
    lines = problems(tmp_path, {path: content})
    assert [line for line in lines if f" {expected}" in line and line.startswith(f"{path}:")], lines


def test_claims_and_figures_citing_a_source_are_clean(tmp_path: Path) -> None:
    source = valid_source(1, excerpts=[{"text": "Four fighters scrambled."}])
    files = {PATROL: valid_incident(claims=[CLAIM], figures=[FIGURE], sources=[source, valid_source(2)])}
    assert problems(tmp_path, files, "--strict") == []


def test_no_known_ids_gives_a_useful_hint(tmp_path: Path) -> None:
    files = {ECS: None, f"{PLACE_DIR}/sea-of-japan.md": None}
    files |= {
        path: {**content, "places": []} for path, content in minimal_files().items() if "incidents" in path
    }
    files[PATROL] = valid_incident(places=["east-china-sea"])
    write_tree(tmp_path, {**minimal_files(), **files})
    _, out, _ = run_cli("check", str(tmp_path), "--format", "concise")
    lines = out.splitlines()
    index = lines.index(f"{PATROL}:12:3: error FL202 unknown place 'east-china-sea'")
    assert lines[index + 1] == "    hint: there is no place yet; add one first"


def test_fl309_placeholder_from_the_template(tmp_path: Path) -> None:
    text = patrol("    url: https://www.mod.go.jp/news/1.html\n    publisher: Publisher 1\n",
                  "    url: https://www.mod.go.jp/news/1.html\n    publisher: TODO Publisher\n")  # fmt: skip
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "TODO Publisher" in row)
    assert problems(tmp_path, {PATROL: text}) == [
        f"{PATROL}:{line}:16: error FL309 placeholder left in place: 'TODO Publisher'"
    ]


# --- documented rules, enforced (FL308) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("type: joint-patrol\n", "type: joint-patrol\nseries_number: 3\n",
         "5:16: error FL308 series_number is set but series is not"),
        ("type: joint-patrol\n", "type: joint-patrol\nreplaced_by: 2025-12-06-radar-lock-on\n",
         "5:14: error FL308 replaced_by is only for a retracted incident (this one is 'confirmed')"),
        ("summary: Two Chinese and two Russian bombers flew together over the East China Sea.\n",
         "summary: >-\n  Two Chinese and two Russian bombers flew together.\n\n  Over the East China Sea.\n",
         "5:10: error FL308 the summary has more than one paragraph; it is one plain-text paragraph"),
        ("summary: Two Chinese and two Russian bombers flew together over the East China Sea.\n",
         "summary: |\n  Two Chinese and two Russian bombers flew together.\n\n  Over the East China Sea.\n",
         "5:10: error FL308 the summary has more than one paragraph; it is one plain-text paragraph"),
        ("sources:\n", "related: [2025-12-09-joint-bomber-patrol]\nsources:\n",
         "12:11: error FL308 an incident cannot be related to itself"),
    ],
)  # fmt: skip
def test_fl308_documented_rules_are_enforced(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in PATROL_TEXT
    assert problems(tmp_path, {PATROL: patrol(old, new)}) == [f"{PATROL}:{expected}"]


def test_fl308_a_literal_summary_on_two_lines_is_one_paragraph(tmp_path: Path) -> None:
    old = "summary: Two Chinese and two Russian bombers flew together over the East China Sea.\n"
    new = "summary: |\n  Two Chinese and two Russian bombers flew together\n  over the East China Sea.\n"
    assert problems(tmp_path, {PATROL: patrol(old, new)}) == []


def test_evidence_problems_are_reported_with_schema_errors_in_one_run(tmp_path: Path) -> None:
    """A file that fails its schema still gets its uncited paragraphs and unfound quotes in the same run."""
    claim = {"actor": "jasdf", "text": "Words nobody said.", "quote": True, "source": "pub-1"}
    body = "A sentence with no citation.\n\nA cited one.[^pub-1]\n"
    sources = [valid_source(1, excerpts=[{"text": "Other words."}]), valid_source(2)]
    files = {PATROL: valid_incident(title="Short", claims=[claim], sources=sources, __body__=body)}
    codes = [
        line.split(" ")[2] for line in problems(tmp_path, files) if " error " in line or " warning " in line
    ]
    assert any(c.startswith("FL3") for c in codes), codes  # the schema error (the short title)
    assert "FL701" in codes and "FL704" in codes, codes


def test_evidence_problems_are_reported_after_a_yaml_error_in_one_run(tmp_path: Path) -> None:
    tree = minimal_files()
    write_tree(tmp_path, tree)
    path = tmp_path / PATROL
    text = path.read_text(encoding="utf-8")
    front = text.partition("\n---\n")[0]
    broken = front.replace("title: ", "title: Patrol: ", 1)  # an unquoted ': ' in the title
    path.write_text(broken + "\n---\nA paragraph that cites nothing.\n", encoding="utf-8")
    _, out, _ = run_cli("check", "--format", "concise", str(tmp_path))
    assert "FL102" in out and "FL701" in out, out
