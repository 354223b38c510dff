"""Reading files as they are at a git revision, with bounded size.

Only git's plumbing commands are run, with arguments as a list (never through a shell)
and a timeout. The repository is the one the command runs in, named to git explicitly:
git's own search from a file's folder would take a folder the pull request made to look
like a bare repository (its own `HEAD`, `refs/` and `objects/`) for the repository, and
read the "base" from it.
"""

import os
import re
import subprocess
from typing import NamedTuple

from podcheck.core import paths
from podcheck.core.errors import InputError, InputErrors, UsageError
from podcheck.orgfile import source

TIMEOUT = 60
# A bare repository is used only when named: never one found by searching up from a folder.
_SAFE = ("-c", "safe.bareRepository=explicit")


class Repository(NamedTuple):
    git_dir: str
    top: str  # the work tree's root


def _run(
    args: list[str], option: str, cwd: str | None = None
) -> "subprocess.CompletedProcess[bytes]":
    try:
        return subprocess.run(
            ["git", *_SAFE, *args], capture_output=True, timeout=TIMEOUT, check=False, cwd=cwd
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"{option} needs git: {type(exc).__name__}") from None


def _git(repo: Repository, *args: str, option: str) -> "subprocess.CompletedProcess[bytes]":
    return _run(["--git-dir", repo.git_dir, "--work-tree", repo.top, *args], option, repo.top)


def _find(folder: str, option: str) -> Repository | None:
    """The repository whose work tree holds `folder`, or None."""
    done = _run(["-C", folder, "rev-parse", "--absolute-git-dir", "--show-toplevel"], option)
    lines = os.fsdecode(done.stdout).splitlines()
    if done.returncode != 0 or len(lines) != 2:
        return None
    return Repository(lines[0], lines[1])


def toplevel(folder: str, option: str) -> str:
    """The root of the work tree that holds `folder`."""
    found = _find(folder, option)
    if found is None:
        raise UsageError(f"{option}: {folder or '.'} is not inside a git repository")
    return found.top


def repository(folder: str) -> str | None:
    """The root of the work tree that holds `folder`, or None outside any (or without git)."""
    try:
        found = _find(folder, "git")
    except UsageError:
        return None
    return found.top if found is not None else None


def _commit(repo: Repository, ref: str, option: str, what: str) -> str:
    """The commit `ref` names, as its full id; refused when the name is ambiguous."""
    if ref.startswith("-"):  # git would read it as an option
        raise UsageError(f"{option}: a revision cannot start with '-'")
    check = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", option=option)
    if check.returncode != 0:
        raise UsageError(f"{option}: {ref!r} is not a commit in the repository of {what}")
    commit = check.stdout.decode("ascii", "replace").strip()
    _unambiguous(repo, ref, commit, option)
    return commit


# Where a revision's name ends and its suffix begins (`main~1`, `main^{commit}`, `main@{1}`).
_SUFFIX = re.compile(r"[~^@:]")
# A name git could also read as an abbreviated commit id.
_HEX = re.compile(r"[0-9a-fA-F]{4,39}")


