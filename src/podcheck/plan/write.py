"""The revised proposal: the input text with only the changed values edited in place.

Values are found by the positions the loader recorded (source.Document.places), so
comments, key order, quoting and every untouched line stay byte-identical. New hiring-plan
entries and pods are written in the style of the list they join (flow `{month: 4, csm: 1}`
or block), new keys in the style of the mapping they join.
"""

import re
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

from podcheck.orgfile.model import HiringMonth, HiringTotals, OrgFile, Pod, Segment
from podcheck.orgfile.source import Document, Path

_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
Edit = tuple[int, int, str]  # (start, end, replacement) as character offsets


class _Text:
    """The input text with a way from a recorded position to a character offset."""

    def __init__(self, text: str, document: Document) -> None:
        self.text, self.document = text, document
        # The line breaks YAML counts (str.splitlines counts more, such as form feeds).
        self.starts = [0] + [found.end() for found in _BREAK.finditer(text)]
        first = _BREAK.search(text)
        self.newline = first.group() if first else "\n"  # new lines end as the file's do

    def offset(self, path: Path) -> int:
        mark = self.document.places[path][0]
        return self.starts[mark.line] + mark.column

    def line_end(self, line: int) -> int:
        """The offset of the end of `line` (0-based), before its line break."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        end = self.starts[line + 1]
        found = _BREAK.search(self.text, self.starts[line])
        return found.start() if found is not None and found.end() == end else end

    def is_flow(self, path: Path) -> bool:
        return self.text[self.offset(path)] in "{["

    def closing(self, path: Path) -> int:
        """The offset of the bracket closing the flow collection at `path`: quoted text
        (with its escapes) and comments are read past, so a bracket or an apostrophe in
        them is not taken for one of the collection's."""
        text, position, depth = self.text, self.offset(path), 0
        while position < len(text):
            char = text[position]
            if char in "'\"":
                position = self.quoted_end(position)
                continue
            if char == "#" and (position == 0 or text[position - 1] in " \t\r\n"):
                found = _BREAK.search(text, position)
                position = len(text) if found is None else found.start()
                continue
            if char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth == 0:
                    return position
            position += 1
        raise ValueError("unclosed flow collection")

    def quoted_end(self, start: int) -> int:
        """The offset just past the quoted scalar that opens at `start`."""
        text, quote, position = self.text, self.text[start], start + 1
        while position < len(text):
            char = text[position]
            if quote == '"' and char == "\\":
                position += 2
                continue
            if char == quote:
                if quote == "'" and text[position + 1 : position + 2] == "'":
                    position += 2  # '' is an apostrophe inside single quotes
                    continue
                return position + 1
            position += 1
        raise ValueError("unclosed quoted scalar")

    def children(self, path: Path) -> list[Path]:
        """The paths of the values directly under the collection at `path`, read from the
        data (not by scanning every place: a file may hold 100,000 values)."""
        node: Any = self.document.data
        for step in path:
            node = node[step]
        if isinstance(node, dict):
            return [(*path, key) for key in node]
        if isinstance(node, list):
            return [(*path, index) for index in range(len(node))]
        return []

    def last_line(self, path: Path) -> int:
        """The last line (0-based) any value under `path` stands on."""
        line, stack = self.document.places[path][0].line, [path]
        while stack:
            for child in self.children(stack.pop()):
                line = max(line, self.document.places[child][0].line)
                stack.append(child)
        return line

    def value_end(self, path: Path) -> int:
        """The offset just past the value at `path` (a scalar, quoted or not, or a flow
        collection); a block collection ends where its last value does."""
        start = self.offset(path)
        char = self.text[start]
        if char in "{[":
            return self.closing(path) + 1
        if char in "'\"":
            return self.quoted_end(start)
        children = self.children(path)
        if children:
            return max(self.value_end(child) for child in children)
        return start + len(self.document.places[path][2] or "")

    def indent_of_item(self, path: Path) -> int:
        """The column of the '-' that starts the block sequence item at `path`."""
        offset = self.offset(path)
        dash = self.text.rfind("-", self.starts[self.document.places[path][0].line], offset)
        return dash - self.starts[self.document.places[path][0].line]


