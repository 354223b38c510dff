"""Waivers: a failing rule accepted for a segment or pod, with a reason and maybe an expiry.

Waivers live in the repository's config, never in the org file: whoever proposes an org
design cannot excuse it from the rules. An expired waiver stops applying, and a waiver
that matches no failing result is reported, so that stale waivers do not pile up.
"""

import dataclasses
import datetime
import fnmatch
import os
import posixpath
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

# "not-named": its `file:` names none of the files a run judged, so the run cannot say
# whether it is still needed (a run of one file says nothing of another file's waivers).
WaiverState = Literal["applied", "expired", "unused", "not-named"]


@dataclass(frozen=True)
class Waiver:
    """A config's waiver: the rule it accepts failing, why, by whom, where and until when."""

    index: int
    rule: str
    reason: str
    segment: str | None = None
    owner: str | None = None  # who accepted it
    pod: str | None = None
    file: str | None = None  # a path or glob, relative to the config's folder
    expires: datetime.date | None = None
    source: str = "podcheck.yaml"
    line: int = 1
    column: int = 1

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and self.expires < today

    def matches(self, rule: str, path: str, segment: str | None, pod: str | None) -> bool:
        return (
            self.rule == rule
            and (self.segment is None or self.segment == segment)
            and (self.pod is None or self.pod == pod)
            and (self.file is None or names(self.file, _spelling(path)))
        )

    def describe(self) -> str:
        where = " ".join(
            part
            for part in (
                self.rule,
                f"segment {self.segment}" if self.segment else "",
                f"pod {self.pod}" if self.pod else "",
                f"file {self.file}" if self.file else "",
            )
            if part
        )
        return where


class WaiverStatus(NamedTuple):
    waiver: Waiver
    state: WaiverState
    applied: int

    @property
    def message(self) -> str:
        waiver = self.waiver
        if self.state == "expired":
            return (
                f"waiver for {waiver.describe()} expired on {waiver.expires}; "
                f"the rule applies again"
            )
        if self.state == "unused":
            return f"waiver for {waiver.describe()} matches no failing result; remove it"
        return f"waiver for {waiver.describe()} applied to {self.applied} result(s)"


def for_file(waivers: Sequence[Waiver], path: str | None, folder: str) -> tuple[Waiver, ...]:
    """The waivers that may apply to the org file at `path` (None: standard input, which no
    glob names): those without `file:`, and those whose glob matches the file's path
    relative to `folder`, the config's folder, however the path was spelt on the command
    line. The second kind come back without `file:`, since their file is this one."""
    if not any(waiver.file for waiver in waivers):
        return tuple(waivers)
    found: list[Waiver] = []
    for waiver in waivers:
        if waiver.file is None:
            found.append(waiver)
        elif path is not None and names(
            waiver.file, _relative(path, folder, absolute=os.path.isabs(waiver.file))
        ):
            found.append(dataclasses.replace(waiver, file=None))
    return tuple(found)


def _relative(path: str, folder: str, *, absolute: bool) -> str:
    """`path` spelt from `folder` (or from the root, for a glob written as an absolute path)."""
    full = os.path.abspath(path)
    if absolute:
        return _spelling(full)
    try:
        return _spelling(os.path.relpath(full, os.path.abspath(folder)))
    except ValueError:  # another drive (Windows): no relative spelling
        return _spelling(full)


def find(
    waivers: Sequence[Waiver], rule: str, path: str, segment: str | None, pod: str | None
) -> Waiver | None:
    """The first waiver that covers this result, if any."""
    return next((w for w in waivers if w.matches(rule, path, segment, pod)), None)


def statuses(
    waivers: Sequence[Waiver],
    used: Iterable[int],
    today: datetime.date,
    named: Collection[int] | None = None,
) -> tuple[WaiverStatus, ...]:
    """Each waiver's state in a run: `used` the index of the waiver of every waived result,
    `named` the indexes of the waivers whose `file:` names a file the run judged (None:
    every waiver's file counts as judged)."""
    counts: dict[int, int] = {}
    for index in used:
        counts[index] = counts.get(index, 0) + 1
    result = []
    for waiver in waivers:
        if waiver.expired(today):
            state: WaiverState = "expired"
        elif waiver.index in counts:
            state = "applied"
        elif waiver.file is not None and named is not None and waiver.index not in named:
            state = "not-named"
        else:
            state = "unused"
        result.append(WaiverStatus(waiver, state, counts.get(waiver.index, 0)))
    return tuple(result)


def names(glob: str, path: str) -> bool:
    """Whether a waiver's `file:` glob names `path` (both spelt with `/`), folder by folder
    as a shell or `.gitignore` reads one: `*`, `?` and `[...]` stay within a folder's or
    file's name, and a `**` folder stands for any number of folders, none included (at
    the end, one at least: `dir/**` is what is inside `dir`). No wildcard stands for `..`:
    only a glob that spells `../` out names a file outside the config's folder.

    Whoever proposes an org design chooses its path: with `*` crossing folders,
    `org-design/legacy-*.yaml` would waive `org-design/legacy-new/any.yaml` too.
    """
    steps = _spelling(glob).split("/")
    parts = path.split("/")
    # reached[j]: the steps matched so far can end just before parts[j]. One pass per
    # step keeps the time linear in each, whatever the number of `**`.
    reached = [True] + [False] * len(parts)
    for position, step in enumerate(steps):
        if step == "**":
            # One folder or more; none too, except at the end: `org-design/**` names what is
            # in org-design, not a file called org-design (as `.gitignore` reads it).
            more = [False] * len(reached)
            for j in range(1, len(reached)):
                more[j] = (reached[j - 1] or more[j - 1]) and parts[j - 1] != ".."
            ends = position == len(steps) - 1
            reached = more if ends else [now or on for now, on in zip(reached, more, strict=True)]
            continue
        wild = any(char in step for char in "*?[")
        reached = [False] + [
            reached[j]
            and (part != ".." and fnmatch.fnmatchcase(part, step) if wild else part == step)
            for j, part in enumerate(parts)
        ]
    return reached[-1]


def _spelling(path: str) -> str:
    """One spelling of a path, so `./org/a.yaml`, `org//a.yaml` and `org/a.yaml` match alike."""
    return posixpath.normpath(path.replace(os.sep, "/"))
