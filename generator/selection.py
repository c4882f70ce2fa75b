"""What ``faultlines check`` reports: which files (``PATH...``, ``--changed``), and which findings (``--quiet``,
the default, ``--verbose``).

The whole tree is always loaded and checked, so a file's references resolve against every other file; the
selection only decides what is printed and what fails the run. State-of-the-record findings (``RECORD_CODES``:
sources without an archive copy, incidents on a single source or only on aggregators) describe the record as a
whole: a whole-tree check counts them in its summary instead of listing them (``faultlines sources`` reports
them), and lists them for the files a contributor names or changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.codes import RECORD_CODES
from generator.diagnostics import Diagnostic, summary

LEVELS = ("quiet", "default", "verbose")
VOCABULARY = "content/vocabulary.yml"


class SelectionError(ValueError):
    """The paths asked for cannot be checked (outside content/, missing, in two projects); a usage error."""


@dataclass(frozen=True)
class Selection:
    """The project root and the files or folders asked for (paths relative to the root, POSIX; ``None``: the
    whole tree)."""

    root: Path
    paths: frozenset[str] | None = None

    def covers(self, path: str) -> bool:
        """Whether a diagnostic at ``path`` is about the selected files."""
        if self.paths is None:
            return True
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.paths)


def find_root(path: Path) -> Path | None:
    """The project root holding ``path``: the nearest folder above it (or itself) with a content/ folder that
    contains ``path``."""
    path = path.absolute()
    for folder in (path, *path.parents):
        content = folder / "content"
        if content.is_dir() and (path == folder or path.is_relative_to(content)):
            return folder
    return None


def select(arguments: Sequence[Path]) -> Selection:
    """The Selection of ``faultlines check PATH...``: no path or one project root is the whole tree; files and
    folders under a project's content/ select those files."""
    if not arguments:
        arguments = [Path(".")]
    single = arguments[0] if len(arguments) == 1 else None
    if single is not None and (
        (single / "content").is_dir() or (not single.is_file() and find_root(single) is None)
    ):
        return Selection(single)  # a project root (the caller says so when it has no content/ folder)
    roots: set[Path] = set()
    chosen: set[str] = set()
    for argument in arguments:
        if not argument.exists():
            raise SelectionError(f"{argument.as_posix()}: no such file or folder")
        root = find_root(argument)
        if root is None or (argument / "content").is_dir():
            where = (
                "is a project root (check it alone)"
                if root is not None
                else "is not inside a content/ folder"
            )
            raise SelectionError(
                f"{argument.as_posix()} {where}; pass content files or folders of one project, or the project root"
            )
        roots.add(root.resolve())
        chosen.add(argument.absolute().relative_to(root).as_posix())
    if len(roots) > 1:
        raise SelectionError("the paths belong to different projects; check one project at a time")
    root = roots.pop()
    if "content" in chosen:
        return Selection(_shown(root))
    return Selection(_shown(root), frozenset(chosen))


def _shown(root: Path) -> Path:
    """``root`` relative to the working directory when it is below it (diagnostic paths stay short)."""
    try:
        return root.relative_to(Path.cwd().resolve()) if root != Path.cwd().resolve() else Path(".")
    except ValueError:
        return root


def changed_files(root: Path, base: str | None) -> frozenset[str]:
    """Content files that differ from ``base`` (its merge base with HEAD, as a pull request compares) or, with
    no base, from HEAD: committed, staged, unstaged and untracked changes; deleted files are left out."""
    from generator.history import HistoryError, git, resolve_ref

    if base:
        commit = resolve_ref(root, base)
        since = git(root, "merge-base", commit, "HEAD").strip()
    else:
        git(root, "rev-parse", "--git-dir")
        try:
            since = git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip()
        except HistoryError:
            since = ""  # no commit yet: everything is new
    names: set[str] = set()
    if since:
        listing = git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", since, "--", "content")
        names.update(n for n in listing.split("\0") if n)
    untracked = git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", "content")
    names.update(n for n in untracked.split("\0") if n)
    return frozenset(n for n in names if (root / n).is_file())


@dataclass
class Report:
    """The diagnostics to print (``shown``) and a count of those left out by the level, by code."""

    shown: list[Diagnostic]
    hidden: Counter[str] = field(default_factory=Counter)

    def failed(self) -> bool:
        """Whether a shown problem is an error (warnings are errors under ``--strict``)."""
        return any(d.severity == "error" for d in self.shown)

    def note(self) -> str:
        """What was left out, in words: `` (not listed: 214 sources without an archive_url, ...)``."""
        if not self.hidden:
            return ""
        parts = [
            _HIDDEN_WORDS[code].format(n=n, s="" if n == 1 else "s")
            for code, n in sorted(self.hidden.items())
            if code in _HIDDEN_WORDS
        ]
        others = sum(n for code, n in self.hidden.items() if code not in _HIDDEN_WORDS)
        if others:
            parts.append(f"{others} warning{'' if others == 1 else 's'}")
        return f"; not listed: {', '.join(parts)} (--verbose lists them)"

    def summary(self) -> str:
        """The summary line of the shown problems, and the note of those left out."""
        return summary(self.shown) + self.note()


_HIDDEN_WORDS = {
    "FL601": "{n} source{s} without an archive_url",
    "FL602": "{n} incident{s} with a single source",
    "FL607": "{n} incident{s} resting only on aggregators",
}


def report(
    items: Iterable[Diagnostic], selection: Selection, level: str = "default", strict: bool = False
) -> Report:
    """What to print: the diagnostics about the selected files (errors in vocabulary.yml always, every file
    depends on it), without warnings under ``quiet``, and under ``default`` without the record findings of any
    file but those named or changed (a folder or the whole tree counts them); warnings left in are errors under
    ``strict``."""
    shown: list[Diagnostic] = []
    hidden: Counter[str] = Counter()
    for d in items:
        if not selection.covers(d.path) and not (d.path == VOCABULARY and d.severity == "error"):
            continue
        if d.severity == "warning" and (
            level == "quiet"
            or (level == "default" and d.code in RECORD_CODES and d.path not in (selection.paths or ()))
        ):
            hidden[d.code] += 1
            continue
        shown.append(d.promoted() if strict else d)
    return Report(shown, hidden)
