#!/usr/bin/env bash
# Refresh the pinned browser libraries from the npm registry, with their licences.
# Nothing is ever loaded from a CDN: the files are served from static/vendor/ (tests/vendor/).
set -euo pipefail
cd "$(dirname "$0")/.."

SOCKET_IO_CLIENT=4.8.4
AXE_CORE=4.14.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # package version
  (cd "$work" && npm pack --silent "$1@$2" >/dev/null)
  mkdir -p "$work/$1" && tar -xzf "$work/$1-$2.tgz" -C "$work/$1"
}

fetch socket.io-client "$SOCKET_IO_CLIENT"
mkdir -p static/vendor/socket.io-client
cp "$work/socket.io-client/package/dist/socket.io.min.js" static/vendor/socket.io-client/
cp "$work/socket.io-client/package/LICENSE" static/vendor/socket.io-client/LICENSE
echo "socket.io-client $SOCKET_IO_CLIENT (npm registry)" > static/vendor/socket.io-client/VERSION

fetch axe-core "$AXE_CORE"
mkdir -p tests/vendor/axe-core
cp "$work/axe-core/package/axe.min.js" tests/vendor/axe-core/
cp "$work/axe-core/package/LICENSE" tests/vendor/axe-core/LICENSE
echo "axe-core $AXE_CORE (npm registry)" > tests/vendor/axe-core/VERSION
echo "vendored: socket.io-client $SOCKET_IO_CLIENT, axe-core $AXE_CORE"
