import { ArgumentError } from "../errors.ts";
import { checkArg, checkArity, describeValue } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";

/**
 * The pieces of an index expression, LibTorch's way (`x.index({Slice(1, 3), Ellipsis, None})` in C++):
 * JavaScript has no `x[1:3, ...]`, so an expression is an array of items, or the same expression as a
 * string (`"1:3, ..., None"`) parsed here into that array.
 */

/** Python's slice `start:stop:step`; a null end is open. Made by `torch.Slice`. */
export class IndexSlice {
  constructor(
    readonly start: number | null,
    readonly stop: number | null,
    readonly step: number | null,
  ) {
    Object.freeze(this);
  }

  toString(): string {
    const part = (v: number | null) => (v === null ? "" : String(v));
    return `${part(this.start)}:${part(this.stop)}${this.step === null ? "" : `:${this.step}`}`;
  }
}

/**
 * `torch.Slice(start?, stop?, step?)`, LibTorch's `Slice`: `Slice()` is `:`, `Slice(1)` is `1:` (as in
 * C++, one argument is the start, unlike Python's `slice(3)`), `Slice(null, 3)` is `:3`,
 * `Slice(null, null, 2)` is `::2`.
 */
export function Slice(start?: number | null, stop?: number | null, step?: number | null): IndexSlice {
  checkArity("torch.Slice()", arguments, 3);
  checkArg("torch.Slice()", start, "int?", 1, "start");
  checkArg("torch.Slice()", stop, "int?", 2, "stop");
  checkArg("torch.Slice()", step, "int?", 3, "step");
  return new IndexSlice(start ?? null, stop ?? null, step ?? null);
}

/** Python's `...`: as many full slices as the dims the other items leave. */
export const Ellipsis: unique symbol = Symbol("Ellipsis");

/** Nested JS arrays of ints (an int64 index tensor) or of booleans (a mask). */
export type IndexList = readonly (number | boolean | IndexList)[];

/**
 * One item of an index expression: an int selects, a Slice slices, null is Python's None (a new axis
 * of size 1), Ellipsis, a boolean (Python's True/False index), an int64 tensor or a nested array of
 * ints (advanced indexing), a bool tensor or a nested array of booleans (a mask).
 */
export type IndexItem = number | boolean | null | IndexSlice | typeof Ellipsis | Tensor | IndexList;

/** A whole expression: an array of items (the tuple inside Python's brackets) or its string form. */
export type Indices = readonly IndexItem[] | string;

const INT = /^[+-]?\d+$/;

function parseInt(token: string, expr: string): number {
  const v = Number(token);
  if (!Number.isSafeInteger(v)) throw badToken(token, expr);
  return v;
}

function badToken(token: string, expr: string): ArgumentError {
  return new ArgumentError(
    `index: unsupported token ${JSON.stringify(token)} in the index string ${JSON.stringify(expr)}: the string form takes ints, ` +
      "slices (start:stop:step), ... and None; pass tensors, masks and lists in the array form",
  );
}

/** One comma-separated token of the string form. */
function parseToken(raw: string, expr: string): IndexItem {
  const token = raw.trim();
  if (token === "...") return Ellipsis;
  if (token === "None") return null;
  if (INT.test(token)) return parseInt(token, expr);
  const parts = token.split(":");
  if (parts.length < 2 || parts.length > 3) throw badToken(token, expr);
  const ends = parts.map((p) => {
    const s = p.trim();
    if (s === "") return null;
    if (!INT.test(s)) throw badToken(token, expr);
    return parseInt(s, expr);
  });
  return new IndexSlice(ends[0]!, ends[1]!, ends[2] ?? null);
}

/** `"1:3, ..., None, ::2"` as items; a trailing comma is allowed, as in Python's `x[1,]`. */
export function parseIndexString(expr: string): IndexItem[] {
  if (expr.trim() === "") return [];
  const tokens = expr.split(",");
  if (tokens.length > 1 && tokens[tokens.length - 1]!.trim() === "") tokens.pop();
  return tokens.map((t) => parseToken(t, expr));
}

/** The items of an expression given as an array or a string, checked to be one of those. */
export function indexItems(indices: unknown, where: string): readonly unknown[] {
  if (typeof indices === "string") return parseIndexString(indices);
  if (!Array.isArray(indices)) {
    throw new ArgumentError(`${where}: indices must be an array of index items or an index string, got ${describeValue(indices)}`);
  }
  return indices;
}
