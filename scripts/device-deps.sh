#!/usr/bin/env bash
# Packs what a GPU machine without network needs to build kevolve into .devdeps/ (git-ignored):
# the workplace's shared set (libclang 16, libcurl headers, Catch2, nlohmann-json, Google
# Benchmark) plus kevolve's other Debian libraries (CLI11, fmt, xxHash, zlib, Eigen, dtl) and bwrap,
# the candidates' sandbox (its libraries, libselinux1, libcap2 and libpcre2-8-0, are part of
# every Ubuntu 24.04).
#
#   scripts/device-deps.sh [path/to/shared/device/pack-deps.sh]
# Then there, with .devdeps carried:
#   source .devdeps/activate.sh && source .devdeps/activate-extra.sh
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared/device/pack-deps.sh}
mkdir -p .git/info && touch .git/info/exclude
bash "$shared"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=(libcli11-dev libfmt-dev libfmt9 libxxhash-dev libxxhash0 zlib1g-dev zlib1g libeigen3-dev
  bubblewrap libdtl-dev)
chmod 777 "$work"  # apt-get download runs as _apt where it can
(cd "$work" && apt-get download "${packages[@]}" >/dev/null)
[ "$(ls "$work"/*.deb | wc -l)" -eq ${#packages[@]} ] || { echo "apt-get download fetched too little" >&2; exit 1; }
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
find "$work/root" -name '*.a' -delete
rm -rf "$work/root/usr/share/doc" "$work/root/usr/share/man"
tar -C "$work/root" -cJf .devdeps/extra.tar.xz .
cat > .devdeps/activate-extra.sh <<'ACTIVATE'
# Unpacks kevolve's extra libraries next to the shared ones and adds their paths.
KV_EXTRA=/opt/kvdeps-extra
if [ ! -f "$KV_EXTRA/.unpacked" ]; then
  mkdir -p "$KV_EXTRA" && tar -C "$KV_EXTRA" -xJf .devdeps/extra.tar.xz && touch "$KV_EXTRA/.unpacked"
fi
export CMAKE_PREFIX_PATH="$KV_EXTRA/usr${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
export LD_LIBRARY_PATH="$KV_EXTRA/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$PATH:$KV_EXTRA/usr/bin"  # bwrap, after the machine's own
ACTIVATE
du -sh .devdeps
