"""From a path or text to a validated model, or to located input errors.

`load_org` is the only way an org file enters podcheck: safe YAML (source.py), strict
models (model.py), then the checks that span fields (unique ids, pods within their
segment). Validation errors from pydantic are turned into podcheck's own one-line
messages, located at the offending value.
"""

import difflib
import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

from podcheck.core import inert, numbers
from podcheck.core.errors import InputError, InputErrors
from podcheck.orgfile import source, validation
from podcheck.orgfile.model import SUPPORTED_VERSIONS, OrgFile
from podcheck.orgfile.source import Document, Path

ModelT = TypeVar("ModelT")

_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
_YAML11_INTEGER = re.compile(
    r"[-+]?(0[0-9_]+|0[xX][0-9a-fA-F_]+|0[oObB][0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+|[0-9]+(_[0-9]+)+)"
)


class LoadedOrg(NamedTuple):
    """A valid org file and the document it came from, for locating results."""

    org: OrgFile
    document: Document


def load_org(path: str, text: str | None = None) -> LoadedOrg:
    """Load and validate an org file; raise InputErrors listing every problem found."""
    if text is None:
        _, text = source.read(path)
    document = source.parse(text, path)
    _check_shape(document)
    org = validate_document(OrgFile, document)
    errors = list(_cross_checks(org, document))
    if errors:
        raise InputErrors(errors)
    return LoadedOrg(org, document)


def _check_shape(document: Document) -> None:
    """The top level and version come first: a v2 file is not judged by v1's fields."""
    data = document.data
    if data is None:
        raise InputErrors(
            [document.error((), "file is empty; expected a mapping with version, org and segments")]
        )
    if not isinstance(data, dict):
        got = "a list" if isinstance(data, list) else "a single value"
        # Not an org file at all, perhaps a token file linked in: none of it is repeated.
        problem = f"expected a mapping at the top level, got {got}"
        if document.path.lower().endswith((".csv", ".tsv")):  # an export named as an org file
            problem += "; an account export is read with --accounts EXPORT"
        raise InputErrors([document.error((), problem)])
    version = data.get("version")
    if "version" in data and (type(version) is not int or version not in SUPPORTED_VERSIONS):
        raise InputErrors([document.error(("version",), _version_problem(document, version))])


def _version_problem(document: Document, version: object) -> str:
    """What is wrong with the file's `version`: `1.0` and `'1'` are the supported version
    written as something else, not another version."""
    supported = ", ".join(map(str, SUPPORTED_VERSIONS))
    meant, written = version, numbers.describe(version)
    if isinstance(version, str):
        written = f"the text {written}"
        if version.strip().isdigit() and len(version) < 4:
            meant = int(version)
    elif numbers.is_number(version):
        node = document.node(("version",))
        written = node.raw if node and node.raw else written  # digits: a number was read
        meant = numbers.normalise(version)  # type: ignore[arg-type]
    if type(meant) is int and meant in SUPPORTED_VERSIONS:
        return f"version: write the format version as a whole number: {meant}, not {written}"
    return (
        f"version: unsupported format version {numbers.describe(version)}; supported: {supported}"
    )


def validate_document(model: type[ModelT], document: Document) -> ModelT:
    """Validate document data against `model`, translating every problem to podcheck's form."""
    try:
        return validation.validate(model, document.data)
    except validation.Invalid as exc:
        raise InputErrors(
            (translate(document, model, problem) for problem in exc.problems), exc.complete
        ) from None


def translate(document: Document, model: type, error: Any) -> InputError:
    """One validation problem as `path:line:col: error: where: what was expected, got what`.

    Problems have the shape of pydantic's errors, so both validators read the same here.
    """
    path = _data_path(document.data, error["loc"])
    kind = error["type"]
    if kind == "missing":
        name = error["loc"][-1]
        parent = _dotted(path[:-1])
        message = f"missing required key '{name}'"
        return document.error(path, f"{parent}: {message}" if parent else message)
    if kind == "extra_forbidden":
        name = str(error["loc"][-1])
        message = f"unknown key {inert.excerpt(name)}"
        allowed = validation.field_names(model, tuple(error["loc"][:-1]))
        close = difflib.get_close_matches(name, allowed, n=1)
        if close:
            message += f"; did you mean '{close[0]}'?"
        parent = _dotted(path[:-1])
        return document.error(path, f"{parent}: {message}" if parent else message, key=True)
    node = document.node(path)
    return document.error(path, f"{_dotted(path)}: {_describe_problem(kind, error, node)}")


