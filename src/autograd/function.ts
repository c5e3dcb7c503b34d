import "../ops/methods.ts";
import { AutogradError, KindlingError } from "../errors.ts";
import { zerosLike } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { broadcastShapes, fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { bumpVersion } from "../tensor/version.ts";
import { checkForward, isAnomalyEnabled } from "./anomaly.ts";
import { FunctionCtx, type GradResult, ctxState } from "./function_ctx.ts";
import { isGradEnabled, withoutGrad } from "./grad_mode.ts";
import { type Edge, MultiNode, Node, OutputEdge } from "./node.ts";
import { SavedVersions } from "./saved.ts";

export { FunctionCtx, type GradResult } from "./function_ctx.ts";

/** A Function subclass, as `apply` sees it. */
export interface FunctionClass {
  readonly name: string;
  forward(ctx: FunctionCtx, ...args: never[]): unknown;
  backward(ctx: FunctionCtx, ...grads: never[]): GradResult;
}

type ForwardArgs<C extends FunctionClass> = C["forward"] extends (ctx: FunctionCtx, ...args: infer A) => unknown ? A : never;
type ForwardResult<C extends FunctionClass> = ReturnType<C["forward"]>;

/**
 * PyTorch's `torch.autograd.Function`: an op whose forward and backward you write yourself.
 *
 *     class Exp extends torch.autograd.Function {
 *       static override forward(ctx: FunctionCtx, x: Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *       static override backward(ctx: FunctionCtx, g: Tensor) { const [y] = ctx.savedTensors; return g.mul(y!); }
 *     }
 *     const y = Exp.apply(x);
 *
 * forward runs with grad mode off and returns a tensor or an array of outputs; backward gets one
 * gradient per output (zeros where none flowed, unless `ctx.setMaterializeGrads(false)`) and returns
 * one per forward argument (null for arguments that are not tensors or need none). `apply` may be
 * detached (`const P3 = LegendrePolynomial3.apply; P3(x)`), as in PyTorch.
 */
export class AutogradFunction {
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): unknown {
    throw new KindlingError("You must implement the forward function for custom autograd.Function.");
  }

  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): GradResult {
    throw new KindlingError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.");
  }

  /**
   * Runs forward and records the backward; see the class comment. A getter bound to the class, so it
   * also works detached (`const P3 = LegendrePolynomial3.apply; P3(x)`). Called as `Cls.apply(...)` it is
   * typed from Cls's forward; detached, TypeScript cannot see the class (statics have no `this` type), so
   * it takes any arguments and is typed as returning a Tensor (annotate the constant, or cast, for a forward
   * that returns several outputs).
   */
  declare static apply: ApplyFn;
}

/**
 * `apply`'s two typings: as a method of the subclass (exact), and detached (loose). The second refuses a
 * class as `this`, so a method call with wrong arguments is an error rather than a fall-through.
 */
export interface ApplyFn {
  <C extends FunctionClass>(this: C, ...args: ForwardArgs<C>): ForwardResult<C>;
  <T>(this: T, ...args: T extends FunctionClass ? [never] : unknown[]): Tensor;
}

const bound = new WeakMap<FunctionClass, (...args: unknown[]) => unknown>();
Object.defineProperty(AutogradFunction, "apply", {
  get(this: FunctionClass) {
    let fn = bound.get(this);
    if (fn === undefined) bound.set(this, (fn = (...args: unknown[]) => applyFunction(this, args)));
    return fn;
  },
  configurable: true,
});

