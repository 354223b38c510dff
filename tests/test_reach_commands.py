""" "To reach go" is the default plan's first changes, and every command podcheck suggests
says what the run said: the same options, the same order, the same costs."""

from __future__ import annotations

import html
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, CliRunner
from podcheck.cli.app import app
from podcheck.core.commands import Invocation, evaluate_command, plan_command, report_command

runner = CliRunner()

CONTOSO = "examples/contoso-enterprise-no-go.yaml"
GLOBEX = "examples/globex-hybrid-maze.yaml"
NORTHWIND = "examples/northwind-pilot-go.yaml"
BOOKS = "examples/northwind-accounts.csv"
WITH_BOOKS = [NORTHWIND, "--accounts", BOOKS]


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Paths as a user types them, whatever the checkout's path.
    monkeypatch.chdir(ROOT)


def invoke(*args: str):
    return runner.invoke(app, list(args))


def reach(out: str) -> list[str]:
    """The terminal's "To reach go" items, each unwrapped onto one line."""
    section = out.split("  To reach go\n", 1)[1].split("\n\n", 1)[0]
    items: list[str] = []
    for line in section.splitlines():
        if line.startswith("    - "):
            items.append(line[6:])
        else:  # a wrapped line goes on the item before it
            items[-1] += " " + line.strip()
    return items


def planned(out: str) -> list[str]:
    """The plan's required steps as `podcheck plan` prints them, in its order, unpriced."""
    items = []
    for line in out.splitlines():
        if line.startswith("  first, to do: "):
            items.append(line[2:])
        elif line.startswith("    - ") and not line.startswith("    - recommended: "):
            items.append(re.sub(r" \[[^\]]*\]$", "", line[6:]))
    return items


def suggested(line: str) -> list[str]:
    """The arguments of a podcheck command a report suggests."""
    words = shlex.split(line[line.index("podcheck ") :])
    return words[1:]


# Bug: the commands podcheck suggests dropped the options that shaped the verdict.


def test_the_commands_evaluate_suggests_carry_the_export():
    ran = invoke("evaluate", *WITH_BOOKS, "--color", "never")
    assert ran.exit_code == 1
    hint = next(x for x in ran.stdout.splitlines() if x.startswith("Printable version: "))
    assert (
        hint == f"Printable version: podcheck report {NORTHWIND} --accounts {BOOKS} -o report.html"
    )
    # The suggested report judges what evaluate judged: NO-GO, not a GO pack.
    args = suggested(hint)
    args[args.index("report.html")] = "-"
    page = invoke(*args)
    assert page.exit_code == 0, page.stderr
    assert "NO-GO" in page.stdout and "move accounts from the CSMs over the load bar" in page.stdout
    # The plan it names is the plan with the export: NO-GO with the moves, not "nothing to change".
    step = next(x for x in reach(ran.stdout) if "names each move" in x)
    assert f"podcheck plan {NORTHWIND} --accounts {BOOKS} names each move" in step
    command = step[step.index("podcheck plan") : -len(" names each move")]
    plan = invoke(*suggested(command))
    assert plan.exit_code == 1
    assert "nothing to change" not in plan.stdout
    moved = next(line for line in plan.stdout.splitlines() if "move row 12" in line)
    # Lee Park is in another pod: the account's AE hands it over too, the one who resists.
    assert moved.strip() == (
        "- move row 12 ($77,170) from Priya Shah (mm-north) to Lee Park (mm-west); it changes "
        "pods: its AE hands it to mm-west's AE too, and the article warns the AE who built it "
        "will resist"
    )


def test_for_the_rest_carries_the_selection_and_counts_what_that_plan_lists():
    ran = invoke("evaluate", CONTOSO, "--select", "POD1,POD2", "--color", "never")
    items = reach(ran.stdout)
    rest = items[-1]
    assert rest.startswith(f"podcheck plan {CONTOSO} --select POD1,POD2 for the rest (")
    more = int(re.search(r"\((\d+) more\)", rest).group(1))
    plan = invoke(*suggested(rest.split(" for the rest", 1)[0]))
    steps = planned(plan.stdout)
    assert len(steps) == len(items) - 1 + more
    assert items[:-1] == steps[: len(items) - 1]
    bare = planned(invoke("plan", CONTOSO).stdout)
    assert len(bare) != len(steps)  # the bare plan is another plan: the option matters


