/**
 * How a DataLoader worker thread gets its own copy of a dataset: functions and open files cannot cross a
 * thread boundary, so a dataset that supports `numWorkers > 0` describes how to rebuild itself as plain
 * JSON (a module URL, an export and arguments), and the worker imports that module and calls the export's
 * static `fromRecipe(args)`.
 */
import { ArgumentError } from "../../errors.ts";

/** JSON data; `undefined` members are allowed in objects because JSON.stringify simply drops them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

export interface DatasetRecipe {
  /** Absolute URL of the module that exports the dataset class (usually the class's `import.meta.url`). */
  module: string;
  /** Name of the export; it must have a static `fromRecipe(args)` returning the dataset (or a promise of it). */
  export: string;
  args: JsonValue;
}

/** A dataset class or factory that can be rebuilt in a worker. */
export interface RecipeFactory {
  fromRecipe(args: JsonValue): unknown;
}

function isRecipeFactory(v: unknown): v is RecipeFactory {
  return (typeof v === "function" || (typeof v === "object" && v !== null)) &&
    typeof (v as { fromRecipe?: unknown }).fromRecipe === "function";
}

/**
 * Imports every `module` named inside the args (custom transforms put `module: import.meta.url` in their
 * JSON), so the classes they register exist before `fromRecipe` rebuilds them synchronously.
 */
async function importNamedModules(v: JsonValue, seen: Set<string>): Promise<void> {
  if (Array.isArray(v)) {
    for (const e of v) await importNamedModules(e, seen);
  } else if (v !== null && typeof v === "object") {
    const m = v.module;
    if (typeof m === "string" && typeof v.type === "string" && !seen.has(m)) {
      seen.add(m);
      await import(m);
    }
    for (const e of Object.values(v)) if (e !== undefined) await importNamedModules(e, seen);
  }
}

/** Rebuilds a dataset from its recipe (in a worker, or anywhere else). */
export async function datasetFromRecipe(recipe: DatasetRecipe): Promise<unknown> {
  if (typeof recipe?.module !== "string" || typeof recipe.export !== "string") {
    throw new ArgumentError("a dataset recipe needs string fields `module` and `export`");
  }
  await importNamedModules(recipe.args, new Set());
  const mod = (await import(recipe.module)) as Record<string, unknown>;
  const factory = mod[recipe.export];
  if (!isRecipeFactory(factory)) {
    throw new ArgumentError(`${recipe.module} has no export "${recipe.export}" with a static fromRecipe(args)`);
  }
  return await factory.fromRecipe(recipe.args);
}

/** Whether a value survives JSON unchanged enough to be sent (no functions, no class instances). */
export function assertJson(v: unknown, what: string): asserts v is JsonValue {
  const bad = findNonJson(v, what);
  if (bad !== null) throw new ArgumentError(`${bad} is not JSON-serialisable, so it cannot be sent to DataLoader workers`);
}

function findNonJson(v: unknown, path: string): string | null {
  if (v === null || typeof v === "string" || typeof v === "boolean") return null;
  if (typeof v === "number") return Number.isFinite(v) ? null : path;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = findNonJson(v[i], `${path}[${i}]`);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (typeof v === "object" && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
      const bad = findNonJson(e, `${path}.${k}`);
      if (bad !== null) return bad;
    }
    return null;
  }
  return path;
}
