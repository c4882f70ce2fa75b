"""Loader fuzzing: whatever bytes arrive in content/, load → check never raises, never hangs (each case runs
under a time limit), and every problem is a diagnostic that names its file."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import VOCABULARY, front_matter, incident_path, minimal_files, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import MAX_FILE_BYTES
from generator.pipeline import Result, run

TARGET = incident_path("2025-12-09-joint-bomber-patrol")
SECONDS = 10


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging) when the block runs longer than ``seconds``."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def checked(root: Path) -> Result:
    """load → check under the time limit; every diagnostic must name a file."""
    with time_limit(SECONDS):
        result = run(root)
    for diagnostic in result.diagnostics:
        assert diagnostic.path, diagnostic
        assert diagnostic.code.startswith("FL") and diagnostic.message, diagnostic
    return result


def with_file(root: Path, relative: str, data: bytes) -> Path:
    files: dict[str, Any] = minimal_files()
    files[relative] = data
    return write_tree(root, files)


def problems_at(result: Result, relative: str) -> list[str]:
    return [d.code for d in result.diagnostics if d.path == relative and d.severity == "error"]


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    root = with_file(tmp_path_factory.mktemp("bytes"), TARGET, data)
    assert problems_at(checked(root), TARGET), "random bytes are never a valid incident"


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_after_a_fence(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    root = with_file(tmp_path_factory.mktemp("fenced"), TARGET, b"---\n" + data + b"\n---\nbody\n")
    assert problems_at(checked(root), TARGET)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_vocabulary_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    result = checked(with_file(tmp_path_factory.mktemp("vocab"), VOCABULARY, data))
    assert result.failed()


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


@SETTINGS
@given(value=st.dictionaries(st.text(max_size=12), yaml_values, max_size=8))
def test_random_yaml_front_matter(tmp_path_factory: pytest.TempPathFactory, value: dict[str, Any]) -> None:
    text = front_matter(value, "body\n")
    root = with_file(tmp_path_factory.mktemp("yaml"), TARGET, text.encode("utf-8", "surrogatepass"))
    assert problems_at(checked(root), TARGET)


@SETTINGS
@given(text=st.text(alphabet="[]{}:,-&*!|>'\"#? \n\tab0", max_size=300))
def test_random_yaml_syntax(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    root = with_file(tmp_path_factory.mktemp("syntax"), TARGET, f"---\n{text}\n---\n".encode())
    assert problems_at(checked(root), TARGET)


HOSTILE_FILES: dict[str, Callable[[], bytes]] = {
    "deep-flow": lambda: b"---\ntitle: " + b"[" * 10_000 + b"\n---\n",
    "deep-closed": lambda: b"---\ntitle: " + b"[" * 10_000 + b"]" * 10_000 + b"\n---\n",
    "deep-mapping": lambda: b"---\n" + b"".join(b"  " * i + b"k:\n" for i in range(2_000)) + b"---\n",
    "deep-block": lambda: b"---\n" + b"".join(b"  " * i + b"- \n" for i in range(2_000)) + b"---\n",
    "alias-bomb": lambda: (
        b"---\na: &a [x, x, x, x, x, x, x, x, x]\n"
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode()
            for i in range(9)
        )
        + b"---\n"
    ),
    "many-aliases": lambda: b"---\na: &a x\nb: [" + b", ".join([b"*a"] * 50_000) + b"]\n---\n",
    "python-tag": lambda: b"---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n",
    "huge-line": lambda: b"---\ntitle: " + b"x" * (MAX_FILE_BYTES - 100) + b"\n---\n",
    "huge-key": lambda: b"---\n? " + b"k" * 200_000 + b"\n: v\n---\n",
    "nul": lambda: b"---\ntitle: a\x00b\n---\n",
    "utf16": lambda: "---\ntitle: x\n---\n".encode("utf-16"),
    "latin1": lambda: "---\ntitle: café\n---\n".encode("latin-1"),
    "control": lambda: b"---\ntitle: a\x07b\n---\n",
    "escaped-control": lambda: b'---\ntitle: "a\\x07b \\x1b[31m"\n---\n',
    "unclosed": lambda: b"---\ntitle: x\n",
    "empty": lambda: b"",
    "only-fence": lambda: b"---\n---\n",
    "bom-crlf": lambda: b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n",
    "line-separator": lambda: "---\ntitle: a\u2028b\n---\n".encode(),
    "big-int": lambda: b"---\ntitle: " + b"9" * 5_000 + b"\n---\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_file(tmp_path: Path, name: str) -> None:
    root = with_file(tmp_path, TARGET, HOSTILE_FILES[name]())
    assert problems_at(checked(root), TARGET), f"{name}: expected an error at {TARGET}"


def test_file_over_the_limit_is_refused_with_fl111(tmp_path: Path) -> None:
    root = with_file(tmp_path, TARGET, b"---\ntitle: x\n---\n" + b"a" * (MAX_FILE_BYTES + 1))
    assert problems_at(checked(root), TARGET) == ["FL111"]


def test_huge_vocabulary_is_refused_with_fl111(tmp_path: Path) -> None:
    data = yaml.safe_dump({"title": "x" * (MAX_FILE_BYTES + 10)}).encode()
    assert "FL111" in problems_at(checked(with_file(tmp_path, VOCABULARY, data)), VOCABULARY)


@pytest.mark.parametrize("kind", ["file", "directory", "dangling", "loop"])
def test_symlink_outside_content_is_refused_with_fl112(tmp_path: Path, kind: str) -> None:
    root = write_tree(tmp_path / "project", minimal_files())
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "2025-12-11-stolen.md").write_text("---\ntitle: secret\n---\n")
    link = root / "content" / "incidents" / "2025" / "2025-12-11-stolen.md"
    if kind == "file":
        link.symlink_to(outside / "2025-12-11-stolen.md")
    elif kind == "directory":
        link = root / "content" / "incidents" / "2024"
        link.symlink_to(outside, target_is_directory=True)
    elif kind == "dangling":
        link.symlink_to(tmp_path / "missing.md")
    else:
        link.symlink_to(link)
    result = checked(root)
    relative = link.relative_to(root).as_posix()
    assert [d.code for d in result.diagnostics if d.path == relative] == ["FL112"]
    assert not any("secret" in d.message for d in result.diagnostics)


def test_fifo_does_not_hang(tmp_path: Path) -> None:
    root = write_tree(tmp_path, minimal_files())
    fifo = root / TARGET.replace("joint-bomber-patrol", "fifo")
    os.mkfifo(fifo)
    assert problems_at(checked(root), fifo.relative_to(root).as_posix())
