/**
 * node:assert/strict for the op suites bundled into a browser: the strict-mode methods they use, with
 * Node's semantics (Object.is for equal, deep strict equality with prototypes and typed arrays, throws
 * with a class, RegExp, object or validation function).
 */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return `${v.constructor.name}[${Array.from(v as unknown as ArrayLike<number>).slice(0, 12).join(", ")}${(v as unknown as ArrayLike<number>).length > 12 ? ", ..." : ""}]`;
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : typeof x === "number" && !Number.isFinite(x) ? String(x) : x));
    return s === undefined ? String(v) : s.length > 400 ? `${s.slice(0, 400)}...` : s;
  } catch {
    return String(v);
  }
}

function fail(message: string | Error | undefined, fallback: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ? `${message}\n${fallback}` : fallback);
}

function deepEq(a: unknown, b: unknown, seen: Map<object, object>): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Error && (a.message !== (b as Error).message || a.name !== (b as Error).name)) return false;
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    for (const [k, v] of a) if (!m.has(k) || !deepEq(v, m.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    if (a.size !== s.size) return false;
    for (const v of a) if (!s.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen)) return false;
  }
  return true;
}

function matches(err: unknown, expected: unknown): boolean {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(String(err));
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && err instanceof (expected as new () => unknown)) return true;
    if (Error.isPrototypeOf(expected) || expected === Error) return false;
    return (expected as (e: unknown) => unknown)(err) === true;
  }
  if (expected !== null && typeof expected === "object") {
    for (const [k, want] of Object.entries(expected)) {
      const got = (err as Record<string, unknown>)?.[k];
      if (want instanceof RegExp && typeof got === "string") {
        if (!want.test(got)) return false;
      } else if (!deepEq(got, want, new Map())) {
        return false;
      }
    }
    return true;
  }
  return false;
}

function throws(fn: () => unknown, expected?: unknown, message?: string): void {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  let threw = false, err: unknown;
  try {
    fn();
  } catch (e) {
    threw = true;
    err = e;
  }
  if (!threw) fail(message, "Missing expected exception.");
  if (!matches(err, expected)) {
    if (err instanceof AssertionError) throw err;
    fail(message, `The error did not match: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} (expected ${show(expected instanceof RegExp ? String(expected) : expected)})`);
  }
}

async function rejects(p: Promise<unknown> | (() => Promise<unknown>), expected?: unknown, message?: string): Promise<void> {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  let threw = false, err: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    threw = true;
    err = e;
  }
  if (!threw) fail(message, "Missing expected rejection.");
  if (!matches(err, expected)) fail(message, `The rejection did not match: ${String(err)}`);
}

function ok(v: unknown, message?: string | Error): asserts v {
  if (!v) fail(message, `The expression evaluated to a falsy value: ${show(v)}`);
}

const assert = Object.assign(ok, {
  AssertionError,
  ok,
  equal(a: unknown, b: unknown, message?: string | Error) {
    if (!Object.is(a, b)) fail(message, `Expected values to be strictly equal:\n${show(a)} !== ${show(b)}`);
  },
  notEqual(a: unknown, b: unknown, message?: string | Error) {
    if (Object.is(a, b)) fail(message, `Expected "actual" to be strictly unequal to: ${show(b)}`);
  },
  deepEqual(a: unknown, b: unknown, message?: string | Error) {
    if (!deepEq(a, b, new Map())) fail(message, `Expected values to be strictly deep-equal:\nactual   ${show(a)}\nexpected ${show(b)}`);
  },
  notDeepEqual(a: unknown, b: unknown, message?: string | Error) {
    if (deepEq(a, b, new Map())) fail(message, `Expected "actual" not to be strictly deep-equal to: ${show(b)}`);
  },
  match(s: string, re: RegExp, message?: string | Error) {
    if (typeof s !== "string" || !re.test(s)) fail(message, `The input did not match the regular expression ${String(re)}. Input: ${show(s)}`);
  },
  doesNotMatch(s: string, re: RegExp, message?: string | Error) {
    if (typeof s !== "string" || re.test(s)) fail(message, `The input was expected to not match ${String(re)}. Input: ${show(s)}`);
  },
  throws,
  doesNotThrow(fn: () => unknown, message?: string) {
    try {
      fn();
    } catch (e) {
      fail(message, `Got unwanted exception: ${String(e)}`);
    }
  },
  rejects,
  fail(message?: string | Error): never {
    return fail(message, "Failed");
  },
});
Object.assign(assert, { strictEqual: assert.equal, notStrictEqual: assert.notEqual, deepStrictEqual: assert.deepEqual, notDeepStrictEqual: assert.notDeepEqual, strict: assert });

export default assert;
export const { equal, notEqual, deepEqual, notDeepEqual, match, doesNotMatch, doesNotThrow } = assert;
export { ok, throws, rejects };
export const strict = assert;
