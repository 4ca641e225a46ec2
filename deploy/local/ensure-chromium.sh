#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the portal's browser tests
# (Playwright drives it; Playwright's own browser download is never used).
# Idempotent: does nothing when the binary is there. Needs root or sudo -n.
set -euo pipefail

binary=${SPORTELLO_CHROMIUM:-/usr/bin/chromium}
[[ -x $binary ]] && exit 0

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }

echo "ensure-chromium: installing chromium (Debian package)..."
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root apt-get install -y -qq chromium >/dev/null
if [[ ! -x $binary ]]; then
  echo "ensure-chromium: $binary is still missing after installing chromium" >&2
  exit 1
fi
