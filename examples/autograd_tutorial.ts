/**
 * A Gentle Introduction to torch.autograd, ported line by line from pytorch/tutorials
 * beginner_source/blitz/autograd_tutorial.py
 * (https://github.com/pytorch/tutorials/blob/main/beginner_source/blitz/autograd_tutorial.py).
 *
 * torch.autograd is the automatic differentiation engine that powers neural network training: a forward
 * pass makes a prediction, backward propagation collects the derivatives of the error with respect to the
 * parameters, and gradient descent adjusts them. The original loads a pretrained resnet18 from torchvision;
 * kindling downloads nothing, so torch.models.resnet18 starts from torchvision's random initialization.
 *
 * Run: npx tsx examples/autograd_tutorial.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import { resnet18 } from "../src/models/index.ts";

export function main(): void {
  // ---- Usage in PyTorch: a single training step ------------------------------------------------------
  // A random data tensor represents a single image with 3 channels, and height & width of 64, and its
  // corresponding label is initialized to some random values.
  let model = resnet18({ weights: null });
  const data = torch.rand(1, 3, 64, 64);
  const labels = torch.rand(1, 1000);

  const prediction = model.forward(data); // forward pass

  const loss = prediction.sub(labels).sum();
  loss.backward(); // backward pass

  // SGD with a learning rate of 0.01 and momentum of 0.9, over all the parameters of the model.
  const optim = new torch.optim.SGD(model.parameters(), { lr: 1e-2, momentum: 0.9 });

  optim.step(); // gradient descent

  // ---- Differentiation in Autograd -------------------------------------------------------------------
  let a = torch.tensor([2., 3.], { requiresGrad: true });
  let b = torch.tensor([6., 4.], { requiresGrad: true });

  // Q = 3a^3 - b^2
  const Q = a.pow(3).mul(3).sub(b.pow(2));

  // Q is a vector: backward needs the gradient of Q with respect to itself, dQ/dQ = 1.
  const externalGrad = torch.tensor([1., 1.]);
  Q.backward(externalGrad);

  // check if collected gradients are correct
  console.log(a.pow(2).mul(9).eq(a.grad!));
  console.log(b.mul(-2).eq(b.grad!));

  // ---- Exclusion from the DAG ------------------------------------------------------------------------
  const x = torch.rand(5, 5);
  const y = torch.rand(5, 5);
  const z = torch.rand([5, 5], { requiresGrad: true });

  a = x.add(y);
  console.log(`Does \`a\` require gradients? : ${a.requiresGrad}`);
  b = x.add(z);
  console.log(`Does \`b\` require gradients?: ${b.requiresGrad}`);

  // Finetuning: freeze all the parameters of a resnet18 but its new classifier.
  const { nn, optim: optimizers } = torch; // from torch import nn, optim
  model = resnet18({ weights: null });

  // Freeze all the parameters in the network
  for (const param of model.parameters()) param.requiresGrad = false;

  // The classifier is the last linear layer model.fc: replace it with a new (unfrozen) linear layer.
  model.fc = new nn.Linear(512, 10);

  // Optimize only the classifier
  const optimizer = new optimizers.SGD(model.parameters(), { lr: 1e-2, momentum: 0.9 });
  void optimizer;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
