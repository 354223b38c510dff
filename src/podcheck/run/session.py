"""The run path every command shares: a `Session` built once from the config and the
options, then each file read, loaded and judged under it by `judge_file`.

The CLI parses arguments, calls these, and prints. Problems with what the user gave come
back as `UsageError` (a wrong option) or `InputErrors` (a wrong file); both end the run
with exit 2.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from podcheck.core import inert
from podcheck.core.errors import InputErrors, UsageError, shown_path
from podcheck.judge import rulebook, waivers
from podcheck.judge.report import FileReport, Report
from podcheck.judge.rule import Rule
from podcheck.judge.rulebook import Settings
from podcheck.judge.waivers import Waiver
from podcheck.orgfile import source
from podcheck.orgfile.loader import LoadedOrg, load_org
from podcheck.run import CONFIG_NAME

if TYPE_CHECKING:  # the export and planner modules load only when a run needs them
    from podcheck.accounts import export, measures, tally
    from podcheck.accounts.cells import DateOrder
    from podcheck.core.commands import Invocation
    from podcheck.plan.changes import Plan, Strategy

Gate = Literal["error", "warning", "never"]


def split(values: list[str] | None) -> list[str] | None:
    """Repeated and comma-separated selectors as one list (None when none were given)."""
    if values is None:
        return None
    return [part for value in values for part in value.split(",")]


def config_candidates() -> tuple[str, ...]:
    """Where a run looks for podcheck.yaml when no config is named, nearest first: the
    working directory, then each folder above it up to the repository's root (the folder
    holding `.git`), so that a run from `org-design/` is judged by the bar CI uses at the
    root. Outside a repository, the working directory alone: a podcheck.yaml that someone
    left in a shared folder above must not set the bar."""
    try:
        folder = os.getcwd()
    except OSError:  # the working directory was removed
        return (CONFIG_NAME,)
    found = [CONFIG_NAME]
    up = ""
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return (CONFIG_NAME,)
        folder, up = parent, os.path.join(up, os.pardir)
        found.append(os.path.join(up, CONFIG_NAME))
    return tuple(found)


def find_config(given: Path | None) -> Path | None:
    """The config file a run uses: the one given, else the nearest of
    `config_candidates` that exists."""
    if given is not None:
        return given
    for candidate in config_candidates():
        if os.path.isfile(candidate):
            return Path(candidate)
    return None


class _RefConfig(NamedTuple):
    """The config at a git revision: the path it was looked for at, its name there
    (`REF:path`), and its text (None when the revision has none)."""

    path: str
    name: str
    text: str | None


def _ref_config(config_path: Path | None, ref: str) -> _RefConfig:
    """The config named, else the nearest of `config_candidates`, as it is at `ref`."""
    from podcheck.run import git

    paths = (str(config_path),) if config_path is not None else config_candidates()
    for path in paths:
        text = git.read_at(ref, path, source.DEFAULT_MAX_BYTES, "--config-ref")
        if text is not None:
            return _RefConfig(path, f"{ref}:{path}", text)
    return _RefConfig(paths[0], f"{ref}:{paths[0]}", None)


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
    return _settings_and_config(config_path, select, ignore, max_file_bytes, config_ref)[0]


def _settings_and_config(
    config_path: Path | None,
    select: list[str] | None,
    ignore: list[str] | None,
    max_file_bytes: int | None,
    config_ref: str | None,
) -> tuple[Settings, str | None, str]:
    """`settings`, the text of the config they come from (None without one), and the
    config's path (where it would be, without one)."""
    catalogue = rulebook.load_catalogue()
    chosen = Settings(catalogue, book=catalogue)
    text: str | None = None
    path = str(config_path or CONFIG_NAME)
    if config_ref is not None:
        path, name, text = _ref_config(config_path, config_ref)
        if text is None and config_path is not None:
            # A config named on the command line must be the base's: a name the pull
            # request chose, absent at the base, must not fall back to the defaults.
            raise UsageError(f"--config {inert.excerpt(str(config_path))} is not in {config_ref}")
        if text is not None:
            from podcheck.run import config  # only when there is one: runs without never pay

            found, document = config.parse_config(name, text)
            chosen = config.settings_from(catalogue, found, document)
    elif (found_path := find_config(config_path)) is not None:
        from podcheck.run import config

        path = str(found_path)
        text = source.read(path)[1]
        found, document = config.parse_config(path, text)
        chosen = config.settings_from(catalogue, found, document)
    if text is not None and config_path is None and path != CONFIG_NAME:
        chosen = chosen._replace(found_above=path)
    try:
        chosen = chosen.narrowed(split(select), split(ignore))
    except InputErrors as exc:  # the options, not a file, are wrong
        raise UsageError(exc.errors[0].message) from None
    if max_file_bytes is not None:
        chosen = chosen._replace(max_file_bytes=max_file_bytes)
    return chosen, text, path


