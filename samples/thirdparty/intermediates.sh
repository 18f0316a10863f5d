#!/usr/bin/env bash
# ONNX Runtime's value of every float tensor of a fetched third-party model, for dev.zkscope.thirdparty.NodeErrors
# (per-node comparison with zkscope's float kernels). Needs Debian's python3-onnx (to list the tensors as outputs) and
# the onnxruntime-node that fetch.sh installs. Writes DIR/index.tsv (position, tensor, shape) and DIR/POSITION.bin
# (little-endian float32), on the model's check input (models/NAME.input.json).
#   samples/thirdparty/intermediates.sh NAME DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
name="$1"
out="$2"
mkdir -p "$out"
/usr/bin/python3 - "$here/models/$name.onnx" "$out/all.onnx" <<'PY'
import sys
import onnx
m = onnx.load(sys.argv[1])
types = {v.name: v.type.tensor_type.elem_type for v in onnx.shape_inference.infer_shapes(m).graph.value_info}
have = {o.name for o in m.graph.output}
for n in m.graph.node:
    for o in n.output:
        if o not in have and types.get(o) == onnx.TensorProto.FLOAT:
            m.graph.output.append(onnx.helper.make_tensor_value_info(o, onnx.TensorProto.FLOAT, None))
            have.add(o)
onnx.save(m, sys.argv[2])
PY
node - "$here/models" "$out/all.onnx" "$here/models/$name.input.json" "$out" <<'JS' 2>&1 | { grep -v "W:onnxruntime" || true; } >&2
const fs = require('fs');
const [models, model, input, dir] = process.argv.slice(2);
const ort = require(models + '/node_modules/onnxruntime-node');
(async () => {
  const s = await ort.InferenceSession.create(model);
  const rows = JSON.parse(fs.readFileSync(input)).input_data;
  const feeds = {};
  s.inputMetadata.forEach((m, i) => {
    if (m.type !== 'float32') throw new Error('input ' + m.name + ' is ' + m.type + ': only float inputs here');
    feeds[m.name] = new ort.Tensor('float32', Float32Array.from(rows[i]), m.shape.map(d => typeof d === 'number' ? d : 1));
  });
  const r = await s.run(feeds);
  const index = [];
  s.outputNames.forEach((n, k) => {
    const t = r[n];
    if (t.type !== 'float32') return;
    fs.writeFileSync(dir + '/' + k + '.bin', Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    index.push(k + '\t' + n + '\t' + t.dims.join(','));
  });
  fs.writeFileSync(dir + '/index.tsv', index.join('\n') + '\n');
})();
JS
echo "wrote $(wc -l < "$out/index.tsv") tensors to $out" >&2
