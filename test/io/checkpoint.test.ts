import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import { ArgumentError, FormatError } from "../../src/errors.ts";
import {
  type TrainingState, load, loadTrainingState, loadWithMetadata, save, saveTrainingState,
} from "../../src/io/checkpoint.ts";
import { decodeSafetensors } from "../../src/io/safetensors.ts";
import type { OptimizerStateDict } from "../../src/optim/index.ts";
import type { SchedulerStateDict } from "../../src/optim/lr_scheduler/index.ts";

type Tensor = torch.Tensor;
const dir = mkdtempSync(join(tmpdir(), "kindling-ckpt-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function assertSame(a: Tensor, b: Tensor, what: string): void {
  assert.equal(a.dtype, b.dtype, `${what} dtype`);
  assert.deepEqual([...a.shape], [...b.shape], `${what} shape`);
  assert.deepEqual(a.toTypedArray(), b.toTypedArray(), `${what} data`);
}

function assertFormatError(fn: () => Promise<unknown>, path: string, fragment: RegExp): Promise<void> {
  return assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.ok(e.message.includes(path), `"${e.message}" does not name ${path}`);
    assert.match(e.message, fragment);
    return true;
  });
}

describe("save / load", () => {
  const sd = (): Record<string, Tensor> => ({
    "fc1.weight": torch.tensor([[0.5, -1.25, 3], [1e-30, -0, 7]], { dtype: "float32" }),
    "fc1.bias": torch.tensor([Math.PI, -1e300], { dtype: "float64" }),
    counts: torch.tensor([-2147483648, 0, 2147483647], { dtype: "int32" }),
    steps: torch.tensor([2 ** 53 - 1, -(2 ** 53 - 1), 0, 42], { dtype: "int64" }),
    mask: torch.tensor([true, false, true]),
    scalar: torch.tensor(2.5, { dtype: "float32" }),
    empty: torch.zeros([0, 3]),
    transposed: torch.arange(6, { dtype: "float32" }).reshape([2, 3]).t(), // a view: written contiguous
  });

  it("round-trips every dtype, 0-d and empty tensors, and views", async () => {
    const path = join(dir, "all.safetensors");
    const original = sd();
    await save(original, path);
    const back = await load(path);
    assert.deepEqual(Object.keys(back).sort(), Object.keys(original).sort());
    for (const [k, t] of Object.entries(original)) assertSame(back[k]!, t, k);
    assert.deepEqual(back.transposed!.tolist(), [[0, 3], [1, 4], [2, 5]]);
    assert.ok(back.transposed!.isContiguous());
    // int64 really is I64 in the file.
    const bytes = readFileSync(path);
    const raw = decodeSafetensors(bytes);
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    assert.equal(header.steps.dtype, "I64");
    assert.equal(header.mask.dtype, "BOOL");
    assert.equal(raw.metadata.format, "pt");
  });

  it("accepts a Map and keeps user metadata", async () => {
    const path = join(dir, "map.safetensors");
    await save(new Map([["a", torch.ones([2])]]), path, { metadata: { epoch: "3", note: "hi" } });
    const { tensors, metadata } = await loadWithMetadata(path);
    assert.deepEqual(tensors.a!.tolist(), [1, 1]);
    assert.deepEqual(metadata, { format: "pt", epoch: "3", note: "hi" });
  });

  it("overwrites atomically and leaves no temporary files", async () => {
    const path = join(dir, "atomic", "ckpt.safetensors");
    await save({ x: torch.ones([3]) }, path);
    await save({ x: torch.zeros([2]) }, path);
    assert.deepEqual((await load(path)).x!.tolist(), [0, 0]);
    assert.deepEqual(readdirSync(join(dir, "atomic")), ["ckpt.safetensors"]);
  });

  it("rejects non-tensor entries", async () => {
    await assert.rejects(save({ x: [1, 2] as never }, join(dir, "bad.safetensors")), ArgumentError);
  });

  it("reports a corrupt or truncated file as a FormatError naming it", async () => {
    const path = join(dir, "corrupt.safetensors");
    await save(sd(), path);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 5));
    await assertFormatError(() => load(path), path, /truncated/);
    writeFileSync(path, Buffer.from("not a checkpoint at all"));
    await assertFormatError(() => load(path), path, /invalid safetensors file/);
    const missing = join(dir, "missing.safetensors");
    await assert.rejects(load(missing), (e: NodeJS.ErrnoException) => e.code === "ENOENT");
  });
});

