"""Output formats: one pure `render(report, options) -> str` per format, chosen by name.

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
    from podcheck.judge.report import FileReport, Report


class RenderOptions(NamedTuple):
    color: bool = False
    width: int = 100
    verbose: bool = False
    # Paths in SARIF and annotations are made relative to this directory.
    cwd: str = "."


FileRenderer = Callable[["FileReport", RenderOptions], str]

# name -> (module, what it is for)
FORMATS: dict[str, tuple[str, str]] = {
    "terminal": ("podcheck.render.formats.terminal", "a readable report for people (default)"),
    "json": ("podcheck.render.formats.json", "the JSON report"),
    "markdown": ("podcheck.render.formats.markdown", "a summary for a pull request or a document"),
    "sarif": ("podcheck.render.formats.sarif", "SARIF 2.1.0 for code scanning"),
    "junit": ("podcheck.render.formats.junit", "JUnit XML for CI test tabs"),
    "github": ("podcheck.render.formats.github", "GitHub Actions annotations"),
}
# The formats that show a no-go file's "to reach go": a run writing none of them does not
# plan it.
SHOW_TO_REACH_GO = frozenset({"terminal", "json", "markdown"})


def relative_uri(path: str, cwd: str) -> str:
    """A file's path as a URI reference relative to `cwd` where it lies below it, else a
    `file://` URI (a relative reference that climbs out of `cwd` is not valid in SARIF)."""
    import os
    from pathlib import Path
    from urllib.parse import quote

    if path == "<stdin>":
        return "stdin"
    absolute = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, cwd)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_uri()
    if os.path.isabs(path):
        path = relative
    return quote(path.replace(os.sep, "/"))


def file_renderer(name: str) -> FileRenderer | None:
    """How the format writes one file's part, or None if it is written only whole."""
    render_file: FileRenderer | None = getattr(
        importlib.import_module(FORMATS[name][0]), "render_file", None
    )
    return render_file


def render(
    name: str, report: "Report", options: RenderOptions, parts: Sequence[str] | None = None
) -> str:
    """The report in format `name`; `parts`, if given, are its files' parts, already written."""
    module = importlib.import_module(FORMATS[name][0])
    if parts is None:
        text: str = module.render(report, options)
    else:
        text = module.assemble(report, parts, options)
    return text