def _describe_problem(kind: str, error: Any, node: source.Node | None) -> str:
    """What was expected and what was found instead."""
    ctx = error.get("ctx") or {}
    raw = node.raw if node is not None and node.plain else None
    if kind == "bool_type" and raw is not None and raw.lower() in _YAML11_BOOLEANS:
        return (
            f"expected true or false, got {inert.excerpt(raw)} "
            f"(write true or false; YAML 1.1 spellings are not accepted)"
        )
    if kind == "int_type" and raw is not None and _YAML11_INTEGER.fullmatch(raw):
        return (
            f"expected an integer in plain decimal digits, got {inert.excerpt(raw)} "
            f"(octal, hex, base-60 and '_' forms are not accepted)"
        )
    if kind == "count":
        if raw is not None and _YAML11_INTEGER.fullmatch(raw):
            return (
                f"expected an integer in plain decimal digits, got '{raw}' "
                f"(octal, hex, base-60 and '_' forms are not accepted)"
            )
        expected = str(error["msg"]).rsplit(", got ", 1)[0]
        return f"{expected}, got {_got(error.get('input'), node)}"
    if kind in ("money", "pct", "number", "date"):
        return str(error["msg"])  # the amount parsers name the input themselves
    if kind == "hiring_plan":
        return f"{error['msg']}, got {_got(error.get('input'), node)}"
    if kind == "literal_error":
        got = f"expected {ctx.get('expected')}, got {_got(error.get('input'), node)}"
        return got + _close_choice(error.get("input"), ctx.get("choices", ()))
    expected = {
        "int_type": "expected an integer",
        "bool_type": "expected true or false",
        "string_type": "expected a string",
        "list_type": "expected a list",
        "model_type": "expected a mapping",
        "model_attributes_type": "expected a mapping",
        "dict_type": "expected a mapping",
        "greater_than_equal": f"expected an integer >= {ctx.get('ge')}",
        "less_than_equal": f"expected an integer <= {ctx.get('le')}",
        "string_too_short": "expected a non-empty string",
        "string_too_long": f"expected at most {ctx.get('max_length')} characters",
        "string_pattern_mismatch": error.get("msg") or "expected text in the documented form",
        "too_short": f"expected at least {_entries(ctx.get('min_length'))}",
        "too_long": f"expected at most {ctx.get('max_length')} entries",
    }.get(kind, str(error.get("msg", "invalid value")).lower())
    return f"{expected}, got {_got(error.get('input'), node)}"


def _close_choice(value: Any, choices: Sequence[Any]) -> str:
    """ "; did you mean 'mid-market'?" for a word a typo away from a choice (`midmarket`),
    else "". Long values are no typo of a short word, and are not compared."""
    words = [choice for choice in choices if isinstance(choice, str)]
    if not isinstance(value, str) or not words or len(value) > _LONGEST_TYPO:
        return ""
    close = difflib.get_close_matches(value.lower(), words, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


# The longest choice is a dozen letters: a value this long is no typo of one.
_LONGEST_TYPO = 24


def _entries(count: Any) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


def _got(value: Any, node: source.Node | None) -> str:
    if isinstance(value, (list, tuple)) and not value:
        return "an empty list"
    if isinstance(value, str) and node is not None and not node.plain:
        return f"the string {inert.excerpt(value)}"
    if node is not None and node.plain and node.raw is not None:
        # As written: 112.0 is "got 112.0", never the 112 it equals.
        return inert.excerpt(node.raw) if isinstance(value, str) else inert.escape(node.raw)
    return numbers.describe(value)


def _data_path(data: Any, loc: Sequence[Any]) -> Path:
    """The pydantic location with union tags removed: only steps that exist in the data.

    A last step that is absent is a missing key, kept so the message can name it.
    """
    path: list[str | int] = []
    current = data
    for position, step in enumerate(loc):
        if isinstance(current, dict) and isinstance(step, str) and step in current:
            current = current[step]
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            current = current[step]
        elif position == len(loc) - 1 and isinstance(current, dict):
            pass
        else:
            continue
        path.append(step)
    return tuple(path)


def _dotted(path: Path) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _cross_checks(org: OrgFile, document: Document) -> Iterator[InputError]:
    """Facts no single field can check: unique ids and pods that fit in their segment."""
    segment_ids: dict[str, int] = {}
    pod_ids: dict[str, Path] = {}
    for index, segment in enumerate(org.segments):
        here: Path = ("segments", index)
        if segment.id in segment_ids:
            first = document.locate(("segments", segment_ids[segment.id], "id"))[0]
            yield document.error(
                (*here, "id"),
                f"segments[{index}].id: duplicate segment id "
                f"'{segment.id}' (first used at line {first})",
            )
        segment_ids.setdefault(segment.id, index)
        for pod_index, pod in enumerate(segment.pods or ()):
            pod_path: Path = (*here, "pods", pod_index, "id")
            if pod.id in pod_ids:
                first = document.locate(pod_ids[pod.id])[0]
                yield document.error(
                    pod_path,
                    f"{_dotted(pod_path)}: duplicate pod id "
                    f"'{pod.id}' (first used at line {first})",
                )
            pod_ids.setdefault(pod.id, pod_path)
        if segment.pods:
            yield from _pods_within_segment(segment, here, document)
        seen_months: dict[int, int] = {}
        for snap_index, snapshot in enumerate(segment.history or ()):
            if snapshot.months_ago in seen_months:
                snap_path: Path = (*here, "history", snap_index, "months_ago")
                yield document.error(
                    snap_path,
                    f"{_dotted(snap_path)}: months_ago {snapshot.months_ago} is listed twice "
                    f"(first in history[{seen_months[snapshot.months_ago]}])",
                )
            seen_months.setdefault(snapshot.months_ago, snap_index)


def _pods_within_segment(segment: Any, here: Path, document: Document) -> Iterator[InputError]:
    limits = {
        "AEs": (sum(p.ae for p in segment.pods), segment.headcount.ae),
        "CSMs": (sum(p.csm for p in segment.pods), segment.headcount.csm),
        "accounts": (sum(p.accounts for p in segment.pods), segment.accounts),
    }
    for what, (in_pods, in_segment) in limits.items():
        if in_pods > in_segment:
            yield document.error(
                (*here, "pods"),
                f"{_dotted((*here, 'pods'))}: the pods hold {in_pods} {what} but segment "
                f"'{segment.id}' has {in_segment}; pods cannot exceed their segment",
                key=True,
            )