def _scalar(text: _Text, path: Path, value: object) -> Edit:
    place = text.document.places[path]
    start = text.offset(path)
    if text.text[start] in "'\"":
        return start, text.quoted_end(start), str(value)
    raw = place[2] or ""
    return start, start + len(raw), str(value)


def _money(value: Fraction | int) -> str:
    """Money as a plain YAML number: whole dollars, or dollars and cents."""
    exact = Fraction(value)
    if exact.denominator == 1:
        return str(exact.numerator)
    cents = round(exact * 100)
    return f"{cents // 100}.{cents % 100:02d}"


def _remove_item(text: _Text, path: Path) -> Edit:
    """The list item at `path` taken out, with its separator (flow) or its lines (block)."""
    if text.is_flow(path[:-1]):
        start = text.offset(path)
        if text.is_flow(path):
            end = text.closing(path) + 1
        else:
            end = start + len(text.document.places[path][2] or "")
        after = text.text[end:]
        comma = re.match(r"\s*,\s*", after)
        if comma:
            return start, end + comma.end(), ""
        before = re.search(r",\s*$", text.text[:start])
        return (before.start() if before else start), end, ""
    # The item's lines with the line break before them: an item added after it, at the end
    # of its last line, still lands on a line of its own.
    first = text.document.places[path][0].line
    return text.line_end(first - 1), text.line_end(text.last_line(path)), ""


def _add_key(text: _Text, path: Path, key: str, value: object) -> Edit:
    """A new `key: value` at the end of the mapping at `path`."""
    children = text.children(path)
    if text.is_flow(path):
        # Right after the last value: a comma, a comment or a line break after it stays.
        if children:
            end = max(text.value_end(child) for child in children)
            return end, end, f", {key}: {value}"
        start = text.offset(path) + 1
        return start, start, f"{key}: {value}"
    keys = [text.document.places[child] for child in children]
    column = keys[0][1].column if keys and keys[0][1] is not None else 0
    end = text.line_end(text.last_line(path))
    return end, end, f"{text.newline}{' ' * column}{key}: {value}"


def _entry(fields: Sequence[tuple[str, Any]], flow: bool, column: int, newline: str) -> str:
    if flow:
        return "{" + ", ".join(f"{k}: {v}" for k, v in fields) + "}"
    first, *rest = fields
    return f"{first[0]}: {first[1]}" + "".join(f"{newline}{' ' * column}{k}: {v}" for k, v in rest)


def _add_items(
    text: _Text, path: Path, before: int | None, entries: Sequence[Sequence[tuple[str, Any]]]
) -> Edit:
    """New items in the list at `path`, before item `before` (None: at the end)."""
    items = text.children(path)
    count = len(items)
    if text.is_flow(path):
        inline = [_entry(fields, True, 0, "") for fields in entries]
        if before is not None:
            start = text.offset((*path, before))
            return start, start, "".join(f"{item}, " for item in inline)
        if count:
            end = text.value_end(items[-1])
            return end, end, ", " + ", ".join(inline)
        start = text.offset(path) + 1
        return start, start, ", ".join(inline)
    model = (*path, before if before is not None else count - 1)
    flow_items = text.is_flow(model)
    dash = text.indent_of_item(model)
    column: int = text.document.places[model][0].column
    written = [
        f"{' ' * dash}- {_entry(fields, flow_items, column, text.newline)}" for fields in entries
    ]
    if before is not None:
        line = text.document.places[model][0].line
        start = text.starts[line]
        return start, start, "".join(f"{item}{text.newline}" for item in written)
    end = text.line_end(text.last_line(model))
    return end, end, "".join(f"{text.newline}{item}" for item in written)


