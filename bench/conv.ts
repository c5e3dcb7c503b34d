/**
 * Milliseconds per forward+backward of Conv2d(1,32,3) -> ReLU -> Conv2d(32,64,3) on a batch of 64
 * MNIST-size images (the MNIST CNN's conv stack), float32, plus the split by phase and, for the
 * record, the same second-layer forward as a plain direct loop (why conv2d uses im2col + GEMM).
 *
 *   npx tsx bench/conv.ts                     3 timed iterations on the default (fastest loaded) backend
 *   npx tsx bench/conv.ts --iters 5 --backend js    the plain-JS reference kernels (any of torch.availableBackends())
 *   npx tsx bench/conv.ts --no-direct         skip the direct-loop comparison
 *
 * Figures are the median of the timed iterations after one warm-up; other load on the machine
 * (CI runs on 2 cores, shared) shifts them, so compare runs made back to back.
 */
import * as torch from "../src/index.ts";
import { conv2d } from "../src/ops/cnn_index.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const iters = Number(arg("--iters") ?? 3);
const backendName = arg("--backend");
if (backendName) torch.setBackend(backendName);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

torch.manualSeed(0);
const N = 64;
const x = torch.randn([N, 1, 28, 28]);
const w1 = torch.randn([32, 1, 3, 3]).mul(1 / 3).detach().requiresGrad_(true);
const b1 = torch.zeros([32], { requiresGrad: true });
const w2 = torch.randn([64, 32, 3, 3]).mul(1 / 17).detach().requiresGrad_(true);
const b2 = torch.zeros([64], { requiresGrad: true });

const fwd: number[] = [];
const bwd: number[] = [];
for (let i = 0; i <= iters; i++) {
  for (const p of [w1, b1, w2, b2]) p.grad = null;
  const t0 = performance.now();
  const h = conv2d(x, w1, b1).relu();
  const y = conv2d(h, w2, b2);
  const loss = y.mean();
  const t1 = performance.now();
  loss.backward();
  const t2 = performance.now();
  if (i > 0) {
    fwd.push(t1 - t0);
    bwd.push(t2 - t1);
  }
}
const total = fwd.map((f, i) => f + bwd[i]!);
console.log(`conv stack, batch ${N}, float32, backend ${torch.getBackend()}, ${iters} iterations (median):`);
console.log(`  forward  ${median(fwd).toFixed(0).padStart(6)} ms`);
console.log(`  backward ${median(bwd).toFixed(0).padStart(6)} ms`);
console.log(`  total    ${median(total).toFixed(0).padStart(6)} ms`);

/** conv2 forward (32 -> 64 channels, 26x26 -> 24x24, 3x3) as seven nested loops over flat arrays. */
function directConv(X: Float32Array, Wt: Float32Array, C: number, H: number, W: number, O: number, k: number): Float32Array {
  const oH = H - k + 1;
  const oW = W - k + 1;
  const out = new Float32Array(N * O * oH * oW);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const dst = (n * O + o) * oH * oW;
      for (let c = 0; c < C; c++) {
        const src = (n * C + c) * H * W;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            const wv = Wt[((o * C + c) * k + i) * k + j]!;
            // Innermost loop runs along a row with unit stride, the best a direct loop can do.
            for (let oh = 0; oh < oH; oh++) {
              const s = src + (oh + i) * W + j;
              const d = dst + oh * oW;
              for (let ow = 0; ow < oW; ow++) out[d + ow]! += wv * X[s + ow]!;
            }
          }
        }
      }
    }
  }
  return out;
}

if (!process.argv.includes("--no-direct")) {
  const h = torch.noGrad(() => conv2d(x, w1, b1).relu());
  const H = h.toTypedArray() as Float32Array;
  const Wt = w2.toTypedArray() as Float32Array;
  const tIm: number[] = [];
  const tDirect: number[] = [];
  let ref: Float32Array | null = null;
  let got: Float32Array | null = null;
  for (let i = 0; i < 2; i++) {
    let t0 = performance.now();
    got = torch.noGrad(() => conv2d(h, w2.detach())).toTypedArray() as Float32Array;
    tIm.push(performance.now() - t0);
    t0 = performance.now();
    ref = directConv(H, Wt, 32, 26, 26, 64, 3);
    tDirect.push(performance.now() - t0);
  }
  let diff = 0;
  for (let i = 0; i < ref!.length; i++) diff = Math.max(diff, Math.abs(ref![i]! - got![i]!));
  console.log(`conv2 forward only: im2col+gemm ${Math.min(...tIm).toFixed(0)} ms, direct loop ${Math.min(...tDirect).toFixed(0)} ms (max |diff| ${diff.toExponential(1)})`);
}
