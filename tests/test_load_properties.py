"""Property tests: whatever a file holds, load + check never raise, and every problem names a file.

Each example writes one content file (next to a valid vocabulary) into a fresh temporary project and runs the
real stages, then every output format.
"""

from __future__ import annotations

import atexit
import shutil
import string
import tempfile
from pathlib import Path
from typing import Any

import yaml
from helpers import VOCABULARY, render_file, valid_vocabulary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import check
from generator.codes import CODES
from generator.diagnostics import FORMATTERS, Diagnostic
from generator.load import Document, load

INCIDENT = "content/incidents/2025/2025-12-09-joint-bomber-patrol.md"
ACTOR = "content/actors/jasdf.md"
VOCABULARY_BYTES = render_file(VOCABULARY, valid_vocabulary())

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PUNCTUATION = [*"-:,[]{}#&*!|>'\"%@`?\t\r\n ~=<\\/", "---", "\ufeff", "\x00", "\u2028", "\x85", "\xe9"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["NO", "on", "yes", "12:30", "2025-12-09", "2025-02-30", "0o17", "1e3", ".inf", "~"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(
            st.one_of(st.text(max_size=12), st.sampled_from(["title", "date", "actors"])),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


_PROJECT = Path(tempfile.mkdtemp(prefix="faultlines-properties-"))
atexit.register(shutil.rmtree, _PROJECT, ignore_errors=True)


def run_stages(files: dict[str, bytes]) -> tuple[list[Document], list[Diagnostic]]:
    """Write ``files`` into a project (reused between examples: fast), then load, check and format."""
    written = {VOCABULARY: VOCABULARY_BYTES, **files}
    for relative, raw in written.items():
        target = _PROJECT / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
    try:
        loaded, problems = load(_PROJECT)
        _, found = check(loaded)
    finally:
        for relative in files:
            if relative != VOCABULARY:
                (_PROJECT / relative).unlink()
    everything = sorted([*problems, *found])
    for formatter in FORMATTERS.values():
        assert formatter(everything).endswith("\n")
    # one line per problem (and per hint) plus the summary, whatever the messages quote
    expected_lines = len(everything) + sum(bool(d.hint) for d in everything) + 1
    assert len(FORMATTERS["text"](everything).split("\n")) == expected_lines + 1
    assert len(FORMATTERS["github"](everything).split("\n")) == len(everything) + 2
    return loaded, everything


def assert_well_formed(relative: str, raw: bytes) -> None:
    """The file either loads to a mapping or has a diagnostic; every diagnostic is complete and in range."""
    loaded, problems = run_stages({relative: raw})
    lines_in_file = raw.count(b"\n") + raw.count(b"\r") + 1
    for problem in problems:
        assert problem.path, problem
        assert problem.code in CODES, problem
        assert problem.message, problem
        assert problem.severity in ("error", "warning"), problem
        assert 0 <= problem.line <= lines_in_file + 1, problem
        assert problem.column >= 0, problem
    mine = [d for d in loaded if d.path == relative]
    assert len(mine) == 1, "every content file becomes one document (data None when unusable)"
    if mine[0].data is None:
        assert any(p.path == relative and p.severity == "error" for p in problems), problems


@PROPERTY_SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_as_an_incident(text: str) -> None:
    assert_well_formed(INCIDENT, text.encode("utf-8", errors="surrogatepass"))


@PROPERTY_SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_after_a_fence(text: str) -> None:
    assert_well_formed(ACTOR, ("---\n" + text + "\n---\n").encode("utf-8", errors="surrogatepass"))


@PROPERTY_SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_an_actor(raw: bytes) -> None:
    assert_well_formed(ACTOR, raw)


@PROPERTY_SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_the_vocabulary(raw: bytes) -> None:
    loaded, problems = run_stages({VOCABULARY: raw})
    assert all(p.path for p in problems)
    vocabulary = [d for d in loaded if d.kind == "vocabulary"]
    assert len(vocabulary) == 1
    if vocabulary[0].data is None:
        assert any(p.path == VOCABULARY for p in problems)


def _yamlish(value: Any, flow: bool | None) -> str:
    return yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True, sort_keys=False)


@PROPERTY_SETTINGS
@given(
    documents,
    st.sampled_from([None, True, False]),
    st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(PUNCTUATION)), max_size=6),
)
def test_yamlish_front_matter(value: Any, flow: bool | None, noise: list[tuple[int, str]]) -> None:
    text = _yamlish(value, flow)
    for position, mark in noise:  # random punctuation at random places
        cut = position % (len(text) + 1)
        text = text[:cut] + mark + text[cut:]
    raw = ("---\n" + text + "---\nSee [[jasdf]] and <b onclick=x>.\n").encode("utf-8", errors="surrogatepass")
    assert_well_formed(INCIDENT, raw)


@PROPERTY_SETTINGS
@given(documents, st.sampled_from([None, True, False]))
def test_yamlish_vocabulary(value: Any, flow: bool | None) -> None:
    raw = _yamlish(value, flow).encode("utf-8", errors="surrogatepass")
    _, problems = run_stages({VOCABULARY: raw})
    assert all(p.path and p.code in CODES for p in problems)


plain_words = st.one_of(
    st.text(alphabet=string.ascii_letters + "-", min_size=1, max_size=10),
    st.sampled_from(
        ["yes", "No", "on", "OFF", "Null", "TRUE", "y", "n", "12:30", "0x1F", "1_000", "2025-12-09"]
    ),
)
simple_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), plain_words),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(plain_words, children, min_size=1, max_size=4)
    ),
    max_leaves=15,
)


@PROPERTY_SETTINGS
@given(st.dictionaries(plain_words, simple_values, max_size=6), st.sampled_from([None, True, False]))
def test_plain_values_round_trip(value: dict[str, Any], flow: bool | None) -> None:
    # words such as yes, on, No or Null are quoted by the dumper and must come back as the same text
    raw = ("---\n" + _yamlish(value, flow) + "---\n").encode()
    loaded, _ = run_stages({ACTOR: raw})
    (document,) = [d for d in loaded if d.path == ACTOR]
    assert document.data == value


@PROPERTY_SETTINGS
@given(st.text(max_size=200))
def test_any_quoted_string_is_kept_exactly(text: str) -> None:
    raw = ("---\n" + _yamlish({"name": text, "kind": "armed-force"}, None) + "---\n").encode()
    loaded, problems = run_stages({ACTOR: raw})
    (document,) = [d for d in loaded if d.path == ACTOR]
    if document.data is None:  # only for the characters YAML 1.1 would read as line breaks
        assert [p.message.split(" U+")[0] for p in problems if p.path == ACTOR] == [
            "invisible line-break character"
        ]
    elif document.data["name"] != text:
        # the YAML 1.1 dumper leaves `1e3` or `0E0` unquoted; YAML 1.2 reads a number, and check says so
        assert not isinstance(document.data["name"], str)
        assert [p.code for p in problems if p.path == ACTOR] == ["FL303"]
