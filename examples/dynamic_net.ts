/**
 * PyTorch: Control Flow + Weight Sharing, ported line by line from pytorch/tutorials
 * beginner_source/examples_nn/dynamic_net.py (as of PyTorch 1.13).
 *
 * To showcase dynamic graphs, a very strange model: a third-fifth order polynomial that on each forward
 * pass chooses a random number between 4 and 5 and uses that many orders, reusing the same weights
 * multiple times to compute the fourth and fifth order.
 *
 * Run: npx tsx examples/dynamic_net.ts [steps]   (the original runs 30000 steps)
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";
import { random } from "./py_random.ts";

class DynamicNet extends torch.nn.Module {
  // In the constructor (here, field initializers) we instantiate five parameters and assign them as members.
  a = new torch.nn.Parameter(torch.randn([]));
  b = new torch.nn.Parameter(torch.randn([]));
  c = new torch.nn.Parameter(torch.randn([]));
  d = new torch.nn.Parameter(torch.randn([]));
  e = new torch.nn.Parameter(torch.randn([]));

  /**
   * For the forward pass of the model, we randomly choose either 4, 5 and reuse the e parameter to compute
   * the contribution of these orders.
   *
   * Since each forward pass builds a dynamic computation graph, we can use normal control-flow operators
   * like loops or conditional statements when defining the forward pass of the model.
   *
   * Here we also see that it is perfectly safe to reuse the same parameter many times when defining a
   * computational graph.
   */
  override forward(x: Tensor): Tensor {
    let y = this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
    for (let exp = 4, end = random.randint(4, 6); exp < end; exp++) {
      y = y.add(this.e.mul(x.pow(exp)));
    }
    return y;
  }

  /** Just like any class, you can also define custom methods on modules */
  string(): string {
    return `y = ${this.a.item()} + ${this.b.item()} x + ${this.c.item()} x^2 + ${this.d.item()} x^3 + ${this.e.item()} x^4 ? + ${this.e.item()} x^5 ?`;
  }
}

export function main(steps = 30000): void {
  // Create Tensors to hold input and outputs.
  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);

  // Construct our model by instantiating the class defined above
  const model = new DynamicNet();

  // Construct our loss function and an Optimizer. Training this strange model with vanilla stochastic
  // gradient descent is tough, so we use momentum
  const criterion = new torch.nn.MSELoss({ reduction: "sum" });
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-8, momentum: 0.9 });
  for (let t = 0; t < steps; t++) {
    // Forward pass: Compute predicted y by passing x to the model
    const yPred = model.forward(x);

    // Compute and print loss
    const loss = criterion.forward(yPred, y);
    if (t % 2000 === 1999) console.log(t, loss.item());

    // Zero gradients, perform a backward pass, and update the weights. PyTorch 1.13's zero_grad() zeroes
    // the gradients (set_to_none=False); kindling's default drops them, as PyTorch 2 does. It matters here:
    // a step that draws 4 leaves e without a gradient, and only a zeroed one keeps e moving on momentum.
    optimizer.zeroGrad({ setToNone: false });
    loss.backward();
    optimizer.step();
  }

  console.log(`Result: ${model.string()}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv[2] !== undefined ? Number(process.argv[2]) : undefined);
}
