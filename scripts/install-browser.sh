#!/bin/sh
# Install Debian's chromium for the headless-browser test of the HTML report (tests/browser/).
# Does nothing when chromium is already on PATH. Needs root (or passwordless sudo); otherwise it
# says so and exits 0, and the browser test skips with that reason. CI runs `make install` as
# root, so CI always has the browser.
set -eu
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-browser: chromium is missing and this is not root: the browser test will skip" >&2
    echo "install-browser: to run it: sudo apt-get install --no-install-recommends chromium" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get here: install chromium with your package manager" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium
chromium --version
