#!/usr/bin/env bash
# Debian's headless Chromium for the docs-site test. Browser test tools must not download a browser of
# their own (no network but the package registries), so the test drives this one.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: /usr/bin/chromium is missing; install it with: sudo apt-get install chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