def _unambiguous(repo: Repository, ref: str, commit: str, option: str) -> None:
    """Refuse a name that several refs answer to with different commits, or that names a
    ref and may abbreviate a commit id too.

    git reads `origin/main` as the tag `refs/tags/origin/main` before the remote branch
    `refs/remotes/origin/main` (and `origin/main~0` the same), and a pull request can push
    such a tag, or a branch named like the base's abbreviated id: the base it names would
    then be the pull request's own.
    """
    name = _SUFFIX.split(ref, maxsplit=1)[0]
    if not name:  # `@{...}`: the branch checked out
        return
    if name.startswith("refs/"):
        # Named in full, it must exist: else git goes on to `refs/tags/refs/remotes/...`,
        # a tag a pull request can push.
        listed = _git(repo, "for-each-ref", "--format=%(refname)", name, option=option)
        if name not in os.fsdecode(listed.stdout).splitlines():
            raise UsageError(
                f"{option}: there is no ref {name!r} in the repository (fetch it first: "
                "actions/checkout with fetch-depth 0)"
            )
        return
    # The refs a name can mean, in git's order (gitrevisions(7)).
    meant = [f"refs/{name}", f"refs/tags/{name}", f"refs/heads/{name}", f"refs/remotes/{name}"]
    meant.append(f"refs/remotes/{name}/HEAD")
    listed = _git(repo, "for-each-ref", "--format=%(refname)", *meant, option=option)
    found = [line for line in os.fsdecode(listed.stdout).splitlines() if line in meant]
    if found and _HEX.fullmatch(name):
        raise UsageError(
            f"{option}: {ref!r} is ambiguous: {found[0]} and maybe an abbreviated commit id; "
            "name the ref in full, or the commit by its whole id"
        )
    commits = {_peeled(repo, full, option) for full in found}
    if name == ref:
        commits.add(commit)  # what git itself reads the name as, a pseudo-ref (HEAD) too
    else:
        plain = _git(repo, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", option=option)
        commits.add(plain.stdout.decode("ascii", "replace").strip())
    if len(commits) > 1:
        names = " and ".join(sorted(found)) or name
        raise UsageError(
            f"{option}: {ref!r} is ambiguous: {names} point at different commits; "
            "name the one you mean in full (e.g. refs/remotes/origin/main)"
        )


def _within(path: str, top: str) -> bool:
    return os.path.commonpath([path, top]) == top


def _peeled(repo: Repository, full: str, option: str) -> str:
    """The commit a ref leads to, through any tags (a tag of a tag too)."""
    done = _git(repo, "rev-parse", "--verify", "--quiet", f"{full}^{{commit}}", option=option)
    return done.stdout.decode("ascii", "replace").strip()


def read_at(
    ref: str, path: str, max_bytes: int, option: str = "--base-ref", root: str | None = None
) -> str | None:
    """The text of `path` at `ref`, or None when the file does not exist there.

    The repository is the one the command runs in (else the one holding the file); a path
    outside its work tree, or with `root` through a symbolic link out of that tree, is
    refused. The blob's size is asked first, so a huge blob is refused without being
    read; errors are reported under the name `REF:path`.
    """
    shown = f"{ref}:{path}"
    if root is not None:
        try:
            paths.check_link(path, root)
        except InputErrors as exc:
            raise paths.refuse(shown, exc.errors[0].message) from None
    here = os.getcwd()
    folder = os.path.dirname(os.path.abspath(path))
    repo = _find(here, option) or _find(folder, option)
    if repo is None:
        raise UsageError(f"{option}: {folder or '.'} is not inside a git repository")
    # The path as written, from where the command runs: a link in the working tree (the
    # pull request's) must not choose which of the base's files is read.
    top = os.path.realpath(repo.top)
    if _within(os.path.realpath(here), top):
        written = os.path.normpath(os.path.join(os.path.realpath(here), path))
    else:  # run from outside the repository: the file's folder is where it stands
        written = os.path.join(os.path.realpath(folder), os.path.basename(path))
    relative = os.path.relpath(written, top)
    if relative == ".." or relative.startswith(".." + os.sep):
        raise paths.refuse(shown, "is outside the repository the command runs in; refused")
    # Every read is of the commit the name had when it was checked, whatever moves after.
    spec = f"{_commit(repo, ref, option, path)}:{relative.replace(os.sep, '/')}"
    kind = _git(repo, "cat-file", "-t", spec, option=option)
    if kind.returncode != 0:
        return None
    if kind.stdout.strip() != b"blob":
        raise InputErrors([InputError(shown, 1, 1, "is not a file at that revision")])
    size = _git(repo, "cat-file", "-s", spec, option=option)
    if size.returncode != 0 or int(size.stdout.strip() or b"0") > max_bytes:
        raise source.too_large(shown, max_bytes)
    blob = _git(repo, "cat-file", "blob", spec, option=option)
    if blob.returncode != 0:
        return None
    source.check_size(blob.stdout, shown, max_bytes)
    return source.decode(blob.stdout, shown)
