#!/usr/bin/env bash
# npm run demo: build kiln, make the offline busybox base in a demo store (.kiln-demo/) when it
# is missing, build examples/Dockerfile with kiln and run the image. Needs root (namespaces,
# overlayfs), Node.js, cc and the static busybox (Debian: busybox-static); no network.
set -euo pipefail
cd "$(dirname "$0")/.."
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
