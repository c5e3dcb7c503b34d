/**
 * The two shapes every autograd mode switch takes (grad mode, inference mode, anomaly detection), as
 * PyTorch's context managers do: a callback form, `noGrad(() => ...)`, and a disposable form,
 * `using _ = noGrad();` (TypeScript 5.2+ explicit resource management; or call `.dispose()`).
 */

// Node 20.4+ has Symbol.dispose; without it, TypeScript's and esbuild's `using` look up this registered symbol.
export const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose");

/** A mode switched on by a call; disposing it puts the previous mode back, once. */
export abstract class ModeScope implements Disposable {
  /** `using` calls it; defined on the prototype below, under whichever symbol this runtime uses. */
  declare [Symbol.dispose]: () => void;
  #open = true;

  /** Puts back the mode that was in force when this scope was made. */
  protected abstract restore(): void;

  dispose(): void {
    if (!this.#open) return;
    this.#open = false;
    this.restore();
  }
}

Object.defineProperty(ModeScope.prototype, DISPOSE, {
  value(this: ModeScope): void {
    this.dispose();
  },
  writable: true,
  configurable: true,
});

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as PromiseLike<unknown>).then === "function";
}

/**
 * Runs fn inside an open scope and disposes it when fn returns or throws, or, when fn returns a
 * promise, when that promise settles (the result is then a promise that settles after the dispose).
 */
export function runScoped<T>(scope: ModeScope, fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scope.dispose();
    throw err;
  }
  if (!isThenable(result)) {
    scope.dispose();
    return result;
  }
  return result.then(
    (v) => {
      scope.dispose();
      return v;
    },
    (err: unknown) => {
      scope.dispose();
      throw err;
    },
  ) as T;
}
