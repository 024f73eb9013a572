#!/usr/bin/env bash
# Takes a screenshot of an HTML file with headless Chromium: ci/screenshot.sh <html>[#route] <png>
# (a #route opens a page of a single-page report, e.g. allure.html#testresult/<uid>)
# Installs Debian's chromium with apt when (and only when) it is missing. Exits non-zero when
# the PNG was not written or is too small to show a page (a blank or failed render), so CI can
# use it as a check that a report renders.
#   SCREENSHOT_SIZE=1400,900       window size (width,height)
#   SCREENSHOT_WAIT_MS=5000        virtual time a page's scripts get before the shot (Allure needs it)
#   SCREENSHOT_MIN_BYTES=10000     smallest PNG taken as a rendered page
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: ci/screenshot.sh <html> <png>" >&2
  exit 2
fi
html="${1%%#*}"
fragment=""
case "$1" in *#*) fragment="#${1#*#}" ;; esac
png="$2"
size="${SCREENSHOT_SIZE:-1400,900}"
wait_ms="${SCREENSHOT_WAIT_MS:-5000}"
min_bytes="${SCREENSHOT_MIN_BYTES:-10000}"

if [ ! -f "$html" ]; then
  echo "ci/screenshot.sh: $html is not a file" >&2
  exit 2
fi

browser=""
for b in chromium chromium-browser; do
  if command -v "$b" >/dev/null; then browser="$b"; break; fi
done
if [ -z "$browser" ]; then
  echo "ci/screenshot.sh: installing chromium" >&2
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  {
    "${as_root[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends chromium
  } >&2
  browser=chromium
fi

html_abs="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
mkdir -p "$(dirname "$png")"
png_abs="$(cd "$(dirname "$png")" && pwd)/$(basename "$png")"
rm -f "$png_abs"

profile="$(mktemp -d "${TMPDIR:-/tmp}/pvh-chromium.XXXXXX")"
trap 'rm -rf "$profile"' EXIT

# Bounded: a browser that hangs must not hang CI. Its chatter goes to a log shown on failure.
status=0
timeout --kill-after=10 120 "$browser" \
  --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --virtual-time-budget="$wait_ms" \
  --user-data-dir="$profile" --window-size="$size" \
  --screenshot="$png_abs" "file://$html_abs$fragment" >"$profile/browser.log" 2>&1 || status=$?

if [ ! -s "$png_abs" ]; then
  echo "ci/screenshot.sh: no screenshot written (browser exit $status); its output:" >&2
  tail -n 30 "$profile/browser.log" >&2
  exit 1
fi
bytes=$(stat -c %s "$png_abs")
if [ "$(head -c 8 "$png_abs" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
  echo "ci/screenshot.sh: $png_abs is not a PNG" >&2
  exit 1
fi
if [ "$bytes" -lt "$min_bytes" ]; then
  echo "ci/screenshot.sh: $png_abs is only $bytes bytes (< $min_bytes): the page did not render" >&2
  exit 1
fi
echo "screenshot: $png_abs ($bytes bytes)"
