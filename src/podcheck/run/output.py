"""Writing reports to files: atomically, and only at the path the user named."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: str, text: str | bytes) -> None:
    """Write `text` (or a binary document: a PDF, a workbook) to `path` so that readers see
    the old file or the new one, never half.

    The temporary file sits beside the target (a rename is only atomic within one file
    system) and is removed if anything goes wrong.
    """
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
        # mkstemp creates the file private; give it the mode a plain open() would have.
        os.chmod(temporary, _existing_mode(target) or 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def refusal(path: str, inputs: Iterable[str]) -> str | None:
    """Why a report must not be written to `path`, or None when it may.

    A report replaces its target, so the target must be a regular file or nothing: not a
    device (as root, `-o /dev/null` would replace /dev/null with a file), not a directory,
    and not one of the files being read.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot write file: {(exc.strerror or type(exc).__name__).lower()}"
    if stat.S_ISDIR(mode):
        return "is a directory; name a file to write the report to"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a device or a pipe); refused"
    for source in inputs:
        with contextlib.suppress(OSError):
            if os.path.samefile(path, source):
                return "is one of the input files; refused, it would be overwritten"
    return None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _existing_mode(target: Path) -> int | None:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return None
