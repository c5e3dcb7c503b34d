/**
 * VAE MNIST Example, ported line by line from pytorch/examples vae/main.py
 * (https://github.com/pytorch/examples/blob/main/vae/main.py): a variational autoencoder (784-400-20-400-784)
 * trained with Adam on the binary cross-entropy of its reconstruction plus the KL divergence of its code.
 *
 * As the original, it writes reconstructions and samples to results/ with save_image (kindling's
 * torch.utils.saveImage, which also creates the folder; the original needs it to exist).
 *
 * Run: npx tsx examples/vae.ts --epochs 1 --log-interval 100
 */
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const { nn, optim, datasets, transforms } = torch;
const { saveImage } = torch.utils;
const F = torch.nn.functional;
type Sample = [Tensor, number];
type DataLoader = torch.utils.data.DataLoader<Sample, [Tensor, Tensor]>;
type DataLoaderOptions = torch.utils.data.DataLoaderOptions<Sample, [Tensor, Tensor]>;

export class VAE extends nn.Module<[Tensor], [Tensor, Tensor, Tensor]> {
  fc1 = new nn.Linear(784, 400);
  fc21 = new nn.Linear(400, 20);
  fc22 = new nn.Linear(400, 20);
  fc3 = new nn.Linear(20, 400);
  fc4 = new nn.Linear(400, 784);

  encode(x: Tensor): [Tensor, Tensor] {
    const h1 = F.relu(this.fc1.forward(x));
    return [this.fc21.forward(h1), this.fc22.forward(h1)];
  }

  reparameterize(mu: Tensor, logvar: Tensor): Tensor {
    const std = torch.exp(logvar.mul(0.5));
    const eps = torch.randnLike(std);
    return mu.add(eps.mul(std));
  }

  decode(z: Tensor): Tensor {
    const h3 = F.relu(this.fc3.forward(z));
    return torch.sigmoid(this.fc4.forward(h3));
  }

  override forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const [mu, logvar] = this.encode(x.view(-1, 784));
    const z = this.reparameterize(mu, logvar);
    return [this.decode(z), mu, logvar];
  }
}

// Reconstruction + KL divergence losses summed over all elements and batch
export function lossFunction(reconX: Tensor, x: Tensor, mu: Tensor, logvar: Tensor): Tensor {
  const BCE = F.binaryCrossEntropy(reconX, x.view(-1, 784), { reduction: "sum" });

  // see Appendix B from VAE paper:
  // Kingma and Welling. Auto-Encoding Variational Bayes. ICLR, 2014
  // https://arxiv.org/abs/1312.6114
  // 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
  const KLD = torch.sum(torch.add(1, logvar).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);

  return BCE.add(KLD);
}

export interface Args {
  batchSize: number;
  epochs: number;
  cuda: boolean;
  seed: number;
  logInterval: number;
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`invalid int value: '${value}'`);
  return n;
}

const fmt = (v: number, digits: number) => v.toFixed(digits);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Not in the original, for quick runs (the tests): train and test on the first N samples only. */
export interface Limits {
  trainSamples?: number;
  testSamples?: number;
}

export function main(argv: readonly string[] = process.argv.slice(2), limits: Limits = {}): void {
  const parser = new Command()
    .description("VAE MNIST Example")
    .option("--batch-size <N>", "input batch size for training (default: 128)", int, 128)
    .option("--epochs <N>", "number of epochs to train (default: 10)", int, 10)
    .option("--no-cuda", "enables CUDA training")
    .option("--seed <S>", "random seed (default: 1)", int, 1)
    .option("--log-interval <N>", "how many batches to wait before logging training status", int, 10);
  const args = parser.parse([...argv], { from: "user" }).opts<Args>();
  args.cuda = args.cuda && torch.cuda.isAvailable();

  torch.manualSeed(args.seed);

  const device = torch.device(args.cuda ? "cuda" : "cpu");

  const kwargs: DataLoaderOptions = args.cuda ? { numWorkers: 1, pinMemory: true } : {};
  let trainSet: torch.utils.data.MapDataset<Sample> = new datasets.MNIST("../data", { train: true, download: true, transform: new transforms.ToTensor() });
  let testSet: torch.utils.data.MapDataset<Sample> = new datasets.MNIST("../data", { train: false, transform: new transforms.ToTensor() });
  if (limits.trainSamples !== undefined) trainSet = new torch.utils.data.Subset(trainSet, range(limits.trainSamples));
  if (limits.testSamples !== undefined) testSet = new torch.utils.data.Subset(testSet, range(limits.testSamples));
  const trainLoader: DataLoader = new torch.utils.data.DataLoader(trainSet, { batchSize: args.batchSize, shuffle: true, ...kwargs });
  const testLoader: DataLoader = new torch.utils.data.DataLoader(testSet, { batchSize: args.batchSize, shuffle: true, ...kwargs });

  const model = new VAE().to(device);
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });

  function train(epoch: number): void {
    model.train();
    let trainLoss = 0;
    let batchIdx = 0;
    for (let [data] of trainLoader) {
      data = data.to(device);
      optimizer.zeroGrad();
      const [reconBatch, mu, logvar] = model.forward(data);
      const loss = lossFunction(reconBatch, data, mu, logvar);
      loss.backward();
      trainLoss += loss.item();
      optimizer.step();
      if (batchIdx % args.logInterval === 0) {
        console.log(
          `Train Epoch: ${epoch} [${batchIdx * data.size(0)}/${trainLoader.dataset.length} ` +
            `(${fmt((100 * batchIdx) / trainLoader.length, 0)}%)]\tLoss: ${fmt(loss.item() / data.size(0), 6)}`,
        );
      }
      batchIdx++;
    }

    console.log(`====> Epoch: ${epoch} Average loss: ${fmt(trainLoss / trainLoader.dataset.length, 4)}`);
  }

  function test(epoch: number): void {
    model.eval();
    let testLoss = 0;
    torch.noGrad(() => {
      let i = 0;
      for (let [data] of testLoader) {
        data = data.to(device);
        const [reconBatch, mu, logvar] = model.forward(data);
        testLoss += lossFunction(reconBatch, data, mu, logvar).item();
        if (i === 0) {
          const n = Math.min(data.size(0), 8);
          const comparison = torch.cat([data.index(`:${n}`), reconBatch.view(args.batchSize, 1, 28, 28).index(`:${n}`)]);
          saveImage(comparison.cpu(), `results/reconstruction_${epoch}.png`, { nrow: n });
        }
        i++;
      }
    });

    testLoss /= testLoader.dataset.length;
    console.log(`====> Test set loss: ${fmt(testLoss, 4)}`);
  }

  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    train(epoch);
    test(epoch);
    torch.noGrad(() => {
      let sample = torch.randn(64, 20).to(device);
      sample = model.decode(sample).cpu();
      saveImage(sample.view(64, 1, 28, 28), `results/sample_${epoch}.png`);
    });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
