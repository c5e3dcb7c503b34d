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

/** torch.* functions that run callbacks, touch files or change global state. */
const SKIP_FUNCTIONS = new Set(["noGrad", "enableGrad", "save", "load", "loadWithMetadata", "saveTrainingState", "loadTrainingState", "setNumThreads", "setBackend", "manualSeed", "setDefaultDType", "setDetectAnomaly", "detectAnomaly", "setImageLimits"]);
/** Functions whose checks are still to come (each listed one is a known gap, not an exemption). */
const PENDING_FUNCTIONS = new Set<string>([]);

describe("torch.* functions reject bad arguments with typed errors", () => {
  const ns = torch as unknown as Record<string, unknown>;
  const names = Object.keys(ns).filter((n) => typeof ns[n] === "function" && !/^[A-Z]/.test(n) && !SKIP_FUNCTIONS.has(n));
  const args: unknown[] = [{ dim: 1 }, "1", null, NaN, 1.5, [0, 1], true, -7, Infinity, () => 1, [[1]], undefined, torch.tensor([1, 2]), torch.randn([2, 3])];
  it("covers the creation, view and reduction functions", () => {
    for (const n of ["tensor", "zeros", "arange", "zerosLike", "reshape", "sum", "softmax", "gather"]) assert.ok(names.includes(n), n);
  });
  const passes = PENDING_FUNCTIONS.size > 0 ? ([["every function", false], ["pending functions", true]] as const) : ([["every function", false]] as const);
  for (const [label, pending] of passes) {
    it(`no untyped error: ${label}`, pending ? { todo: "argument checks pending in their owner's change" } : {}, () => {
      const untyped: string[] = [];
      for (const n of names.filter((x) => PENDING_FUNCTIONS.has(x) === pending)) {
        for (const a of args) {
          for (const b of args.slice(0, 8)) {
            for (const c of [undefined, { dim: 1 }, 1]) {
              try {
                const r = (ns[n] as (...x: unknown[]) => unknown)(a, b, c);
                if (r instanceof Promise) r.catch(() => {});
              } catch (e) {
                if (!(e instanceof torch.KindlingError) && untyped.length < 20) {
                  untyped.push(`${n}(${String(a)}, ${String(b)}, ${String(c)}): ${(e as Error).name}: ${(e as Error).message}`);
                }
              }
            }
          }
        }
      }
      assert.deepEqual(untyped, []);
    });
  }
  it("creation functions name unknown options (requires_grad was ignored before)", () => {
    assert.throws(() => (torch.zeros as (...a: unknown[]) => unknown)([2], { requires_grad: true }), /unknown option 'requires_grad' \(did you mean 'requiresGrad'\?\)/);
    assert.throws(() => (torch.tensor as (...a: unknown[]) => unknown)([1], { dType: "float64" }), torch.ArgumentError);
    assert.equal(torch.zeros([2], { requiresGrad: true }).requiresGrad, true);
  });
});
