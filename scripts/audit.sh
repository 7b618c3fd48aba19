#!/usr/bin/env bash
# Audit the installed environment's packages for known vulnerabilities with pip-audit.
#
#   bash scripts/audit.sh        # audits .venv (AIANIMALS_AUDIT_PYTHON=… for another one)
#
# pip-audit runs from its own virtual environment (var/tools/pip-audit, made on first use;
# PIP_AUDIT=/path/to/pip-audit to use another), so the audited environment stays as it is.
# It asks a vulnerability service (AIANIMALS_AUDIT_SERVICE: pypi, the default, or osv) about
# every installed package; that needs the network. When the service cannot be reached —
# pip-audit fails to connect, or reports every package as "not found" (a proxy answering
# 404), which it would otherwise count as "No known vulnerabilities found" — the audit did
# not run: this script says "not run: no network" and exits 2, or 0 when
# AIANIMALS_AUDIT_OFFLINE_OK=1.
#
# Exit codes: 0 no known vulnerabilities (or not run and allowed), 1 vulnerabilities found,
# 2 not run. AIANIMALS_AUDIT_IGNORE="ID ID…" ignores vulnerabilities by id (say why in git).
set -uo pipefail
cd "$(dirname "$0")/.."

audited_python=${AIANIMALS_AUDIT_PYTHON:-.venv/bin/python}
tool_venv=${AIANIMALS_AUDIT_VENV:-var/tools/pip-audit}
service=${AIANIMALS_AUDIT_SERVICE:-pypi}

not_run() {
  echo "audit: not run: $1"
  if [ "${AIANIMALS_AUDIT_OFFLINE_OK:-}" = "1" ]; then
    echo "audit: AIANIMALS_AUDIT_OFFLINE_OK=1, so this is not a failure"
    exit 0
  fi
  exit 2
}

if [ ! -x "$audited_python" ]; then
  echo "audit: no Python at $audited_python (make the venv first: make test)" >&2
  exit 2
fi

pip_audit=${PIP_AUDIT:-}
if [ -z "$pip_audit" ]; then
  pip_audit=$tool_venv/bin/pip-audit
  if [ ! -x "$pip_audit" ]; then
    echo "audit: installing pip-audit into $tool_venv"
    if ! "$audited_python" -m venv "$tool_venv" >/dev/null ||
      ! "$tool_venv/bin/python" -m pip install --quiet "pip-audit>=2.10,<3" >/dev/null 2>&1; then
      not_run "no network (pip-audit could not be installed)"
    fi
  fi
fi

# Every installation path of the audited environment (purelib and platlib may differ).
mapfile -t paths < <("$audited_python" -c '
import sysconfig
for path in dict.fromkeys((sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])):
    print(path)
')
path_args=()
for path in "${paths[@]}"; do path_args+=(--path "$path"); done
ignore_args=()
for id in ${AIANIMALS_AUDIT_IGNORE:-}; do ignore_args+=(--ignore-vuln "$id"); done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$pip_audit" "${path_args[@]}" "${ignore_args[@]}" --skip-editable --format json \
  --vulnerability-service "$service" --progress-spinner off --timeout 15 \
  --output "$work/report.json" 2>"$work/stderr"
status=$?

if [ ! -s "$work/report.json" ]; then
  if grep -qiE "ConnectionError|NameResolution|Max retries|timed out|Temporary failure" \
    "$work/stderr"; then
    not_run "no network (the $service vulnerability service could not be reached)"
  fi
  echo "audit: pip-audit failed (exit $status):" >&2
  tail -n 20 "$work/stderr" >&2
  exit 2
fi

# Judge the report: every package skipped as "not found" means the service never answered.
"$audited_python" - "$work/report.json" "$service" <<'PY'
import json
import sys

report = json.load(open(sys.argv[1], encoding="utf-8"))
service = sys.argv[2]
dependencies = report.get("dependencies", [])
skipped = [d for d in dependencies if "skip_reason" in d]
audited = [d for d in dependencies if "skip_reason" not in d]
vulnerable = [d for d in audited if d.get("vulns")]
if dependencies and not audited:
    reasons = [d["skip_reason"] for d in skipped]
    reason = next((r for r in reasons if "not found" in r), reasons[0])
    print(f"audit: every one of {len(dependencies)} packages was skipped "
          f"(e.g. {reason}): the {service} service did not answer")
    sys.exit(3)
for dependency in vulnerable:
    for vuln in dependency["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
        print(f"audit: {dependency['name']} {dependency['version']}: {vuln['id']} "
              f"(fixed in: {fixes})")
others = f"; {len(skipped)} skipped: " + ", ".join(d["name"] for d in skipped) if skipped else ""
count = sum(len(d["vulns"]) for d in vulnerable)
print(f"audit: {len(audited)} package(s) audited against {service}: "
      f"{count} known vulnerabilit{'y' if count == 1 else 'ies'}{others}")
sys.exit(1 if vulnerable else 0)
PY
verdict=$?
if [ "$verdict" -eq 3 ]; then
  not_run "no network (every package was reported as not found)"
fi
exit "$verdict"