@pytest.mark.parametrize(
    "options",
    [
        ["--today", "2026-01-01"],
        ["--fail-on", "warning"],
        ["--ignore", "POD3", "--ignore", "POD404"],
        ["--max-file-bytes", "100000"],
    ],
)
def test_the_plan_named_is_run_with_the_same_options(options: list[str]):
    ran = invoke("evaluate", CONTOSO, *options, "--color", "never")
    rest = reach(ran.stdout)[-1]
    command = rest.split(" for the rest", 1)[0]
    for option in options:
        if option.startswith("--"):
            assert option in command
    items = reach(ran.stdout)[:-1]
    assert items == planned(invoke(*suggested(command)).stdout)[: len(items)]


def test_the_config_is_carried_and_the_pack_says_what_it_cannot_take(tmp_path: Path):
    config = tmp_path / "strict config.yaml"
    config.write_text("rules:\n  POD103: {threshold: 25}\n", encoding="utf-8")
    ran = invoke("evaluate", NORTHWIND, "-c", str(config), "--select", "POD1", "--color", "never")
    assert ran.exit_code == 1
    lines = ran.stdout.splitlines()
    hint = next(x for x in lines if x.startswith("Printable version: "))
    assert hint == (
        f"Printable version: podcheck report {NORTHWIND} --config {shlex.quote(str(config))} "
        "-o report.html"
    )
    assert lines[lines.index(hint) + 1] == (
        "(the pack judges the config's rules and gate, without --select)"
    )
    args = suggested(hint)
    args[args.index("report.html")] = "-"
    assert "NO-GO" in invoke(*args).stdout


def test_markdown_and_the_pack_name_the_plan_with_the_options(tmp_path: Path):
    markdown = invoke("evaluate", CONTOSO, "--today", "2026-01-01", "-f", "markdown").stdout
    assert f"- podcheck plan {CONTOSO} --today 2026-01-01 for the rest \\(4 more\\)" in markdown
    page = tmp_path / "pack.html"
    made = invoke("report", *WITH_BOOKS, "--today", "2026-01-01", "-o", str(page))
    assert made.exit_code == 0, made.stderr
    assert (
        f"podcheck plan {NORTHWIND} --today 2026-01-01 --accounts {BOOKS} names each move"
    ) in page.read_text(encoding="utf-8")


def test_plan_takes_config_ref_as_the_commands_that_point_to_it_do():
    # Without git history to read, the option is parsed and the revision looked up.
    ran = invoke("plan", CONTOSO, "--config-ref", "no-such-revision-here")
    assert ran.exit_code == 2
    assert "No such option" not in ran.stderr and "no-such-revision-here" in ran.stderr


def test_suggested_commands_are_quoted_and_inert():
    hostile = Invocation(
        config="cfg $(rm -rf x).yaml",
        config_ref="-ref",
        select=("POD1", "POD2"),
        accounts="books\n::error::x.csv",
        column_map="csm=CS Owner",
        date_order="dmy",
        show_accounts=True,
        max_file_bytes=10,
    )
    line = plan_command("it's ##[error]x.yaml", hostile)
    assert "\n" not in line and "\\n" in line
    assert line == (
        "podcheck plan 'it'\"'\"'s ##[error]x.yaml' --config 'cfg $(rm -rf x).yaml' "
        "--config-ref=-ref --select POD1,POD2 --accounts 'books\\n::error::x.csv' "
        "--map 'csm=CS Owner' --date-order dmy --max-file-bytes 10 --show-accounts"
    )
    # A name read as an option comes after '--'; standard input is '-'.
    assert plan_command("-x.yaml") == "podcheck plan -- -x.yaml"
    assert plan_command("<stdin>") == "podcheck plan -"
    assert report_command("a b.yaml", Invocation(select=("POD1",), today="2026-01-01")) == (
        "podcheck report 'a b.yaml' --today 2026-01-01 -o report.html"
    )
    assert evaluate_command("org.yaml") == "podcheck evaluate org.yaml"


