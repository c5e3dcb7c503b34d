/**
 * PyTorch: Defining New autograd Functions, ported line by line from pytorch/tutorials
 * beginner_source/examples_autograd/polynomial_custom_function.py
 * (https://github.com/pytorch/tutorials/blob/main/beginner_source/examples_autograd/polynomial_custom_function.py).
 *
 * A third order polynomial, trained to predict y=sin(x) from -pi to pi by minimizing squared Euclidean
 * distance, written as y = a + b * P3(c + d * x) where P3(x) = 1/2 (5x^3 - 3x) is the Legendre polynomial
 * of degree three. P3 is a custom autograd Function whose backward is P3'(x) = 3/2 (5x^2 - 1).
 *
 * Run: npx tsx examples/polynomial_custom_function.ts [steps]   (the original runs 2000 steps)
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";
type FunctionCtx = torch.autograd.FunctionCtx;

/**
 * We can implement our own custom autograd Functions by subclassing torch.autograd.Function and
 * implementing the forward and backward passes which operate on Tensors.
 */
class LegendrePolynomial3 extends torch.autograd.Function {
  /**
   * In the forward pass we receive a Tensor containing the input and return a Tensor containing the
   * output. ctx is a context object that can be used to stash information for backward computation.
   */
  static override forward(ctx: FunctionCtx, input: Tensor): Tensor {
    ctx.saveForBackward(input);
    return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
  }

  /**
   * In the backward pass we receive a Tensor containing the gradient of the loss with respect to the
   * output, and we need to compute the gradient of the loss with respect to the input.
   */
  static override backward(ctx: FunctionCtx, gradOutput: Tensor): Tensor {
    const [input] = ctx.savedTensors as [Tensor];
    return gradOutput.mul(1.5).mul(input.pow(2).mul(5).sub(1));
  }
}

export function main(steps = 2000): void {
  const dtype = torch.float;
  const device = torch.device("cpu");
  // const device = torch.device("cuda:0")  // Uncomment this to run on GPU

  // Create Tensors to hold input and outputs.
  const x = torch.linspace(-Math.PI, Math.PI, 2000, { device, dtype });
  const y = torch.sin(x);

  // Create random Tensors for weights. For this example, we need 4 weights: y = a + b * P3(c + d * x),
  // these weights need to be initialized not too far from the correct result to ensure convergence.
  const a = torch.full([], 0.0, { device, dtype, requiresGrad: true });
  const b = torch.full([], -1.0, { device, dtype, requiresGrad: true });
  const c = torch.full([], 0.0, { device, dtype, requiresGrad: true });
  const d = torch.full([], 0.3, { device, dtype, requiresGrad: true });

  const learningRate = 5e-6;
  for (let t = 0; t < steps; t++) {
    // To apply our Function, we use Function.apply method. We alias this as 'P3'.
    const P3 = LegendrePolynomial3.apply;

    // Forward pass: compute predicted y using operations; we compute P3 using our custom autograd operation.
    const yPred = a.add(b.mul(P3(c.add(d.mul(x)))));

    // Compute and print loss
    const loss = yPred.sub(y).pow(2).sum();
    if (t % 100 === 99) console.log(t, loss.item());

    // Use autograd to compute the backward pass.
    loss.backward();

    // Update weights using gradient descent
    torch.noGrad(() => {
      a.sub_(a.grad!.mul(learningRate));
      b.sub_(b.grad!.mul(learningRate));
      c.sub_(c.grad!.mul(learningRate));
      d.sub_(d.grad!.mul(learningRate));

      // Manually zero the gradients after updating weights
      a.grad = null;
      b.grad = null;
      c.grad = null;
      d.grad = null;
    });
  }

  console.log(`Result: y = ${a.item()} + ${b.item()} * P3(${c.item()} + ${d.item()} x)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv[2] !== undefined ? Number(process.argv[2]) : undefined);
}