function applyFunction(cls: FunctionClass, args: readonly unknown[]): unknown {
  const needs = args.map((a) => a instanceof Tensor && a.requiresGrad);
  const ctx = new FunctionCtx(needs);
  const st = ctxState(ctx);
  const raw = withoutGrad(() => (cls.forward as (ctx: FunctionCtx, ...a: unknown[]) => unknown)(ctx, ...args));
  const executable = isGradEnabled() && needs.some(Boolean);
  const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
  for (const t of st.dirty) {
    if (!inputs.includes(t)) throw new AutogradError("mark_dirty: only tensors passed to forward can be marked dirty");
    if (executable && t.requiresGrad && t.isLeaf) throw new AutogradError("a leaf Variable that requires grad has been used in an in-place operation.");
    if (executable && Tensor.viewMeta(t) !== null) {
      throw new AutogradError("markDirty on a view is not supported by kindling: pass the view's base to the Function instead");
    }
    // PyTorch counts marking dirty as a write of its own, on top of the in-place op forward ran.
    bumpVersion(t.storage);
  }
  if (!executable) return raw;
  const name = `${cls.name}Backward`;
  const next: Edge[] = args.map((a) => (a instanceof Tensor && a.requiresGrad ? (a.gradFn ?? a) : null));
  const outs: unknown[] = Array.isArray(raw) ? [...raw] : [raw];
  // An input returned as an output becomes a new tensor over the same memory, unless forward wrote it
  // in place (marked dirty): that tensor itself then takes the new history.
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i];
    if (o instanceof Tensor && inputs.includes(o) && !st.dirty.has(o)) outs[i] = o.detach();
  }
  const isDiff = (o: unknown): o is Tensor => o instanceof Tensor && isFloating(o.dtype) && !st.nonDiff.has(o);
  const meta = outs.map((o) => (o instanceof Tensor ? { shape: o.shape, dtype: o.dtype, diff: isDiff(o) } : null));

  const backward = (grads: readonly (Tensor | null)[]): (Tensor | null)[] => {
    const full = grads.map((g, i) => {
      const m = meta[i];
      if (g !== null || m === null || !st.materialize) return g;
      return zerosLike(Tensor.empty(m.shape, m.dtype));
    });
    const result = (cls.backward as (ctx: FunctionCtx, ...g: (Tensor | null)[]) => GradResult)(ctx, ...full);
    return checkGrads(name, result, args, st.needs);
  };
  // Checked when backward reads ctx.savedTensors, as PyTorch checks on unpacking.
  st.versions = SavedVersions.take(st.saved, outs.find((o): o is Tensor => o instanceof Tensor) ?? inputs[0]!, inputs);
  let node: Node;
  const wire = (o: Tensor, fn: Node) => {
    if (st.dirty.has(o)) return Tensor.setHistory(o, fn);
    o.gradFn = fn;
    o.requiresGrad = true;
  };
  if (outs.length === 1) {
    node = new Node(name, next, (g) => backward([g]), true);
    if (isDiff(outs[0])) wire(outs[0], node);
  } else {
    const multi = new MultiNode(name, next, (grads) => backward(grads), outs.length, true);
    node = multi;
    outs.forEach((o, i) => {
      if (isDiff(o)) wire(o, new OutputEdge(multi, i));
    });
  }
  node.foreignGrads = true;
  st.node = node;
  if (isAnomalyEnabled()) {
    const first = outs.find(isDiff);
    if (first) checkForward(first, node, inputs);
  }
  return Array.isArray(raw) ? outs : outs[0];
}

/** PyTorch's checks on what a custom backward returned, and its fixes (sum to the input's shape, cast). */
function checkGrads(name: string, result: GradResult, args: readonly unknown[], needs: readonly boolean[]): (Tensor | null)[] {
  let grads: unknown[] = Array.isArray(result) ? [...(result as unknown[])] : [result];
  // Extra trailing nulls are allowed (a backward written for an optional argument).
  if (grads.length > args.length && grads.slice(args.length).every((g) => g === null || g === undefined)) grads = grads.slice(0, args.length);
  if (grads.length !== args.length) {
    throw new AutogradError(`function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${grads.length})`);
  }
  return grads.map((g, i) => {
    const a = args[i];
    if (g === null || g === undefined) return null;
    if (!(a instanceof Tensor)) {
      throw new AutogradError(
        `function ${name} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`,
      );
    }
    if (!(g instanceof Tensor)) throw new AutogradError(`function ${name} returned a gradient that is not a Tensor or null at position ${i + 1}`);
    if (!needs[i]) return null;
    return fitGrad(name, g, a, i);
  });
}

function fitGrad(name: string, g: Tensor, input: Tensor, i: number): Tensor {
  if (!sameShape(g.shape, input.shape)) {
    let expandable = g.ndim >= input.ndim;
    try {
      expandable &&= sameShape(broadcastShapes(input.shape, g.shape), g.shape);
    } catch {
      expandable = false;
    }
    if (!expandable) {
      throw new AutogradError(
        `Function ${name} returned an invalid gradient at index ${i} - got ${fmtShape(g.shape)} but expected shape compatible with ${fmtShape(input.shape)}`,
      );
    }
    // Sum over the leading dims the input lacks and the dims where it has size 1 (PyTorch's sum_to).
    const lead = g.ndim - input.ndim;
    const dims: number[] = [];
    for (let d = 0; d < g.ndim; d++) if (d < lead || (input.shape[d - lead] === 1 && g.shape[d] !== 1)) dims.push(d);
    g = (dims.length > 0 ? g.sum(dims, true) : g).reshape([...input.shape]);
  }
  return g.dtype === input.dtype ? g : g.to(input.dtype);
}
