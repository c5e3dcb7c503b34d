/**
 * `npm start` until the trainer lands: fits sin(x) on [-pi, pi] (the seed's first task) with a
 * 1-64-1 tanh MLP written directly with tensors and autograd, and prints the loss as it falls.
 */
import * as torch from "../index.ts";

torch.manualSeed(0);
const n = 256;
const x = torch.linspace(-Math.PI, Math.PI, n).reshape(n, 1);
const y = x.sin();
const init = (rows: number, cols: number) => torch.rand([rows, cols]).mul(2).sub(1).mul(1 / Math.sqrt(rows)).requiresGrad_();
const w1 = init(1, 64);
const b1 = torch.zeros([64], { requiresGrad: true });
const w2 = init(64, 1);
const b2 = torch.zeros([1], { requiresGrad: true });
const params = [w1, b1, w2, b2];
const lr = 0.05;
const t0 = performance.now();
for (let epoch = 0; epoch <= 3000; epoch++) {
  const pred = x.matmul(w1).add(b1).tanh().matmul(w2).add(b2);
  const loss = pred.sub(y).square().mean();
  loss.backward();
  torch.noGrad(() => {
    for (const p of params) {
      p.sub_(p.grad!.mul(lr));
      p.grad = null;
    }
  });
  if (epoch % 500 === 0) console.log(`epoch ${String(epoch).padStart(4)}  mse ${loss.item().toExponential(3)}`);
}
const pred = torch.noGrad(() => x.matmul(w1).add(b1).tanh().matmul(w2).add(b2));
const mae = pred.sub(y).abs().mean().item();
console.log(`sin(x) fit: mean absolute error ${mae.toFixed(4)} on ${n} points in ${((performance.now() - t0) / 1000).toFixed(1)} s (backend ${torch.getBackend()})`);
