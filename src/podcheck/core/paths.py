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


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()