def config_change(config_path: Path | None, config_ref: str) -> str | None:
    """A notice when the working tree's config differs from the one at `config_ref`."""
    _, name, base = _ref_config(config_path, config_ref)
    path = str(find_config(config_path) or CONFIG_NAME)
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
        digits = value.replace("-", "")
        if len(value) == 10 and value[4::3] == "--" and digits.isascii() and digits.isdigit():
            # Written as asked, but no such day (2026-02-30): say so, not how to write it.
            raise UsageError(f"--today: {value} is not a day of the calendar") from None
        raise UsageError("--today expects a date written YYYY-MM-DD") from None


def active_waivers(chosen: Settings, as_of: datetime.date) -> tuple[Waiver, ...]:
    return tuple(w for w in chosen.waivers if not w.expired(as_of))


class RunOptions(NamedTuple):
    """What the command line says about a run, as given; `start` makes a Session of it."""

    config: Path | None = None
    config_ref: str | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    max_file_bytes: int | None = None
    fail_on: str | None = None
    today: str | None = None
    accounts: str | None = None  # the account export's path
    column_map: str | None = None
    show_accounts: bool = False
    date_order: DateOrder | None = None  # how the export writes A/B/YYYY dates
    # Keep each account of the export, so that the plan can move them.
    keep_accounts: bool = False
    # Plan "to reach go" for a no-go file: only where an output shows it.
    reach: bool = False
    # Hash the account export: only the review pack's stamp shows its digest.
    export_digest: bool = False

    def invocation(self) -> Invocation:
        """These options as the commands a report suggests repeat them, so that each says
        what this run said."""
        from podcheck.core.commands import Invocation  # only commands that suggest others

        return Invocation(
            config=None if self.config is None else str(self.config),
            config_ref=self.config_ref,
            select=tuple(self.select or ()),
            ignore=tuple(self.ignore or ()),
            fail_on=self.fail_on,
            today=self.today,
            accounts=self.accounts,
            column_map=self.column_map,
            date_order=self.date_order,
            show_accounts=self.show_accounts,
            max_file_bytes=self.max_file_bytes,
        )


class Session(NamedTuple):
    """What every file of one command is judged under, built once by `start`."""

    settings: Settings
    as_of: datetime.date
    waivers: tuple[Waiver, ...]  # those in force on `as_of`
    fail_on: Gate = "error"
    export: tally.Tally | None = None
    reach: bool = False
    config_text: str | None = None  # the config in force as read (the pack is stamped with it)
    # The config's folder: waivers' `file:` globs name files from there.
    config_folder: str = "."

    def waivers_for(self, path: str | None) -> tuple[Waiver, ...]:
        """The waivers in force for the org file at `path` (None: standard input)."""
        return waivers.for_file(self.waivers, path, self.config_folder)

    def report(self, files: tuple[FileReport, ...], paths: Sequence[str]) -> Report:
        """The run's report of `files`, judged from `paths` as given: with what shaped it
        (the rules left out, the config found above, the waivers and whether they applied)."""
        settings = self.settings
        used = [r.waived_by for f in files for r in f.results if r.waived_by is not None]
        return Report(
            files=files,
            rules=settings.rules,
            fail_on=self.fail_on,
            waivers=waivers.statuses(settings.waivers, used, self.as_of, self.waivers_named(paths)),
            not_run=settings.not_run,
            config_above=settings.found_above,
        )

    def waivers_named(self, paths: Sequence[str]) -> frozenset[int]:
        """The indexes of the waivers in force for any of `paths`, as given on the command
        line: a waiver whose `file:` names none of them is no concern of this run."""
        return frozenset(
            waiver.index
            for path in paths
            for waiver in self.waivers_for(None if path == source.STDIN else path)
        )