def _segment_edits(text: _Text, index: int, old: Segment, new: Segment) -> Iterator[Edit]:
    here: Path = ("segments", index)
    if old.model != new.model:
        yield _scalar(text, (*here, "model"), new.model)
    for role in ("ae", "csm"):
        if getattr(old.headcount, role) != getattr(new.headcount, role):
            yield _scalar(text, (*here, "headcount", role), getattr(new.headcount, role))
    if old.pod_count != new.pod_count and new.pod_count is not None:
        yield _scalar(text, (*here, "pod_count"), new.pod_count)
    old_pods, new_pods = old.pods or [], new.pods or []
    for pod_index, (before, after) in enumerate(zip(old_pods, new_pods, strict=False)):
        at: Path = (*here, "pods", pod_index)
        for role in ("ae", "csm", "accounts"):
            if getattr(before, role) != getattr(after, role):
                yield _scalar(text, (*at, role), getattr(after, role))
        if before.arr != after.arr and after.arr is not None:
            yield _scalar(text, (*at, "arr"), _money(after.arr))
        if before.pilot != after.pilot:
            flag = "true" if after.pilot else "false"
            if (*at, "pilot") in text.document.places:
                yield _scalar(text, (*at, "pilot"), flag)
            else:
                yield _add_key(text, at, "pilot", flag)
    added: list[Pod] = new_pods[len(old_pods) :]
    if added:
        yield _add_items(
            text,
            (*here, "pods"),
            None,
            [
                [("id", p.id), ("ae", p.ae), ("csm", p.csm), ("accounts", p.accounts)]
                + ([("pilot", "true")] if p.pilot else [])
                for p in added
            ],
        )
    yield from _plan_edits(text, (*here, "hiring_plan"), old.hiring_plan, new.hiring_plan)


def _plan_edits(text: _Text, path: Path, old: Any, new: Any) -> Iterator[Edit]:
    if old == new or new is None:
        return
    if isinstance(old, HiringTotals) and isinstance(new, HiringTotals):
        for role in ("ae", "csm"):
            if getattr(old, role) != getattr(new, role):
                if (*path, role) in text.document.places:
                    yield _scalar(text, (*path, role), getattr(new, role))
                else:
                    yield _add_key(text, path, role, getattr(new, role))
        return
    old_months = {entry.month for entry in old}
    kept = iter(enumerate(old))
    pending: list[HiringMonth] = []
    for entry in new:
        if entry.month not in old_months:
            pending.append(entry)
            continue
        position, before = next(kept)
        if not (entry.ae or entry.csm) and (before.ae or before.csm):
            # A deferral or a removal never leaves an empty entry behind; new entries go
            # before the next entry that stays.
            yield _remove_item(text, (*path, position))
            continue
        if pending:
            yield _add_items(text, path, position, [_month_fields(e) for e in pending])
            pending = []
        for role in ("ae", "csm"):
            if getattr(before, role) != getattr(entry, role):
                if (*path, position, role) in text.document.places:
                    yield _scalar(text, (*path, position, role), getattr(entry, role))
                else:
                    yield _add_key(text, (*path, position), role, getattr(entry, role))
    if pending:
        yield _add_items(text, path, None, [_month_fields(e) for e in pending])


def _month_fields(entry: HiringMonth) -> list[tuple[str, Any]]:
    fields: list[tuple[str, Any]] = [("month", entry.month)]
    fields += [(role, getattr(entry, role)) for role in ("ae", "csm") if getattr(entry, role)]
    return fields


def revise(text: str, document: Document, original: OrgFile, revised: OrgFile) -> str:
    """`text` with the values `revised` changes edited in place."""
    located = _Text(text, document)
    edits: list[Edit] = []
    for index, (old, new) in enumerate(zip(original.segments, revised.segments, strict=True)):
        if old != new:
            edits.extend(_segment_edits(located, index, old, new))
    # In text order, each edit once (a file's thousands of edits cost one pass); of two
    # inserts at one place, the one planned first comes first.
    ordered = sorted(
        (start, end, order, replacement) for order, (start, end, replacement) in enumerate(edits)
    )
    pieces, position = [], 0
    for start, end, _, replacement in ordered:
        pieces += [text[position:start], replacement]
        position = max(position, end)
    pieces.append(text[position:])
    return "".join(pieces)
