/**
 * Training-step time of the seed MLP (784-1024-2048-512-10, batch 32, SGD lr 0.03, CrossEntropy),
 * per backend, with a split into forward / backward / optimizer step.
 *
 *   npx tsx bench/mlp_step_native.ts                     native backend (the default), 30 steps
 *   npx tsx bench/mlp_step_native.ts --backend js        another backend
 *   npx tsx bench/mlp_step_native.ts --steps 60 --rounds 3
 *   npx tsx bench/mlp_step_native.ts --keep-grads        zeroGrad({ setToNone: false }): reuse gradient buffers
 *   npx tsx bench/mlp_step_native.ts --momentum 0.9      SGD with a momentum buffer
 *   npx tsx bench/mlp_step_native.ts --adam              Adam (lr 1e-3) instead of SGD
 *
 * Figures are the best and the median step over each round (after 5 warm-up steps); on a shared,
 * noisy machine the best is the robust one.
 */
import * as torch from "../src/index.ts";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
};
const has = (name: string): boolean => args.includes(name);

const backendName = opt("--backend", torch.getBackend());
const steps = Number(opt("--steps", "30"));
const rounds = Number(opt("--rounds", "1"));
const keepGrads = has("--keep-grads");
const momentum = Number(opt("--momentum", "0"));
const useAdam = has("--adam");
torch.setBackend(backendName);

torch.manualSeed(0);
const { nn } = torch;
const model = new nn.Sequential(
  new nn.Linear(784, 1024), new nn.ReLU(),
  new nn.Linear(1024, 2048), new nn.ReLU(),
  new nn.Linear(2048, 512), new nn.ReLU(),
  new nn.Linear(512, 10),
);
const lossFn = new nn.CrossEntropyLoss();
const params = [...model.parameters()];
const optimizer = useAdam ? new torch.optim.Adam(params, { lr: 1e-3 }) : new torch.optim.SGD(params, { lr: 0.03, momentum });
const x = torch.randn([32, 784]);
const y = torch.randint(0, 10, [32]);

interface Split { fwd: number; bwd: number; opt: number; total: number }

function step(): Split {
  const t0 = performance.now();
  optimizer.zeroGrad({ setToNone: !keepGrads });
  const loss = lossFn.forward(model.forward(x), y);
  const t1 = performance.now();
  loss.backward();
  const t2 = performance.now();
  optimizer.step();
  const t3 = performance.now();
  return { fwd: t1 - t0, bwd: t2 - t1, opt: t3 - t2, total: t3 - t0 };
}

const median = (a: number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1]!;
const describe = (torch as unknown as { getNumThreads(): number }).getNumThreads();
console.log(`backend ${torch.getBackend()} (${describe} threads), ${steps} steps x ${rounds} rounds` +
  `${keepGrads ? ", gradients kept" : ""}${useAdam ? ", Adam" : `, SGD momentum ${momentum}`}`);
for (let i = 0; i < 5; i++) step();
for (let r = 0; r < rounds; r++) {
  const s: Split[] = [];
  for (let i = 0; i < steps; i++) s.push(step());
  const best = s.reduce((a, b) => (b.total < a.total ? b : a));
  const f = (v: number) => v.toFixed(2).padStart(7);
  console.log(`round ${r + 1}: best ${f(best.total)} ms (fwd ${f(best.fwd)}, bwd ${f(best.bwd)}, opt ${f(best.opt)})` +
    `  median ${f(median(s.map((v) => v.total)))} ms (fwd ${f(median(s.map((v) => v.fwd)))}, bwd ${f(median(s.map((v) => v.bwd)))}, opt ${f(median(s.map((v) => v.opt)))})`);
}
