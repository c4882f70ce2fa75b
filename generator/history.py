"""The record over time, from git: ids that vanished since a base revision, and each content file's commits.

Git is run with argument lists (never a shell), with ``--`` before paths and with the options that make its
output independent of the user's configuration (no rename detection, no path quoting, no signatures), so the
same commit always gives the same history.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from generator import changenotes
from generator.diagnostics import Diagnostic
from generator.pipeline import Result

INCIDENTS = "content/incidents"
GIT_CONFIG = ("-c", "core.quotepath=off", "-c", "log.showSignature=false", "-c", "color.ui=never")
SHALLOW_NOTE = "history unavailable in a shallow clone (fetch the full history: git fetch --unshallow)"
NO_GIT_NOTE = "history unavailable: the site was not built from a git checkout"


# The last answer of file_history and of last_changed, by the commit it was read at: a history is read from
# commits only (never the working tree), so the same HEAD gives the same answer. Under `mkdocs serve` every
# save rebuilds, and reading every version of every incident again cost most of a rebuild of the real record.
_LAST: dict[str, tuple[tuple[object, ...], Any]] = {}


class HistoryError(Exception):
    """Git could not answer (no git, not a repository, unknown revision); the message is one line."""


@dataclass(frozen=True, order=True)
class Change:
    """One commit that touched a file: its date (YYYY-MM-DD), full hash, subject line and exact time, and for an
    incident what it changed in a reader's words (generator/changenotes.py; empty when not computed)."""

    date: str
    commit: str
    message: str
    timestamp: str = ""  # ISO 8601 committer time with its offset, for feeds
    note: str = ""  # "Sources added: Jiji Press, 10 Dec 2025; summary corrected"


class History(Mapping[str, tuple[Change, ...]]):
    """Commits by file path, newest first; ``head`` is the newest commit that touched content/, and
    ``unavailable`` says why there is no history (shallow clone, no git)."""

    def __init__(
        self, changes: Mapping[str, tuple[Change, ...]] | None = None, unavailable: str = "", head: str = ""
    ) -> None:
        self._changes = dict(sorted((changes or {}).items()))
        self.unavailable = unavailable
        self.head = head

    def __getitem__(self, path: str) -> tuple[Change, ...]:
        return self._changes[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._changes)

    def __len__(self) -> int:
        return len(self._changes)

    def __repr__(self) -> str:
        return f"History({len(self)} files, unavailable={self.unavailable!r}, head={self.head!r})"

    def of(self, path: str, previous_paths: Iterable[str] = ()) -> tuple[Change, ...]:
        """The commits of ``path`` and of the paths it had before (renamed files), newest first, once each."""
        seen: dict[str, Change] = {}
        for each in (path, *previous_paths):
            for change in self._changes.get(each, ()):
                known = seen.setdefault(change.commit, change)
                if known.note == changenotes.ADDED and change.note == changenotes.REMOVED:
                    # the commit that renamed the file: added here, removed there
                    seen[change.commit] = replace(known, note=changenotes.RENAMED)
        return tuple(sorted(seen.values(), key=_moment, reverse=True))


def _moment(change: Change) -> tuple[dt.datetime, str]:
    return dt.datetime.fromisoformat(change.timestamp), change.commit


# --- running git ------------------------------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    """Run ``git -C root ARGS`` and return its standard output; raise HistoryError with git's own reason."""
    command = ["git", "-C", str(root), *GIT_CONFIG, *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False)
    except FileNotFoundError as exc:
        raise HistoryError("git is not installed (or not on PATH); it is needed for history") from exc
    if done.returncode != 0:
        reason = " ".join(done.stderr.split()) or f"git {args[0]} failed with status {done.returncode}"
        if "not a git repository" in reason:
            raise HistoryError(f"{root.as_posix()} is not inside a git repository")
        raise HistoryError(reason)
    return done.stdout


def resolve_ref(root: Path, ref: str) -> str:
    """The commit hash ``ref`` names; refuse anything that could be read as an option."""
    if not ref or ref.startswith("-") or any(ch.isspace() or ch == "\0" for ch in ref):
        raise HistoryError(f"'{ref}' is not a git revision (a branch, tag or commit such as origin/main)")
    git(root, "rev-parse", "--git-dir")  # a clear "not a repository" before a vaguer "unknown revision"
    try:
        return git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").strip()
    except HistoryError:
        shallow = is_shallow(root)
        hint = " (this is a shallow clone: fetch it first, e.g. git fetch origin main)" if shallow else ""
        raise HistoryError(f"unknown git revision '{ref}'{hint}") from None


