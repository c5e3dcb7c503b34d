/**
 * PyTorch: optim, ported line by line from pytorch/tutorials beginner_source/examples_nn/polynomial_optim.py
 * (as of PyTorch 1.13, which trains with RMSprop).
 *
 * A third order polynomial, trained to predict y=sin(x) from -pi to pi by minimizing squared Euclidean
 * distance. Rather than updating the weights by hand, the optim package's Optimizer updates them: here
 * RMSprop; optim also holds SGD with momentum, Adam and others.
 *
 * Run: npx tsx examples/polynomial_optim.ts [steps]   (the original runs 2000 steps)
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";

export function main(steps = 2000): void {
  // Create Tensors to hold input and outputs.
  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);

  // Prepare the input tensor (x, x^2, x^3).
  const p = torch.tensor([1, 2, 3]);
  const xx = x.unsqueeze(-1).pow(p);

  // Use the nn package to define our model and loss function.
  const model = new torch.nn.Sequential(new torch.nn.Linear(3, 1), new torch.nn.Flatten(0, 1));
  const lossFn = new torch.nn.MSELoss({ reduction: "sum" });

  // Use the optim package to define an Optimizer that will update the weights of the model for us. Here
  // we will use RMSprop; the optim package contains many other optimization algorithms. The first
  // argument to the RMSprop constructor tells the optimizer which Tensors it should update.
  const learningRate = 1e-3;
  const optimizer = new torch.optim.RMSprop(model.parameters(), { lr: learningRate });
  for (let t = 0; t < steps; t++) {
    // Forward pass: compute predicted y by passing x to the model.
    const yPred = model.forward(xx);

    // Compute and print loss.
    const loss = lossFn.forward(yPred, y);
    if (t % 100 === 99) console.log(t, loss.item());

    // Before the backward pass, use the optimizer object to zero all of the gradients for the variables
    // it will update (which are the learnable weights of the model): backward() accumulates gradients
    // rather than overwriting them.
    optimizer.zeroGrad();

    // Backward pass: compute gradient of the loss with respect to model parameters
    loss.backward();

    // Calling the step function on an Optimizer makes an update to its parameters
    optimizer.step();
  }

  const linearLayer = model.at(0) as torch.nn.Linear;
  console.log(
    `Result: y = ${linearLayer.bias!.item()} + ${linearLayer.weight.index([torch.Slice(), 0]).item()} x + ${linearLayer.weight.index([torch.Slice(), 1]).item()} x^2 + ${linearLayer.weight.index([torch.Slice(), 2]).item()} x^3`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv[2] !== undefined ? Number(process.argv[2]) : undefined);
}
