/**
 * PyTorch "Learn the Basics": Build the Neural Network, ported line by line from pytorch/tutorials
 * beginner_source/basics/buildmodel_tutorial.py
 * (https://github.com/pytorch/tutorials/blob/main/beginner_source/basics/buildmodel_tutorial.py):
 * a NeuralNetwork module printed and called, Softmax over its logits, then nn.Flatten, nn.Linear, nn.ReLU,
 * nn.Sequential and nn.Softmax one at a time, and the model's named parameters.
 *
 * Run: npx tsx examples/buildmodel_tutorial.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const { nn } = torch;

export class NeuralNetwork extends nn.Module {
  flatten = new nn.Flatten();
  linearReluStack = new nn.Sequential(
    new nn.Linear(28 * 28, 512),
    new nn.ReLU(),
    new nn.Linear(512, 512),
    new nn.ReLU(),
    new nn.Linear(512, 10),
    new nn.ReLU(),
  );

  constructor() {
    super();
    // The original's attribute name, so stateDict() keys (and the printed model) are PyTorch's.
    this.renameStateKey("linearReluStack", "linear_relu_stack");
  }

  override forward(x: Tensor): Tensor {
    x = this.flatten.forward(x);
    const logits = this.linearReluStack.forward(x);
    return logits;
  }
}

export function main(): void {
  const device = torch.cuda.isAvailable() ? "cuda" : "cpu";
  console.log(`Using ${device} device`);

  const model = new NeuralNetwork().to(device);
  console.log(model);

  const X = torch.rand([1, 28, 28], { device: device });
  let logits = model.forward(X);
  let predProbab = new nn.Softmax({ dim: 1 }).forward(logits);
  const yPred = predProbab.argmax(1);
  console.log(`Predicted class: ${yPred}`);

  let inputImage = torch.rand(3, 28, 28);
  console.log(inputImage.size());

  const flatten = new nn.Flatten();
  const flatImage = flatten.forward(inputImage);
  console.log(flatImage.size());

  const layer1 = new nn.Linear({ inFeatures: 28 * 28, outFeatures: 20 });
  let hidden1 = layer1.forward(flatImage);
  console.log(hidden1.size());

  console.log(`Before ReLU: ${hidden1}\n\n`);
  hidden1 = new nn.ReLU().forward(hidden1);
  console.log(`After ReLU: ${hidden1}`);

  const seqModules = new nn.Sequential(flatten, layer1, new nn.ReLU(), new nn.Linear(20, 10));
  inputImage = torch.rand(3, 28, 28);
  logits = seqModules.forward(inputImage);

  const softmax = new nn.Softmax({ dim: 1 });
  predProbab = softmax.forward(logits);

  console.log("Model structure: ", model, "\n\n");

  for (const [name, param] of model.namedParameters()) {
    console.log(`Layer: ${name} | Size: ${param.size()} | Values : ${param.index([torch.Slice(null, 2)])} \n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
