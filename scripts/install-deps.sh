#!/bin/sh
# Installs the Debian 12 packages ctis needs to build, run and test.
# Safe to run again: it installs only what is missing. Needs root (or sudo).
set -eu

PKGS="build-essential pkg-config meson ninja-build clang clang-format
libsodium-dev libsqlite3-dev sqlite3 libpq-dev postgresql postgresql-client
libmicrohttpd-dev libgnutls28-dev libjansson-dev liboath-dev libcmocka-dev
libunistring-dev libclang-rt-14-dev
libcairo2-dev libpango1.0-dev poppler-utils fonts-wqy-microhei
libzip-dev libexpat1-dev libxlsxwriter-dev libglpk-dev
fonts-noto-core fonts-noto-cjk
chromium wrk curl ca-certificates openssl"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

# Node.js may come from another source with its own npm; install Debian's only when absent.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install-deps: installing:$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
