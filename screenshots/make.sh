#!/usr/bin/env bash
# Makes the README's screenshots: launches the real app in a real (virtual) X window at 1600x1000, lets it drive
# itself through each main view on a sample model, and writes one PNG per view into screenshots/.
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
xvfb-run -a -s "-screen 0 1600x1000x24" \
  java -Dzkscope.screenshots="$here/screenshots" -Dzkscope.screenshots.model="${1:-residual}" \
       -Dzkscope.samples="$here/samples" -Dprism.order=sw ${SCREENSHOT_OPTS:-} \
       -cp "app/target/zkscope-app-0.1.0-SNAPSHOT.jar:app/target/lib/*" dev.zkscope.app.Launcher
ls -1 "$here"/screenshots/*.png