def test_a_hostile_name_in_a_suggestion_stays_inert(tmp_path: Path):
    folder = tmp_path / "##[error]x"
    folder.mkdir()
    path = folder / "it's.yaml"
    path.write_text((ROOT / CONTOSO).read_text(encoding="utf-8"), encoding="utf-8")
    quoted = shlex.quote(str(path))
    out = invoke("evaluate", str(path), "-f", "terminal", "--today", "2026-01-01").stdout
    assert "##[" not in out
    rest = f"podcheck plan {quoted} --today 2026-01-01 for the rest (4 more)"
    # Compared without blanks: a long temporary path may be folded at any width.
    assert "".join(rest.replace("##[", "## [").split()) in "".join(out.split())
    markdown = invoke("evaluate", str(path), "-f", "markdown", "--today", "2026-01-01").stdout
    assert "##[" not in markdown and "--today 2026-01-01 for the rest" in markdown


def test_init_names_the_file_it_writes(tmp_path: Path):
    target = tmp_path / "my org.yaml"
    done = invoke("init", str(target))
    assert done.exit_code == 0, done.stderr
    run = f"podcheck evaluate {shlex.quote(str(target))}"
    assert target.read_text(encoding="utf-8").splitlines()[1].endswith(f"run:  {run}")
    assert done.stderr.strip().endswith(f"then {run}")
    assert "podcheck evaluate org.yaml" in invoke("init", "-").stdout


def test_init_from_the_books_names_the_file_and_the_map(tmp_path: Path):
    target = tmp_path / "drafted.yaml"
    mapped = "csm=Customer Success Manager"
    done = invoke("init", "--accounts", BOOKS, "--map", mapped, str(target))
    assert done.exit_code == 0, done.stderr
    run = f"podcheck evaluate {target} --accounts {BOOKS} --map '{mapped}'"
    assert f"#   {run}\n" in target.read_text(encoding="utf-8")
    assert done.stderr.strip().endswith(f"then {run}")
    assert invoke(*suggested(run)).exit_code in (0, 1)  # judged, not refused


# Bug: evaluate's JSON gave every change's cost as null where plan priced it.


def test_evaluate_json_prices_the_changes_as_plan_does():
    data = json.loads(invoke("evaluate", CONTOSO, "-f", "json").stdout)["files"][0]
    reached = [*data["to_reach_go"], *(c for s in data["segments"] for c in s["to_reach_go"])]
    plan = json.loads(invoke("plan", CONTOSO, "-f", "json").stdout)["files"][0]
    assert reached and all(c["cost"] is not None for c in reached)
    by_message = {c["message"]: c for c in plan["changes"]}
    for change in reached:
        assert change == by_message[change["message"]]
    assert len(reached) == len(plan["changes"])


# Bug: "To reach go" listed the changes in another order than the plan.


@pytest.mark.parametrize("example", [CONTOSO, GLOBEX])
def test_to_reach_go_is_the_plans_first_steps_in_its_order(example: str):
    items = reach(invoke("evaluate", example, "--color", "never").stdout)
    steps = planned(invoke("plan", example).stdout)
    shown = [i for i in items if " for the rest (" not in i]
    assert shown == steps[: len(shown)]
    if example == CONTOSO:
        assert [i.split()[2] for i in shown] == ["POD301", "POD311", "POD321"]
    else:
        assert shown[0].startswith("to do: POD403")


def test_json_to_reach_go_keeps_the_plans_order():
    data = json.loads(invoke("evaluate", CONTOSO, "-f", "json").stdout)["files"][0]
    plan = json.loads(invoke("plan", CONTOSO, "-f", "json").stdout)["files"][0]
    for segment in [None, *(s["id"] for s in data["segments"])]:
        found = (
            data["to_reach_go"]
            if segment is None
            else next(s for s in data["segments"] if s["id"] == segment)["to_reach_go"]
        )
        assert found == [c for c in plan["changes"] if c["segment"] == segment]


def test_to_reach_go_drops_what_the_plan_drops(tmp_path: Path):
    """A segment that leaves pods leaves no pod segment: the org rules stop applying, and
    the plan says only the change of model."""
    document = yaml.safe_load((ROOT / CONTOSO).read_text(encoding="utf-8"))
    document["segments"][0]["tier"] = "smb"
    path = tmp_path / "misfit.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    items = reach(invoke("evaluate", str(path), "--color", "never").stdout)
    steps = planned(invoke("plan", str(path)).stdout)
    assert items == steps
    assert len(items) == 1 and items[0].startswith("change enterprise's model from pod to pool")


