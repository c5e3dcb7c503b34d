/**
 * PyTorch: nn, ported line by line from pytorch/tutorials beginner_source/examples_nn/polynomial_nn.py
 * (as of PyTorch 1.13).
 *
 * A third order polynomial, trained to predict y=sin(x) from -pi to pi by minimizing squared Euclidean
 * distance, built with the nn package: Modules are layers that produce an output from an input and may
 * hold trainable weights, which raw autograd leaves the user to manage.
 *
 * Run: npx tsx examples/polynomial_nn.ts [steps]   (the original runs 2000 steps)
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";

export function main(steps = 2000): void {
  // Create Tensors to hold input and outputs.
  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);

  // For this example, the output y is a linear function of (x, x^2, x^3), so we can consider it as a
  // linear layer neural network. Let's prepare the tensor (x, x^2, x^3).
  const p = torch.tensor([1, 2, 3]);
  const xx = x.unsqueeze(-1).pow(p);

  // In the above code, x.unsqueeze(-1) has shape (2000, 1), and p has shape (3,), for this case,
  // broadcasting semantics will apply to obtain a tensor of shape (2000, 3)

  // Use the nn package to define our model as a sequence of layers. nn.Sequential is a Module which
  // contains other Modules, and applies them in sequence to produce its output. The Linear Module
  // computes output from input using a linear function, and holds internal Tensors for its weight and
  // bias. The Flatten layer flattens the output of the linear layer to a 1D tensor, to match the shape
  // of `y`.
  const model = new torch.nn.Sequential(new torch.nn.Linear(3, 1), new torch.nn.Flatten(0, 1));

  // The nn package also contains definitions of popular loss functions; in this case we will use Mean
  // Squared Error (MSE) as our loss function.
  const lossFn = new torch.nn.MSELoss({ reduction: "sum" });

  const learningRate = 1e-6;
  for (let t = 0; t < steps; t++) {
    // Forward pass: compute predicted y by passing x to the model. (A TypeScript object is not callable:
    // model.forward(xx) is Python's model(xx).)
    const yPred = model.forward(xx);

    // Compute and print loss. We pass Tensors containing the predicted and true values of y, and the
    // loss function returns a Tensor containing the loss.
    const loss = lossFn.forward(yPred, y);
    if (t % 100 === 99) console.log(t, loss.item());

    // Zero the gradients before running the backward pass.
    model.zeroGrad();

    // Backward pass: compute gradient of the loss with respect to all the learnable parameters of the
    // model. The parameters of each Module are Tensors with requiresGrad, so this call computes
    // gradients for all learnable parameters in the model.
    loss.backward();

    // Update the weights using gradient descent. Each parameter is a Tensor, so we can access its
    // gradients like we did before.
    torch.noGrad(() => {
      for (const param of model.parameters()) param.sub_(param.grad!.mul(learningRate));
    });
  }

  // You can access the first layer of `model` like accessing the first item of a list
  const linearLayer = model.at(0) as torch.nn.Linear;

  // For linear layer, its parameters are stored as `weight` and `bias`.
  console.log(
    `Result: y = ${linearLayer.bias!.item()} + ${linearLayer.weight.index([torch.Slice(), 0]).item()} x + ${linearLayer.weight.index([torch.Slice(), 1]).item()} x^2 + ${linearLayer.weight.index([torch.Slice(), 2]).item()} x^3`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv[2] !== undefined ? Number(process.argv[2]) : undefined);
}
