/**
 * Shared by the issue-14 layer tests: fixture types (scripts/fixtures/gen_nn14.py), the tolerance the
 * issue asks for (normwise relative error <= 1e-4 in float32, <= 1e-6 in float64) and the map from a
 * fixture's F name to the kindling call.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../../src/index.ts";
import { type TensJson, checkTensor, relError } from "../../helpers/fixture.ts";

export type Tensor = torch.Tensor;
export type Json = number | string | boolean | null | Json[] | { [k: string]: Json };

export function loadJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), "utf8")) as T;
}

const TOL: Record<string, number> = { float32: 1e-4, float64: 1e-6 };

/** Shape, dtype and values against PyTorch's, at the tolerance; NaN must be NaN where PyTorch has one. */
export function check(actual: Tensor | null | undefined, expected: TensJson, where: string): void {
  checkTensor(actual, expected, where);
  if (expected.dtype !== "float32" && expected.dtype !== "float64") return;
  const a = actual!.toTypedArray();
  const e = expected.data.map((v) => (v === ("nan" as unknown as number) ? NaN : v === ("inf" as unknown as number) ? Infinity : v === ("-inf" as unknown as number) ? -Infinity : v));
  const { err } = relError(a, e);
  assert.ok(err <= TOL[expected.dtype]!, `${where}: relative error ${err.toExponential(2)} > ${TOL[expected.dtype]}`);
}

type O = Record<string, never>;

/** Calls the kindling F function a functional fixture names, with its inputs in PyTorch's order. */
export function callFn(fn: string, ins: (Tensor | null)[], opts: Record<string, Json>): Tensor {
  const F = torch.nn.F;
  const o = opts as O;
  const [a, b, c, d, e] = ins;
  switch (fn) {
    case "convTranspose2d":
      return F.convTranspose2d(a!, b!, c ?? null, o);
    case "interpolate":
      return F.interpolate(a!, o);
    case "groupNorm":
      return F.groupNorm(a!, opts["numGroups"] as number, b ?? null, c ?? null, (opts["eps"] as number | undefined) ?? 1e-5);
    case "instanceNorm":
      return F.instanceNorm(a!, b ?? null, c ?? null, d ?? null, e ?? null, (opts["useInputStats"] as boolean | undefined) ?? true, (opts["momentum"] as number | undefined) ?? 0.1, (opts["eps"] as number | undefined) ?? 1e-5);
    case "prelu":
      return F.prelu(a!, b!);
    case "silu":
      return F.silu(a!);
    case "mish":
      return F.mish(a!);
    case "logsigmoid":
      return F.logsigmoid(a!);
    case "elu":
      return F.elu(a!, o);
    case "softplus":
      return F.softplus(a!, o);
    case "hardtanh":
      return F.hardtanh(a!, o);
    case "klDiv":
      return F.klDiv(a!, b!, o);
    case "huberLoss":
      return F.huberLoss(a!, b!, o);
    case "cosineEmbeddingLoss":
      return F.cosineEmbeddingLoss(a!, b!, c!, o);
    default:
      throw new Error(`unknown fn ${fn}`);
  }
}

export interface ModuleSpec {
  type: string;
  args: Json[];
  opts: Record<string, Json>;
}

/** Builds the kindling module of a fixture SPEC (as the generator's `build` makes PyTorch's). */
export function buildModule(s: ModuleSpec, dtype?: "float32" | "float64"): torch.nn.AnyModule {
  const nn = torch.nn;
  const a = s.args as number[];
  const o = s.opts as O;
  const withDtype = { ...o, dtype } as unknown as O;
  switch (s.type) {
    case "ConvTranspose2d":
      return new nn.ConvTranspose2d(a[0]!, a[1]!, s.args[2] as number | number[], withDtype) as unknown as torch.nn.AnyModule;
    case "Upsample":
      return new nn.Upsample(o);
    case "GroupNorm":
      return new nn.GroupNorm(a[0]!, a[1]!, withDtype);
    case "InstanceNorm2d":
      return new nn.InstanceNorm2d(a[0]!, withDtype);
    case "PReLU":
      return new nn.PReLU(withDtype);
    case "SiLU":
      return new nn.SiLU();
    case "ELU":
      return new nn.ELU(o);
    case "Softplus":
      return new nn.Softplus(o);
    case "Mish":
      return new nn.Mish();
    case "Hardtanh":
      return new nn.Hardtanh(o);
    case "LogSigmoid":
      return new nn.LogSigmoid();
    case "HuberLoss":
      return new nn.HuberLoss(o) as unknown as torch.nn.AnyModule;
    case "KLDivLoss":
      return new nn.KLDivLoss(o) as unknown as torch.nn.AnyModule;
    case "CosineEmbeddingLoss":
      return new nn.CosineEmbeddingLoss(o) as unknown as torch.nn.AnyModule;
    default:
      throw new Error(`unknown module ${s.type}`);
  }
}
