#!/usr/bin/env bash
# Headless Debian Chromium for the dashboard test (GenesisDashboardIT), installed on demand.
#
#   chromium.sh ensure           install Debian's chromium if it is missing (needs root and apt);
#                                exit 3 with the reason on stdout when it cannot be had
#   chromium.sh dom URL          print the DOM of URL after load (--dump-dom)
#   chromium.sh shot URL FILE    write a 1280x900 PNG screenshot of URL to FILE
#
# Only localhost URLs are accepted: tests never browse anywhere else. Every run is bounded (60 s)
# and uses a fresh profile, with Chromium's own background networking off.
set -euo pipefail

die3() { echo "$*"; exit 3; }

find_chromium() { command -v chromium || command -v chromium-browser || true; }

ensure() {
  [ -n "$(find_chromium)" ] && { echo "chromium: $(find_chromium)"; return 0; }
  [ "$(id -u)" = 0 ] || die3 "chromium is not installed and installing it needs root (apt-get install chromium)"
  command -v apt-get >/dev/null || die3 "chromium is not installed and there is no apt-get to install it"
  # bounded: a machine without its package mirror fails here, reported as the reason
  if ! timeout 300 apt-get update -qq >/tmp/p2pnet-chromium-apt.log 2>&1 \
     || ! DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq chromium >>/tmp/p2pnet-chromium-apt.log 2>&1; then
    die3 "installing chromium with apt-get failed: $(tail -3 /tmp/p2pnet-chromium-apt.log | tr '\n' ' ')"
  fi
  [ -n "$(find_chromium)" ] || die3 "apt-get installed chromium but no chromium binary is on PATH"
  echo "chromium: $(find_chromium) (installed)"
}

run_chromium() { # ARGS... (the URL last)
  local url=${*: -1} profile rc
  [[ "$url" =~ ^http://(127\.0\.0\.1|localhost)(:[0-9]+)?/ ]] || { echo "chromium.sh: only localhost URLs, got '$url'" >&2; exit 2; }
  profile=$(mktemp -d /tmp/p2pnet-chromium-XXXXXX)
  set +e
  timeout 60 "$(find_chromium)" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --user-data-dir="$profile" "$@" 2>"$profile.err"
  rc=$?
  set -e
  [ $rc = 0 ] || { echo "chromium failed ($rc): $(tail -5 "$profile.err")" >&2; }
  rm -rf "$profile" "$profile.err"
  return $rc
}

case "${1:-}" in
  ensure) ensure ;;
  dom) [ $# = 2 ] || { echo "usage: chromium.sh dom URL" >&2; exit 2; }; run_chromium --dump-dom "$2" ;;
  shot) [ $# = 3 ] || { echo "usage: chromium.sh shot URL FILE" >&2; exit 2; }
        run_chromium --window-size=1280,900 --hide-scrollbars --screenshot="$3" "$2" ;;
  *) echo "usage: chromium.sh ensure | dom URL | shot URL FILE" >&2; exit 2 ;;
esac