def start(options: RunOptions) -> Session:
    """The session of one command: the date, the settings, and the export, read once."""
    try:
        os.getcwd()  # paths are shown, and waivers matched, from there
    except FileNotFoundError:
        raise UsageError(
            "the working directory no longer exists; run podcheck from a folder that does"
        ) from None
    as_of = today(options.today)
    chosen, config_text, config_path = _settings_and_config(
        options.config, options.select, options.ignore, options.max_file_bytes, options.config_ref
    )
    export = None
    if options.accounts is not None:
        try:
            export = read_for_run(
                options.accounts,
                options.column_map,
                options.show_accounts,
                chosen.accounts,
                chosen.rules,
                keep_accounts=options.keep_accounts,
                date_order=options.date_order,
                digest=options.export_digest,
            )
        except ValueError as exc:  # a bad --map
            raise UsageError(str(exc)) from None
    else:
        if options.column_map is not None or options.show_accounts or options.date_order:
            raise UsageError("--map, --date-order and --show-accounts need --accounts EXPORT")
        chosen = chosen.without_export()
        if not chosen.rules:  # a selection of only the export's rules would judge nothing
            raise UsageError(
                "the selection leaves only rules on account exports (POD7xx), and no "
                "--accounts EXPORT is given: nothing would be judged"
            )
    wanted = options.fail_on or chosen.fail_on
    gate: Gate = "warning" if wanted == "warning" else "never" if wanted == "never" else "error"
    failing = ("error", "warning") if gate == "warning" else ("error",)
    if gate != "never" and not any(rule.severity in failing for rule in chosen.rules):
        # A gate of info rules alone would pass every file, however far from go.
        raise UsageError(
            f"the selection leaves no rule that can fail the gate (--fail-on {gate}): "
            "every file would pass; select a rule of that severity, or say --fail-on never"
        )
    return Session(
        settings=chosen,
        as_of=as_of,
        waivers=active_waivers(chosen, as_of),
        fail_on=gate,
        export=export,
        reach=options.reach,
        config_text=config_text,
        config_folder=os.path.dirname(os.path.abspath(config_path)),
    )


class Judged(NamedTuple):
    """One org file as a command needs it: its text, the loaded org, and what was made of it."""

    shown: str  # the name it is reported under
    text: str
    loaded: LoadedOrg
    report: FileReport | None = None  # None when the file was only loaded
    # The account export measured against the file (podcheck.accounts.measures.Book).
    export: Any = None
    # The plan made for the file: the command's (`plan`), or the default one behind a
    # no-go's "to reach go" when the session asks for it.
    plan: Plan | None = None
    # With the strategy `cheapest`, every strategy's plan and which was kept
    # (podcheck.plan.cheapest.Choice).
    choice: Any = None
    waivers: tuple[Waiver, ...] = ()  # those in force for this file (Session.waivers_for)


