#!/usr/bin/env bash
# Batch throughput on Apache Spark against one plain JVM, for the lead to re-run on a quiet machine.
#
#   cluster/bench.sh [N]                 N proofs per batch (default 100)
#
# For each model (MODELS, default "mlp cnn lenet5": the digits samples and the zoo's LeNet-5) and each runner (RUNNERS,
# default "plain local[1] local[2]": this JVM without Spark, embedded Spark with 1 and 2 executor slots), proves the
# same N inputs with `zkscope prove-batch` in a fresh JVM (-Xmx$XMX, default 3g) and prints one markdown row: proofs
# per minute over the run's proving wall (what prove-batch prints), the span of the tasks (first start to last end,
# from the manifest), the sum and median of the task times, the process's wall time, and the overhead of each Spark
# runner against the plain JVM on the span and on the whole process. Each batch starts in an empty directory, so
# nothing is skipped. PRESET (default standard) picks the proof parameters.
#
#   SEGMENTED="lenet5:2^15 gpt2tiny:2^15" cluster/bench.sh 0
#                                        proves one inference of each zoo model segmented (--max-rows ROWS) in one JVM
#                                        and on local[2] (-Xmx$XMX_SEG, default 8g) and prints a markdown table: prover
#                                        rounds, whole run, process wall, peak heap, bundle size, verify verdict.
#                                        local[2] proves two segments at once only when the cost model predicts that
#                                        two fit in 3/4 of the free heap (else fewer; the "at once" column says).
#   RESNET=1 cluster/bench.sh 0          adds ResNet-8 at MAX_ROWS_RESNET (default 2^18: one of its layers needs 2^18
#                                        rows alone) under -Xmx$XMX_RESNET (default 18g: a 2^18 segment peaks at about
#                                        14 GiB, so local[2] runs one at a time below about 38g); run it alone.
#
# The zoo models are generated first when missing (/usr/bin/python3 samples/zoo/make_zoo.py). Work files go to
# ${BENCH_DIR:-$(mktemp -d)}; they are removed at the end unless KEEP=1.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-100}"
models="${MODELS:-mlp cnn lenet5}"
runners="${RUNNERS:-plain local[1] local[2]}"
xmx="${XMX:-3g}"
preset="${PRESET:-standard}"
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
cd "$here"
if [ ! -f samples/zoo/lenet5.onnx ] || [ ! -f samples/zoo/resnet8.onnx ]; then
  /usr/bin/python3 samples/zoo/make_zoo.py >&2
fi
./zkscope --version >/dev/null # builds once, outside the measured runs

# The model file and N inputs for each model: the digits samples' test sets, and LeNet-5's 16 calibration images
# repeated to N rows (each row is its own input id and proof).
inputs_of() {
  case "$1" in
    lenet5)
      /usr/bin/python3 - "$n" "$work/lenet5.inputs.npy" <<'PY'
