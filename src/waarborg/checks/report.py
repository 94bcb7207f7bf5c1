"""Findings written out for the command line: text, JSON, or JUnit XML for a CI job."""

import json
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from waarborg.checks.engine import ERROR, SEVERITY_LABELS
from waarborg.core.citations import cite


def as_text(findings, source):
    lines = []
    for f in findings:
        label = str(SEVERITY_LABELS[f.severity]).upper()
        guidance = ", " + _("guidance") if f.rule.guidance else ""
        lines.append(
            f"{label}: {f.location}: {f.name}: {f.message} [{cite(f.rule.article)}{guidance}]"
        )
        lines.append(f"    {f.rule.title}. {f.rule.explanation} ({f.rule.id})")
    errors = sum(f.severity == ERROR for f in findings)
    lines.append(
        _("%(source)s: %(count)s findings, %(errors)s errors")
        % {"source": source, "count": len(findings), "errors": errors}
    )
    return "\n".join(lines) + "\n"


def as_json(findings, source):
    data = {"source": source, "findings": [f.as_dict() for f in findings]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def as_junit(findings, source):
    """One test case per rule and object; errors fail, warnings and notes pass with output."""
    suite = ElementTree.Element(
        "testsuite",
        name=f"waarborg check {source}",
        tests=str(len(findings)),
        failures=str(sum(f.severity == ERROR for f in findings)),
    )
    for f in findings:
        case = ElementTree.SubElement(suite, "testcase", classname=f.rule.id, name=f.location)
        text = f"{f.name}: {f.message} [{cite(f.rule.article)}] {f.rule.explanation}"
        if f.severity == ERROR:
            failure = ElementTree.SubElement(case, "failure", message=str(f.message))
            failure.text = text
        else:
            ElementTree.SubElement(case, "system-out").text = f"{f.severity}: {text}"
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


FORMATS = {"text": as_text, "json": as_json, "junit": as_junit}
