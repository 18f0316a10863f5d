// Reference outputs of the third-party models by ONNX Runtime (onnxruntime-node, installed by fetch.sh).
// For each model of models.tsv present in models/: seeded inputs (uniform in [0, 1), float32-exact; integer inputs set
// to the listed values) at the shapes the listed --shape/--dim options give, written as models/NAME.input.json (EZKL's
// format, one row per graph input), and ORT's outputs as models/NAME.ort.json {"outputs": [{name, shape, data}]}.
//   node samples/thirdparty/reference.js [NAME...]
'use strict';
const fs = require('fs');
const path = require('path');
const dir = path.join(__dirname, 'models');
const ort = require(path.join(dir, 'node_modules', 'onnxruntime-node'));

function parseOptions(opts) {
  const shapes = {}, dims = {};
  const words = opts === '-' ? [] : opts.split(/\s+/);
  for (let i = 0; i < words.length; i += 2) {
    const [k, v] = words[i + 1].split('=');
    if (words[i] === '--shape') shapes[k] = v.split(',').map(Number);
    else if (words[i] === '--dim') dims[k] = Number(v);
    else if (words[i] === '--fix-input') { /* ORT is fed the value of the integer-inputs column */ }
    else throw new Error('unknown option ' + words[i]);
  }
  return { shapes, dims };
}

// xorshift32, seeded by the model name: the same inputs on every run.
function rng(name) {
  let s = 2166136261;
  for (const ch of name) s = Math.imul(s ^ ch.charCodeAt(0), 16777619) >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return Math.fround((s >>> 8) / 16777216);
  };
}

async function run(row) {
  const [name, , , , , , opts, ints] = row;
  const file = path.join(dir, name + '.onnx');
  if (!fs.existsSync(file)) { console.log(name + ': not fetched'); return; }
  const { shapes, dims } = parseOptions(opts);
  const intValues = {};
  if (ints !== '-') for (const kv of ints.split(/\s+/)) { const [k, v] = kv.split('='); intValues[k] = Number(v); }
  const session = await ort.InferenceSession.create(file);
  const next = rng(name);
  const feeds = {}, rows = [];
  for (const meta of session.inputMetadata) {
    const shape = shapes[meta.name] || meta.shape.map((d, axis) => {
      if (typeof d === 'number') return d;
      if (d in dims) return dims[d];
      if (axis === 0) return 1;
      throw new Error(name + ': input ' + meta.name + ' has symbolic dimension "' + d + '": list a --shape or --dim');
    });
    const size = shape.reduce((a, b) => a * b, 1);
    let tensor, values;
    if (meta.type === 'int64') {
      const v = intValues[meta.name] !== undefined ? intValues[meta.name] : 0;
      values = new Array(size).fill(v);
      tensor = new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), shape);
    } else if (meta.type === 'float32') {
      values = Array.from({ length: size }, next);
      tensor = new ort.Tensor('float32', Float32Array.from(values), shape);
    } else {
      throw new Error(name + ': input ' + meta.name + ' of type ' + meta.type + ' is not generated here');
    }
    feeds[meta.name] = tensor;
    rows.push(values);
  }
  const results = await session.run(feeds);
  const outputs = session.outputNames.map(n => ({
    name: n, shape: results[n].dims.map(Number), data: Array.from(results[n].data, Number) }));
  fs.writeFileSync(path.join(dir, name + '.input.json'), JSON.stringify({ input_data: rows }));
  fs.writeFileSync(path.join(dir, name + '.ort.json'), JSON.stringify({ outputs }));
  console.log(name + ': ' + outputs.map(o => o.name + ' [' + o.shape + ']').join(', '));
}

(async () => {
  const want = process.argv.slice(2);
  const rows = fs.readFileSync(path.join(__dirname, 'models.tsv'), 'utf8').split('\n')
    .filter(l => l && !l.startsWith('#')).map(l => l.split('\t'))
    .filter(r => want.length === 0 || want.includes(r[0]));
  for (const r of rows) {
    try { await run(r); } catch (e) { console.log(r[0] + ': ORT failed: ' + e.message.split('\n')[0]); }
  }
})();
