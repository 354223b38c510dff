"""The run path every command shares: settings from the config and the options, then files
read, loaded and judged under those settings.

The CLI parses arguments, calls these, and prints. Problems with what the user gave come
back as `UsageError` (a wrong option) or `InputErrors` (a wrong file); both end the run
with exit 2.
"""

import datetime
from pathlib import Path
from typing import Any, NamedTuple

from podcheck import inert, rulebook, source
from podcheck.errors import InputErrors, UsageError
from podcheck.loader import LoadedOrg, load_org
from podcheck.report import FileReport
from podcheck.rulebook import Settings
from podcheck.waivers import Waiver

CONFIG_NAME = "podcheck.yaml"


def split(values: list[str] | None) -> list[str] | None:
    """Repeated and comma-separated selectors as one list (None when none were given)."""
    if values is None:
        return None
    return [part for value in values for part in value.split(",")]


def find_config(given: Path | None) -> Path | None:
    """The config file a run uses: the one given, else ./podcheck.yaml when it exists."""
    return given or (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)


def _ref_config(config_path: Path | None, ref: str) -> tuple[str, str | None]:
    """The config's name at `ref` and its text there (None when it has none)."""
    from podcheck import git

    path = str(config_path or CONFIG_NAME)
    return f"{ref}:{path}", git.read_at(ref, path, source.DEFAULT_MAX_BYTES, "--config-ref")


def settings(
    config_path: Path | None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    max_file_bytes: int | None = None,
    config_ref: str | None = None,
) -> Settings:
    """Rules, gate, waivers and limits from the catalogue, the config and the options.

    With `config_ref`, the config is read as it is at that git revision (the pull
    request's base), never from the working tree, which the pull request controls; no
    config there means the catalogue's rules. Options given on the command line narrow
    the rules further than the config does.
    """
    catalogue = rulebook.load_catalogue()
    chosen = Settings(catalogue, book=catalogue)
    if config_ref is not None:
        name, text = _ref_config(config_path, config_ref)
        if text is None and config_path is not None:
            # A config named on the command line must be the base's: a name the pull
            # request chose, absent at the base, must not fall back to the defaults.
            raise UsageError(f"--config {inert.excerpt(str(config_path))} is not in {config_ref}")
        if text is not None:
            from podcheck import config  # only when there is one: runs without never pay

            found, document = config.parse_config(name, text)
            chosen = config.settings_from(catalogue, found, document)
    elif (path := find_config(config_path)) is not None:
        from podcheck import config

        found, document = config.load_config(str(path))
        chosen = config.settings_from(catalogue, found, document)
    try:
        chosen = chosen.narrowed(split(select), split(ignore))
    except InputErrors as exc:  # the options, not a file, are wrong
        raise UsageError(exc.errors[0].message) from None
    if max_file_bytes is not None:
        chosen = chosen._replace(max_file_bytes=max_file_bytes)
    return chosen


def config_change(config_path: Path | None, config_ref: str) -> str | None:
    """A notice when the working tree's config differs from the one at `config_ref`."""
    name, base = _ref_config(config_path, config_ref)
    path = str(config_path or CONFIG_NAME)
    try:
        head: str | None = source.read(path)[1]
    except InputErrors:  # absent or unreadable: it is not used either way
        head = None
    if head == base:
        return None
    change = "adds" if base is None else "removes" if head is None else "changes"
    return (
        f"the working tree {change} {path}; the gate uses the config at {config_ref} "
        f"({name if base is not None else 'none there: the catalogue defaults'})"
    )


def today(value: str | None) -> datetime.date:
    """`--today`, or the real date."""
    if value is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise UsageError("--today expects a date written YYYY-MM-DD") from None


def active_waivers(chosen: Settings, as_of: datetime.date) -> tuple[Waiver, ...]:
    return tuple(w for w in chosen.waivers if not w.expired(as_of))


def read(path: str, chosen: Settings) -> tuple[str, str]:
    """The display name and text of `path` ('-' is standard input), within the size limit."""
    return source.read(path, chosen.max_file_bytes or source.DEFAULT_MAX_BYTES)


def load(path: str, chosen: Settings) -> LoadedOrg:
    """A valid org file, or InputErrors."""
    shown, text = read(path, chosen)
    return load_org(shown, text)


class Judged(NamedTuple):
    loaded: LoadedOrg
    report: FileReport
    export: Any = None  # the account export measured against the file (podcheck.book.Book)


def judge_text(
    shown: str,
    text: str,
    chosen: Settings,
    waivers: tuple[Waiver, ...],
    export: Any = None,
) -> Judged:
    """One file's text loaded and judged, with an account export when one is given (a
    podcheck.book.Tally); InputErrors if it is not a valid org file. An export's bad rows
    are the report's errors. A no-go report comes with its way out: the first changes of
    the default plan ("to reach go"); a go report pays nothing for it."""
    from podcheck.engine import evaluate

    loaded = load_org(shown, text)
    book = chosen.rule_book
    measured = None
    if export is None:
        report = evaluate(loaded, chosen.rules, waivers, book)
    else:
        from podcheck.accounts import evaluate_with_export

        report, measured = evaluate_with_export(loaded, chosen.rules, waivers, export, book)
    if report.verdict == "no-go":
        from podcheck.plan import make_plan
        from podcheck.plan_view import to_reach_go

        plan = make_plan(loaded, chosen.rules, waivers, report=report, verify=False, book=book)
        report = report._replace(to_reach_go=to_reach_go(plan))
    return Judged(loaded, report, measured)


def judge(path: str, chosen: Settings, as_of: datetime.date) -> Judged:
    """One file read, loaded and judged; InputErrors if it is not a valid org file."""
    shown, text = read(path, chosen)
    return judge_text(shown, text, chosen, active_waivers(chosen, as_of))
