"""``faultlines build --out DIR``: write the generated pages and files as a plain tree, atomically, for any
static-site tool (the same output the MkDocs plugin adds in memory)."""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from generator.render.site import STYLESHEET, SiteOutput


class UnsafeOutput(ValueError):
    """The output folder would overwrite content, the project itself, or a folder this command did not write."""


MARKER_FILE = ".faultlines-output"
MARKER_TEXT = (
    "This folder is the output of a Fault Lines build (faultlines build --out, or mkdocs build with the\n"
    "fault-lines plugin). The next build replaces it whole; do not keep anything else here.\n"
)
# folders of the project that no build may replace (nor any folder holding one of them)
PROTECTED = ("content", "timeline", "generator", ".git")


def is_previous_output(folder: Path) -> bool:
    """Whether ``folder`` was written by a build: it holds our marker file, or (trees built before the marker
    existed) the generated type stylesheet and no project folder."""
    if (folder / MARKER_FILE).is_file():
        return True
    legacy = (folder / STYLESHEET).is_file()
    return legacy and not any(
        (folder / name).exists() for name in (*PROTECTED, "mkdocs.yml", "pyproject.toml")
    )


def check_destination(
    root: Path, out: Path, *, also: dict[Path, str] | None = None, option: str = "--out"
) -> None:
    """Refuse an output folder that a build would destroy or corrupt: the project root, content/, timeline/,
    generator/, .git and the folders of ``also`` (by name, and any folder holding one of them), anything inside
    content/ or .git, a file, and any folder that is neither empty nor a previous output (see
    :func:`is_previous_output`). ``option`` names the setting in the messages (``--out``, ``site_dir``)."""
    root, out = root.resolve(), out.resolve()
    named = {root / name: name + "/" for name in PROTECTED}
    named[root] = "the project root"
    for folder, what in (also or {}).items():
        named.setdefault(folder.resolve(), what)
    for folder, what in named.items():
        if out == folder or folder.is_relative_to(out):
            shown = what if out == folder else f"{out} (it holds {what})"
            raise UnsafeOutput(
                f"refusing {option} {shown}: a build replaces its output folder whole, and this one holds "
                "files it did not write; choose a new folder"
            )
    for inner in ("content", ".git"):
        if out.is_relative_to(root / inner):
            raise UnsafeOutput(
                f"refusing {option} {out}: nothing is built into {inner}/ "
                "(content/ is only ever written by 'faultlines new'); choose a folder outside it"
            )
    check_replaceable(out, option)


def check_replaceable(out: Path, option: str = "--out") -> None:
    """Refuse ``out`` unless it is missing, an empty folder or a previous output (checked before the build, and
    again just before the swap: the folder may have changed meanwhile)."""
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"refusing {option} {out}: it is not a folder; choose a folder")
    if out.is_dir() and any(out.iterdir()) and not is_previous_output(out):
        raise UnsafeOutput(
            f"refusing {option} {out}: the folder is not empty and is not the output of an earlier build (it has "
            f"no {MARKER_FILE} file), so replacing it would delete files this command did not write; "
            "choose a new or empty folder, or move those files away first"
        )


def write_marker(folder: Path) -> None:
    """Mark ``folder`` as a build's output, so that the next build may replace it."""
    (folder / MARKER_FILE).write_text(MARKER_TEXT, encoding="utf-8")


def write_tree(output: SiteOutput, out: Path) -> int:
    """Write every page (Markdown) and file (bytes) into ``out``, replacing it only once all are written.

    Under the build lock of ``out``'s folder: a second build at once is refused (BuildLocked), and staging
    folders of builds that died are removed first."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with BuildLock(out):
        clean_stale(out)
        staging = new_staging(out)
        try:
            count = 0
            for path, page in output.pages.items():
                _write(staging / path, page.markdown.encode("utf-8"))
                count += 1
            for path, data in output.files.items():
                _write(staging / path, data)
                count += 1
            write_marker(staging)
            check_replaceable(out)  # the folder may have changed while the site was built
            left = replace_directory(staging, out)
            if left:
                print(f"faultlines: {left}", file=sys.stderr)
            return count
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


# --- the swap: a lock, staging folders, and a target that exists at every instant ----------------------------

LOCK_NAME = ".fault-lines-{}.lock"  # beside the output folder, per folder; kept (removing a lock file races)
_STAGING = re.compile(r"\.(?P<name>.+)-(?:staging|old)-(?P<pid>\d+)-[a-z0-9_]{6,}")
_RENAME_EXCHANGE = 2  # renameat2(2) flag: swap two paths atomically (Linux 3.15+)
_AT_FDCWD = -100


class BuildLocked(RuntimeError):
    """Another build is writing the same output folder; the message says which process."""


class BuildLock:
    """An exclusive lock on building ``target`` (an advisory ``flock`` on a file beside it), held from staging
    to swap. The lock goes with the process: a killed build never leaves it held."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.path = target.parent / LOCK_NAME.format(target.name)
        self._fd: int | None = None

    def acquire(self) -> None:
        if fcntl is None:  # no flock (Windows): builds are not serialised there
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise BuildLocked(
                f"another build is writing {self.target} (process {holder}); wait for it to finish or stop it"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing releases the flock

    def __enter__(self) -> BuildLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def new_staging(target: Path) -> Path:
    """A new, empty staging folder beside ``target``, named for this process (``.site-staging-<pid>-…``)."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-staging-{os.getpid()}-", dir=target.parent))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a published site is not
    return staging


def clean_stale(target: Path) -> list[str]:
    """Remove the staging and old folders that builds of ``target`` left when they were killed; call it
    holding the BuildLock (no live build then owns one). Only names this module makes, of processes that are
    gone, are removed; the names removed are returned."""
    removed = []
    for path in sorted(target.parent.iterdir()):
        match = _STAGING.fullmatch(path.name)
        if not match or match.group("name") != target.name or not path.is_dir() or path.is_symlink():
            continue
        if _alive(int(match.group("pid"))):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a folder of an earlier build in this process (the lock is ours)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def replace_directory(new: Path, target: Path) -> str:
    """Swap ``new`` into ``target`` so that ``target`` exists, whole, at every instant (used by the CLI's
    ``build --out`` and the MkDocs plugin's atomic ``site/``); return a warning when the old tree could not be
    removed (it is then left under a name the next build cleans up), else "".

    On Linux the two folders are exchanged in one ``renameat2(RENAME_EXCHANGE)``; where that is missing (other
    systems, some file systems) the old tree is renamed away and the new one into place right after, with
    SIGTERM and SIGINT held off between the two renames."""
    if not target.exists():
        new.rename(target)
        return ""
    old = new.with_name(new.name.replace("-staging-", "-old-", 1))
    if _exchange(new, target):
        new.rename(old)  # the old tree, now at new's path
    else:
        blocked = _block_signals()
        try:
            target.rename(old)
            new.rename(target)
        finally:
            _unblock_signals(blocked)
    try:
        shutil.rmtree(old)
    except OSError as exc:  # files the build may not delete: say so, leave them for the next build to retry
        shutil.rmtree(old, ignore_errors=True)
        return f"could not remove the previous tree {old} ({exc}); the next build tries again"
    return ""


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 with RENAME_EXCHANGE); False where it is not available."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # the file system or kernel cannot exchange: the fallback renames
    raise OSError(code, os.strerror(code), str(b))


def _block_signals() -> set[signal.Signals] | None:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})


def _unblock_signals(blocked: set[signal.Signals] | None) -> None:
    if blocked is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
