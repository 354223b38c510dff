"""The one guard for every path a user names: org files, exports, configs, outputs, and
files read at a git revision.

A pull request can commit a symbolic link to a file outside the repository (a secret), a
FIFO (which blocks whoever opens it) or a device (which never ends). A path is read only
when it is a regular file, reached without passing through a link that leads outside
`root` (the working directory unless given); what a refusal says never quotes the file.
"""

from __future__ import annotations

import io
import os
import stat

from podcheck.core.errors import InputError, InputErrors


def refuse(path: str, message: str) -> InputErrors:
    return InputErrors([InputError(path, 1, 1, message)])


def through_link(path: str) -> bool:
    """Whether `path`, step by step as written, passes through a symbolic link."""
    # Each step as written (not normalised: `link/..` climbs from the link's target).
    prefix = os.sep if path.startswith(os.sep) else ""
    for part in filter(None, path.split(os.sep)):
        prefix = os.path.join(prefix, part) if prefix else part
        if os.path.islink(prefix):
            return True
    return False


def inside(path: str, root: str | None = None) -> bool:
    """Whether `path`, every link followed, ends inside `root` (the working directory)."""
    target = os.path.realpath(path)
    within = os.path.realpath(root or os.getcwd())
    return os.path.commonpath([target, within]) == within


def check_link(path: str, root: str | None = None) -> None:
    """Refuse a path that passes through a symbolic link to somewhere outside `root`."""
    if through_link(path) and not inside(path, root):
        where = "the repository" if root else "the working directory"
        raise refuse(path, f"is a symbolic link to a file outside {where}; refused")


def check_regular(path: str, root: str | None = None, expected: str = "a YAML file") -> int:
    """The size of the regular file at `path`, or InputErrors saying why it is refused."""
    try:
        check_link(path, root)
        status = os.stat(path)
    except FileNotFoundError:
        raise refuse(path, "no such file") from None
    except OSError as exc:
        raise refuse(path, f"cannot read file: {_reason(exc)}") from None
    if stat.S_ISDIR(status.st_mode):
        raise refuse(path, f"is a directory, expected {expected}")
    if not stat.S_ISREG(status.st_mode):  # a FIFO would block the run, a device never ends
        raise refuse(path, "is not a regular file; refused")
    return status.st_size


def open_regular(
    path: str, root: str | None = None, expected: str = "a YAML file"
) -> io.BufferedReader:
    """The regular file at `path`, open for reading, after `check_regular`.

    Opened without blocking and checked again once open: a file swapped for a FIFO after
    the check neither blocks the open nor is read.
    """
    check_regular(path, root, expected)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise refuse(path, f"cannot read file: {_reason(exc)}") from None
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise refuse(path, "is not a regular file; refused")
    return handle


def read_regular(
    path: str, limit: int, root: str | None = None, expected: str = "a YAML file"
) -> bytes:
    """At most `limit` bytes of the regular file at `path`, refused as `open_regular` would.

    Every org file of a run comes through here, so a path whose every step is a plain
    directory or file (the common case) costs one lstat per step, open, fstat and the
    reads: with no link on the way, the last lstat is the file's own status, and the file
    is opened without following a link, so one put there after the check is not followed.
    Any other path (a link on the way, a step that fails, a spelling such as `a//b` or a
    trailing slash) takes `open_regular`'s checks, word for word.
    """
    status = _plain_status(path)
    if status is None:
        with open_regular(path, root, expected) as handle:
            try:
                return handle.read(limit)
            except OSError as exc:
                raise refuse(path, f"cannot read file: {_reason(exc)}") from None
    if stat.S_ISDIR(status.st_mode):
        raise refuse(path, f"is a directory, expected {expected}")
    if not stat.S_ISREG(status.st_mode):
        raise refuse(path, "is not a regular file; refused")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise refuse(path, f"cannot read file: {_reason(exc)}") from None
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise refuse(path, "is not a regular file; refused")
        return _read_fd(descriptor, opened.st_size, limit)
    except OSError as exc:
        raise refuse(path, f"cannot read file: {_reason(exc)}") from None
    finally:
        os.close(descriptor)


def _plain_status(path: str) -> os.stat_result | None:
    """The status of the file at `path` when no step of it, as written, is a symbolic link
    and the steps joined give back `path` exactly; None otherwise (or on any error)."""
    prefix = os.sep if path.startswith(os.sep) else ""
    status = None
    try:
        for part in filter(None, path.split(os.sep)):
            prefix = os.path.join(prefix, part) if prefix else part
            status = os.lstat(prefix)
            if stat.S_ISLNK(status.st_mode):
                return None
    except OSError:
        return None
    return status if prefix == path else None


def _read_fd(descriptor: int, size: int, limit: int) -> bytes:
    """Up to `limit` bytes from `descriptor`, to its end: the first read asks for the size
    the file had when opened (and one byte more), so a file read whole costs two reads."""
    chunks = []
    total = 0
    wanted = min(size + 1, limit)
    while total < limit:
        chunk = os.read(descriptor, wanted)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        wanted = min(limit - total, 1 << 20)
    return b"".join(chunks)


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()
