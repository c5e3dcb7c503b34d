/**
 * PyTorch: Tensors, ported line by line from pytorch/tutorials
 * beginner_source/examples_tensor/polynomial_tensor.py (as of PyTorch 1.13).
 *
 * A third order polynomial, trained to predict y=sin(x) from -pi to pi by minimizing squared Euclidean
 * distance. This implementation uses tensors to compute the forward pass, the loss and the backward pass by
 * hand: a tensor is an n-dimensional array that knows nothing of deep learning or gradients.
 *
 * Run: npx tsx examples/polynomial_tensor.ts [steps]   (the original runs 2000 steps)
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";

export function main(steps = 2000): void {
  const dtype = torch.float;
  const device = torch.device("cpu");
  // const device = torch.device("cuda:0")  // Uncomment this to run on GPU

  // Create random input and output data
  const x = torch.linspace(-Math.PI, Math.PI, 2000, { device, dtype });
  const y = torch.sin(x);

  // Randomly initialize weights
  const a = torch.randn([], { device, dtype });
  const b = torch.randn([], { device, dtype });
  const c = torch.randn([], { device, dtype });
  const d = torch.randn([], { device, dtype });

  const learningRate = 1e-6;
  for (let t = 0; t < steps; t++) {
    // Forward pass: compute predicted y
    const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));

    // Compute and print loss
    const loss = yPred.sub(y).pow(2).sum().item();
    if (t % 100 === 99) console.log(t, loss);

    // Backprop to compute gradients of a, b, c, d with respect to loss
    const gradYPred = yPred.sub(y).mul(2.0);
    const gradA = gradYPred.sum();
    const gradB = gradYPred.mul(x).sum();
    const gradC = gradYPred.mul(x.pow(2)).sum();
    const gradD = gradYPred.mul(x.pow(3)).sum();

    // Update weights using gradient descent
    a.sub_(gradA.mul(learningRate));
    b.sub_(gradB.mul(learningRate));
    c.sub_(gradC.mul(learningRate));
    d.sub_(gradD.mul(learningRate));
  }

  console.log(`Result: y = ${a.item()} + ${b.item()} x + ${c.item()} x^2 + ${d.item()} x^3`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv[2] !== undefined ? Number(process.argv[2]) : undefined);
}
