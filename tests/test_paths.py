"""Every path a user names goes through one guard, and every output lands where it was named:
the pre-commit hook, exports, outputs, `diff --base-ref`, the action's file list, and the
messages for a mistyped command or version."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import ROOT, git, installed_script
from podcheck.cli.app import app
from podcheck.judge.report import FileReport, Report, Result
from podcheck.judge.rulebook import load_catalogue
from podcheck.render.formats import RenderOptions, render
from podcheck.review.scorecard import digest

runner = CliRunner()
GO = ROOT / "examples" / "northwind-pilot-go.yaml"
NO_GO = ROOT / "examples" / "contoso-enterprise-no-go.yaml"
EXPORT = ROOT / "examples" / "northwind-accounts.csv"
SECRET = "https://octocat:ghp_0123456789abcdefSECRET"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def run(*args: str, cwd: Path, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [installed_script(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def _repository(folder: Path, files: dict[str, str]) -> Path:
    assert shutil.which("git"), "git is required for these tests"
    folder.mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "base")
    return folder


# The pre-commit hook and file names that look like options


def _hook(hook_id: str) -> list[str]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (entry,) = [hook["entry"] for hook in hooks if hook["id"] == hook_id]
    words = shlex.split(entry)
    assert words[0] == "podcheck"
    return words[1:]


# The hooks' words run in process: what is tested is how the entry's words parse.
def test_the_pre_commit_hook_judges_a_file_named_like_an_option(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "go.yaml").write_text(GO.read_text(encoding="utf-8"), encoding="utf-8")
    nogo = tmp_path / "--output=nogo.yaml"
    text = NO_GO.read_text(encoding="utf-8")
    nogo.write_text(text, encoding="utf-8")
    # pre-commit appends the staged file names to the entry.
    done = invoke(*_hook("podcheck"), "go.yaml", "--output=nogo.yaml")
    assert done.exit_code == 1, done.stderr
    assert "--output=nogo.yaml" in done.stdout and "NO-GO" in done.stdout
    assert nogo.read_text(encoding="utf-8") == text


def test_the_validate_hook_checks_a_file_named_like_an_option(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "--config=x.yaml").write_text("version: 1\n", encoding="utf-8")
    done = invoke(*_hook("podcheck-validate"), "--config=x.yaml")
    assert done.exit_code == 2
    assert done.stderr.startswith("--config=x.yaml:")


@pytest.mark.parametrize(
    "command",
    [["evaluate"], ["validate"], ["plan"], ["checklist", "-f", "text"], ["project"]],
    ids=lambda c: c[0],
)
def test_after_double_dash_every_command_reads_a_file_named_like_an_option(
    command, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    Path("--today=2020-01-01").write_text(GO.read_text(encoding="utf-8"), encoding="utf-8")
    done = invoke(*command, "--", "--today=2020-01-01")
    assert done.exit_code == 0, done.output
    assert "--today=2020-01-01" in done.output or command[0] in ("project", "checklist")


# Exports and outputs


def test_a_linked_export_is_refused_without_a_word_of_its_content(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "token.txt").write_text(f"{SECRET}\nsecond line\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    (work / "accounts.csv").symlink_to(outside / "token.txt")
    monkeypatch.chdir(work)
    done = invoke("evaluate", str(GO), "--accounts", "accounts.csv")
    assert done.exit_code == 2
    assert done.stderr == (
        "accounts.csv:1:1: error: is a symbolic link to a file outside the working directory; "
        "refused\n"
    )
    assert "octocat" not in done.output


def test_a_fifo_export_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "accounts.csv")
    done = run("evaluate", str(GO), "--accounts", "accounts.csv", cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert done.stderr == "accounts.csv:1:1: error: is not a regular file; refused\n"


def test_output_to_dev_stdout_is_written_to_the_stream(tmp_path):
    done = run("evaluate", str(GO), "-f", "json", "-o", "/dev/stdout", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout)["verdict"] == "go"
    assert os.path.islink("/dev/stdout")
    assert not [name for name in os.listdir("/dev") if name.startswith(".stdout")]


def test_a_standard_stream_is_written_to_never_renamed_over(capsys):
    # In process, so that no run can replace the machine's /dev/stdout should this regress
    # (as root, renaming a file over /dev/stdout replaces the link for every process).
    from podcheck.run import output

    output.write_output("/dev/stdout", "report\n")
    output.write_output("/dev/stderr", "notice\n")
    assert capsys.readouterr() == ("report\n", "notice\n")
    assert os.path.islink("/dev/stdout") and os.path.islink("/dev/stderr")


def test_output_through_a_link_writes_the_file_it_names_and_keeps_the_link(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("reports").mkdir()
    Path("reports/latest.json").write_text("old\n", encoding="utf-8")
    Path("latest.json").symlink_to("reports/latest.json")
    done = invoke("evaluate", str(GO), "-f", "json", "-o", "latest.json")
    assert done.exit_code == 0, done.output
    assert Path("latest.json").is_symlink()
    assert '"verdict": "go"' in Path("reports/latest.json").read_text(encoding="utf-8")


def test_output_to_dev_null_works():
    # In process: writing to /dev/null harms nothing, and the output path is what is tested.
    done = invoke("evaluate", str(NO_GO), "-o", "/dev/null")
    assert done.exit_code == 1, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert Path("/dev/null").is_char_device()


# Two processes; the quick subset writes to both devices with evaluate (above) and runs init
# in process (tests/test_cli.py).
@pytest.mark.slow
def test_init_writes_a_starter_to_a_stream_or_a_device(tmp_path):
    done = run("init", "/dev/stdout", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# ") and "version: 1" in done.stdout
    assert run("init", "/dev/null", cwd=tmp_path).returncode == 0
    assert os.path.islink("/dev/stdout")


def test_output_to_a_pipe_nobody_reads_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    done = run("evaluate", str(GO), "-o", "pipe", cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert done.stderr == "pipe:1:1: error: is a pipe that nothing reads; refused\n"


@pytest.mark.parametrize("command", ["evaluate", "checklist", "report"])
def test_output_onto_the_export_or_the_config_is_refused(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    export = tmp_path / "accounts.csv"
    export.write_text(EXPORT.read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "podcheck.yaml"
    config.write_text("fail_on: error\n", encoding="utf-8")
    for target in ("accounts.csv", "podcheck.yaml"):
        done = invoke(command, str(GO), "--accounts", "accounts.csv", "-o", target)
        assert done.exit_code == 2
        assert done.stderr == (
            f"{target}:1:1: error: is one of the input files; refused, it would be overwritten\n"
        )
    assert export.read_text(encoding="utf-8") == EXPORT.read_text(encoding="utf-8")
    assert config.read_text(encoding="utf-8") == "fail_on: error\n"


def test_output_through_a_link_out_of_the_working_directory_is_refused(tmp_path, monkeypatch):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    (work / "report.txt").symlink_to(outside)
    monkeypatch.chdir(work)
    done = invoke("evaluate", str(GO), "-o", "report.txt")
    assert done.exit_code == 2
    assert "is a symbolic link to outside the working directory; refused" in done.stderr
    assert outside.read_text(encoding="utf-8") == "keep\n"


@pytest.mark.parametrize("target", [".git/hooks/pre-commit", ".git/config", "sub/.git/HEAD"])
def test_output_through_a_link_into_a_git_folder_is_refused(target, tmp_path, monkeypatch):
    # A link committed in a pull request where the workflow writes its SARIF: the report
    # would replace a hook (kept executable, run at the next commit) or git's config.
    monkeypatch.chdir(tmp_path)
    hook = tmp_path / target
    hook.parent.mkdir(parents=True)
    hook.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    hook.chmod(0o755)
    Path("podcheck.sarif").symlink_to(target)
    for args in (["-o", "podcheck.sarif"], ["--output-format", "sarif=podcheck.sarif"]):
        done = invoke("evaluate", str(GO), *args)
        assert done.exit_code == 2
        assert done.stderr == (
            "podcheck.sarif:1:1: error: is a symbolic link into a .git folder; refused\n"
        )
    assert hook.read_text(encoding="utf-8") == "#!/bin/sh\nexit 0\n"


@pytest.mark.parametrize("device", ["/dev/null", "/dev/stderr"])
def test_output_through_a_link_in_the_tree_to_a_device_is_refused(device, tmp_path, monkeypatch):
    # Committed where the workflow writes its SARIF: the report would be dropped, or poured
    # into the log. The device named as such is still written to.
    monkeypatch.chdir(tmp_path)
    Path("podcheck.sarif").symlink_to(device)
    done = invoke("evaluate", str(GO), "--output-format", "sarif=podcheck.sarif")
    assert done.exit_code == 2
    assert done.stderr == (
        "podcheck.sarif:1:1: error: is a symbolic link to outside the working directory; refused\n"
    )
    assert invoke("evaluate", str(GO), "-o", "/dev/null").exit_code == 0


def test_a_report_replacing_an_executable_file_is_not_executable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("report.json").write_text("old\n", encoding="utf-8")
    Path("report.json").chmod(0o754)
    assert invoke("evaluate", str(GO), "-f", "json", "-o", "report.json").exit_code == 0
    assert Path("report.json").stat().st_mode & 0o777 == 0o644
    assert '"verdict": "go"' in Path("report.json").read_text(encoding="utf-8")


# diff --base-ref and the repository boundary


def test_diff_base_ref_does_not_follow_a_folder_link_into_another_repository(tmp_path, monkeypatch):
    other = _repository(tmp_path / "other", {"org.yaml": NO_GO.read_text(encoding="utf-8")})
    here = _repository(tmp_path / "here", {"README": "x\n"})
    (here / "designs").symlink_to(other)
    monkeypatch.chdir(here)
    done = invoke("diff", "--base-ref", "HEAD", "designs/org.yaml")
    assert done.exit_code == 2
    assert done.stderr.splitlines() == [
        "HEAD:designs/org.yaml:1:1: error: is a symbolic link to a file outside the "
        "repository; refused",
        "designs/org.yaml:1:1: error: is a symbolic link to a file outside the repository; refused",
    ]


# --config-ref for the review meeting's documents


@pytest.mark.parametrize("command", [["checklist", "-f", "html"], ["report"]], ids=str)
def test_checklist_and_report_read_the_config_at_the_base(command, tmp_path, monkeypatch):
    base = "fail_on: error\n"
    repo = _repository(tmp_path / "repo", {"podcheck.yaml": base})
    loosened = "fail_on: never\n"
    (repo / "podcheck.yaml").write_text(loosened, encoding="utf-8")
    monkeypatch.chdir(repo)
    done = invoke(*command, str(GO), "--config-ref", "HEAD", "-o", "page.html")
    assert done.exit_code == 0, done.output
    page = (repo / "page.html").read_text(encoding="utf-8")
    assert f"config sha256 {digest(base)}" in page
    assert digest(loosened) not in page
    assert "the working tree changes podcheck.yaml" in done.stderr


# The action's file list


def _evaluate_step() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "evaluate"]
    return step["run"]


def _run_action(tmp_path: Path, files: str) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "podcheck"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do echo "arg:$a"; done\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {
        "PATH": os.environ["PATH"],
        "PODCHECK": str(fake),
        "PODCHECK_FILES": files,
        "PODCHECK_FAIL_ON": "error",
        "PODCHECK_SARIF": "",
        "PODCHECK_CONFIG_REF": "",
        "PODCHECK_FAIL_ON_CONFIG_CHANGE": "false",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
    }
    return subprocess.run(
        ["bash", "-c", _evaluate_step()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_action_judges_every_line_of_a_multi_line_file_list(tmp_path):
    (tmp_path / "org-design").mkdir()
    for name in ("a.yaml", "b.yaml", "c d.yaml"):
        (tmp_path / "org-design" / name).write_text("x\n", encoding="utf-8")
    done = _run_action(tmp_path, "org-design/a.yaml\norg-design/b.yaml\norg-design/c*.yaml\n")
    assert done.returncode == 0, done.stderr
    args = [line[4:] for line in done.stdout.splitlines() if line.startswith("arg:")]
    assert args[args.index("--") + 1 :] == [
        "org-design/a.yaml",
        "org-design/b.yaml",
        "org-design/c d.yaml",
    ]


def test_the_action_fails_on_an_empty_file_list(tmp_path):
    done = _run_action(tmp_path, "\n  \n")
    assert done.returncode == 2
    assert "arg:" not in done.stdout


# Messages


def test_a_mistyped_command_suggests_once():
    done = runner.invoke(app, ["evalute", "x.yaml"], prog_name="podcheck")
    assert done.exit_code == 2
    assert done.stderr == (
        "podcheck: error: no such command 'evalute'. Did you mean 'evaluate' or 'validate'?; "
        "see 'podcheck --help'\n"
    )
    assert done.stderr.count("Did you mean") == 1


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1.0", "version: write the format version as a whole number: 1, not 1.0"),
        ('"1"', "version: write the format version as a whole number: 1, not the text '1'"),
        ("2", "version: unsupported format version 2; supported: 1"),
    ],
)
def test_a_version_written_otherwise_is_named_as_written(written, message, tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text(f"version: {written}\norg: {{name: X}}\nsegments: []\n", encoding="utf-8")
    done = invoke("validate", str(path))
    assert done.exit_code == 2
    assert done.stderr == f"{path}:1:10: error: {message}\n"


def test_the_more_findings_notice_names_only_a_sarif_report_that_is_written():
    results = tuple(
        Result(
            rule="POD101",
            name="acv-floor",
            severity="error",
            status="fail",
            segment="s",
            pod=None,
            actual=1,
            threshold=2,
            unit="",
            message=f"finding {i}",
            line=i + 1,
            column=1,
        )
        for i in range(12)
    )
    file = FileReport(path="org.yaml", org="X", verdict="no-go", results=results)
    report = Report(files=(file,), rules=load_catalogue())
    without = render("github", report, RenderOptions())
    assert "2 more errors not shown as annotations" in without
    assert "SARIF report" not in without and "step summary" not in without
    assert "podcheck evaluate with --format terminal or json lists every finding" in without
    written = render("github", report, RenderOptions(sarif="out/podcheck.sarif"))
    assert "every finding is in the SARIF report out/podcheck.sarif" in written


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", "{org}", "-o", "same.out", "--output-format", "sarif=same.out"),
        ("evaluate", "{org}", "-o", "same.out", "--output-format", "sarif=./sub/../same.out"),
        ("evaluate", "{org}", "--output-format", "json=a", "--output-format", "sarif=a"),
        ("plan", "{org}", "--write", "same.out", "-o", "same.out"),
    ],
    ids=["o-and-extra", "spelt-otherwise", "two-extras", "plan-write-and-o"],
)
def test_two_outputs_naming_one_file_are_refused_before_any_work(tmp_path, monkeypatch, args):
    """The second would silently replace the first, and the run would say nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    org = tmp_path / "org.yaml"
    shutil.copyfile(ROOT / "examples" / "northwind-pilot-go.yaml", org)
    outcome = invoke(*(str(org) if a == "{org}" else a for a in args))
    assert outcome.exit_code == 2
    assert "two outputs go to" in outcome.stderr
    assert outcome.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org.yaml", "sub"]


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", "{org}", "-o", "-", "--output-format", "sarif=/dev/stdout"),
        ("evaluate", "{org}", "-f", "json", "--output-format", "sarif=/dev/fd/1"),
        ("plan", "{org}", "--write", "/dev/stdout"),
    ],
    ids=["stdout-spelt-twice", "stdout-and-its-fd", "plan-and-revision-on-stdout"],
)
def test_two_outputs_on_standard_output_are_refused(tmp_path, args):
    """Standard output a pipe, as in CI: two reports one after the other would be no
    report a reader can parse."""
    org = ROOT / "examples" / "contoso-enterprise-no-go.yaml"
    done = run(*(str(org) if a == "{org}" else a for a in args), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("podcheck: error: two outputs go to ")


def test_several_reports_may_go_to_one_device(tmp_path):
    org = ROOT / "examples" / "northwind-pilot-go.yaml"
    outcome = invoke("evaluate", str(org), "-o", "/dev/null", "--output-format", "sarif=/dev/null")
    assert outcome.exit_code == 0, outcome.stderr


@pytest.mark.parametrize("args", [("-o", ""), ("--output-format", "sarif=")])
def test_an_empty_output_path_is_a_usage_error(args):
    outcome = invoke("evaluate", str(ROOT / "examples" / "northwind-pilot-go.yaml"), *args)
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("podcheck: error: ")
    assert outcome.stderr.count("\n") == 1
