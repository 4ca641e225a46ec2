"""`make security`'s dependency check: pip-audit over the installed virtualenv.

Fails (exit 1) when an installed package has a known vulnerability. When no vulnerability
service can be reached -- pip-audit asks PyPI's JSON API, then OSV; some networks only
mirror PyPI's simple index -- it says so plainly and exits 0: an unreachable service is
not a finding, but it is not a pass either, and the output says which.

    python -m tests.security.audit_dependencies
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

PIP_AUDIT = os.path.join(os.path.dirname(sys.executable), "pip-audit")
SERVICES = ("pypi", "osv")
NOT_AUDITED = "could not be audited"


def run(service: str) -> tuple[dict | None, str]:
    """pip-audit's JSON report from one vulnerability service, or None and why not."""
    try:
        # Bandit B603 accepted: a fixed command line, our own pip-audit with our own arguments.
        done = subprocess.run(  # nosec B603
            [PIP_AUDIT, "--vulnerability-service", service, "--skip-editable", "--format", "json",
             "--progress-spinner", "off"], capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return None, f"{service}: no answer within 600 s"
    try:
        return json.loads(done.stdout), ""
    except ValueError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"{service}: {last[:300]}"


def main() -> int:
    reasons = []
    for service in SERVICES:
        report, reason = run(service)
        if report is None:
            reasons.append(reason)
            continue
        packages = report["dependencies"]
        skipped = [p for p in packages if NOT_AUDITED in (p.get("skip_reason") or "")]
        audited = [p for p in packages if "skip_reason" not in p]
        if not audited:
            reasons.append(f"{service}: none of {len(packages)} packages could be looked up")
            continue
        vulnerable = [p for p in audited if p.get("vulns")]
        for package in vulnerable:
            for vuln in package["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
                print(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
        note = f", {len(skipped)} not found there" if skipped else ""
        print(f"pip-audit ({service}): {len(audited)} packages audited{note}, {len(vulnerable)} vulnerable")
        return 1 if vulnerable else 0
    print("pip-audit: NOT AUDITED -- no vulnerability service could be reached from this machine:")
    for reason in reasons:
        print(f"  {reason}")
    print("  (not a failure of the code; run `make security` where PyPI's JSON API or OSV answers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
