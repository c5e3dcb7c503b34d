/**
 * The transform protocol. Images flow as DecodedImage (HWC uint8, torchvision's PIL side) until ToTensor,
 * then as Tensors ([..., C, H, W] float, the tensor side). A transform is an object, not a function, so it
 * can describe itself as JSON (`toJSON`) and be rebuilt in a DataLoader worker from a registry.
 */
import { ArgumentError } from "../errors.ts";
import type { DecodedImage } from "../io/image/types.ts";
import { type Generator, defaultGenerator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { JsonValue } from "../utils/data/recipe.ts";

export type { DecodedImage };
export type Image = DecodedImage | Tensor;

/** Passed by datasets: `generator` is the per-sample stream the DataLoader derived for this sample. */
export interface TransformContext {
  generator?: Generator;
}

export interface TransformJSON {
  /** The registry name (the class name for built-ins). */
  type: string;
  /** For a transform defined outside kindling: the module that registers it, imported first by workers. */
  module?: string;
  [param: string]: JsonValue | undefined;
}

export abstract class Transform<In = Image, Out = Image> {
  abstract apply(input: In, ctx?: TransformContext): Out;
  abstract toJSON(): TransformJSON;
  /**
   * True for deterministic tensor transforms that accept extra leading dims (Normalize): a dataset with a
   * batch fast path may run them once on the whole [B, C, H, W] batch.
   */
  get batchable(): boolean {
    return false;
  }
}

/** A transform or a plain function; functions are wrapped in Lambda (and so cannot go to workers). */
export type TransformLike<In = Image, Out = Image> = Transform<In, Out> | ((input: In, ctx?: TransformContext) => Out);

export function generatorOf(ctx: TransformContext | undefined): Generator {
  return ctx?.generator ?? defaultGenerator;
}

/** Uniform in [lo, hi), as torch.empty(1).uniform_(lo, hi). */
export function uniform(g: Generator, lo: number, hi: number): number {
  return lo + (hi - lo) * g.random();
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type Factory = (json: TransformJSON) => Transform<unknown, unknown>;
const registry = new Map<string, Factory>();

/** Makes `type` rebuildable from its JSON (built-ins register themselves; so must custom transforms). */
export function registerTransform(type: string, fromJSON: Factory): void {
  registry.set(type, fromJSON);
}

export function transformFromJSON(json: TransformJSON): Transform<unknown, unknown> {
  const factory = typeof json?.type === "string" ? registry.get(json.type) : undefined;
  if (!factory) {
    throw new ArgumentError(
      `unknown transform type ${JSON.stringify(json?.type)}: register it with registerTransform() in the module named by its JSON "module" field`,
    );
  }
  return factory(json);
}

/** Reads a numeric parameter out of a transform's JSON, with a clear error when it is not one. */
export function num(json: TransformJSON, key: string): number {
  const v = json[key];
  if (typeof v !== "number") throw new ArgumentError(`${json.type} JSON: "${key}" must be a number`);
  return v;
}

export function nums(json: TransformJSON, key: string): number[] {
  const v = json[key];
  if (!Array.isArray(v) || v.some((e) => typeof e !== "number")) throw new ArgumentError(`${json.type} JSON: "${key}" must be an array of numbers`);
  return v as number[];
}
