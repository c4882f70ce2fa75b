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

from generator.render.site import SiteOutput


class UnsafeOutput(ValueError):
    """The output folder would overwrite content or the project itself."""


def check_destination(root: Path, out: Path) -> None:
    """Refuse an output folder inside content/, the project root itself, or a parent of the project."""
    root, out = root.resolve(), out.resolve()
    content = root / "content"
    if out == content or out.is_relative_to(content):
        raise UnsafeOutput(
            f"refusing to write into {content}: content/ is only ever written by 'faultlines new'"
        )
    if out == root or root.is_relative_to(out):
        raise UnsafeOutput(f"refusing to replace {out}: it holds the project itself")


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
