/**
 * Neural Networks, ported line by line from pytorch/tutorials beginner_source/blitz/neural_networks_tutorial.py
 * (https://github.com/pytorch/tutorials/blob/main/beginner_source/blitz/neural_networks_tutorial.py).
 *
 * Neural networks are constructed with the `torch.nn` package. An `nn.Module` contains layers, and a
 * method `forward(input)` that returns the `output`: here LeNet, which classifies 32x32 digit images.
 * A typical training procedure: define the network, run inputs through it, compute the loss, propagate
 * gradients back into the network's parameters, and update the weights
 * (`weight = weight - learning_rate * gradient`).
 *
 * Run: npx tsx examples/neural_networks_tutorial.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const nn = torch.nn;
const F = torch.nn.functional;
const optim = torch.optim;

export class Net extends nn.Module {
  // 1 input image channel, 6 output channels, 5x5 square convolution kernel
  conv1 = new nn.Conv2d(1, 6, 5);
  conv2 = new nn.Conv2d(6, 16, 5);
  // an affine operation: y = Wx + b
  fc1 = new nn.Linear(16 * 5 * 5, 120); // 5*5 from image dimension
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  override forward(x: Tensor): Tensor {
    // Max pooling over a (2, 2) window
    x = F.maxPool2d(F.relu(this.conv1.forward(x)), [2, 2]);
    // If the size is a square, you can specify with a single number
    x = F.maxPool2d(F.relu(this.conv2.forward(x)), 2);
    x = torch.flatten(x, 1); // flatten all dimensions except the batch dimension
    x = F.relu(this.fc1.forward(x));
    x = F.relu(this.fc2.forward(x));
    x = this.fc3.forward(x);
    return x;
  }
}

/** Runs the tutorial; returns the network, its input and target (the tests look at them after the update). */
export function main(): { net: Net; input: Tensor; target: Tensor } {
  const net = new Net();
  console.log(net);

  // The learnable parameters of a model are returned by net.parameters()
  const params = [...net.parameters()];
  console.log(params.length);
  console.log(params[0]!.size()); // conv1's .weight

  // Let's try a random 32x32 input.
  const input = torch.randn(1, 1, 32, 32);
  const out = net.forward(input);
  console.log(out);

  // Zero the gradient buffers of all parameters and backprops with random gradients:
  net.zeroGrad();
  out.backward(torch.randn(1, 10));

  // ---- Loss Function ---------------------------------------------------------------------------------
  let output = net.forward(input);
  let target = torch.randn(10); // a dummy target, for example
  target = target.view(1, -1); // make it the same shape as output
  const criterion = new nn.MSELoss();

  let loss = criterion.forward(output, target);
  console.log(loss);

  // Following loss in the backward direction, using its gradFn:
  console.log(loss.gradFn); // MSELoss
  console.log(loss.gradFn!.nextFunctions[0]![0]); // Linear
  console.log(loss.gradFn!.nextFunctions[0]![0]!.nextFunctions[0]![0]); // ReLU

  // ---- Backprop --------------------------------------------------------------------------------------
  net.zeroGrad(); // zeroes the gradient buffers of all parameters

  console.log("conv1.bias.grad before backward");
  console.log(net.conv1.bias!.grad);

  loss.backward();

  console.log("conv1.bias.grad after backward");
  console.log(net.conv1.bias!.grad);

  // ---- Update the weights ----------------------------------------------------------------------------
  // create your optimizer
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });

  // in your training loop:
  optimizer.zeroGrad(); // zero the gradient buffers
  output = net.forward(input);
  loss = criterion.forward(output, target);
  loss.backward();
  optimizer.step(); // Does the update

  return { net, input, target };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
