/**
 * Finite-difference gradchecks (float64) of every differentiable op in the op tables, derived from the
 * table: inputs are drawn from each row's smooth domain (away from its kinks), contiguous and transposed;
 * binary ops also broadcast, take a JS number on either side, and run each keyword variant.
 */
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { BINARY, BINARY_SPEC } from "../../src/ops/op_table_binary.ts";
import { COMPOSITE, COMPOSITE_SPEC } from "../../src/ops/op_table_composite.ts";
import { UNARY, UNARY_SPEC } from "../../src/ops/op_table_unary.ts";
import { type Api, type BinaryRow, type BinarySpec, type CompositeRow, type CompositeSpec, type Domain, type UnaryRow, type UnarySpec, withSpec } from "../../src/ops/op_spec.ts";
import { mulberry32 } from "../helpers/rng.ts";

type Tensor = torch.Tensor;
type AnyFn = (...a: unknown[]) => Tensor;

const DEFAULT: Domain = { lo: -3, hi: 3 };

/** A value of the domain at least 0.1 from its kinks (as scripts/fixtures/gen_opinfo.py draws them). */
function draw(d: Domain, rand: () => number): number {
  let v = d.lo + (d.hi - d.lo) * rand();
  const pts = d.avoid === "integers" ? [Math.round(v)] : d.avoid === "halves" ? [Math.floor(v) + 0.5] : d.avoid ?? [];
  for (const p of pts) if (Math.abs(v - p) < 0.1) v = p + (v >= p ? 0.1 : -0.1);
  return v;
}

function leaf(shape: number[], d: Domain | undefined, rand: () => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float64Array.from({ length: n }, () => draw(d ?? DEFAULT, rand));
  return torch.tensor(data, { dtype: "float64" }).reshape(shape).detach().requiresGrad_(true);
}

function fnOf(name: string, api: Api): AnyFn {
  return ((api === "F" ? torch.nn.F : torch) as unknown as Record<string, AnyFn>)[name]!;
}

const differentiable = <R extends { api: Api; grad: unknown }>(rows: [string, R][]) =>
  rows.filter(([, r]) => r.api !== "internal" && r.grad !== null);

for (const [name, row] of differentiable(withSpec<UnaryRow, UnarySpec>(UNARY, UNARY_SPEC))) {
  const f = fnOf(name, row.api);
  const domain = row.domain;
  test(`gradcheck ${name}`, () => {
    const rand = mulberry32(name.length * 7919 + name.charCodeAt(0));
    torch.autograd.gradcheck((x) => f(x), [leaf([3, 4], domain, rand)]);
    torch.autograd.gradcheck((x) => f(x.t()), [leaf([4, 3], domain, rand)]);
  });
}

/**
 * False for an op whose output is in the graph but whose backward raises PyTorch 1.13's "derivative ...
 * is not implemented" (heaviside, nextafter): opinfo.json holds it to that error, there is nothing to check here.
 */
function hasDerivative(run: () => Tensor): boolean {
  try {
    run().sum().backward();
    return true;
  } catch (e) {
    if (e instanceof torch.AutogradError && /derivative for .* is not implemented/.test(e.message)) return false;
    throw e;
  }
}

for (const [name, row] of differentiable(withSpec<BinaryRow, BinarySpec>(BINARY, BINARY_SPEC))) {
  const f = fnOf(name, row.api);
  const [da, db] = row.domain ?? [DEFAULT, DEFAULT];
  const variants: (Readonly<Record<string, number | string>> | null)[] = [null, ...(row.kwargs ?? [])];
  for (const kw of variants) {
    const call = (a: unknown, b: unknown) => (kw ? f(a, b, kw) : f(a, b));
    test(`gradcheck ${name}${kw ? ` ${JSON.stringify(kw)}` : ""}`, () => {
      const rand = mulberry32(name.length * 104729 + name.charCodeAt(0));
      if (!hasDerivative(() => call(leaf([2], da, rand), leaf([2], db, rand)))) return;
      torch.autograd.gradcheck((a, b) => call(a, b), [leaf([3, 4], da, rand), leaf([3, 4], db, rand)]);
      torch.autograd.gradcheck((a, b) => call(a, b), [leaf([3, 1], da, rand), leaf([4], db, rand)]);
      torch.autograd.gradcheck((a, b) => call(a!.t(), b), [leaf([4, 3], da, rand), leaf([3, 4], db, rand)]);
      if (!row.tensorsOnly) {
        const nb = Math.round(draw(db, rand) * 8 + 0.5) / 8 + 1 / 16;
        const na = Math.round(draw(da, rand) * 8 + 0.5) / 8 + 1 / 16;
        torch.autograd.gradcheck((a) => call(a, nb), [leaf([2, 3], da, rand)]);
        try {
          torch.autograd.gradcheck((b) => call(na, b), [leaf([2, 3], db, rand)]);
        } catch (e) {
          // PyTorch 1.13 has no derivative for some number-first forms (remainder(2, x)); the fixtures hold it to that.
          if (!(e instanceof torch.AutogradError && /^derivative for aten::\w+ is not implemented$/.test(e.message))) throw e;
        }
      }
    });
  }
}

// Composite rows: every tensor operand a float64 leaf from its domain; number operands drawn from theirs;
// the same operands broadcast ([3, 1], [4], [1]) and transposed; each option variant.
for (const [name, row] of differentiable(withSpec<CompositeRow, CompositeSpec>(COMPOSITE, COMPOSITE_SPEC))) {
  const f = fnOf(name, row.api);
  const variants: (Readonly<Record<string, number | undefined>> | null)[] = [null, ...(row.kwargs ?? [])];
  for (const kw of variants) {
    test(`gradcheck ${name}${kw ? ` ${JSON.stringify(kw)}` : ""}`, () => {
      const rand = mulberry32(name.length * 15485863 + name.charCodeAt(0));
      const dom = (i: number) => row.domain?.[i];
      const call = (...a: unknown[]) => (kw ? f(...a, kw) : f(...a));
      const leaves = (shapes: number[][]) => row.operands.map((_, i) => leaf(shapes[i] ?? shapes[0]!, dom(i), rand));
      torch.autograd.gradcheck(call, leaves([[3, 4]]));
      torch.autograd.gradcheck(call, leaves([[3, 1], [4], [1]]));
      torch.autograd.gradcheck((a, ...rest) => call(a!.t(), ...rest), leaves([[4, 3], [3, 4], [3, 4]]));
      const numberAt = row.operands.findIndex(([, k]) => k === "tensorOrNumber");
      if (numberAt >= 0) {
        const n = Math.round(draw(dom(numberAt) ?? DEFAULT, rand) * 8 + 0.5) / 8 + 1 / 16;
        const ts = row.operands.filter((_, i) => i !== numberAt).map((_, i) => leaf([2, 3], dom(i), rand));
        torch.autograd.gradcheck((...a) => call(...a.slice(0, numberAt), n, ...a.slice(numberAt)), ts);
      }
    });
  }
}
