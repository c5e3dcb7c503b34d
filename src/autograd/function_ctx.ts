import { ArgumentError, AutogradError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { Node } from "./node.ts";
import { SavedVersions } from "./saved.ts";

/** What a custom backward returns: one gradient, or one per forward argument (null for none). */
export type GradResult = Tensor | null | undefined | readonly (Tensor | null | undefined)[];

/** The bookkeeping behind a ctx, kept off the object so user attributes cannot clash with it. */
interface CtxState {
  readonly needs: readonly boolean[];
  saved: (Tensor | null)[];
  /** Versions of `saved` when forward returned; read back through `savedTensors`. */
  versions: SavedVersions | null;
  readonly nonDiff: Set<Tensor>;
  readonly dirty: Set<Tensor>;
  materialize: boolean;
  /** The node recorded for this call (null when nothing was recorded). */
  node: Node | null;
}

const STATE = new WeakMap<FunctionCtx, CtxState>();

/** @internal The state of a ctx, for function.ts. */
export function ctxState(ctx: FunctionCtx): CtxState {
  return STATE.get(ctx)!;
}

function checkTensors(where: string, ts: readonly unknown[], nullable: boolean): void {
  ts.forEach((t, i) => {
    if (t instanceof Tensor || (nullable && (t === null || t === undefined))) return;
    throw new ArgumentError(`${where}: argument ${i + 1} must be a Tensor${nullable ? " or null" : ""}`);
  });
}

/**
 * The `ctx` a custom Function's forward and backward share (PyTorch's FunctionCtx). Besides the
 * methods below it takes any attribute forward wants to pass on: `ctx.scale = 2`.
 */
export class FunctionCtx {
  [attribute: string]: unknown;

  /** @internal */
  constructor(needs: readonly boolean[]) {
    STATE.set(this, { needs, saved: [], versions: null, nonDiff: new Set(), dirty: new Set(), materialize: true, node: null });
  }

  /** For each forward argument: whether it is a tensor that requires grad (backward may skip the others). */
  get needsInputGrad(): readonly boolean[] {
    return ctxState(this).needs;
  }

  /** Keeps tensors for backward (inputs or outputs); an in-place change of one before backward is an error. */
  saveForBackward(...tensors: (Tensor | null | undefined)[]): void {
    checkTensors("saveForBackward()", tensors, true);
    ctxState(this).saved = tensors.map((t) => t ?? null);
  }

  /** The tensors given to `saveForBackward`, checked to be unchanged since forward. */
  get savedTensors(): (Tensor | null)[] {
    const st = ctxState(this);
    if (st.node !== null && st.node.freed) {
      throw new AutogradError(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
          "Saved intermediate values of the graph are freed when you call .backward(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.",
      );
    }
    if (st.node !== null) st.versions?.check(st.node.name);
    return [...st.saved];
  }

  /** Outputs that get no gradient (indices, masks): they do not require grad. */
  markNonDifferentiable(...tensors: Tensor[]): void {
    checkTensors("markNonDifferentiable()", tensors, false);
    for (const t of tensors) ctxState(this).nonDiff.add(t);
  }

  /** Inputs that forward modified in place (and returns): they take this Function as their history. */
  markDirty(...tensors: Tensor[]): void {
    checkTensors("markDirty()", tensors, false);
    for (const t of tensors) ctxState(this).dirty.add(t);
  }

  /** With false, backward gets null instead of zeros for outputs no gradient flowed to. */
  setMaterializeGrads(value: boolean): void {
    if (typeof value !== "boolean") throw new ArgumentError("setMaterializeGrads(): value must be a boolean");
    ctxState(this).materialize = value;
  }
}
