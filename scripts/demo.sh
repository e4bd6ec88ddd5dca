#!/usr/bin/env bash
# npm run demo: build kiln, make the offline busybox base in a demo store (.kiln-demo/) when it
# is missing, build examples/Dockerfile with kiln and run the image. Needs root (namespaces,
# overlayfs), Node.js, cc and the static busybox (Debian: busybox-static); no network.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "demo: RUN steps need root (mount namespaces, overlayfs): run it as root, e.g. sudo npm run demo" >&2
  exit 1
fi
# the base image is made from the host's static busybox (fixtures/images/make-busybox-rootfs.sh)
busybox=${BUSYBOX:-/bin/busybox}
if [ ! -x "$busybox" ]; then
  if [ -n "${BUSYBOX:-}" ]; then
    echo "demo: BUSYBOX=$BUSYBOX is not an executable" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "demo: $busybox not found; install a static busybox (Debian/Ubuntu: busybox-static) or set BUSYBOX=/path/to/busybox" >&2
    exit 1
  fi
  echo "demo: $busybox not found: installing Debian's busybox-static (apt-get install -y busybox-static)"
  apt-get install -y busybox-static >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y busybox-static >/dev/null; } || {
    echo "demo: apt-get install busybox-static failed; install it by hand and run npm run demo again" >&2
    exit 1
  }
fi
node scripts/build.mjs
export KILN_ROOT=${KILN_ROOT:-$PWD/.kiln-demo}
if ! dist/kiln inspect kiln.local/busybox:latest >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "demo: creating the busybox base image in $KILN_ROOT"
  sh fixtures/images/make-busybox-rootfs.sh "$tmp/busybox.tar"
  dist/kiln import "$tmp/busybox.tar" kiln.local/busybox:latest -c 'CMD ["sh"]' >/dev/null
fi
dist/kiln build -t kiln-demo examples
echo
echo "demo: dist/kiln run --rm kiln-demo"
dist/kiln run --rm kiln-demo
