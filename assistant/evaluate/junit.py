"""JUnit XML for CI: one ``<testsuite>`` per set, one ``<testcase>`` per case.

Failed checks become ``<failure>``, crashes ``<error>``. Built with ElementTree, which escapes
text and attributes; characters XML 1.0 forbids are dropped first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: object) -> str:
    return _BAD_XML.sub("", str(text))


def _case_text(case: dict) -> str:
    lines = [f"question: {case['question']}"]
    for turn in case.get("history") or []:
        lines.append(f"history[{turn['role']}]: {turn['content']}")
    lines.append(f"expect: {case.get('expect')}")
    answer = case.get("answer")
    if isinstance(answer, dict):
        triage = answer.get("triage") or {}
        lines.append(f"outcome: {answer.get('outcome')}  triage: {triage.get('level')}")
        if triage.get("message"):
            lines.append(f"triage message: {triage['message']}")
        lines.append(f"answer: {answer.get('answer')}")
        for c in answer.get("citations") or []:
            lines.append(f'[{c.get("n")}] {c.get("article")} - {c.get("section")}: "{c.get("quote")}"')
    return "\n".join(lines)


def to_junit(document: dict) -> str:
    cases = document["cases"]
    by_set: dict[str, list[dict]] = {}
    for case in cases:
        by_set.setdefault(case["set"], []).append(case)

    root = ET.Element(
        "testsuites",
        {
            "name": "sciatica-assistant eval",
            "tests": str(len(cases)),
            "failures": str(sum(c["status"] == "fail" for c in cases)),
            "errors": str(sum(c["status"] == "error" for c in cases)),
            "time": f"{sum(c.get('wall_ms', 0) for c in cases) / 1000:.3f}",
        },
    )
    for set_name in sorted(by_set):
        group = by_set[set_name]
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _clean(set_name),
                "tests": str(len(group)),
                "failures": str(sum(c["status"] == "fail" for c in group)),
                "errors": str(sum(c["status"] == "error" for c in group)),
                "skipped": "0",
                "time": f"{sum(c.get('wall_ms', 0) for c in group) / 1000:.3f}",
            },
        )
        for case in sorted(group, key=lambda c: c["id"]):
            tc = ET.SubElement(
                suite,
                "testcase",
                {
                    "classname": _clean(f"eval.{set_name}"),
                    "name": _clean(case["id"]),
                    "file": _clean(case.get("source", "").rsplit(":", 1)[0]),
                    "time": f"{case.get('wall_ms', 0) / 1000:.3f}",
                },
            )
            if case["status"] == "fail":
                node = ET.SubElement(
                    tc, "failure", {"message": _clean("; ".join(case["reasons"])), "type": "EvalFailure"}
                )
                node.text = _clean("\n".join(case["reasons"]))
            elif case["status"] == "error":
                node = ET.SubElement(tc, "error", {"message": _clean(case["error"]), "type": "EvalError"})
                node.text = _clean(case.get("traceback") or case["error"])
            out = ET.SubElement(tc, "system-out")
            out.text = _clean(_case_text(case))

    summary = document.get("summary") or {}
    missed = [t for t in summary.get("thresholds", []) if not t["ok"]]
    if summary.get("thresholds"):
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": "thresholds",
                "tests": str(len(summary["thresholds"])),
                "failures": str(len(missed)),
                "errors": "0",
                "skipped": "0",
                "time": "0.000",
            },
        )
        for t in summary["thresholds"]:
            tc = ET.SubElement(
                suite, "testcase", {"classname": "eval.thresholds", "name": _clean(t["threshold"]), "time": "0.000"}
            )
            if not t["ok"]:
                actual = "no data" if t["actual"] is None else f"{t['actual']:g}"
                ET.SubElement(
                    tc, "failure", {"message": _clean(f"{t['threshold']}: actual {actual}"), "type": "ThresholdMissed"}
                )
        root.set("tests", str(int(root.get("tests", "0")) + len(summary["thresholds"])))
        root.set("failures", str(int(root.get("failures", "0")) + len(missed)))

    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: Path, document: dict) -> None:
    Path(path).write_text(to_junit(document), encoding="utf-8")
