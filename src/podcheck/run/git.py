"""Reading files as they are at a git revision, with bounded size.

Only git's plumbing commands are run, with arguments as a list (never through a shell)
and a timeout.
"""

import os
import re
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


def _commit(folder: str, ref: str, option: str, what: str) -> str:
    """The commit `ref` names, as its full id; refused when the name is ambiguous."""
    if ref.startswith("-"):  # git would read it as an option
        raise UsageError(f"{option}: a revision cannot start with '-'")
    _unambiguous(folder, ref, option)
    check = _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", option=option)
    if check.returncode != 0:
        raise UsageError(f"{option}: {ref!r} is not a commit in the repository of {what}")
    return check.stdout.decode("ascii", "replace").strip()


def _unambiguous(folder: str, ref: str, option: str) -> None:
    """Refuse a short name that several refs answer to, with different commits.

    git reads `origin/main` as the tag `refs/tags/origin/main` before the remote branch
    `refs/remotes/origin/main`, and a pull request can push such a tag: the base it names
    would then be the pull request's own.
    """
    # The refs a name can mean, in git's order (gitrevisions(7)); a name already in full
    # means itself, and so does a name with revision syntax (`main~1`), read from its ref.
    if ref.startswith("refs/") or not _REF_NAME.fullmatch(ref):
        return
    meant = {f"refs/{ref}", f"refs/tags/{ref}", f"refs/heads/{ref}", f"refs/remotes/{ref}"}
    meant.add(f"refs/remotes/{ref}/HEAD")
    listed = _git(
        folder, "for-each-ref", "--format=%(refname) %(*objectname) %(objectname)", option=option
    )
    found: dict[str, str] = {}
    for line in listed.stdout.decode("utf-8", "replace").splitlines():
        name, peeled, target = [*line.split(" "), "", ""][:3]
        if name in meant:
            found[name] = peeled or target  # a tag's commit, not the tag object
    if len(set(found.values())) > 1:
        names = " and ".join(sorted(found))
        raise UsageError(
            f"{option}: {ref!r} is ambiguous: {names} point at different commits; "
            "name the one you mean in full (e.g. refs/remotes/origin/main)"
        )


# A plain ref name: what git could look up among refs/ (no revision syntax, no path).
_REF_NAME = re.compile(r"[A-Za-z0-9._/-]+")


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
    # Every read is of the commit the name had when it was checked, whatever moves after.
    spec = f"{_commit(folder, ref, option, path)}:./{name}"
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
