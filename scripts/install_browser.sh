#!/usr/bin/env bash
# Installs Debian's chromium and CJK fonts for the dashboard's real-browser tests, when missing.
# Playwright's own browser download does not work offline, so tests drive /usr/bin/chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "install_browser: chromium and fonts-noto-cjk are missing and cannot be installed here (need root + apt);" \
       "browser tests will be skipped." >&2
  exit 0
fi
echo "install_browser: installing chromium and fonts-noto-cjk …"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
