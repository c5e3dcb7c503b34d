/**
 * node:test for the op suites bundled into a browser (suites_build.ts maps the import here): describe,
 * test/it, hooks, skip/todo options and t.diagnostic, with the same nesting rules, run in order by
 * runCollected(). Enough of the runner for the suites, not a general replacement.
 */
type Fn = (t: Context) => unknown;
interface Options {
  skip?: boolean | string;
  todo?: boolean | string;
  timeout?: number;
}
interface Context {
  name: string;
  diagnostic(message: string): void;
  skip(message?: string): void;
  todo(message?: string): void;
}
interface TestNode {
  kind: "test";
  name: string;
  fn?: Fn;
  opts: Options;
}
interface Suite {
  kind: "suite";
  name: string;
  opts: Options;
  children: (TestNode | Suite)[];
  before: (() => unknown)[];
  after: (() => unknown)[];
  beforeEach: (() => unknown)[];
  afterEach: (() => unknown)[];
}

export interface Failure {
  name: string;
  message: string;
}
export interface Counts {
  pass: number;
  fail: number;
  skipped: number;
  todo: number;
  failures: Failure[];
}

const newSuite = (name: string, opts: Options = {}): Suite => ({ kind: "suite", name, opts, children: [], before: [], after: [], beforeEach: [], afterEach: [] });
let root = newSuite("");
let current = root;

function args(a: unknown[]): { name: string; opts: Options; fn?: Fn } {
  const name = typeof a[0] === "string" ? a.shift() as string : typeof a[0] === "function" ? (a[0] as Fn).name : "<anonymous>";
  const opts = a[0] !== null && typeof a[0] === "object" ? a.shift() as Options : {};
  return { name, opts, fn: a[0] as Fn | undefined };
}

export function describe(...a: unknown[]): void {
  const { name, opts, fn } = args(a);
  const s = newSuite(name, opts);
  current.children.push(s);
  const outer = current;
  current = s;
  try {
    const r = (fn as (() => unknown) | undefined)?.();
    if (r instanceof Promise) throw new Error(`describe("${name}"): async suite bodies are not supported in the browser runner`);
  } finally {
    current = outer;
  }
}
describe.skip = (...a: unknown[]) => { const { name, fn } = args(a); describe(name, { skip: true }, fn); };
describe.todo = (...a: unknown[]) => { const { name, fn } = args(a); describe(name, { todo: true }, fn); };

export function test(...a: unknown[]): void {
  const { name, opts, fn } = args(a);
  current.children.push({ kind: "test", name, fn, opts });
}
test.skip = (...a: unknown[]) => { const { name, fn } = args(a); test(name, { skip: true }, fn); };
test.todo = (...a: unknown[]) => { const { name, fn } = args(a); test(name, { todo: true }, fn); };
export const it = test;
export const suite = describe;
export const before = (fn: () => unknown) => void current.before.push(fn);
export const after = (fn: () => unknown) => void current.after.push(fn);
export const beforeEach = (fn: () => unknown) => void current.beforeEach.push(fn);
export const afterEach = (fn: () => unknown) => void current.afterEach.push(fn);
export default test;

class SkipSignal {
  constructor(readonly todo: boolean) {}
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 600);
  return String(e).slice(0, 600);
}

async function runSuite(s: Suite, path: string[], counts: Counts, inherited: { beforeEach: (() => unknown)[]; afterEach: (() => unknown)[]; skip: boolean; todo: boolean }): Promise<void> {
  const skip = inherited.skip || !!s.opts.skip;
  const todo = inherited.todo || !!s.opts.todo;
  const beforeEach = [...inherited.beforeEach, ...s.beforeEach];
  const afterEach = [...s.afterEach, ...inherited.afterEach];
  const where = [...path, s.name].filter(Boolean);
  try {
    if (!skip) for (const h of s.before) await h();
  } catch (e) {
    counts.fail++;
    counts.failures.push({ name: `${where.join(" > ")} (before hook)`, message: describeError(e) });
    return;
  }
  for (const child of s.children) {
    if (child.kind === "suite") {
      await runSuite(child, where, counts, { beforeEach, afterEach, skip, todo });
      continue;
    }
    const name = [...where, child.name].join(" > ");
    const isTodo = todo || !!child.opts.todo;
    if (skip || child.opts.skip || !child.fn) {
      if (isTodo) counts.todo++;
      else counts.skipped++;
      continue;
    }
    const t: Context = {
      name: child.name,
      diagnostic: () => undefined,
      skip: () => { throw new SkipSignal(false); },
      todo: () => { throw new SkipSignal(true); },
    };
    try {
      for (const h of beforeEach) await h();
      await child.fn(t);
      for (const h of afterEach) await h();
      if (isTodo) counts.todo++;
      else counts.pass++;
    } catch (e) {
      if (e instanceof SkipSignal) {
        if (e.todo) counts.todo++;
        else counts.skipped++;
      } else if (isTodo) {
        counts.todo++;
      } else {
        counts.fail++;
        counts.failures.push({ name, message: describeError(e) });
      }
    }
  }
  if (!skip) {
    for (const h of s.after) {
      try {
        await h();
      } catch (e) {
        counts.fail++;
        counts.failures.push({ name: `${where.join(" > ")} (after hook)`, message: describeError(e) });
      }
    }
  }
}

/** Runs what the imported suite files registered since the last call, then forgets it. */
export async function runCollected(): Promise<Counts> {
  const counts: Counts = { pass: 0, fail: 0, skipped: 0, todo: 0, failures: [] };
  const s = root;
  root = current = newSuite("");
  await runSuite(s, [], counts, { beforeEach: [], afterEach: [], skip: false, todo: false });
  return counts;
}
