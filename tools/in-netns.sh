#!/usr/bin/env bash
# Runs a command in a loopback-only network namespace, so browser tests (WebRTC included) can only
# reach 127.0.0.1. Needs root (CI and sessions run as root). RAKIS_NO_NETNS=1 runs it in place.
set -euo pipefail
if [ "${RAKIS_NO_NETNS:-}" = "1" ] || [ "${RAKIS_IN_NETNS:-}" = "1" ]; then exec "$@"; fi
if [ "$(id -u)" != "0" ]; then
  echo "in-netns: not root, running without a private namespace (WebRTC may leave loopback)" >&2
  exec "$@"
fi
export RAKIS_IN_NETNS=1
exec unshare -n -- bash -c 'ip link set lo up && exec "$@"' bash "$@"