import sys, numpy as np
x = np.load("samples/zoo/lenet5.calib.npy")
n = max(1, int(sys.argv[1]))
np.save(sys.argv[2], np.concatenate([x] * (n // len(x) + 1))[:n])
PY
      echo "samples/zoo/lenet5.onnx $work/lenet5.inputs.npy --calibration samples/zoo/lenet5.calib.npy" ;;
    *) echo "samples/$1.onnx samples/$1.testset.json" ;;
  esac
}

# Figures of one batch directory: proved, run wall (s), span (s), sum of task times (s), median task (ms).
figures() {
  /usr/bin/python3 - "$1/manifest.json" <<'PY'
import json, sys, statistics
from datetime import datetime
m = json.load(open(sys.argv[1]))
ps = list(m["proofs"].values()) if isinstance(m["proofs"], dict) else m["proofs"]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
span = max(t(p["finished"]) for p in ps) - min(t(p["started"]) for p in ps)
tasks = [p["task_ms"] for p in ps]
print(len(ps), m["runs"][-1]["wall_s"], span, sum(tasks) / 1e3, statistics.median(tasks))
PY
}

if [ "$n" -gt 0 ]; then
  echo "# batch of $n proofs, preset $preset, -Xmx$xmx, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
  echo
  echo "| model | runner | proofs/min | proving wall | span of the tasks | sum of tasks | median task | process wall | overhead (span) | overhead (process) |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for model in $models; do
    read -r onnx input extra <<<"$(inputs_of "$model")"
    base_span=""; base_wall=""
    for runner in $runners; do
      out="$work/$model-${runner//[^a-z0-9]/_}"
      rm -rf "$out"
      spark=()
      [ "$runner" = plain ] || spark=(--spark "$runner")
      t0=$(date +%s.%N)
      JAVA_OPTS="-Xmx$xmx" ./zkscope prove-batch "$onnx" --inputs "$input" $extra --limit "$n" --out "$out" \
        --preset "$preset" "${spark[@]}" >"$out.log" 2>&1 || { echo "| $model | $runner | failed: see $out.log |"; KEEP=1; continue; }
      wall=$(echo "$(date +%s.%N) - $t0" | bc -l)
      read -r proved run span tasks median <<<"$(figures "$out")"
      if [ "$runner" = plain ]; then base_span=$span; base_wall=$wall; fi
      ov() { [ -n "$2" ] && printf "%+.0f%%" "$(echo "($1 - $2) * 100 / $2" | bc -l)" || printf -- "-"; }
      printf "| %s | %s | %.1f | %.1f s | %.1f s | %.1f s | %.0f ms | %.1f s | %s | %s |\n" "$model" "$runner" \
        "$(echo "$proved * 60 / $run" | bc -l)" "$run" "$span" "$tasks" "$median" "$wall" \
        "$( [ "$runner" = plain ] && echo - || ov "$span" "$base_span")" \
        "$( [ "$runner" = plain ] && echo - || ov "$wall" "$base_wall")"
    done
  done
fi

# Segmented proofs of one inference: each MODEL:ROWS of SEGMENTED (the zoo's models, --max-rows ROWS) in one JVM and
# on local[2], -Xmx$XMX_SEG; RESNET=1 adds resnet8:2^18 under -Xmx$XMX_RESNET.
segmented="${SEGMENTED:-}"
[ "${RESNET:-0}" = 1 ] && segmented="$segmented resnet8:${MAX_ROWS_RESNET:-2^18}"
for spec in $segmented; do
  name="${spec%%:*}"; rows="${spec#*:}"
  heap="${XMX_SEG:-8g}"; [ "$name" = resnet8 ] && heap="${XMX_RESNET:-18g}"
  echo
  echo "# $name segmented at $rows rows per segment, -Xmx$heap, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
  echo
  echo "| model | runner | segments | at once | prover rounds | whole run (proved in) | process wall | largest peak heap | bundle | verify |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
  for runner in plain "local[2]"; do
    out="$work/$name-${runner//[^a-z0-9]/_}"
    spark=()
    [ "$runner" = plain ] || spark=(--spark "$runner")
    t0=$(date +%s.%N)
    JAVA_OPTS="-Xmx$heap" ./zkscope prove "samples/zoo/$name.onnx" --input "samples/zoo/$name.input.json" \
      --calibration "samples/zoo/$name.calib.npy" --max-rows "$rows" --out "$out.bundle" --report "$out.json" \
      --warmup 0 "${spark[@]}" >"$out.log" 2>&1 || { echo "| $name | $runner | failed: see $out.log |"; KEEP=1; continue; }
    wall=$(echo "$(date +%s.%N) - $t0" | bc -l)
    ./zkscope verify "$out.bundle" --vk "$out.bundle.vk" >/dev/null && v=accepted || v=REJECTED
    line=$(grep -o 'proved [0-9]* segment(s).*accepted' "$out.log")
    at_once=1
    [ "$runner" = plain ] || at_once=$(grep -oE 'Spark local\[[0-9*]+\]: (proving )?[0-9]+ segment' "$out.log" | grep -oE '[0-9]+ segment' | grep -oE '[0-9]+' || echo "?")
    /usr/bin/python3 - "$name" "$runner" "$at_once" "$wall" "$v" "$line" <<'PY'
import re, sys
name, runner, at_once, wall, verdict, line = sys.argv[1:]
m = re.search(r"proved (\d+) segment\(s\) in ([\d.]+) s \(prover rounds ([\d.]+) s\), largest peak heap ([\d,.]+ \w+); "
              r"bundle ([\d,]+) bytes; verified in ([\d.]+) ms", line)
n, total, rounds, heap, size, vms = m.groups()
print(f"| {name} | {runner} | {n} | {at_once} | {float(rounds):.1f} s | {float(total):.1f} s | {float(wall):.1f} s | {heap} "
      f"| {size} B | {verdict} ({vms} ms) |")
PY
  done
done
