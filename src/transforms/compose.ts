import { ArgumentError } from "../errors.ts";
import { checkArity } from "../options.ts";
import {
  type Image, Transform, type TransformContext, type TransformJSON, type TransformLike, registerTransform, transformFromJSON,
} from "./types.ts";

/** Applies transforms in order. The result type is the last transform's output. */
export class Compose<Out = Image> extends Transform<Image, Out> {
  readonly transforms: readonly Transform<unknown, unknown>[];

  constructor(transforms: readonly [...Transform<never, unknown>[], Transform<never, Out>]) {
    super();
    checkArity("transforms.Compose()", arguments, 1);
    if (!Array.isArray(transforms)) throw new ArgumentError("Compose expects an array of transforms");
    this.transforms = transforms.map((t, i) => {
      if (!(t instanceof Transform)) throw new ArgumentError(`Compose: element ${i} is not a Transform (wrap functions in Lambda)`);
      return t as Transform<unknown, unknown>;
    });
  }

  apply(input: Image, ctx?: TransformContext): Out {
    let x: unknown = input;
    for (const t of this.transforms) x = t.apply(x, ctx);
    return x as Out;
  }

  override get batchable(): boolean {
    return this.transforms.every((t) => t.batchable);
  }

  toJSON(): TransformJSON {
    return { type: "Compose", transforms: this.transforms.map((t) => t.toJSON()) };
  }
}

registerTransform("Compose", (j) => new Compose((j.transforms as TransformJSON[]).map(transformFromJSON) as [Transform<never, unknown>]));

/** A function as a transform. Functions cannot be sent to worker threads, so neither can a Lambda. */
export class Lambda<In = Image, Out = Image> extends Transform<In, Out> {
  constructor(readonly fn: (input: In, ctx?: TransformContext) => Out) {
    super();
    checkArity("transforms.Lambda()", arguments, 1);
    if (typeof fn !== "function") throw new ArgumentError(`Lambda expects a function, got ${typeof fn}`);
  }

  apply(input: In, ctx?: TransformContext): Out {
    return this.fn(input, ctx);
  }

  toJSON(): TransformJSON {
    throw new ArgumentError(
      "Lambda transforms cannot be sent to DataLoader worker threads (numWorkers > 0): functions are not serialisable. " +
        "Use numWorkers: 0, or write the step as a Transform subclass registered with registerTransform().",
    );
  }
}

export function toTransform<In, Out>(t: TransformLike<In, Out>): Transform<In, Out> {
  if (t instanceof Transform) return t;
  if (typeof t === "function") return new Lambda(t);
  throw new ArgumentError(`expected a Transform or a function, got ${t === null ? "null" : typeof t}`);
}
