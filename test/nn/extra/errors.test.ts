/**
 * Bad arguments to the issue-14 layers raise typed errors with PyTorch 1.13's message
 * (test/fixtures/nn14_errors.json), plus kindling's own refusals (options, modes it does not have).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";
import { KindlingError } from "../../../src/errors.ts";
import { type TensJson, fromJson } from "../../helpers/fixture.ts";
import { type Json, type ModuleSpec, buildModule, callFn, loadJson } from "./nn14_common.ts";

interface Case {
  name: string;
  fn?: string;
  module?: ModuleSpec;
  inputs: (TensJson | null)[];
  opts?: Record<string, Json>;
  forwardArgs?: Json[];
  error: string;
}

const fx = loadJson<{ cases: Case[] }>("nn14_errors.json");
const { nn } = torch;

function throwsKindling(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof KindlingError, `expected a KindlingError, got ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe("PyTorch's errors", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const ins = c.inputs.map((t) => (t === null ? null : fromJson(t)));
      throwsKindling(() => {
        if (c.fn) return callFn(c.fn, ins, c.opts ?? {});
        const m = buildModule(c.module!) as unknown as { forward(...a: unknown[]): unknown };
        if (ins.length > 0) m.forward(...ins, ...(c.forwardArgs ?? []));
      }, c.error);
    });
  }
});

describe("kindling's own refusals", () => {
  const x = torch.zeros([1, 2, 3, 3]);
  test("unknown or misspelt options, positional numbers where PyTorch has keywords", () => {
    throwsKindling(() => new nn.ConvTranspose2d(2, 2, 3, { outputpadding: 1 } as never), /outputpadding/);
    throwsKindling(() => new (nn.ConvTranspose2d as unknown as new (...a: unknown[]) => unknown)(2, 2, 3, 2), /stride/);
    throwsKindling(() => new nn.Upsample({ scale: 2 } as never), /scale/);
    throwsKindling(() => new (nn.ELU as unknown as new (a: string) => unknown)("0.5"), /alpha/);
    throwsKindling(() => new (nn.Softplus as unknown as new (a: number) => unknown)(2), /beta/);
    throwsKindling(() => new nn.GroupNorm(2, 4, { eps: 1e-5, affin: false } as never), /affin/);
    throwsKindling(() => new nn.InstanceNorm2d(3, { trackRunningStat: true } as never), /trackRunningStat/);
    throwsKindling(() => new nn.KLDivLoss({ log_target: true } as never), /log_target/);
    throwsKindling(() => new nn.HuberLoss({ delta: 1, reduce: false } as never), /reduce/);
    throwsKindling(() => torch.nn.F.interpolate(x, { scale_factor: 2 } as never), /scale_factor/);
    throwsKindling(() => torch.nn.F.elu(x, { alpha: 1, in_place: true } as never), /in_place/);
  });
  test("reductions are checked when the loss is built", () => {
    throwsKindling(() => new nn.KLDivLoss({ reduction: "avg" as never }), "avg is not a valid value for reduction");
    throwsKindling(() => new nn.CosineEmbeddingLoss({ reduction: "batchmean" as never }), "batchmean is not a valid value for reduction");
  });
  test("interpolate modes kindling does not have are named", () => {
    throwsKindling(() => torch.nn.F.interpolate(x, { size: 2, mode: "bicubic" as never }), /mode 'bicubic' on 4D input is not supported by kindling/);
    throwsKindling(() => torch.nn.F.interpolate(torch.zeros([2, 3]), { size: 2 }), /Only 3D, 4D and 5D input Tensors supported \(got 2D\)/);
  });
  test("integer inputs", () => {
    throwsKindling(() => torch.nn.F.interpolate(torch.zeros([1, 1, 2, 2], { dtype: "int64" }), { size: 3 }), `"compute_indices_weights_nearest" not implemented for 'Long'`);
    throwsKindling(() => torch.nn.F.convTranspose2d(torch.zeros([1, 1, 2, 2], { dtype: "int64" }), torch.zeros([1, 1, 1, 1], { dtype: "int64" })), /floating point/);
    throwsKindling(() => torch.nn.F.elu(torch.zeros([2], { dtype: "int64" })), /"elu" not implemented for 'int64'/);
  });
  test("Hardtanh needs maxVal > minVal (PyTorch asserts it)", () => {
    throwsKindling(() => new nn.Hardtanh({ minVal: 2, maxVal: 1 }), /maxVal \(1\) must be greater than minVal \(2\)/);
  });
  test("HuberLoss refuses a broadcast target, as kindling's other elementwise losses", () => {
    throwsKindling(() => torch.nn.F.huberLoss(torch.zeros([2, 3]), torch.zeros([3])), /huber_loss: Using a target size \(\[3\]\)/);
  });
  test("ConvTranspose2d.forward checks outputSize's type", () => {
    throwsKindling(() => new nn.ConvTranspose2d(2, 2, 3).forward(x, 7 as never), /outputSize/);
  });
});
