#!/usr/bin/env python3
"""Say plainly what pip-audit checked: how many pins were audited, which were skipped and why, and every finding.

pip-audit's own text output ends with "No known vulnerabilities found" even when it could audit nothing (a registry
that serves no per-release data answers "not found" for every pin). This summary keeps that from reading as clean:
it fails on any vulnerability and names the pins it could not audit. Hand-written because pip-audit has no summary
of skipped pins (its --strict flag fails the run instead, which a machine without the vulnerability data always would).
"""

import json
import sys


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    findings = [(d["name"], d.get("version", ""), v) for d in deps for v in d.get("vulns", [])]
    print(f"pip-audit: {len(deps) - len(skipped)} of {len(deps)} pins audited, {len(findings)} known vulnerabilities.")
    if skipped:
        print(f"pip-audit: {len(skipped)} pins could not be audited here (no vulnerability data reachable), e.g.:")
        for dep in skipped[:3]:
            print(f"  {dep['skip_reason']}")
    for name, version, vuln in findings:
        print(f"  {name} {version}: {vuln.get('id')} fixed in {', '.join(vuln.get('fix_versions', [])) or '-'}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
