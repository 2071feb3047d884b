#!/usr/bin/env bash
# First step of `npm test` and `npm run test:browser`: the browser tests need Debian's Chromium and
# Firefox ESR (and, as root, unshare and ip for tools/in-netns.sh). All present: returns at once.
# Missing: as root with apt-get, installs them (as .ci/run does); otherwise stops with the command to run.
set -euo pipefail
need=""
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need="$need chromium"
[ -x "${FIREFOX_PATH:-/usr/bin/firefox-esr}" ] || need="$need firefox-esr"
if [ "$(id -u)" = "0" ] && [ "${RAKIS_NO_NETNS:-}" != "1" ]; then
  command -v unshare >/dev/null || need="$need util-linux"
  command -v ip >/dev/null || need="$need iproute2"
fi
if [ -z "$need" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "ensure-browsers: installing$need" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $need >/dev/null
  exit 0
fi
echo "ensure-browsers: missing$need; run: sudo apt-get install -y$need" >&2
exit 1
