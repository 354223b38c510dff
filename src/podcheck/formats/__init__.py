"""Output formats: one pure `render(report, options) -> str` per format, chosen by name.

The table feeds `--format`. Modules are imported only when their format is used, so a
JSON run in CI never pays for rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from podcheck.report import Report


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    verbose: bool = False


Renderer = Callable[[Report, RenderOptions], str]

# name -> (module, what it is for)
FORMATS: dict[str, tuple[str, str]] = {
    "terminal": ("podcheck.formats.terminal", "a readable report for people (default)"),
    "json": ("podcheck.formats.json", "the JSON report of shared/spec/report.md"),
}


def renderer(name: str) -> Renderer:
    module_name, _ = FORMATS[name]
    return importlib.import_module(module_name).render  # type: ignore[no-any-return]
