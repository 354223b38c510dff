"""Writing reports: to files atomically, to devices and pipes by opening them, and only at
the path the user named."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from podcheck.core import paths


def write_atomic(path: str, text: str | bytes) -> None:
    """Write `text` (or a binary document: a PDF, a workbook) to `path` so that readers see
    the old file or the new one, never half.

    The temporary file sits beside the target (a rename is only atomic within one file
    system) and is removed if anything goes wrong.
    """
    import tempfile  # only when a report is written to a file

    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        if isinstance(text, bytes):
            with os.fdopen(descriptor, "wb") as binary:
                binary.write(text)
        else:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
        # mkstemp creates the file private; give it the mode a plain open() would have. A
        # report is never a program: an execute bit the replaced file had is not kept.
        os.chmod(temporary, (_existing_mode(target) or 0o666 & ~_umask()) & 0o666)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# The process's own standard streams, under the names shells and users give them: written
# to as the streams they are, never opened again (a file behind them would be written from
# its start) nor renamed over (as root, that would replace the link with a file).
STREAMS = {
    "/dev/stdout": 1,
    "/dev/stderr": 2,
    "/dev/fd/1": 1,
    "/dev/fd/2": 2,
    "/proc/self/fd/1": 1,
    "/proc/self/fd/2": 2,
}


def refusal(path: str, inputs: Iterable[str | None]) -> str | None:
    """Why a report must not be written to `path`, or None when it may.

    A regular file (or a new one) is replaced whole; a character device (/dev/null, a
    terminal) or a pipe is written by opening it. Refused: a directory, a block device or
    a socket, a link to outside the working directory or into a .git folder, and any of
    the files being read (org files, the account export, the config).
    """
    if path in STREAMS:
        return None
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        return f"cannot write file: {(exc.strerror or type(exc).__name__).lower()}"
    if mode is not None and stat.S_ISDIR(mode):
        return "is a directory; name a file to write to"
    for source in inputs:
        if source is None:
            continue
        with contextlib.suppress(OSError):
            if os.path.samefile(path, source):
                return "is one of the input files; refused, it would be overwritten"
    if paths.through_link(path) and not paths.inside(path) and _named_inside(path):
        # A link put in the working directory (committed in a pull request) that leads out
        # of it, to a file or to a device: `podcheck.sarif` -> /dev/stderr would pour the
        # report into the log, -> /dev/null drop it. A device named as such stays writable.
        return "is a symbolic link to outside the working directory; refused"
    if mode is not None and _opened(mode):
        return None
    if mode is not None and not stat.S_ISREG(mode):
        return "is not a regular file, a character device or a pipe; refused"
    if paths.through_link(path):
        if not paths.inside(path):
            return "is a symbolic link to outside the working directory; refused"
        # A link committed in a pull request would have the report replace git's own files:
        # its config, or a hook that a later commit runs.
        if _in_git_folder(os.path.realpath(path)):
            return "is a symbolic link into a .git folder; refused"
    return None


def _named_inside(path: str) -> bool:
    """Whether `path`, as written (its links not followed), is in the working directory."""
    here = os.getcwd()
    written = os.path.normpath(os.path.join(here, path))
    return os.path.commonpath([written, here]) == here


def _in_git_folder(real: str) -> bool:
    return any(part.casefold() == ".git" for part in Path(real).parts)


def written_twice(paths: Iterable[str]) -> str | None:
    """The first of `paths` that names what an earlier one names, or None: the same file
    however spelt, or standard output (`-`, /dev/stdout, /dev/fd/1, ...). /dev/null may
    take several reports."""
    seen: set[str] = set()
    for path in paths:
        # Through links, and `a/../b` read as the system does; /dev/stdout leads to what
        # standard output is (a pipe, a terminal, a file).
        real = os.path.realpath("/dev/stdout" if path == "-" else path)
        if real == os.devnull:
            continue
        if real in seen:
            return path
        seen.add(real)
    return None


def write_output(path: str, text: str | bytes) -> None:
    """Write a report to `path`, checked by `refusal`: a standard stream or a device is
    written to, a file is replaced atomically (through a link, the file it names)."""
    if path in STREAMS:
        stream = sys.stdout if STREAMS[path] == 1 else sys.stderr
        if isinstance(text, bytes):
            stream.flush()
            stream.buffer.write(text)
            stream.buffer.flush()
        else:
            stream.write(text)
            stream.flush()
        return
    try:
        mode: int | None = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and _opened(mode):
        _write_opened(path, text)
    else:
        write_atomic(os.path.realpath(path) if os.path.islink(path) else path, text)


def _opened(mode: int) -> bool:
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _write_opened(path: str, text: str | bytes) -> None:
    """Write to a device or a pipe by opening it; a pipe nobody reads is an error at once
    (ENXIO), not a wait."""
    descriptor = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        while data:
            written = os.write(descriptor, data)
            data = data[written:]
    finally:
        os.close(descriptor)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _existing_mode(target: Path) -> int | None:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return None
