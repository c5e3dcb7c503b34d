// Every Tensor method, called with the wrong kinds of arguments a plain-JS or PyTorch-habit caller passes
// (`{ dim: 1 }`, strings, null, NaN, fractions, nested arrays, functions), must fail with a typed
// KindlingError, never a TypeError from deep inside. The method list comes from the prototype, so a new
// method is covered without editing this file.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";

const BOGUS: unknown[] = [{ dim: 1 }, "1", null, NaN, 1.5, true, { keepdim: true }, -7, Infinity, () => 1, [[1]], [0, "a"]];
const SECOND: unknown[] = [undefined, { dim: 1 }, "1", null, 1, NaN];
/** Methods that take callbacks or run the graph: not argument-checked the same way. */
const SKIP = new Set(["constructor", "backward", "registerHook", "toString", "apply_", "map_"]);

const inputs = (): torch.Tensor[] => [
  torch.randn([2, 3]),
  torch.tensor(2.5),
  torch.zeros([0, 3]),
  torch.tensor([[1, 0], [0, 1]], { dtype: "int64" }),
  torch.tensor([true, false]),
  torch.randn([3, 2]).t(),
];

function methodNames(): string[] {
  const proto = torch.Tensor.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).filter((n) => {
    const d = Object.getOwnPropertyDescriptor(proto, n);
    return d !== undefined && typeof d.value === "function" && !SKIP.has(n);
  });
}

describe("Tensor methods reject bad arguments with typed errors", () => {
  const names = methodNames();
  it("finds the methods (the list is not empty)", () => {
    for (const n of ["sum", "argmax", "softmax", "transpose", "maskedFill", "var", "expandAs"]) assert.ok(names.includes(n), n);
  });
  it("no untyped error over every method x input x bad argument pair", () => {
    const proto = torch.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const untyped: string[] = [];
    let calls = 0;
    for (const n of names) {
      for (const x of inputs()) {
        for (const a of BOGUS) {
          for (const b of SECOND) {
            calls++;
            try {
              proto[n]!.call(x, a, b);
            } catch (e) {
              if (!(e instanceof torch.KindlingError) && untyped.length < 20) {
                untyped.push(`${n} on ${x.dtype}[${x.shape}] with (${String(a)}, ${String(b)}): ${(e as Error).name}: ${(e as Error).message}`);
              }
            }
          }
        }
      }
    }
    assert.ok(calls > 10_000, `only ${calls} calls`);
    assert.deepEqual(untyped, []);
  });
  it("PyTorch's keyword habit `x.argmax({ dim: 1 })` names the argument", () => {
    assert.throws(() => (torch.randn([2, 3]).argmax as (d: unknown) => unknown)({ dim: 1 }), /argument 'dim' must be an int, not an object/);
    assert.throws(() => (torch.randn([2, 3]).sum as (d: unknown, k: unknown) => unknown)(1, { keepdim: false }), torch.ArgumentError);
    assert.throws(() => (torch.tensor(1.5).sum as (d: unknown) => unknown)({ dim: 0 }), torch.ArgumentError);
  });
});
