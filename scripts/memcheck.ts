/**
 * Memory flatness check (issue acceptance): 1,000 training-style iterations of matmul + relu + sum +
 * backward on 256x256, printing heap and RSS at intervals. Run: `npm run memcheck`.
 */
import * as torch from "../src/index.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc (npm run memcheck does)");
const iters = Number(process.argv[2] ?? 1000);
torch.manualSeed(0);
const w = torch.randn([256, 256], { requiresGrad: true });
const x = torch.randn([256, 256]);
const mb = (b: number) => (b / 1048576).toFixed(1);
const report = (i: number) => {
  gc();
  const m = process.memoryUsage();
  console.log(`iter ${String(i).padStart(5)}  heapUsed ${mb(m.heapUsed)} MB  arrayBuffers ${mb(m.arrayBuffers)} MB  rss ${mb(m.rss)} MB`);
  return m;
};
const t0 = performance.now();
const first = report(0);
let last = first;
for (let i = 1; i <= iters; i++) {
  const loss = x.matmul(w).relu().sum();
  loss.backward();
  torch.noGrad(() => w.sub_(w.grad!.mul(1e-6)));
  w.grad = null;
  if (i % Math.max(1, iters / 10) === 0) last = report(i);
}
console.log(`backend ${torch.getBackend()}, ${iters} iterations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(`growth: heap ${mb(last.heapUsed - first.heapUsed)} MB, rss ${mb(last.rss - first.rss)} MB`);
