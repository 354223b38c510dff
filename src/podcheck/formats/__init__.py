"""Output formats: one pure `render(report, options) -> str` per format, chosen by name.

The table feeds `--format`. Modules are imported only when their format is used, so a
JSON run in CI never pays for rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads this table at start-up; keep it free of heavy imports
    from podcheck.report import Report


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    verbose: bool = False


Renderer = Callable[["Report", RenderOptions], str]

# name -> (module, what it is for)
FORMATS: dict[str, tuple[str, str]] = {
    "terminal": ("podcheck.formats.terminal", "a readable report for people (default)"),
    "json": ("podcheck.formats.json", "the JSON report"),
    "markdown": ("podcheck.formats.markdown", "a summary for a pull request or a document"),
}


def renderer(name: str) -> Renderer:
    module_name, _ = FORMATS[name]
    return importlib.import_module(module_name).render  # type: ignore[no-any-return]
