"""Output formats: one pure `render(report, options)` per format, chosen by name: text, or
bytes for JSON (UTF-8, as RFC 8259 has it) and the binary formats.

The table feeds `--format`. Modules are imported only when their format is used, so a
JSON run in CI never pays for rich.

A format may also be written file by file: its module then has `render_file(file,
options)`, giving one file's part, and `assemble(report, parts, options)`, joining the
parts; `render` is the two together. Parallel runs have workers write the parts.
"""

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # the CLI reads this table at start-up; keep it free of heavy imports
    from podcheck.core.commands import Invocation
    from podcheck.judge.report import FileReport, Report


class RenderOptions(NamedTuple):
    color: bool = False
    width: int = 100
    verbose: bool = False
    # The directory the run's paths are relative to (the working directory).
    cwd: str = "."
    # SARIF and annotation paths are relative to the repository's root, as code scanning
    # and the runner resolve them; None: the root around `cwd` (see repository_root).
    root: str | None = None
    # The SARIF file this run writes, if any, which holds every finding.
    sarif: str | None = None
    # The options that shaped the verdict, which the commands a report suggests carry;
    # None: none were given.
    invocation: "Invocation | None" = None

    def base(self) -> str:
        return self.root if self.root is not None else repository_root(self.cwd)

    def plan_command(self, path: str) -> str:
        """The `podcheck plan` command that gives this run's plan for `path`."""
        from podcheck.core.commands import NONE_GIVEN, plan_command

        return plan_command(path, self.invocation or NONE_GIVEN)


def repository_root(cwd: str) -> str:
    """The root paths are written from: $GITHUB_WORKSPACE in GitHub Actions when `cwd` is
    inside it, else the nearest folder around `cwd` holding `.git`, else `cwd` itself."""
    import os

    here = os.path.realpath(cwd)
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        root = os.path.realpath(workspace)
        if os.path.commonpath([here, root]) == root:
            return root
    folder = here
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return here
        folder = parent


# A file's part: text, or for JSON its UTF-8 bytes; only its own format's `assemble` reads it.
FileRenderer = Callable[["FileReport", RenderOptions], str | bytes]

# name -> (module, what it is for)
FORMATS: dict[str, tuple[str, str]] = {
    "terminal": ("podcheck.render.formats.terminal", "a readable report for people (default)"),
    "json": ("podcheck.render.formats.json", "the JSON report"),
    "markdown": ("podcheck.render.formats.markdown", "a summary for a pull request or a document"),
    "sarif": ("podcheck.render.formats.sarif", "SARIF 2.1.0 for code scanning"),
    "junit": ("podcheck.render.formats.junit", "JUnit XML for CI test tabs"),
    "github": ("podcheck.render.formats.github", "GitHub Actions annotations"),
}
# Formats written as bytes, to a file: they are not text, so `render` returns bytes for them.
BINARY_FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": ("podcheck.render.formats.xlsx", "an Excel workbook: sheets segments and results"),
}
# The formats that show a no-go file's "to reach go": a run writing none of them does not
# plan it.
SHOW_TO_REACH_GO = frozenset({"terminal", "json", "markdown"})


def relative_uri(path: str, cwd: str, root: str | None = None) -> str:
    """A file's path (given relative to `cwd`) as a URI reference relative to `root`
    (default `cwd`) where it lies below it, else a `file://` URI (a relative reference
    that climbs out of the root is not valid in SARIF)."""
    import os
    from pathlib import Path
    from urllib.parse import quote

    if path == "<stdin>":
        return "stdin"
    absolute = os.path.normpath(os.path.join(cwd, path))
    base = cwd if root is None else root
    relative = os.path.relpath(absolute, base)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_uri()
    if os.path.isabs(path) or os.path.realpath(base) != os.path.realpath(cwd):
        path = relative
    return quote(path.replace(os.sep, "/"))


def _module(name: str) -> str:
    return (FORMATS.get(name) or BINARY_FORMATS[name])[0]


def file_renderer(name: str) -> FileRenderer | None:
    """How the format writes one file's part, or None if it is written only whole."""
    render_file: FileRenderer | None = getattr(
        importlib.import_module(_module(name)), "render_file", None
    )
    return render_file


def render(
    name: str,
    report: "Report",
    options: RenderOptions,
    parts: Sequence[str | bytes] | None = None,
) -> str | bytes:
    """The report in format `name`, as text, or as bytes for JSON (UTF-8) and the binary
    formats; `parts`, if given, are its files' parts, already written."""
    module = importlib.import_module(_module(name))
    if parts is None:
        text: str | bytes = module.render(report, options)
    else:
        text = module.assemble(report, parts, options)
    return text
