"""`podcheck rules`, `explain` and `schema`: the rule catalogue and the org format."""

import sys
from typing import Annotated

import typer

from podcheck.cli.common import load_settings, terminal_width, usage_error
from podcheck.cli.options import ConfigOption, ListFormat


def schema_command() -> None:
    """Print the JSON Schema of the org format (for editors and other validators)."""
    from podcheck.orgfile.schema import render

    sys.stdout.write(render())


def rules_command(
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.terminal,
    config: ConfigOption = None,
) -> None:
    """List every rule: code, name, severity, threshold and what it checks."""
    from podcheck.render import catalogue_view

    rules = load_settings(config).rules
    if output_format is ListFormat.json:
        sys.stdout.write(catalogue_view.rules_json(rules))
    else:
        sys.stdout.write(catalogue_view.rules_table(rules, terminal_width()))


def explain_command(
    code: Annotated[str, typer.Argument(help="A rule code (POD101) or name (acv-floor).")],
    config: ConfigOption = None,
) -> None:
    """Explain one rule: what it checks, its threshold, why, and where the figure comes from."""
    import difflib

    from podcheck.render import catalogue_view

    rules = load_settings(config).rules
    wanted = code.strip()
    for rule in rules:
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            sys.stdout.write(catalogue_view.explain(rule))
            return
    names = [r.code for r in rules] + [r.name for r in rules]
    close = difflib.get_close_matches(wanted, names, n=1)
    hint = f"; did you mean {close[0]}?" if close else "; 'podcheck rules' lists them"
    usage_error(f"no rule '{code}'{hint}")