def judge_file(
    path: str,
    session: Session,
    *,
    text: str | None = None,
    root: str | None = None,
    judge: bool = True,
    strategy: Strategy | Literal["cheapest"] | None = None,
    located: str | None = None,
) -> Judged:
    """One org file read, loaded and, unless `judge` is False, judged under `session`.

    `path` is read ('-' is standard input; a path through a symbolic link must end inside
    `root`, see source.read_bytes) unless its `text` is given, as from git. With a
    `strategy`, the file is planned (verified) with it; otherwise a no-go file gets the
    default plan's first changes ("to reach go") when the session shows them. `located` is
    the file's path when `path` is only the name it is shown under (`REF:path` for a git
    revision's text): waivers' `file:` globs are matched against it. InputErrors
    if the file cannot be read or is not a valid org file; an export's bad rows are the
    report's errors. UsageError when `cheapest` is asked of a file that states no costs.
    """
    from podcheck.judge.engine import evaluate

    chosen = session.settings
    if text is None:
        shown, text = source.read(path, chosen.max_file_bytes or source.DEFAULT_MAX_BYTES, root)
    else:
        shown = path
    loaded = load_org(shown, text)
    in_force = session.waivers_for(located or (None if path == source.STDIN else path))
    if not judge:
        return Judged(shown, text, loaded, waivers=in_force)
    book = chosen.rule_book
    measured = None
    if session.export is None:
        report = evaluate(loaded, chosen.rules, in_force, book)
    else:
        report, measured = evaluate_with_export(
            loaded, chosen.rules, in_force, session.export, book
        )
    plan = choice = None
    if strategy is not None:
        plan, choice = _plan(loaded, report, session, strategy, in_force)
    elif session.reach and report.verdict == "no-go":
        from podcheck.plan.costs import price_plan
        from podcheck.plan.planner import make_plan
        from podcheck.render.plan_view import to_reach_go

        # The plan `podcheck plan` makes with the same options: the same gate, priced.
        plan = make_plan(
            loaded, chosen.rules, in_force, fail_on=session.fail_on, report=report, verify=False,
            book=book,
        )  # fmt: skip
        plan = _moves_pending(_export_judged(plan, loaded, session, in_force), session)
        report = report._replace(to_reach_go=to_reach_go(plan, price_plan(plan, loaded.org)))
    return Judged(shown, text, loaded, report, measured, plan, choice, in_force)


def file_report(
    path: str,
    session: Session,
    *,
    text: str | None = None,
    root: str | None = None,
    located: str | None = None,
) -> FileReport:
    """`judge_file`'s report, with input errors as a report of verdict `error` that lists
    them (a run of many files goes on past a bad one)."""
    try:
        report = judge_file(path, session, text=text, root=root, located=located).report
    except InputErrors as exc:
        shown = path if text is not None else "<stdin>" if path == source.STDIN else None
        return FileReport(
            path=shown or shown_path(path), org=None, verdict="error", errors=exc.errors
        )
    assert report is not None  # judged
    return report


def _plan(
    loaded: LoadedOrg,
    report: FileReport,
    session: Session,
    strategy: Strategy | Literal["cheapest"],
    waivers: tuple[Waiver, ...],
) -> tuple[Plan, Any]:
    """The `plan` command's plan for one file, verified, and with `cheapest` the choice
    among the strategies; with an export, the plan moves accounts to bring every CSM
    under the export's load bar."""
    from podcheck.plan.planner import make_plan

    chosen = session.settings
    book, gate = chosen.rule_book, session.fail_on
    choice = None
    if strategy == "cheapest":
        from podcheck.plan.cheapest import NoCosts, cheapest

        try:
            choice = cheapest(loaded, chosen.rules, waivers, gate, report, book)
        except NoCosts as exc:
            raise UsageError(str(exc)) from None
        found = choice.chosen.plan
    else:
        found = make_plan(loaded, chosen.rules, waivers, strategy, gate, report=report, book=book)
    found = _with_moves(_export_judged(found, loaded, session, waivers), loaded, session)
    return _unread(found, report), choice


