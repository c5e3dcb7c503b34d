/**
 * Checkpoint round trip kindling -> PyTorch -> kindling (not part of npm test; needs /usr/bin/python3
 * with torch). Run: npx tsx scripts/interop/roundtrip.ts [dir]
 *
 * 1. kindling trains w [3, 4], b [3] with Adam (amsgrad) for 3 steps on seeded gradients and writes a
 *    training-state checkpoint: weights, the optimizer's state dict, an input x, int64 ids (beyond
 *    2^31), a bool mask and the gradients for 2 more steps.
 * 2. scripts/interop/roundtrip.py loads it into torch, computes y = x @ w.T + b, loads kindling's
 *    optimizer state into torch.optim.Adam, takes the 2 steps, and writes results plus torch's own
 *    optimizer state back.
 * 3. kindling loads that file and checks y against its matmul, the weights against its own 2 steps,
 *    the integer/bool results, and that torch's optimizer state loads into a kindling Adam and equals
 *    kindling's own state.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as torch from "../../src/index.ts";
import { loadTrainingState, saveTrainingState } from "../../src/io/checkpoint.ts";
import type { OptimizerStateDict } from "../../src/optim/index.ts";

type Tensor = torch.Tensor;
const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), "kindling-roundtrip-"));

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
function check(what: string, ok: boolean, detail: string): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${detail}`);
  if (!ok) failures++;
}

// 1. kindling side: train 3 steps, save.
torch.manualSeed(2024);
const w = torch.randn([3, 4]).requiresGrad_(true);
const b = torch.randn([3]).requiresGrad_(true);
const grads = Array.from({ length: 5 }, () => [torch.randn([3, 4]), torch.randn([3])]);
const opt = new torch.optim.Adam([w, b], { lr: 0.05, amsgrad: true });
for (let s = 0; s < 3; s++) {
  [w.grad, b.grad] = grads[s]!;
  opt.step();
}
const x = torch.randn([2, 4]);
const ids = torch.tensor([3_000_000_000, -7, 2 ** 40], { dtype: "int64" });
const mask = torch.tensor([true, false, true, true]);
const out = join(dir, "ts_to_py.safetensors");
await saveTrainingState(out, {
  model: { w, b },
  optim: opt.stateDict(),
  step: 3,
  data: { x, ids, mask },
  next_grads: grads.slice(3),
});
console.log(`kindling: wrote ${out}`);

// 2. PyTorch side.
const py = spawnSync("/usr/bin/python3", [join(here, "roundtrip.py"), dir], { encoding: "utf8" });
process.stdout.write(py.stdout);
if (py.status !== 0) {
  process.stderr.write(py.stderr);
  throw new Error(`roundtrip.py exited with ${py.status}`);
}

// 3. kindling side: continue its own training, then compare with what torch wrote.
for (let s = 3; s < 5; s++) {
  [w.grad, b.grad] = grads[s]!;
  opt.step();
}
const back = await loadTrainingState(join(dir, "py_to_ts.safetensors"));
console.log(`kindling: read back ${Object.keys(back).join(", ")} (torch ${String(back.torch)})`);
const yTorch = back.y as Tensor;
// y was computed by torch from the weights as they were after 3 steps; recompute those here.
const w3 = (await loadTrainingState(out)).model as Record<string, Tensor>;
const y3 = x.matmul(w3.w!.t()).add(w3.b!);
check("y = x @ w.T + b", relErr(yTorch, y3) <= 1e-6, `rel err ${relErr(yTorch, y3).toExponential(2)} (shape [${yTorch.shape}])`);
check("w after 2 more Adam steps", relErr(back.w as Tensor, w) <= 1e-6, `rel err ${relErr(back.w as Tensor, w).toExponential(2)}`);
check("b after 2 more Adam steps", relErr(back.b as Tensor, b) <= 1e-6, `rel err ${relErr(back.b as Tensor, b).toExponential(2)}`);
const idsSum = back.ids_sum as Tensor;
check("int64 sum", idsSum.dtype === "int64" && idsSum.item() === 3_000_000_000 - 7 + 2 ** 40, `${idsSum.dtype} ${idsSum.item()}`);
const doubled = back.ids_doubled as Tensor;
check("int64 values beyond 2^31", JSON.stringify(doubled.tolist()) === JSON.stringify([6_000_000_000, -14, 2 ** 41]), JSON.stringify(doubled.tolist()));
const notMask = back.mask_not as Tensor;
check("bool", notMask.dtype === "bool" && JSON.stringify(notMask.tolist()) === "[false,true,false,false]", JSON.stringify(notMask.tolist()));

// torch's optimizer state into a kindling Adam.
const w2 = w.detach().clone().requiresGrad_(true);
const b2 = b.detach().clone().requiresGrad_(true);
const opt2 = new torch.optim.Adam([w2, b2]);
opt2.loadStateDict(back.optim as OptimizerStateDict);
const mine = opt.stateDict();
const theirs = opt2.stateDict();
let stateErr = 0;
for (const i of [0, 1]) {
  for (const k of ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]) stateErr = Math.max(stateErr, relErr(theirs.state[i]![k] as Tensor, mine.state[i]![k] as Tensor));
}
check("torch Adam state loads into kindling", theirs.state[0]!.step === 5 && stateErr <= 1e-6, `step ${theirs.state[0]!.step}, buffers rel err ${stateErr.toExponential(2)}, groups ${JSON.stringify(theirs.param_groups)}`);
// One more identical step on both sides must stay in lockstep.
[w.grad, b.grad] = [torch.ones([3, 4]), torch.ones([3])];
[w2.grad, b2.grad] = [torch.ones([3, 4]), torch.ones([3])];
opt.step();
opt2.step();
check("next step after loading torch's state", relErr(w2, w) <= 1e-6, `rel err ${relErr(w2, w).toExponential(2)}`);

console.log(failures === 0 ? "ROUND TRIP OK" : `ROUND TRIP FAILED (${failures})`);
process.exitCode = failures === 0 ? 0 : 1;
