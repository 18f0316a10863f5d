#!/usr/bin/env bash
# Compares zkscope's R1CS estimate with the constraint count circom reports for the same layers.
# Needs node and npm (not needed by CI: CircomResultsTest reads the committed results.json).
# Usage: bench/circom/run.sh   (from anywhere; writes bench/circom/results.json)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
[ -x node_modules/.bin/circom2 ] || npm install --no-audit --no-fund
jar="$root/prover/target/zkscope.jar"
[ -f "$jar" ] || (cd "$root" && mvn -o -q -B package -DskipTests -pl prover)
mkdir -p build
version="$(node -e 'console.log(require("./node_modules/circom2/package.json").version)')"
run_model() { # MODEL LAYER...
    local model="$1"; shift
    java -Xmx1g -cp "$jar" dev.zkscope.compile.estimate.CircomExport "$root/samples/$model.onnx" build "$@"
}
{
    run_model cnn /conv1/Conv /Relu /fc/Gemm
    run_model mlp /fc1/Gemm /Relu
} > build/estimates.jsonl
out="results.json"
echo "[" > "$out.tmp"
first=1
while IFS= read -r line; do
    circuit="$(node -e 'console.log(JSON.parse(process.argv[1]).circuit)' "$line")"
    for level in O1 O2; do
        log="$(node_modules/.bin/circom2 "build/$circuit.circom" --r1cs "--$level" -l node_modules/circomlib/circuits -o build 2>&1)"
        nl="$(echo "$log" | sed -n 's/.*non-linear constraints: \([0-9]*\).*/\1/p')"
        li="$(echo "$log" | sed -n 's/.*linear constraints: \([0-9]*\).*/\1/p' | tail -1)"
        [ -n "$nl" ] || { echo "$log" >&2; exit 1; }
        eval "nl_$level=$nl; li_$level=$li"
    done
    [ $first = 1 ] || echo "," >> "$out.tmp"
    first=0
    node -e 'const o = JSON.parse(process.argv[1]);
        o.circom2 = process.argv[2];
        o.circom_O2_nonlinear = +process.argv[3]; o.circom_O2_linear = +process.argv[4];
        o.circom_O1_nonlinear = +process.argv[5]; o.circom_O1_linear = +process.argv[6];
        o.error_vs_O2 = +((o.zkscope_r1cs_estimate - o.circom_O2_nonlinear - o.circom_O2_linear)
            / (o.circom_O2_nonlinear + o.circom_O2_linear)).toFixed(4);
        process.stdout.write("  " + JSON.stringify(o));' "$line" "$version" "$nl_O2" "$li_O2" "$nl_O1" "$li_O1" >> "$out.tmp"
done < build/estimates.jsonl
printf "\n]\n" >> "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
