import { noGrad } from "../autograd/grad_mode.ts";
import { KindlingError } from "../errors.ts";
import { fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { AnyModule } from "./module.ts";

/** Dotted keys -> tensors, in PyTorch's order. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` accepts: a plain object (e.g. a loaded checkpoint) or a Map. */
export type StateDictLike = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** `loadStateDict` refused: missing or unexpected keys (strict), size mismatches, non-tensor values. */
export class StateDictError extends KindlingError {
  constructor(message: string) {
    super(message);
    this.name = "StateDictError";
  }
}

function entries(sd: StateDictLike): ReadonlyMap<string, unknown> {
  if (sd instanceof Map) return sd;
  if (sd === null || typeof sd !== "object") {
    throw new StateDictError(`Expected state_dict to be dict-like, got ${sd === null ? "null" : typeof sd}.`);
  }
  return new Map(Object.entries(sd));
}

function describe(v: unknown): string {
  if (v === null) return "null";
  return typeof v === "object" ? ((v as object).constructor?.name ?? "object") : typeof v;
}

/**
 * Fills `out` with a module's state in PyTorch's order: its parameters, then its persistent buffers,
 * then each child's state under "<child>.", recursively (a shared child appears under each name).
 */
export function collectState(m: AnyModule, prefix: string, keepVars: boolean, out: StateDict): void {
  for (const [k, t] of [...m.localParameters(), ...m.localBuffers(true)]) {
    // defineProperty: even a key like "__proto__" becomes an ordinary own entry.
    Object.defineProperty(out, prefix + k, { value: keepVars ? t : t.detach(), enumerable: true, writable: true, configurable: true });
  }
  for (const [k, c] of m.childEntries()) collectState(c, `${prefix}${k}.`, keepVars, out);
}

/**
 * Checks `sd` against a module's own state (`target`: key -> the live parameter or buffer), then
 * copies every matching tensor in place under noGrad. The error message is PyTorch's:
 *
 *     Error(s) in loading state_dict for Sequential:
 *     	Missing key(s) in state_dict: "0.bias".
 *     	Unexpected key(s) in state_dict: "x".
 *     	size mismatch for 0.weight: copying a param with shape [3, 4] from checkpoint, the shape in current model is [4, 4].
 */
export function loadInto(moduleName: string, target: StateDict, sd: StateDictLike, strict: boolean): LoadResult {
  const given = entries(sd);
  const missingKeys: string[] = [];
  const errors: string[] = [];
  const copies: [Tensor, Tensor][] = [];
  for (const key of Object.keys(target)) {
    const dst = target[key]!;
    if (!given.has(key)) {
      missingKeys.push(key);
      continue;
    }
    const src = given.get(key);
    if (!(src instanceof Tensor)) {
      errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${describe(src)}`);
    } else if (!sameShape(src.shape, dst.shape)) {
      errors.push(
        `size mismatch for ${key}: copying a param with shape ${fmtShape(src.shape)} from checkpoint, the shape in current model is ${fmtShape(dst.shape)}.`,
      );
    } else {
      copies.push([dst, src]);
    }
  }
  const known = new Set(Object.keys(target));
  const unexpectedKeys = [...given.keys()].filter((k) => !known.has(k));
  const quote = (keys: string[]) => keys.map((k) => `"${k}"`).join(", ");
  if (strict) {
    if (unexpectedKeys.length > 0) errors.unshift(`Unexpected key(s) in state_dict: ${quote(unexpectedKeys)}. `);
    if (missingKeys.length > 0) errors.unshift(`Missing key(s) in state_dict: ${quote(missingKeys)}. `);
  }
  if (errors.length > 0) {
    throw new StateDictError(`Error(s) in loading state_dict for ${moduleName}:\n\t${errors.join("\n\t")}`);
  }
  noGrad(() => {
    for (const [dst, src] of copies) if (dst !== src) dst.copy_(src);
  });
  return { missingKeys, unexpectedKeys };
}
