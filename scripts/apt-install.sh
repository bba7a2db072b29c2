#!/usr/bin/env bash
# Install Debian packages the setup needs (chromium for the browser tests, gettext for the catalogues).
set -euo pipefail
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "error: missing $*; install them with your package manager (Debian: apt-get install $*)." >&2
  exit 1
fi
echo "Installing $* from Debian's packages..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
