import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../src/cli/config.ts";
import { buildOptimizer, buildScheduler, currentLr } from "../../src/cli/setup.ts";
import * as optim from "../../src/optim/index.ts";
import { tensor } from "../../src/tensor/creation.ts";
import { oneLineError, runCli, sinConfig, tempDir } from "./helpers.ts";

const base = { task: "regression", model: { type: "mlp", hidden: [4] }, data: { source: "sin" }, batchSize: 8, epochs: 2 };

test("configs name every optimizer of torch.optim the trainer builds", () => {
  const classes = { sgd: optim.SGD, adam: optim.Adam, adamw: optim.AdamW, rmsprop: optim.RMSprop, adagrad: optim.Adagrad, adadelta: optim.Adadelta, nadam: optim.NAdam, radam: optim.RAdam };
  for (const [name, cls] of Object.entries(classes)) {
    const c = parseConfig({ ...base, optimizer: { name, lr: 0.01, weightDecay: 0.001 } }, "c.json");
    const opt = buildOptimizer(c.optimizer, [tensor([1, 2], { requiresGrad: true, dtype: "float32" })]);
    assert.ok(opt instanceof cls, name);
    assert.equal(currentLr(opt), 0.01);
    assert.equal(opt.paramGroups[0]!.weightDecay, 0.001, name);
  }
});

test("linear, warmRestarts and cyclic schedulers follow PyTorch's closed forms", () => {
  const w = () => [tensor([1], { requiresGrad: true, dtype: "float32" })];
  const run = (sched: unknown, opt: { name: string; lr: number; momentum?: number }, n: number) => {
    const c = parseConfig({ ...base, optimizer: opt, scheduler: sched }, "c.json");
    const o = buildOptimizer(c.optimizer, w());
    const { scheduler, perBatch } = buildScheduler(c.scheduler, o, 10, 4);
    const lrs = [currentLr(o)];
    for (let i = 0; i < n; i++) {
      o.step();
      (scheduler as { step(): void }).step();
      lrs.push(currentLr(o));
    }
    return { lrs, perBatch };
  };
  // LinearLR(start 0.5, total 2): 0.05, 0.075, 0.1, 0.1
  const lin = run({ name: "linear", startFactor: 0.5, totalIters: 2 }, { name: "sgd", lr: 0.1 }, 3);
  lin.lrs.forEach((v, i) => assert.ok(Math.abs(v - [0.05, 0.075, 0.1, 0.1][i]!) < 1e-12, `linear ${i}: ${v}`));
  // CosineAnnealingWarmRestarts(T_0=2): 0.1, 0.05, 0.1, 0.05
  const wr = run({ name: "warmRestarts", t0: 2 }, { name: "sgd", lr: 0.1 }, 3);
  wr.lrs.forEach((v, i) => assert.ok(Math.abs(v - [0.1, 0.05, 0.1, 0.05][i]!) < 1e-12, `warmRestarts ${i}: ${v}`));
  // CyclicLR(0.01, 0.1, step_size_up=2) per batch: 0.01, 0.055, 0.1, 0.055, 0.01
  const cy = run({ name: "cyclic", baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 }, { name: "sgd", lr: 0.1, momentum: 0.9 }, 4);
  assert.equal(cy.perBatch, true);
  cy.lrs.forEach((v, i) => assert.ok(Math.abs(v - [0.01, 0.055, 0.1, 0.055, 0.01][i]!) < 1e-12, `cyclic ${i}: ${v}`));
  // Adam has no momentum to cycle: the schedule still runs (cycleMomentum off).
  assert.equal(run({ name: "cyclic", baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 }, { name: "adam", lr: 0.1 }, 2).lrs.length, 3);
});

test("kindling train runs a sin fit with nadam + cyclic, and refuses an unknown optimizer in one line", () => {
  const dir = tempDir("optnames");
  const ok = runCli(["train", sinConfig(dir, "nadam", { optimizer: { name: "nadam", lr: 0.003 }, scheduler: { name: "cyclic", baseLr: 0.001, maxLr: 0.01, stepSizeUp: 20 } }), "--quiet"], dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /test mean absolute error/);
  const bad = runCli(["train", sinConfig(dir, "lamb", { optimizer: { name: "lamb", lr: 0.1 } })], dir);
  assert.match(oneLineError(bad.stderr), /optimizer.name: Invalid option: expected one of "sgd"\|"adam"\|"adamw"\|"rmsprop"\|"adagrad"\|"adadelta"\|"nadam"\|"radam"/);
});
