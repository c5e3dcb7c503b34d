/**
 * PyTorch: Tensors and autograd, ported line by line from pytorch/tutorials
 * beginner_source/examples_autograd/polynomial_autograd.py (as of PyTorch 1.13).
 *
 * A third order polynomial, trained to predict y=sin(x) from -pi to pi by minimizing squared Euclidean
 * distance. The forward pass is written with tensor operations and autograd computes the gradients: a
 * tensor with requiresGrad is a node of the computational graph, and after backward() its .grad holds the
 * gradient of the loss with respect to it.
 *
 * Run: npx tsx examples/polynomial_autograd.ts [steps]   (the original runs 2000 steps)
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";

export function main(steps = 2000): void {
  const dtype = torch.float;
  const device = torch.device("cpu");
  // const device = torch.device("cuda:0")  // Uncomment this to run on GPU

  // Create Tensors to hold input and outputs. By default requiresGrad is false: we need no gradients
  // with respect to these tensors during the backward pass.
  const x = torch.linspace(-Math.PI, Math.PI, 2000, { device, dtype });
  const y = torch.sin(x);

  // Create random Tensors for weights. For a third order polynomial we need 4 weights:
  // y = a + b x + c x^2 + d x^3. requiresGrad: true asks for gradients with respect to them.
  const a = torch.randn([], { device, dtype, requiresGrad: true });
  const b = torch.randn([], { device, dtype, requiresGrad: true });
  const c = torch.randn([], { device, dtype, requiresGrad: true });
  const d = torch.randn([], { device, dtype, requiresGrad: true });

  const learningRate = 1e-6;
  for (let t = 0; t < steps; t++) {
    // Forward pass: compute predicted y using operations on Tensors.
    const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));

    // Compute and print loss using operations on Tensors. loss is a 0-d tensor; loss.item() is its value.
    const loss = yPred.sub(y).pow(2).sum();
    if (t % 100 === 99) console.log(t, loss.item());

    // Use autograd to compute the backward pass: a.grad, b.grad, c.grad and d.grad then hold the
    // gradient of the loss with respect to a, b, c, d.
    loss.backward();

    // Manually update weights using gradient descent, under noGrad: the weights require grad, but the
    // update itself must not be recorded by autograd.
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

  console.log(`Result: y = ${a.item()} + ${b.item()} x + ${c.item()} x^2 + ${d.item()} x^3`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv[2] !== undefined ? Number(process.argv[2]) : undefined);
}