# Bug: with an export, evaluate told the load as a person's task, and JSON said nothing to do.


def test_evaluate_with_the_books_points_to_the_moves_not_a_to_do():
    ran = invoke("evaluate", *WITH_BOOKS, "--color", "never")
    items = reach(ran.stdout)
    assert not any(i.startswith("to do: POD701") for i in items)
    assert items[0].startswith("move accounts from the CSMs over the load bar to CSMs with room")
    data = json.loads(invoke("evaluate", *WITH_BOOKS, "-f", "json").stdout)["files"][0]
    assert data["verdict"] == "no-go"
    (segment,) = [s for s in data["segments"] if s["to_reach_go"]]
    (move,) = segment["to_reach_go"]
    assert (move["kind"], move["count"], move["rules"]) == ("move-account", None, ["POD701"])
    assert move["message"].endswith(f"podcheck plan {NORTHWIND} --accounts {BOOKS} names each move")
    plan = json.loads(invoke("plan", *WITH_BOOKS, "-f", "json").stdout)["files"][0]
    kinds = {(c["segment"], c["kind"]) for c in plan["changes"]}
    assert (segment["id"], "move-account") in kinds


def test_the_moves_evaluate_cannot_name_are_not_priced(tmp_path: Path):
    """They may need a hire where no CSM has room: $0 would understate them."""
    document = yaml.safe_load((ROOT / NORTHWIND).read_text(encoding="utf-8"))
    document["costs"] = {"ae": "150K", "csm": "120K"}
    path = tmp_path / "priced.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    data = json.loads(invoke("evaluate", str(path), "--accounts", BOOKS, "-f", "json").stdout)
    moves = [c for s in data["files"][0]["segments"] for c in s["to_reach_go"]]
    assert [(c["kind"], c["cost"]) for c in moves] == [("move-account", None)]


@pytest.mark.parametrize("example", ["initech-pilot-review", "globex-hybrid-maze"])
def test_evaluate_json_lists_the_plans_to_dos(example):
    """A no-go whose way out includes to-dos lists them as the plan's JSON does."""
    path = f"examples/{example}.yaml"
    report = json.loads(invoke("evaluate", path, "-f", "json").stdout)["files"][0]
    plan = json.loads(invoke("plan", path, "-f", "json").stdout)["files"][0]
    listed = report["todo"] + [item for s in report["segments"] for item in s["todo"]]
    assert report["verdict"] == "no-go" and plan["todo"]
    assert sorted(listed, key=json.dumps) == sorted(plan["todo"], key=json.dumps)


def test_a_suggested_command_is_never_broken_across_lines(tmp_path):
    """However long the file's name and options, the command to copy stays on one line:
    a line break in it would make a pasted command two, the second chosen by the name."""
    name = tmp_path / ("o" * 55 + ".yaml")
    name.write_text((ROOT / "examples" / "contoso-enterprise-no-go.yaml").read_text())
    args = ["--ignore", "POD801", "--fail-on", "warning", "--today", "2026-01-01"]
    out = invoke("evaluate", str(name), *args).stdout
    (line,) = [line for line in out.splitlines() if "for the rest" in line]
    assert line.startswith("    - podcheck plan ")
    assert f"{name} --ignore POD801 --fail-on warning --today 2026-01-01 for the rest" in line


def test_the_pack_gives_a_policy_to_do_without_the_reason_its_table_gives(tmp_path):
    """Two pages have no room to say a reason twice: beside the failed rule, and again in
    "To reach go"; the steps are the same as evaluate's, in the same order."""
    out = tmp_path / "pack.html"
    done = invoke("report", "examples/contoso-enterprise-no-go.yaml", "-o", str(out))
    assert done.exit_code == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    section = page[page.index('<section class="to-reach-go">') :]
    section = section[: section.index("</section>")]
    required = section[: section.index("</ul>")]  # the recommended changes follow
    items = [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", required)]
    assert items[0] == "to do: POD301 write policies.renewal_ownership.written: true"
    terminal = reach(invoke("evaluate", "examples/contoso-enterprise-no-go.yaml").stdout)
    assert len(items) == len(terminal)
    for brief, full in zip(items, terminal, strict=True):
        assert full.startswith(brief)