def is_shallow(root: Path) -> bool:
    """True when the repository is a shallow clone (its history is cut off)."""
    return git(root, "rev-parse", "--is-shallow-repository").strip() == "true"


# --- ids removed since a base revision --------------------------------------------------------------------


def _incident_ids(paths: Iterable[str]) -> dict[str, str]:
    """Incident id → path for every ``content/incidents/**/*.md`` path."""
    ids = {}
    for path in paths:
        pure = PurePosixPath(path)
        if pure.suffix == ".md" and path.startswith(INCIDENTS + "/"):
            ids.setdefault(pure.stem, path)
    return ids


def _current_ids(root: Path, result: Result) -> tuple[set[str], set[str]]:
    """(current incident ids, ids listed in some incident's ``previous_ids``), even when the check failed."""
    if result.chronology is not None:
        return set(result.chronology.incident_by_id), set(result.chronology.redirects)
    from generator.load import load

    documents, _ = load(root)
    current, previous = set(), set()
    for document in documents:
        if document.kind != "incident":
            continue
        current.add(document.id)
        olds = (document.data or {}).get("previous_ids")
        if isinstance(olds, list):
            previous.update(str(old) for old in olds)
    return current, previous


def removed_ids(root: Path, ref: str, result: Result) -> list[Diagnostic]:
    """FL405 for every incident id at revision ``ref`` that is now neither an incident nor a previous id.

    Raises HistoryError when git cannot answer (not a repository, unknown revision): a usage problem, not a
    problem in the content.
    """
    commit = resolve_ref(root, ref)
    listing = git(root, "ls-tree", "-r", "--name-only", commit, "--", INCIDENTS)
    old_ids = _incident_ids(listing.splitlines())
    current, previous = _current_ids(root, result)
    problems = []
    for old_id, old_path in sorted(old_ids.items()):
        if old_id in current or old_id in previous:
            continue
        problems.append(
            Diagnostic(
                old_path,
                0,
                0,
                "FL405",
                f"incident '{old_id}' exists at {ref} but is gone now, and no incident lists it in "
                "previous_ids; its published URL would break",
                hint=f"if it was renamed or merged, add '{old_id}' to previous_ids of the incident that "
                "replaces it; if it was withdrawn, restore the file with status: retracted, a status_note "
                "and replaced_by",
            )
        )
    return problems


# --- file history -----------------------------------------------------------------------------------------


# One commit is "<hash>\0<committer date>\0<subject>\0", then the names of its files, each followed by \0 (``-z``;
# git puts a line break before the first). A subject holds no NUL (git refuses one in a message), so it is always
# exactly one field: nothing in it can end the record, start another or pass for a date or a hash. A file name
# always starts with content/ (``--relative`` from the root), so it is never mistaken for the next commit's hash.
LOG_FORMAT = "--format=%H%x00%cI%x00%s"
_HASH = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _parse_log(output: str) -> Iterator[tuple[Change, list[str]]]:
    fields = output.split("\0")
    index = 0
    while index + 2 < len(fields):
        commit, timestamp, subject = fields[index : index + 3]
        commit = commit.lstrip("\n")
        if not _HASH.fullmatch(commit):
            raise HistoryError(f"unexpected output from git log near field {index}: {commit[:60]!r}")
        dt.datetime.fromisoformat(timestamp)  # a committer date, or git's output is not what it seems
        index += 3
        names = []
        while index < len(fields) and not _HASH.fullmatch(fields[index].lstrip("\n")):
            name = fields[index].lstrip("\n") if not names else fields[index]
            if name:
                names.append(name)
            index += 1
        yield Change(timestamp[:10], commit, subject.strip(), timestamp), names


