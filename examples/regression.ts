/**
 * Linear regression on polynomial features, ported line by line from pytorch/examples regression/main.py
 * (https://github.com/pytorch/examples/blob/main/regression/main.py).
 *
 * Fits y = w1 x + w2 x^2 + w3 x^3 + w4 x^4 + b, a random polynomial of degree 4, with one nn.Linear over
 * the features [x, x^2, x^3, x^4], by plain gradient descent written out by hand on `param.data`,
 * one fresh batch of 32 points each time, until a batch's smooth-L1 loss falls under 1e-3.
 *
 * `maxBatches` shortens the run (the tests stop at 300 batches): past a few hundred batches this descent
 * amplifies float32 rounding (see scripts/fixtures/examples/regression.py), so where it stops depends
 * on the last bit of every matrix product.
 *
 * Run: npx tsx examples/regression.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const F = torch.nn.functional;

/** Python's '{:+.2f}'.format(v): a sign always (-0.0 is "-0.00"), two decimals. */
function plus2f(v: number): string {
  return (v < 0 || Object.is(v, -0) ? "-" : "+") + Math.abs(v).toFixed(2);
}

export function main(maxBatches = Infinity): void {
  const POLY_DEGREE = 4;
  const W_target = torch.randn(POLY_DEGREE, 1).mul(5);
  const b_target = torch.randn(1).mul(5);

  /** Builds features i.e. a matrix with columns [x, x^2, x^3, x^4]. */
  function makeFeatures(x: Tensor): Tensor {
    x = x.unsqueeze(1);
    return torch.cat(Array.from({ length: POLY_DEGREE }, (_, k) => x.pow(k + 1)), 1);
  }

  /** Approximated function. */
  function f(x: Tensor): Tensor {
    return x.mm(W_target).add(b_target.item());
  }

  /** Creates a string description of a polynomial. */
  function polyDesc(W: Tensor, b: Tensor): string {
    let result = "y = ";
    for (const [i, w] of [...W].entries()) result += `${plus2f(w.item())} x^${i + 1} `;
    result += plus2f(b.index([0]).item());
    return result;
  }

  /** Builds a batch i.e. (x, f(x)) pair. */
  function getBatch(batchSize = 32): [Tensor, Tensor] {
    const random = torch.randn(batchSize);
    const x = makeFeatures(random);
    const y = f(x);
    return [x, y];
  }

  // Define model
  const fc = new torch.nn.Linear(W_target.size(0), 1);

  let loss: number;
  let batchIdx: number;
  for (batchIdx = 1; ; batchIdx++) {
    // Get data
    const [batchX, batchY] = getBatch();

    // Reset gradients
    fc.zeroGrad();

    // Forward pass
    const output = F.smoothL1Loss(fc.forward(batchX), batchY);
    loss = output.item();

    // Backward pass
    output.backward();

    // Apply gradients
    for (const param of fc.parameters()) param.data.add_(param.grad!.mul(-0.1));

    // Stop criterion
    if (loss < 1e-3 || batchIdx === maxBatches) break;
  }

  console.log(`Loss: ${loss.toFixed(6)} after ${batchIdx} batches`);
  console.log("==> Learned function:\t" + polyDesc(fc.weight.view(-1), fc.bias!));
  console.log("==> Actual function:\t" + polyDesc(W_target.view(-1), b_target));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
