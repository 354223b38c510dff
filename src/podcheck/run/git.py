"""Reading files as they are at a git revision, with bounded size.

Only git's plumbing commands are run, with arguments as a list (never through a shell)
and a timeout.
"""

import os
import subprocess

from podcheck.core import paths
from podcheck.core.errors import InputError, InputErrors, UsageError
from podcheck.orgfile import source

TIMEOUT = 60


def _git(folder: str, *args: str, option: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", folder, *args], capture_output=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"{option} needs git: {type(exc).__name__}") from None


def _commit(folder: str, ref: str, option: str, what: str) -> None:
    if ref.startswith("-"):  # git would read it as an option
        raise UsageError(f"{option}: a revision cannot start with '-'")
    check = _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", option=option)
    if check.returncode != 0:
        raise UsageError(f"{option}: {ref!r} is not a commit in the repository of {what}")


def toplevel(folder: str, option: str) -> str:
    """The root of the work tree that holds `folder`."""
    done = _git(folder, "rev-parse", "--show-toplevel", option=option)
    if done.returncode != 0:
        raise UsageError(f"{option}: {folder or '.'} is not inside a git repository")
    return os.fsdecode(done.stdout.rstrip(b"\n"))


def repository(folder: str) -> str | None:
    """The root of the work tree that holds `folder`, or None outside any (or without git)."""
    try:
        done = _git(folder, "rev-parse", "--show-toplevel", option="git")
    except UsageError:
        return None
    return os.fsdecode(done.stdout.rstrip(b"\n")) if done.returncode == 0 else None


def read_at(
    ref: str, path: str, max_bytes: int, option: str = "--base-ref", root: str | None = None
) -> str | None:
    """The text of `path` at `ref`, or None when the file does not exist there.

    With `root`, a path through a symbolic link out of that work tree is refused (git
    would read it from the repository the link leads to). The blob's size is asked
    first, so a huge blob is refused without being read; errors are reported under the
    name `REF:path`.
    """
    shown = f"{ref}:{path}"
    if root is not None:
        try:
            paths.check_link(path, root)
        except InputErrors as exc:
            raise paths.refuse(shown, exc.errors[0].message) from None
    folder = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    _commit(folder, ref, option, path)
    spec = f"{ref}:./{name}"
    kind = _git(folder, "cat-file", "-t", spec, option=option)
    if kind.returncode != 0:
        return None
    if kind.stdout.strip() != b"blob":
        raise InputErrors([InputError(shown, 1, 1, "is not a file at that revision")])
    size = _git(folder, "cat-file", "-s", spec, option=option)
    if size.returncode != 0 or int(size.stdout.strip() or b"0") > max_bytes:
        raise source.too_large(shown, max_bytes)
    blob = _git(folder, "cat-file", "blob", spec, option=option)
    if blob.returncode != 0:
        return None
    source.check_size(blob.stdout, shown, max_bytes)
    return source.decode(blob.stdout, shown)
