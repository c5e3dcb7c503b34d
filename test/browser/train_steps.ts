/**
 * The training run compared between Node and a page: a fixed seed, a fixed batch, an MLP and SGD with
 * momentum; it returns every step's loss. Written against the torch namespace it is given, so the very
 * same code runs in Node and in the browser bundle.
 */
import type * as Torch from "../../src/index.ts";

export const SIZES = [784, 256, 64, 10] as const;

export function buildMlp(torch: typeof Torch, sizes: readonly number[] = SIZES): Torch.nn.Sequential {
  const layers: Torch.nn.Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    if (i > 0) layers.push(new torch.nn.ReLU());
    layers.push(new torch.nn.Linear(sizes[i]!, sizes[i + 1]!));
  }
  return new torch.nn.Sequential(...layers);
}

/** Losses of `steps` SGD steps (lr 0.05, momentum 0.9) on one fixed batch of 32, from seed 0. */
export function trainSteps(torch: typeof Torch, steps: number, sizes: readonly number[] = SIZES): number[] {
  torch.manualSeed(0);
  const x = torch.randn([32, sizes[0]!]);
  const y = torch.randint(0, sizes[sizes.length - 1]!, [32]);
  const model = buildMlp(torch, sizes);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const loss = new torch.nn.CrossEntropyLoss();
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const l = loss.forward(model.forward(x), y);
    l.backward();
    opt.step();
    out.push(l.item());
  }
  return out;
}

/** The model after `steps` steps, for checkpoints crossing between Node and a page. */
export function trainedModel(torch: typeof Torch, steps: number): Torch.nn.Sequential {
  torch.manualSeed(0);
  const x = torch.randn([32, SIZES[0]]);
  const y = torch.randint(0, SIZES[SIZES.length - 1], [32]);
  const model = buildMlp(torch);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const loss = new torch.nn.CrossEntropyLoss();
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    loss.forward(model.forward(x), y).backward();
    opt.step();
  }
  return model;
}

/** A fixed probe input for comparing a model's outputs bit for bit. */
export function probe(torch: typeof Torch): Torch.Tensor {
  return torch.linspace(-1, 1, 3 * SIZES[0]).reshape([3, SIZES[0]]);
}
