#!/usr/bin/env bash
# The real-model check: fetches the third-party models of models.tsv (fetch.sh), computes ONNX Runtime's outputs on
# seeded inputs (reference.js), then prints, per model, whether zkscope loads it, which ops it lacks, the largest
# absolute difference of its float inference from ONNX Runtime, and whether it quantizes (ThirdPartyCheck).
#   samples/thirdparty/check.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
"$here/fetch.sh" >&2
node "$here/reference.js" 2>&1 | grep -v "W:onnxruntime" >&2
(cd "$root" && mvn -o -q -B -pl prover package -DskipTests && mvn -o -q -B -pl prover test-compile) >&2
exec java ${JAVA_OPTS:--Xmx4g} -cp "$root/prover/target/zkscope.jar:$root/prover/target/test-classes" \
  dev.zkscope.thirdparty.ThirdPartyCheck "$here"