def _unread(found: Plan, report: FileReport) -> Plan:
    """A plan on an export left partly unread says so as evaluate does: never go on books it
    could not read (refused rows, or a pod segment with none, unless the plan takes it out
    of pods)."""
    summary = report.export
    if summary is None or not summary.incomplete:
        return found
    before = "incomplete" if found.verdict_before == "go" else found.verdict_before
    pods = {s.id for s in found.revised.pod_segments}
    still = summary.refused or any(segment in pods for segment in summary.missing)
    after = "incomplete" if still and found.verdict_after == "go" else found.verdict_after
    return found._replace(verdict_before=before, verdict_after=after, unread=summary.line)


def _export_judged(found: Plan, loaded: LoadedOrg, session: Session, waivers: Any) -> Plan:
    """The plan's revised proposal judged again with the export measured against it: the
    planner's oracle reads the file's figures only, so the export's rules are checked here."""
    if session.export is None or not found.changes:
        return found
    from podcheck.accounts import measures
    from podcheck.judge.engine import evaluate
    from podcheck.plan.planner import with_export_judged

    chosen = session.settings
    measured = measures.measure(session.export, found.revised)[0]
    revised = LoadedOrg(found.revised, loaded.document)
    after = evaluate(revised, chosen.rules, waivers, chosen.rule_book, export=measured)
    export_rules = {r.code for r in chosen.rule_book if r.requires == "accounts"}
    return with_export_judged(found, after, session.fail_on, export_rules, _load_rule(session))


def _load_rule(session: Session) -> str | None:
    """The code of the export's CSM load rule, whose failures the account moves settle."""
    book = session.settings.rule_book
    return next((r.code for r in book if r.metric == "export_csm_load"), None)


def _moves_pending(found: Plan, session: Session) -> Plan:
    """Evaluate's plan with an export: the accounts it would move are not kept (a 200,000-row
    export is read into counters), so the load to-dos stand for the moves `plan` names."""
    if session.export is None:
        return found
    from podcheck.plan.planner import with_moves_pending

    rule = _load_rule(session)
    return found if rule is None else with_moves_pending(found, rule)


def _with_moves(found: Plan, loaded: LoadedOrg, session: Session) -> Plan:
    """The plan with the account moves that bring every CSM under the export's load bar."""
    if session.export is None:
        return found
    book = session.settings.rule_book
    from podcheck.accounts.moves import propose_moves
    from podcheck.plan.planner import with_account_moves
    from podcheck.render.accounts_view import load_limit

    rule = _load_rule(session)
    if rule is None:
        return found
    moves = propose_moves(
        session.export, loaded.org, load_limit(book), found.revised, found.waiting
    )
    return with_account_moves(found, moves, rule)


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
    digest: bool = False,
) -> tally.Tally:
    """The export named by --accounts, read with --map over the config's `accounts:` section
    (and --date-order over its `date_order`); with `digest`, its SHA-256 is taken too.

    ValueError for a bad --map; InputErrors when the export is refused.
    """
    from podcheck.accounts import export
    from podcheck.metrics.accounts import RENEWAL_METRICS

    columns = export.parse_map(map_text, config.map if config else None)
    options = export.ExportOptions(
        columns=columns,
        max_bytes=(config.max_bytes if config else None) or export.EXPORT_MAX_BYTES,
        floor=_acv_floor(rules),
        show_accounts=show_accounts,
        keep_accounts=keep_accounts,
        date_order=date_order or (config.date_order if config else None),
        renewal_needed=any(rule.metric in RENEWAL_METRICS for rule in rules),
        segment_names=(config.segments if config else None) or {},
        pod_names=(config.pods if config else None) or {},
        digest=digest,
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
        missing=tuple(
            segment.id
            for segment in loaded.org.pod_segments
            if segment.accounts
            and (
                segment.id not in measured.segments
                or not measured.segments[segment.id].area.accounts
            )
        ),
    )
    # Nothing unread passes: rows left out, or a pod segment the export holds no rows for,
    # could hold the load that fails the file.
    verdict = "incomplete" if summary.incomplete and report.verdict == "go" else report.verdict
    report = report._replace(errors=tuple(problems), export=summary, verdict=verdict)
    return report, measured
