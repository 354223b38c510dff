"""The path guard's quick way to read a plain path refuses everything its full checks refuse,
in the same words, and a link put in place after the check is not followed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from podcheck.core import paths
from podcheck.core.errors import InputErrors

SECRET = b"https://octocat:ghp_0123456789abcdefSECRET\n"


def _refusal(call) -> str:
    with pytest.raises(InputErrors) as caught:
        call()
    (error,) = caught.value.errors
    assert SECRET.decode().strip() not in str(error)
    return str(error)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory beside a folder outside it that holds a secret."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "token.txt").write_bytes(SECRET)
    work = tmp_path / "work"
    (work / "org").mkdir(parents=True)
    (work / "org" / "plain.yaml").write_bytes(b"version: 1\n")
    (work / "org" / "link-out.yaml").symlink_to(outside / "token.txt")
    (work / "linked-folder").symlink_to(outside)
    (work / "org" / "link-in.yaml").symlink_to(work / "org" / "plain.yaml")
    os.mkfifo(work / "org" / "pipe.yaml")
    monkeypatch.chdir(work)
    return work


REFUSED = [
    "org/link-out.yaml",
    "linked-folder/token.txt",
    "org/pipe.yaml",
    "org",
    "org/",
    "org/plain.yaml/",
    "org//missing.yaml",
    "org/missing.yaml",
    "missing/plain.yaml",
    "/dev/zero",
    "",
]


@pytest.mark.parametrize("path", REFUSED)
def test_every_refusal_is_the_full_checks_refusal(tree, path):
    quick = _refusal(lambda: paths.read_regular(path, 1000))

    def full() -> None:
        with paths.open_regular(path) as handle:
            handle.read(1000)

    assert quick == _refusal(full)


def test_the_messages_name_the_reason(tree):
    outside = "is a symbolic link to a file outside the working directory; refused"
    assert _refusal(lambda: paths.read_regular("org/link-out.yaml", 100)).endswith(outside)
    assert _refusal(lambda: paths.read_regular("linked-folder/token.txt", 100)).endswith(outside)
    assert _refusal(lambda: paths.read_regular("org/pipe.yaml", 100)).endswith(
        "is not a regular file; refused"
    )
    assert _refusal(lambda: paths.read_regular("org", 100)).endswith(
        "is a directory, expected a YAML file"
    )
    assert _refusal(lambda: paths.read_regular("org/plain.yaml/", 100)).endswith(
        "cannot read file: not a directory"
    )


def test_a_link_inside_the_tree_and_an_absolute_path_are_read(tree):
    assert paths.read_regular("org/link-in.yaml", 100) == b"version: 1\n"
    assert paths.read_regular(str(tree / "org" / "plain.yaml"), 100) == b"version: 1\n"
    assert paths.read_regular("./org/../org/plain.yaml", 100) == b"version: 1\n"


def test_a_link_put_in_place_after_the_check_is_not_followed(tree, monkeypatch):
    # The check saw a plain file; by the time it is opened, the name is a link out of the
    # tree. The open does not follow it.
    plain = os.lstat("org/plain.yaml")
    monkeypatch.setattr(paths, "_plain_status", lambda path: plain)
    message = _refusal(lambda: paths.read_regular("org/link-out.yaml", 100))
    assert "cannot read file" in message


def test_reads_stop_at_the_limit_and_read_a_file_to_its_end(tree):
    Path("big.yaml").write_bytes(b"x" * 5000)
    assert paths.read_regular("big.yaml", 1001) == b"x" * 1001
    assert paths.read_regular("big.yaml", 10_000) == b"x" * 5000
    Path("empty.yaml").write_bytes(b"")
    assert paths.read_regular("empty.yaml", 100) == b""
