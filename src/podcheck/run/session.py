"""The run path every command shares: settings from the config and the options, then files
read, loaded and judged under those settings.

The CLI parses arguments, calls these, and prints. Problems with what the user gave come
back as `UsageError` (a wrong option) or `InputErrors` (a wrong file); both end the run
with exit 2.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from podcheck.core import inert
from podcheck.core.errors import InputErrors, UsageError
from podcheck.judge import rulebook
from podcheck.judge.report import FileReport
from podcheck.judge.rulebook import Rule, Settings
from podcheck.judge.waivers import Waiver
from podcheck.orgfile import source
from podcheck.orgfile.loader import LoadedOrg, load_org

if TYPE_CHECKING:  # the export modules load only when a run reads an export
    from podcheck.accounts import export, measures, tally
    from podcheck.accounts.cells import DateOrder

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
    from podcheck.run import git

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
            from podcheck.run import config  # only when there is one: runs without never pay

            found, document = config.parse_config(name, text)
            chosen = config.settings_from(catalogue, found, document)
    elif (path := find_config(config_path)) is not None:
        from podcheck.run import config

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
    # The account export measured against the file (podcheck.accounts.measures.Book).
    export: Any = None


def judge_text(
    shown: str,
    text: str,
    chosen: Settings,
    waivers: tuple[Waiver, ...],
    export: Any = None,
) -> Judged:
    """One file's text loaded and judged, with an account export when one is given (a
    podcheck.accounts.tally.Tally); InputErrors if it is not a valid org file. An export's bad rows
    are the report's errors. A no-go report comes with its way out: the first changes of
    the default plan ("to reach go"); a go report pays nothing for it."""
    from podcheck.judge.engine import evaluate

    loaded = load_org(shown, text)
    book = chosen.rule_book
    measured = None
    if export is None:
        report = evaluate(loaded, chosen.rules, waivers, book)
    else:
        report, measured = evaluate_with_export(loaded, chosen.rules, waivers, export, book)
    if report.verdict == "no-go":
        from podcheck.plan.planner import make_plan
        from podcheck.render.plan_view import to_reach_go

        plan = make_plan(loaded, chosen.rules, waivers, report=report, verify=False, book=book)
        report = report._replace(to_reach_go=to_reach_go(plan))
    return Judged(loaded, report, measured)


def judge(path: str, chosen: Settings, as_of: datetime.date) -> Judged:
    """One file read, loaded and judged; InputErrors if it is not a valid org file."""
    shown, text = read(path, chosen)
    return judge_text(shown, text, chosen, active_waivers(chosen, as_of))


# An account export: read with the options and the config, measured per org file


def _acv_floor(rules: Sequence[Rule]) -> Any:
    """The ACV floor in force: the threshold of the rule on metric `acv`, else $30K."""
    from podcheck.accounts import export

    for rule in rules:
        if rule.metric == "acv" and rule.threshold is not None:
            return rule.threshold
    return export.DEFAULT_FLOOR


def read_for_run(
    path: str,
    map_text: str | None,
    show_accounts: bool,
    config: export.AccountsConfig | None,
    rules: Sequence[Rule],
    *,
    keep_accounts: bool = False,
    date_order: DateOrder | None = None,
) -> tally.Tally:
    """The export named by --accounts, read with --map over the config's `accounts:` section
    (and --date-order over its `date_order`).

    ValueError for a bad --map; InputErrors when the export is refused.
    """
    from podcheck.accounts import export
    from podcheck.metrics.accounts import RENEWAL_METRICS

    columns = export.parse_map(map_text, config.map if config else None)
    options = export.ExportOptions(
        columns=columns,
        max_bytes=(config.max_bytes if config else None) or export.DEFAULT_MAX_BYTES,
        floor=_acv_floor(rules),
        show_accounts=show_accounts,
        keep_accounts=keep_accounts,
        date_order=date_order or (config.date_order if config else None),
        renewal_needed=any(rule.metric in RENEWAL_METRICS for rule in rules),
        segment_names=(config.segments if config else None) or {},
        pod_names=(config.pods if config else None) or {},
    )
    return export.read_export(path, options)


def evaluate_with_export(
    loaded: LoadedOrg,
    rules: Sequence[Rule],
    waivers: Sequence[Waiver],
    counted: tally.Tally,
    rule_book: Sequence[Rule] | None = None,
) -> tuple[FileReport, measures.Book]:
    """One org file judged with the export measured against it. Rows the export could not
    give (bad values, unknown segments or pods) are the report's input errors; every other
    figure is still judged."""
    from podcheck.accounts import measures
    from podcheck.judge.engine import evaluate
    from podcheck.judge.report import ExportSummary

    measured, problems = measures.measure(counted, loaded.org)
    report = evaluate(loaded, rules, waivers, rule_book, export=measured)
    summary = ExportSummary(
        path=measured.path,
        rows=measured.rows,
        refused=measured.refused_rows,
        reasons=measured.refused,
        unread=measured.unread,
    )
    # Nothing unread passes: rows left out could hold the load that fails the file.
    verdict = "incomplete" if summary.refused and report.verdict == "go" else report.verdict
    report = report._replace(errors=tuple(problems), export=summary, verdict=verdict)
    return report, measured
