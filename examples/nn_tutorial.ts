/**
 * What is torch.nn *really*? (Jeremy Howard, fast.ai), ported line by line from pytorch/tutorials
 * beginner_source/nn_tutorial.py (https://github.com/pytorch/tutorials/blob/main/beginner_source/nn_tutorial.py).
 *
 * A logistic regression on MNIST trained with bare tensor operations, then refactored one piece at a time
 * onto torch.nn.functional, nn.Module, nn.Parameter, nn.Linear, torch.optim, TensorDataset, DataLoader,
 * a CNN, nn.Sequential and a wrapped DataLoader.
 *
 * The original downloads deeplearning.net's pickled MNIST (the first 50000 training images for training,
 * the last 10000 for validation, each a float32 row of 784 pixels / 256) and shows one with matplotlib;
 * here datasets.MNIST supplies the same arrays, and nothing is drawn.
 *
 * Run: npx tsx examples/nn_tutorial.ts   (main({ nTrain, nValid, epochs }) runs a shorter version)
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const { nn, optim, datasets } = torch;
const F = torch.nn.functional;
const { TensorDataset, DataLoader } = torch.utils.data;
type Batch = [Tensor, Tensor];
type Loader = Iterable<Batch> & { readonly length: number };
type Model = torch.nn.Module;

/** mnist.pkl.gz's ((x_train, y_train), (x_valid, y_valid)), as tensors (JavaScript has no NumPy arrays). */
function loadPickledMnist(nTrain: number, nValid: number): [Tensor, Tensor, Tensor, Tensor] {
  const mnist = new datasets.MNIST({ train: true });
  const rows = (from: number, n: number) =>
    torch.fromNumpy(Float32Array.from(mnist.data.subarray(from * 784, (from + n) * 784), (v) => v / 256)).view(n, 784);
  const labels = (from: number, n: number) => torch.tensor(Array.from(mnist.targets.subarray(from, from + n)));
  return [rows(0, nTrain), labels(0, nTrain), rows(50000, nValid), labels(50000, nValid)];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export interface Options {
  /** Training rows (the original: 50000). */
  nTrain?: number;
  /** Validation rows (the original: 10000). */
  nValid?: number;
  /** Epochs of every training loop (the original: 2). */
  epochs?: number;
}

export function main(opts: Options = {}): void {
  const { nTrain = 50000, nValid = 10000 } = opts;

  // ---- MNIST data setup ------------------------------------------------------------------------------
  let [xTrain, yTrain, xValid, yValid] = loadPickledMnist(nTrain, nValid);
  // pyplot.imshow(x_train[0].reshape((28, 28)), cmap="gray")
  console.log(xTrain.shape);

  const [n, c] = xTrain.shape as [number, number];
  void c;
  console.log(xTrain, yTrain);
  console.log(xTrain.shape);
  console.log(yTrain.min(), yTrain.max());

  // ---- Neural net from scratch (no torch.nn) ---------------------------------------------------------
  const weights = torch.randn(784, 10).div(Math.sqrt(784));
  weights.requiresGrad_();
  const bias = torch.zeros(10, { requiresGrad: true });

  function logSoftmax(x: Tensor): Tensor {
    return x.sub(x.exp().sum(-1).log().unsqueeze(-1));
  }

  let model: (xb: Tensor) => Tensor = (xb) => logSoftmax(xb.matmul(weights).add(bias));

  const bs = 64; // batch size

  let xb = xTrain.index([torch.Slice(0, bs)]); // a mini-batch from x
  const preds = model(xb); // predictions
  console.log(preds.index([0]), preds.shape);

  function nll(input: Tensor, target: Tensor): Tensor {
    return input.index([range(target.shape[0]!), target]).mean().neg();
  }

  let lossFunc = nll;

  let yb = yTrain.index([torch.Slice(0, bs)]);
  console.log(lossFunc(preds, yb));

  function accuracy(out: Tensor, yb: Tensor): Tensor {
    const preds = torch.argmax(out, 1);
    return preds.eq(yb).float().mean();
  }

  console.log(accuracy(preds, yb));

  let lr = 0.5; // learning rate
  const epochs = opts.epochs ?? 2; // how many epochs to train for

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < Math.floor((n - 1) / bs) + 1; i++) {
      const startI = i * bs;
      const endI = startI + bs;
      xb = xTrain.index([torch.Slice(startI, endI)]);
      yb = yTrain.index([torch.Slice(startI, endI)]);
      const pred = model(xb);
      const loss = lossFunc(pred, yb);

      loss.backward();
      torch.noGrad(() => {
        weights.sub_(weights.grad!.mul(lr));
        bias.sub_(bias.grad!.mul(lr));
        weights.grad!.zero_();
        bias.grad!.zero_();
      });
    }
  }

  console.log(lossFunc(model(xb), yb), accuracy(model(xb), yb));

  // ---- Using torch.nn.functional ---------------------------------------------------------------------
  lossFunc = F.crossEntropy;

  model = (xb) => xb.matmul(weights).add(bias);

  console.log(lossFunc(model(xb), yb), accuracy(model(xb), yb));

  // ---- Refactor using nn.Module ----------------------------------------------------------------------
  class Mnist_Logistic extends nn.Module {
    weights = new nn.Parameter(torch.randn(784, 10).div(Math.sqrt(784)));
    bias = new nn.Parameter(torch.zeros(10));

    override forward(xb: Tensor): Tensor {
      return xb.matmul(this.weights).add(this.bias);
    }
  }

  let module: Model = new Mnist_Logistic();

  console.log(lossFunc(module.forward(xb), yb));

  function fit0(): void {
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = 0; i < Math.floor((n - 1) / bs) + 1; i++) {
        const startI = i * bs;
        const endI = startI + bs;
        xb = xTrain.index([torch.Slice(startI, endI)]);
        yb = yTrain.index([torch.Slice(startI, endI)]);
        const pred = module.forward(xb);
        const loss = lossFunc(pred, yb);

        loss.backward();
        torch.noGrad(() => {
          for (const p of module.parameters()) p.sub_(p.grad!.mul(lr));
          module.zeroGrad();
        });
      }
    }
  }

  fit0();

  console.log(lossFunc(module.forward(xb), yb));

  // ---- Refactor using nn.Linear ----------------------------------------------------------------------
  class Mnist_Logistic2 extends nn.Module {
    lin = new nn.Linear(784, 10);

    override forward(xb: Tensor): Tensor {
      return this.lin.forward(xb);
    }
  }

  module = new Mnist_Logistic2();
  console.log(lossFunc(module.forward(xb), yb));

  fit0();

  console.log(lossFunc(module.forward(xb), yb));

  // ---- Refactor using optim --------------------------------------------------------------------------
  function getModel(): [Model, torch.optim.Optimizer] {
    const model = new Mnist_Logistic2();
    return [model, new optim.SGD(model.parameters(), { lr })];
  }

  let opt: torch.optim.Optimizer;
  [module, opt] = getModel();
  console.log(lossFunc(module.forward(xb), yb));

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < Math.floor((n - 1) / bs) + 1; i++) {
      const startI = i * bs;
      const endI = startI + bs;
      xb = xTrain.index([torch.Slice(startI, endI)]);
      yb = yTrain.index([torch.Slice(startI, endI)]);
      const pred = module.forward(xb);
      const loss = lossFunc(pred, yb);

      loss.backward();
      opt.step();
      opt.zeroGrad();
    }
  }

  console.log(lossFunc(module.forward(xb), yb));

  // ---- Refactor using Dataset ------------------------------------------------------------------------
  let trainDs = new TensorDataset(xTrain, yTrain);

  [module, opt] = getModel();

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = 0; i < Math.floor((n - 1) / bs) + 1; i++) {
      [xb, yb] = trainDs.getItem(torch.Slice(i * bs, i * bs + bs)) as Batch;
      const pred = module.forward(xb);
      const loss = lossFunc(pred, yb);

      loss.backward();
      opt.step();
      opt.zeroGrad();
    }
  }

  console.log(lossFunc(module.forward(xb), yb));

  // ---- Refactor using DataLoader ---------------------------------------------------------------------
  trainDs = new TensorDataset(xTrain, yTrain);
  let trainDl: Loader = new DataLoader(trainDs, { batchSize: bs });

  [module, opt] = getModel();

  for (let epoch = 0; epoch < epochs; epoch++) {
    for ([xb, yb] of trainDl) {
      const pred = module.forward(xb);
      const loss = lossFunc(pred, yb);

      loss.backward();
      opt.step();
      opt.zeroGrad();
    }
  }

  console.log(lossFunc(module.forward(xb), yb));

  // ---- Add validation --------------------------------------------------------------------------------
  trainDs = new TensorDataset(xTrain, yTrain);
  trainDl = new DataLoader(trainDs, { batchSize: bs, shuffle: true });

  const validDs = new TensorDataset(xValid, yValid);
  let validDl: Loader = new DataLoader(validDs, { batchSize: bs * 2 });

  [module, opt] = getModel();

  for (let epoch = 0; epoch < epochs; epoch++) {
    module.train();
    for ([xb, yb] of trainDl) {
      const pred = module.forward(xb);
      const loss = lossFunc(pred, yb);

      loss.backward();
      opt.step();
      opt.zeroGrad();
    }

    module.eval();
    const validLoss = torch.noGrad(() => [...validDl].map(([xb, yb]) => lossFunc(module.forward(xb), yb)).reduce((s, l) => s.add(l)));

    console.log(epoch, validLoss.div(validDl.length));
  }

  // ---- Create fit() and get_data() -------------------------------------------------------------------
  function lossBatch(model: Model, lossFunc: (input: Tensor, target: Tensor) => Tensor, xb: Tensor, yb: Tensor, opt: torch.optim.Optimizer | null = null): [number, number] {
    const loss = lossFunc(model.forward(xb), yb);

    if (opt !== null) {
      loss.backward();
      opt.step();
      opt.zeroGrad();
    }

    return [loss.item(), xb.size(0)];
  }

  function fit(epochs: number, model: Model, lossFunc: (input: Tensor, target: Tensor) => Tensor, opt: torch.optim.Optimizer, trainDl: Loader, validDl: Loader): void {
    for (let epoch = 0; epoch < epochs; epoch++) {
      model.train();
      for (const [xb, yb] of trainDl) lossBatch(model, lossFunc, xb, yb, opt);

      model.eval();
      const [losses, nums] = torch.noGrad(() => {
        const results = [...validDl].map(([xb, yb]) => lossBatch(model, lossFunc, xb, yb));
        return [results.map((r) => r[0]), results.map((r) => r[1])];
      });
      const valLoss = losses.reduce((s, l, i) => s + l * nums[i]!, 0) / nums.reduce((s, v) => s + v, 0);

      console.log(epoch, valLoss);
    }
  }

  function getData(trainDs: torch.utils.data.TensorDataset, validDs: torch.utils.data.TensorDataset, bs: number): [Loader, Loader] {
    return [new DataLoader(trainDs, { batchSize: bs, shuffle: true }), new DataLoader(validDs, { batchSize: bs * 2 })];
  }

  [trainDl, validDl] = getData(trainDs, validDs, bs);
  [module, opt] = getModel();
  fit(epochs, module, lossFunc, opt, trainDl, validDl);

  // ---- Switch to CNN ---------------------------------------------------------------------------------
  class Mnist_CNN extends nn.Module {
    conv1 = new nn.Conv2d(1, 16, 3, { stride: 2, padding: 1 });
    conv2 = new nn.Conv2d(16, 16, 3, { stride: 2, padding: 1 });
    conv3 = new nn.Conv2d(16, 10, 3, { stride: 2, padding: 1 });

    override forward(xb: Tensor): Tensor {
      xb = xb.view(-1, 1, 28, 28);
      xb = F.relu(this.conv1.forward(xb));
      xb = F.relu(this.conv2.forward(xb));
      xb = F.relu(this.conv3.forward(xb));
      xb = F.avgPool2d(xb, 4);
      return xb.view(-1, xb.size(1));
    }
  }

  lr = 0.1;

  module = new Mnist_CNN();
  opt = new optim.SGD(module.parameters(), { lr, momentum: 0.9 });

  fit(epochs, module, lossFunc, opt, trainDl, validDl);

  // ---- nn.Sequential ---------------------------------------------------------------------------------
  class Lambda extends nn.Module {
    constructor(readonly func: (x: Tensor) => Tensor) {
      super();
    }

    override forward(x: Tensor): Tensor {
      return this.func(x);
    }
  }

  function preprocess(x: Tensor): Tensor {
    return x.view(-1, 1, 28, 28);
  }

  module = new nn.Sequential(
    new Lambda(preprocess),
    new nn.Conv2d(1, 16, 3, { stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 16, 3, { stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 10, 3, { stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.AvgPool2d(4),
    new Lambda((x) => x.view(x.size(0), -1)),
  );

  opt = new optim.SGD(module.parameters(), { lr, momentum: 0.9 });

  fit(epochs, module, lossFunc, opt, trainDl, validDl);

  // ---- Wrapping DataLoader ---------------------------------------------------------------------------
  let preprocess2 = (x: Tensor, y: Tensor): Batch => [x.view(-1, 1, 28, 28), y];

  class WrappedDataLoader implements Loader {
    constructor(
      readonly dl: Loader,
      readonly func: (x: Tensor, y: Tensor) => Batch,
    ) {}

    get length(): number {
      return this.dl.length;
    }

    *[Symbol.iterator](): Iterator<Batch> {
      const batches = this.dl[Symbol.iterator]();
      for (let b = batches.next(); !b.done; b = batches.next()) yield this.func(...b.value);
    }
  }

  [trainDl, validDl] = getData(trainDs, validDs, bs);
  trainDl = new WrappedDataLoader(trainDl, preprocess2);
  validDl = new WrappedDataLoader(validDl, preprocess2);

  module = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 16, 3, { stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 10, 3, { stride: 2, padding: 1 }),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new Lambda((x) => x.view(x.size(0), -1)),
  );

  opt = new optim.SGD(module.parameters(), { lr, momentum: 0.9 });

  fit(epochs, module, lossFunc, opt, trainDl, validDl);

  // ---- Using your GPU --------------------------------------------------------------------------------
  console.log(torch.cuda.isAvailable());

  const dev = torch.cuda.isAvailable() ? torch.device("cuda") : torch.device("cpu");

  preprocess2 = (x, y) => [x.view(-1, 1, 28, 28).to(dev), y.to(dev)];

  [trainDl, validDl] = getData(trainDs, validDs, bs);
  trainDl = new WrappedDataLoader(trainDl, preprocess2);
  validDl = new WrappedDataLoader(validDl, preprocess2);

  module.to(dev);
  opt = new optim.SGD(module.parameters(), { lr, momentum: 0.9 });

  fit(epochs, module, lossFunc, opt, trainDl, validDl);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