def file_history(root: Path, paths: Iterable[str] | None = None, *, notes: bool = True) -> History:
    """The commits that touched each file under content/ (or only ``paths``), newest first, from one git call.

    Dates are committer dates, so the history is the same for a given commit whoever builds it. A shallow
    clone or a tree outside git gives an empty History whose ``unavailable`` says so, instead of a guess.
    With ``notes``, each incident's changes say what they changed (``Change.note``; one more git call).
    """
    try:
        if is_shallow(root):
            return History(unavailable=SHALLOW_NOTE)
    except HistoryError:  # no git, or not a repository
        return History(unavailable=NO_GIT_NOTE)
    try:
        head = git(root, "rev-parse", "--verify", "--quiet", "HEAD").strip()
    except HistoryError:  # a repository without any commit yet
        return History()
    key = ("file_history", str(root.resolve()), head, None if paths is None else tuple(sorted(paths)), notes)
    if _LAST.get("file_history", (None,))[0] == key:  # the same commit: the same history (mkdocs serve)
        return _LAST["file_history"][1]
    output = git(root, "log", "-z", "--no-renames", "--no-merges", "--relative", "--name-only",
                 LOG_FORMAT, "HEAD", "--", "content/")  # fmt: skip
    wanted = set(paths) if paths is not None else None
    changes: dict[str, list[Change]] = {}
    latest = ""  # the newest commit that touched content/: data files change only when content does
    for change, names in _parse_log(output):
        latest = latest or change.commit
        for name in names:
            if wanted is None or name in wanted:
                changes.setdefault(name, []).append(change)
    if notes:
        changes = _with_notes(root, changes)
    history = History({path: tuple(items) for path, items in changes.items()}, head=latest)
    _LAST["file_history"] = (key, history)
    return history


def _with_notes(root: Path, changes: dict[str, list[Change]]) -> dict[str, list[Change]]:
    """Each incident file's changes with what each changed (its version against the one before), from one
    ``git cat-file --batch`` for every version needed: a file's only commit is the one that added it."""
    incidents = {
        p: items for p, items in changes.items() if p.startswith(INCIDENTS + "/") and p.endswith(".md")
    }
    wanted = [f"{c.commit}:{path}" for path, items in incidents.items() if len(items) > 1 for c in items]
    texts = file_versions(root, wanted)
    noted = dict(changes)
    for path, items in incidents.items():
        versions = [texts.get(f"{c.commit}:{path}") if len(items) > 1 else "" for c in items]
        noted[path] = [
            replace(
                c, note=changenotes.describe(versions[i + 1] if i + 1 < len(items) else None, versions[i])
            )
            for i, c in enumerate(items)
        ]
    return noted


def file_versions(root: Path, specs: list[str]) -> dict[str, str | None]:
    """The text of each ``commit:path`` (``None`` where the path does not exist at that commit), read by one
    ``git cat-file --batch`` (the specs on its standard input, never on a command line)."""
    if not specs:
        return {}
    command = ["git", "-C", str(root), *GIT_CONFIG, "cat-file", "--batch"]
    done = subprocess.run(command, input=("\n".join(specs) + "\n").encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise HistoryError(" ".join(done.stderr.decode(errors="replace").split()) or "git cat-file failed")
    out, at, found = done.stdout, 0, {}
    for spec in specs:
        end = out.index(b"\n", at)
        header = out[at:end].decode(errors="replace").split()
        at = end + 1
        if len(header) == 3 and header[1] == "blob" and header[2].isdigit():
            size = int(header[2])
            found[spec] = out[at : at + size].decode("utf-8", errors="replace")
            at += size + 1  # the blob, then a line break
        else:  # "<spec> missing", or not a file (a folder of that name)
            found[spec] = None
            if len(header) == 3 and header[2].isdigit():
                at += int(header[2]) + 1
    return found


def last_changed(root: Path, paths: Iterable[str]) -> dict[str, dt.date]:
    """The day (UTC) each of ``paths`` (relative to ``root``, outside content/ too: hand-written pages, the
    contributors' guide) was last changed by a commit, from one ``git log``; paths never committed are left
    out, and so is everything when git has no full history (a shallow clone, no repository)."""
    wanted = sorted(set(paths))
    try:
        if not wanted or is_shallow(root):
            return {}
        head = git(root, "rev-parse", "--verify", "--quiet", "HEAD").strip()
    except HistoryError:
        return {}
    key = ("last_changed", str(root.resolve()), head, tuple(wanted))
    if _LAST.get("last_changed", (None,))[0] != key:
        output = git(root, "log", "-z", "--no-renames", "--no-merges", "--relative", "--name-only",
                     LOG_FORMAT, "HEAD", "--", *wanted)  # fmt: skip
        found: dict[str, dt.date] = {}
        for change, names in _parse_log(output):  # newest first: the first commit naming a path is its last
            day = dt.datetime.fromisoformat(change.timestamp).astimezone(dt.UTC).date()
            for name in names:
                found.setdefault(name, day)
        _LAST["last_changed"] = (key, {path: found[path] for path in wanted if path in found})
    return dict(_LAST["last_changed"][1])
