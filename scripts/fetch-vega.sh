#!/usr/bin/env bash
# Fetches the pinned Vega, Vega-Lite and vega-embed builds that `clinbench report` inlines into
# its HTML (so the report opens offline), once, into a cache outside the repository, and prints
# the folder.
#
#   scripts/fetch-vega.sh      idempotent; a complete folder is reused without touching npm
#
# Where: $CLINBENCH_CACHE_DIR/vega (default ~/.cache/clinbench/vega), which is where
# `clinbench report` looks unless CLINBENCH_VEGA_DIR names another folder. The folder holds
# vega.min.js, vega-lite.min.js, vega-embed.min.js (the packages' UMD builds) and versions.txt,
# and is marked complete only after every file is in place and every tarball matched its pinned
# sha512, so a killed fetch is redone, never half-used.
set -euo pipefail

# Versions that work together: vega-lite 6.5 needs vega ^6.4; vega-embed 7 takes any.
packages=(
  "vega@6.4.0 sha512-rHXCq2LpEWCLMjXBEj7hocY9G0/i5TGYRayGGSj06VTF4+l2IG2Z7oeZKCjWbUh/7hTE/mVhbaOPB72wCElh6g=="
  "vega-lite@6.5.0 sha512-fMXF6s0MrIg0UTWnLIfeFtgSLzVhyzSKobzGrh5rhS+mL6FOYFG3m7ouJ4U23gj65EK+gl9FIIT5w7wLNaAzkA=="
  "vega-embed@7.3.0 sha512-wQ8s5GaSzqoKgmRfbRolgBrjE2CP7ZKHXqH7NijxMqPjpdWxSs4Dn8tvp9g0giQvh2cK+3p56sxjWWM0wNngGw=="
)

cache=${CLINBENCH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/clinbench}
target="$cache/vega"
log() { echo "[fetch-vega] $*" >&2; }

wanted=$(printf '%s\n' "${packages[@]}" | cut -d' ' -f1)
if [ -f "$target/.complete" ] && [ "$(cat "$target/versions.txt" 2>/dev/null)" = "$wanted" ]; then
  echo "$target"
  exit 0
fi

command -v npm >/dev/null 2>&1 || { log "npm is missing (Debian: apt-get install npm)"; exit 1; }
mkdir -p "$cache"
work=$(mktemp -d "$cache/vega-fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

for entry in "${packages[@]}"; do
  spec=${entry%% *}
  integrity=${entry#* }
  name=${spec%@*}
  log "fetching $spec from npm"
  (cd "$work" && npm pack --silent "$spec" >/dev/null 2>&1) || { log "npm pack $spec failed"; exit 1; }
  tarball=$(ls "$work/$name"-[0-9]*.tgz)
  # node comes with npm, so it hashes (no openssl needed).
  actual=$(node -e 'const c=require("crypto"),f=require("fs");
    process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")
  if [ "$actual" != "$integrity" ]; then
    log "$spec: sha512 mismatch (got $actual, pinned $integrity)"
    exit 1
  fi
  mkdir -p "$work/$name"
  tar -xzf "$tarball" -C "$work/$name" "package/build/$name.min.js"
done

rm -rf "$target"
mkdir -p "$target"
for entry in "${packages[@]}"; do
  spec=${entry%% *}
  name=${spec%@*}
  cp "$work/$name/package/build/$name.min.js" "$target/"
done
echo "$wanted" > "$target/versions.txt"
touch "$target/.complete"
log "installed into $target"
echo "$target"
