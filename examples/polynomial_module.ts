/**
 * PyTorch: Custom nn Modules, ported line by line from pytorch/tutorials
 * beginner_source/examples_nn/polynomial_module.py (as of PyTorch 1.13).
 *
 * A third order polynomial, trained to predict y=sin(x) from -pi to pi by minimizing squared Euclidean
 * distance. The model is a custom Module subclass, the way to go whenever a model is more than a simple
 * sequence of existing Modules.
 *
 * Run: npx tsx examples/polynomial_module.ts [steps]   (the original runs 2000 steps)
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

class Polynomial3 extends torch.nn.Module {
  // In the constructor (here, field initializers) we instantiate four parameters and assign them as
  // member parameters.
  a = new torch.nn.Parameter(torch.randn([]));
  b = new torch.nn.Parameter(torch.randn([]));
  c = new torch.nn.Parameter(torch.randn([]));
  d = new torch.nn.Parameter(torch.randn([]));

  /**
   * In the forward function we accept a Tensor of input data and we must return a Tensor of output data.
   * We can use Modules defined in the constructor as well as arbitrary operators on Tensors.
   */
  override forward(x: Tensor): Tensor {
    return this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
  }

  /** Just like any class, you can also define custom methods on modules */
  string(): string {
    return `y = ${this.a.item()} + ${this.b.item()} x + ${this.c.item()} x^2 + ${this.d.item()} x^3`;
  }
}

export function main(steps = 2000): void {
  // Create Tensors to hold input and outputs.
  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);

  // Construct our model by instantiating the class defined above
  const model = new Polynomial3();

  // Construct our loss function and an Optimizer. The call to model.parameters() in the SGD constructor
  // will contain the learnable parameters (defined with torch.nn.Parameter) which are members of the model.
  const criterion = new torch.nn.MSELoss({ reduction: "sum" });
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-6 });
  for (let t = 0; t < steps; t++) {
    // Forward pass: Compute predicted y by passing x to the model
    const yPred = model.forward(x);

    // Compute and print loss
    const loss = criterion.forward(yPred, y);
    if (t % 100 === 99) console.log(t, loss.item());

    // Zero gradients, perform a backward pass, and update the weights.
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }

  console.log(`Result: ${model.string()}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv[2] !== undefined ? Number(process.argv[2]) : undefined);
}
