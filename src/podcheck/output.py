"""Writing reports to files: atomically, and only at the path the user named."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half.

    The temporary file sits beside the target (a rename is only atomic within one file
    system) and is removed if anything goes wrong.
    """
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp creates the file private; give it the mode a plain open() would have.
        os.chmod(temporary, _existing_mode(target) or 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _existing_mode(target: Path) -> int | None:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return None
