"""JUnit XML: one test suite per file, one test case per rule result.

Failed error and warning results are failures; skipped and waived ones are skipped (with
the reason); an info result that fails is reported in the case's output, because info
never fails anything. A file with input errors is one case with one error that lists them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from podcheck.core import inert
from podcheck.core.errors import count_errors
from podcheck.core.units import expectation, write
from podcheck.judge.report import FileReport, Report, Result
from podcheck.render.formats import RenderOptions
from podcheck.review.shaping import notes


def _case_name(result: Result) -> str:
    where = result.segment or "org"
    if result.pod:
        where += f"/{result.pod}"
    return f"{result.rule} {result.name} [{where}]"


def _suite(file: FileReport, compare: dict[str, str]) -> ET.Element:
    suite = ET.Element("testsuite", name=file.path)
    failures = errors = skipped = 0
    if file.verdict == "error":
        case = ET.SubElement(suite, "testcase", classname="podcheck.input", name="input is valid")
        # One <error> with every message: most CI test tabs show only a case's first one.
        count = len(file.errors)
        summary = file.errors[0].message if count == 1 else count_errors(file.errors)
        ET.SubElement(case, "error", message=summary, type="input-error").text = "\n".join(
            f"{file.path}:{e.line}:{e.column}: {e.message}" for e in file.errors
        )
        errors = 1
    export = file.export
    if export is not None and export.incomplete:
        # Rows left unread are an error of the input, not a pass: one case says so.
        case = ET.SubElement(
            suite, "testcase", classname="podcheck.export", name="every export row is read"
        )
        ET.SubElement(
            case, "error", message=export.line, type="export-incomplete"
        ).text = f"{export.path}: {file.verdict.upper()}: {export.line}"
        errors += 1
    for result in file.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"podcheck.{result.segment or 'org'}",
            name=_case_name(result),
        )
        evidence = (
            f"{file.path}:{result.line}:{result.column}: {result.message} "
            f"(actual {write(result.unit, result.actual)}; needed "
            f"{expectation(compare[result.rule], result.unit, result.threshold)})"
        )
        if result.status == "fail" and result.severity != "info":
            failures += 1
            ET.SubElement(
                case, "failure", message=result.message, type=result.severity
            ).text = evidence
        elif result.status == "fail":
            ET.SubElement(case, "system-out").text = f"info: {evidence}"
        elif result.status == "skip":
            skipped += 1
            ET.SubElement(case, "skipped", message=result.message)
        elif result.status == "waived":
            skipped += 1
            ET.SubElement(case, "skipped", message=f"waived: {result.waiver}")
    tests = len(file.results) + errors
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    return suite


def render(report: Report, options: RenderOptions) -> str:
    compare = {rule.code: rule.compare for rule in report.rules}
    root = ET.Element("testsuites", name="podcheck")
    suites = [_suite(file, compare) for file in report.files]
    # As pytest's xunit2 writes it: a strict (Jenkins) schema allows no `skipped` here.
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    shaped = notes(report)
    messages = [n.message for n in report.notices] + [note.text for note in shaped]
    # Suites carry the run's notes as properties, which CI test views list with the suite,
    # and the notes and waiver notices as output: <testsuites> may hold suites only.
    for suite in suites:
        if shaped:
            properties = ET.Element("properties")
            for note in shaped:
                ET.SubElement(properties, "property", name=f"podcheck.{note.kind}", value=note.text)
            suite.insert(0, properties)
        if messages:
            ET.SubElement(suite, "system-out").text = "\n".join(messages)
    root.extend(suites)
    ET.indent(root)
    # Characters XML cannot hold are among those `inert` escapes.
    text = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + inert.plain(text) + "\n"