describe("training state", () => {
  it("round-trips nested tensors and JSON, including the values plain JSON loses", async () => {
    const path = join(dir, "state.safetensors");
    const state: TrainingState = {
      model: { "0.weight": torch.ones([2, 2]), "0.bias": torch.zeros([2]) },
      epoch: 7,
      best: Infinity,
      worst: -Infinity,
      missing: NaN,
      negZero: -0,
      list: [1, "two", null, true, torch.tensor([3], { dtype: "int64" })],
      map: new Map<string, torch.Tensor | number>([["10", 1], ["2", torch.tensor([2.5])]]),
      dollars: { $tensor: "not a ref", plain: 1 },
    };
    await saveTrainingState(path, state, { metadata: { run: "abc" } });
    const back = await loadTrainingState(path);
    assert.equal(back.epoch, 7);
    assert.equal(back.best, Infinity);
    assert.equal(back.worst, -Infinity);
    assert.ok(Number.isNaN(back.missing));
    assert.ok(Object.is(back.negZero, -0));
    const model = back.model as Record<string, Tensor>;
    assertSame(model["0.weight"]!, torch.ones([2, 2]), "weight");
    const list = back.list as unknown[];
    assert.deepEqual(list.slice(0, 4), [1, "two", null, true]);
    assertSame(list[4] as Tensor, torch.tensor([3], { dtype: "int64" }), "list[4]");
    const map = back.map as Map<string, unknown>;
    assert.deepEqual([...map.keys()], ["10", "2"]);
    assert.deepEqual((map.get("2") as Tensor).tolist(), [2.5]);
    assert.deepEqual(back.dollars, { $tensor: "not a ref", plain: 1 });
    const { tensors, metadata } = await loadWithMetadata(path);
    assert.deepEqual(Object.keys(tensors).sort(), ["list.4", "map.2", "model.0.bias", "model.0.weight"]);
    assert.equal(metadata.run, "abc");
  });

  it("resuming training from a checkpoint file gives the same weights as training straight through", async () => {
    const path = join(dir, "resume.safetensors");
    const init = (): Tensor[] => {
      torch.manualSeed(3);
      return [torch.randn([5, 4]).requiresGrad_(true), torch.randn([4]).requiresGrad_(true)];
    };
    const grads = (step: number): Tensor[] => {
      torch.manualSeed(100 + step);
      return [torch.randn([5, 4]), torch.randn([4])];
    };
    const build = (params: Tensor[]) => {
      const opt = new torch.optim.AdamW([{ params: [params[0]!] }, { params: [params[1]!], weightDecay: 0 }], { lr: 0.05, amsgrad: true });
      const sched = new torch.optim.lrScheduler.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10 });
      return { opt, sched };
    };
    const run = (params: Tensor[], o: ReturnType<typeof build>, from: number, to: number): void => {
      for (let s = from; s < to; s++) {
        grads(s).forEach((g, i) => (params[i]!.grad = g));
        o.opt.step();
        o.sched.step();
      }
    };
    const straight = init();
    run(straight, build(straight), 0, 8);

    const first = init();
    const a = build(first);
    run(first, a, 0, 5);
    await saveTrainingState(path, {
      model: { w: first[0]!, b: first[1]! },
      optim: a.opt.stateDict(),
      sched: a.sched.stateDict(),
      step: 5,
    });

    const loaded = await loadTrainingState(path);
    const model = loaded.model as Record<string, Tensor>;
    const resumed = [model.w!.requiresGrad_(true), model.b!.requiresGrad_(true)];
    const b = build(resumed);
    b.opt.loadStateDict(loaded.optim as OptimizerStateDict);
    b.sched.loadStateDict(loaded.sched as SchedulerStateDict);
    run(resumed, b, loaded.step as number, 8);
    resumed.forEach((p, i) => assert.deepEqual(p.toTypedArray(), straight[i]!.toTypedArray()));
    const names = Object.keys((await loadWithMetadata(path)).tensors);
    assert.ok(names.includes("optim.state.0.max_exp_avg_sq"), names.join(", "));
  });

  it("refuses what it cannot store and files it did not write", async () => {
    await assert.rejects(saveTrainingState(join(dir, "x.safetensors"), { f: (() => 1) as never }), /"f" is a function/);
    await assert.rejects(saveTrainingState(join(dir, "x.safetensors"), { a: { b: torch.ones([1]) }, "a.b": torch.ones([1]) }), /two tensors would be stored under the name "a.b"/);
    const plain = join(dir, "plain.safetensors");
    await save({ x: torch.ones([1]) }, plain);
    await assertFormatError(() => loadTrainingState(plain), plain, /no "kindling.state" metadata/);
    const tampered = join(dir, "tampered.safetensors");
    await save({ x: torch.ones([1]) }, tampered, { metadata: { "kindling.state": '{"y":{"$tensor":"y"}}' } });
    await assertFormatError(() => loadTrainingState(tampered), tampered, /references a tensor "y"/);
    await save({ x: torch.ones([1]) }, tampered, { metadata: { "kindling.state": "{oops" } });
    await assertFormatError(() => loadTrainingState(tampered), tampered, /not valid JSON/);
    await save({ x: torch.ones([1]) }, tampered, { metadata: { "kindling.state": "{}" } });
    await assertFormatError(() => loadTrainingState(tampered), tampered, /tensor "x" is not referenced/);
  });
});
