/**
 * torch.optim.LBFGS (PyTorch 1.13's algorithm, after minFunc): each step(closure) runs up to maxIter
 * quasi-Newton iterations on all parameters as one flat vector. The direction is the two-loop
 * recursion over the last historySize (s, y) pairs, scaled by H_diag = y's / y'y; the step length is
 * lr (the first iteration ever: min(1, 1 / |g|_1) * lr), or what the strong-Wolfe line search finds.
 * Stops early on a small gradient (toleranceGrad), a small change (toleranceChange) or maxEval
 * closure evaluations.
 *
 *     const opt = new optim.LBFGS(model.parameters(), { lineSearchFn: "strong_wolfe" });
 *     opt.step(() => { opt.zeroGrad(); const loss = lossFn(model.forward(x), y); loss.backward(); return loss; });
 *
 * As in PyTorch there is one parameter group, and the state lives under the first parameter, in
 * PyTorch's layout: `func_evals`, `n_iter`, `d`, `t`, `old_dirs`, `old_stps`, `ro`, `H_diag`,
 * `prev_flat_grad`, `prev_loss`, `al` (0-d tensors in PyTorch are numbers here).
 */
import { enableGrad, noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { Tensor } from "../../tensor/tensor.ts";
import {
  type Closure, type GroupOptions, Optimizer, type OptimizerStateDict, type OptionTypes, type ParamGroup, type ParamGroupSpec,
  type ParamsArg, type ParamState, type StateValue, optimizerOptions,
} from "../optimizer.ts";
import { FlatParams, type Vec, dot, maxAbs, maxAbsScaled, sumAbs } from "./flat_params.ts";
import { loadLbfgsState } from "./lbfgs_state.ts";
import { Arith, type Num, py } from "./scalar.ts";
import { strongWolfe } from "./strong_wolfe.ts";

export type LineSearchFn = "strong_wolfe";

export interface LBFGSOptions extends GroupOptions {
  maxIter: number;
  /** Closure evaluations per step; default maxIter * 5 / 4, rounded down. */
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: LineSearchFn | null;
}

const LBFGS_OPTIONS: OptionTypes<LBFGSOptions> = {
  lr: "number", maxIter: "int", maxEval: "int?", toleranceGrad: "number", toleranceChange: "number", historySize: "int",
  lineSearchFn: "string?",
};

/** A loss as PyTorch's `float(closure())` reads it. */
function lossValue(v: Tensor | number): number {
  if (typeof v === "number") return v;
  if (!(v instanceof Tensor)) throw new ArgumentError(`LBFGS: the closure must return the loss as a Tensor or a number, got ${typeof v}`);
  if (v.numel() !== 1) throw new ArgumentError(`LBFGS: the closure's loss must have one element to be converted to a number, got ${v.numel()}`);
  return v.item();
}

const wrap = (v: Vec | null, dtype: "float32" | "float64"): Tensor | null => (v === null ? null : Tensor.fromStorage(v, dtype, [v.length]));
// State tensors are dense, made by wrap() or loadLbfgsState.
const vecOf = (t: StateValue | undefined): Vec | null => (t instanceof Tensor ? (t.storage as Vec) : null);
const vecsOf = (t: StateValue | undefined): Vec[] => (Array.isArray(t) ? t.map((x) => vecOf(x)!) : []);

export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: ParamsArg<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    const given = optimizerOptions("LBFGS()", options, arguments, LBFGS_OPTIONS);
    const maxIter = given.maxIter ?? 20;
    super(params, {
      lr: 1, maxIter, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null,
      ...given,
      maxEval: given.maxEval ?? Math.floor((maxIter * 5) / 4),
    }, LBFGS_OPTIONS, "LBFGS");
  }

  protected override validate(o: Partial<LBFGSOptions>): void {
    super.validate(o);
    if (o.lineSearchFn !== undefined && o.lineSearchFn !== null && o.lineSearchFn !== "strong_wolfe") {
      throw new ArgumentError(`only 'strong_wolfe' is supported, got line_search_fn ${JSON.stringify(o.lineSearchFn)}`);
    }
  }

  /** One group only: the constructor's second group, or any added later, is refused here. */
  override addParamGroup(spec: ParamGroupSpec<LBFGSOptions>): void {
    if (this.paramGroups.length > 0) throw new ArgumentError("LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(spec);
  }

  /** PyTorch's layout, with LBFGS's flat vectors and lists under the first parameter. */
  override loadStateDict(sd: OptimizerStateDict): void {
    const group = this.paramGroups[0]!;
    const id = Array.isArray(sd?.param_groups?.[0]?.params) ? sd.param_groups[0]!.params[0] : undefined;
    const entry = id === undefined || sd.state === null || typeof sd.state !== "object" ? undefined : sd.state[id];
    const flat = new FlatParams(group.params, this.typeName);
    const mine = entry === undefined ? undefined : loadLbfgsState(entry, flat.numel, flat.dtype);
    const rest = { ...sd.state };
    if (id !== undefined) delete rest[id];
    super.loadStateDict({ ...sd, state: rest });
    if (mine !== undefined) this.state.set(group.params[0]!, mine);
  }

  /** Not used: step() runs the whole algorithm over the flat vector. */
  protected updateGroup(): void {}

  /** Runs up to maxIter iterations; `closure` re-evaluates the loss (zero grads, forward, backward, return loss). */
  override step(closure?: Closure): Tensor | number | undefined {
    if (typeof closure !== "function") throw new ArgumentError("LBFGS.step() missing 1 required argument: 'closure'");
    const group = this.paramGroups[0]!;
    const flat = new FlatParams(group.params, this.typeName);
    const state = this.paramState(group.params[0]!);
    return noGrad(() => this.run(group, flat, state, () => enableGrad(closure)));
  }

  private run(group: ParamGroup<LBFGSOptions>, flat: FlatParams, state: ParamState, closure: () => Tensor | number): Tensor | number {
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const fr = flat.fr;
    const num = (k: string, dflt: number): number => (typeof state[k] === "number" ? (state[k] as number) : dflt);
    // Comparisons of PyTorch's 0-d tensors with Python numbers happen in the tensors' dtype.
    const tolGrad = fr(toleranceGrad);
    const tolChange = fr(toleranceChange);
    let funcEvals = num("func_evals", 0);
    let totalIter = num("n_iter", 0);

    const origLoss = closure();
    let loss = lossValue(origLoss);
    let currentEvals = 1;
    state.func_evals = funcEvals += 1;
    state.n_iter = totalIter;
    let flatGrad = flat.gatherGrad();
    let optCond = maxAbs(flatGrad) <= tolGrad;
    if (optCond) return origLoss;

    // The state left by the last step (PyTorch caches these across calls).
    let d = vecOf(state.d);
    // t is a Python float or (from the first step's formula or the line search) a 0-d tensor.
    const A = new Arith(fr);
    let t: Num = py(num("t", lr));
    let oldDirs = vecsOf(state.old_dirs);
    let oldStps = vecsOf(state.old_stps);
    let ro = Array.isArray(state.ro) ? [...(state.ro as number[])] : [];
    let hDiag = num("H_diag", 1);
    let prevFlatGrad = vecOf(state.prev_flat_grad);
    let prevLoss = num("prev_loss", loss);

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      totalIter++;

      // Descent direction.
      if (totalIter === 1 || d === null || prevFlatGrad === null) {
        d = negate(flatGrad);
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flatGrad.map((g, i) => fr(g - prevFlatGrad![i]!)) as Vec;
        const ft = fr(t.v);
        const s = d.map((x) => fr(x * ft)) as Vec;
        const ys = dot(y, s, fr);
        if (ys > fr(1e-10)) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(fr(1 / ys));
          hDiag = fr(ys / dot(y, y, fr));
        }
        const al = Array.isArray(state.al) && state.al.length === historySize ? [...(state.al as (number | null)[])] : new Array<number | null>(historySize).fill(null);
        d = twoLoop(flatGrad, oldDirs, oldStps, ro, al, hDiag, fr);
        state.al = al;
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.slice() as Vec;
      else prevFlatGrad.set(flatGrad);
      prevLoss = loss;

      // Step length.
      if (totalIter === 1) {
        // PyTorch's min(1., 1. / |g|_1) * lr, a 0-d tensor when the tensor is the smaller.
        t = A.mul(A.min(py(1), A.div(py(1), A.ts(sumAbs(flatGrad, fr)))), py(lr));
      } else {
        t = py(lr);
      }
      const gtd = dot(flatGrad, d, fr);
      if (gtd > -tolChange) break;

      let lsEvals = 0;
      if (lineSearchFn === "strong_wolfe") {
        const x = flat.clone();
        const dir = d;
        const obj = (step: Num): [number, Vec] => {
          flat.addScaled(step.v, dir);
          const f = lossValue(closure());
          const g = flat.gatherGrad();
          flat.set(x);
          return [f, g];
        };
        const r = strongWolfe(A, obj, t, d, loss, flatGrad, A.ts(gtd));
        [loss, flatGrad, t, lsEvals] = [r.f, r.g, r.t, r.evals];
        flat.addScaled(t.v, d);
        optCond = maxAbs(flatGrad) <= tolGrad;
      } else {
        flat.addScaled(t.v, d);
        if (nIter !== maxIter) {
          // No use re-evaluating after the last iteration (in a stochastic setting the next step will).
          loss = lossValue(closure());
          flatGrad = flat.gatherGrad();
          optCond = maxAbs(flatGrad) <= tolGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      funcEvals += lsEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (maxAbsScaled(d, t.v, fr) <= tolChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    const dtype = flat.dtype;
    state.func_evals = funcEvals;
    state.n_iter = totalIter;
    state.d = wrap(d, dtype);
    state.t = t.v;
    state.old_dirs = oldDirs.map((v) => wrap(v, dtype));
    state.old_stps = oldStps.map((v) => wrap(v, dtype));
    state.ro = ro;
    state.H_diag = hDiag;
    state.prev_flat_grad = wrap(prevFlatGrad, dtype);
    state.prev_loss = prevLoss;
    return origLoss;
  }
}

function negate(v: Vec): Vec {
  return v.map((x) => -x) as Vec;
}

/**
 * The L-BFGS two-loop recursion: -H g for the inverse Hessian approximation H built from the (s, y)
 * pairs and the initial scale hDiag. Writes the first loop's coefficients into `al` (PyTorch keeps them
 * in the state, stale entries included).
 */
function twoLoop(g: Vec, dirs: Vec[], stps: Vec[], ro: number[], al: (number | null)[], hDiag: number, fr: (x: number) => number): Vec {
  const q = negate(g);
  for (let i = dirs.length - 1; i >= 0; i--) {
    const a = fr(dot(stps[i]!, q, fr) * ro[i]!);
    al[i] = a;
    axpy(q, -a, dirs[i]!, fr);
  }
  const h = fr(hDiag);
  const r = q.map((x) => fr(x * h)) as Vec;
  for (let i = 0; i < dirs.length; i++) {
    const be = fr(dot(dirs[i]!, r, fr) * ro[i]!);
    axpy(r, fr(al[i]! - be), stps[i]!, fr);
  }
  return r;
}

/** y += a * x in place, as `y.add_(x, alpha=a)` (fused multiply-add). */
function axpy(y: Vec, a: number, x: Vec, fr: (v: number) => number): void {
  for (let i = 0; i < y.length; i++) y[i] = fr(y[i]! + a * x[i]!);
}
