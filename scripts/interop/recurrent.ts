/**
 * LSTM and GRU state dicts both ways between kindling and PyTorch (not part of npm test; needs
 * /usr/bin/python3 with torch). Run: npx tsx scripts/interop/recurrent.ts [dir]
 *
 * 1. kindling builds LSTM(5, 8, 2 layers, bidirectional, projSize 3, batchFirst) and GRU(5, 8, 2
 *    layers, bidirectional), writes their state dicts (DIR/kd_lstm.safetensors, kd_gru.safetensors)
 *    and an input with its outputs (DIR/io.safetensors).
 * 2. recurrent.py loads them into torch.nn.LSTM / GRU with strict=True and compares the outputs
 *    (<= 1e-5 relative), then writes the state dicts of PyTorch-initialised models and their outputs.
 * 3. kindling loads PyTorch's state dicts strictly and compares its outputs with PyTorch's (<= 1e-5).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../../src/index.ts";

const { nn } = torch;
type Tensor = torch.Tensor;
const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), "kindling-recurrent-"));

const MODELS = {
  lstm: () => new nn.LSTM(5, 8, { numLayers: 2, bidirectional: true, projSize: 3, batchFirst: true }),
  gru: () => new nn.GRU(5, 8, { numLayers: 2, bidirectional: true }),
};
const INPUTS = { lstm: [3, 7, 5], gru: [7, 3, 5] };

function outputs(name: string, model: torch.nn.LSTM | torch.nn.GRU, x: Tensor): Record<string, Tensor> {
  const [out, h] = torch.noGrad(() => (model.forward as (i: Tensor) => [Tensor, Tensor | [Tensor, Tensor]])(x));
  const res: Record<string, Tensor> = { [`${name}.output`]: out };
  if (Array.isArray(h)) [res[`${name}.h_n`], res[`${name}.c_n`]] = h;
  else res[`${name}.h_n`] = h;
  return res;
}

function relErr(a: Tensor, b: Tensor): number {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  let d = 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    s = Math.max(s, Math.abs(y[i]!));
  }
  return d / Math.max(s, 1e-30);
}

let failures = 0;
torch.manualSeed(11);
const io: Record<string, Tensor> = {};
for (const [name, make] of Object.entries(MODELS)) {
  const model = make();
  const x = torch.randn(INPUTS[name as keyof typeof INPUTS]);
  io[`${name}.input`] = x;
  Object.assign(io, outputs(name, model, x));
  await torch.save(model.stateDict(), join(dir, `kd_${name}.safetensors`));
}
await torch.save(io, join(dir, "io.safetensors"));
console.log(`kindling: wrote the LSTM and GRU state dicts and outputs to ${dir}`);

const py = spawnSync("/usr/bin/python3", [join(here, "recurrent.py"), dir], { encoding: "utf8" });
process.stdout.write(py.stdout);
if (py.status !== 0) {
  process.stderr.write(py.stderr);
  failures++;
}

const theirs = await torch.load(join(dir, "pt_io.safetensors"));
for (const [name, make] of Object.entries(MODELS)) {
  const model = make();
  const result = model.loadStateDict(await torch.load(join(dir, `pt_${name}.safetensors`)), { strict: true });
  console.log(`kindling: loaded PyTorch's ${name} state dict strictly (${JSON.stringify(result)})`);
  for (const [key, t] of Object.entries(outputs(name, model, io[`${name}.input`]!))) {
    const err = relErr(t, theirs[key]!);
    const ok = err <= 1e-5 && JSON.stringify(t.shape) === JSON.stringify(theirs[key]!.shape);
    if (!ok) failures++;
    console.log(`${ok ? "ok  " : "FAIL"} kindling on PyTorch's weights, ${key}: rel err ${err.toExponential(2)}`);
  }
}
console.log(failures === 0 ? "RECURRENT INTEROP OK" : `RECURRENT INTEROP FAILED (${failures})`);
process.exitCode = failures === 0 ? 0 : 1;
