#!/usr/bin/env bash
# Makes the README's screenshots: launches the real app in a real (virtual) X window at 1600x1000, lets it drive
# itself through each main view on a sample model, and writes one PNG per view into screenshots/; then the same at
# 1280x800 into screenshots/1280x800/ (SKIP_SMALL=1 skips that second set).
# Usage: screenshots/make.sh [SAMPLE]   (default: residual)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
missing=()
command -v xvfb-run >/dev/null || missing+=(xvfb xauth)
dpkg -s libgtk-3-0 >/dev/null 2>&1 || missing+=(libgtk-3-0)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (needs root)..." >&2
  apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
fi
if [ "${SKIP_BUILD:-}" != 1 ]; then
  mvn -q -B -pl app -am package -DskipTests
fi
# One set at 1600x1000 (screenshots/*.png) and the same views at 1280x800, a laptop screen (screenshots/1280x800/).
# The JVM runs as ./zkscope runs the app: a young generation of an eighth of the heap (-XX:NewRatio=7), so the heap
# figures in the pictures come from the JVM a user runs (and the cost model calibrated for it).
shoot() { # SCREEN DIR [extra java options...]
  local screen="$1" dir="$2"
  shift 2
  xvfb-run -a -s "-screen 0 ${screen}x24" \
    java -Xmx3g -XX:NewRatio=7 -Dzkscope.screenshots="$dir" -Dzkscope.screenshots.model="$model" \
         -Dzkscope.samples="$here/samples" -Dprism.order=sw "$@" ${SCREENSHOT_OPTS:-} \
         -cp "app/target/zkscope-app-0.1.0-SNAPSHOT.jar:app/target/lib/*" dev.zkscope.app.Launcher
}
model="${1:-residual}"
shoot 1600x1000 "$here/screenshots"
if [ "${SKIP_SMALL:-}" != 1 ]; then
  shoot 1280x800 "$here/screenshots/1280x800" -Dzkscope.window=1280x800
  # The README's two small pictures, by their old names.
  cp "$here/screenshots/1280x800/layers.png" "$here/screenshots/small-1280x800-layers.png"
  cp "$here/screenshots/1280x800/settings.png" "$here/screenshots/small-1280x800-settings.png"
fi
ls -1 "$here"/screenshots/*.png "$here"/screenshots/1280x800/*.png 2>/dev/null
