/**
 * "Train in a Worker", ready made: a page's main thread must never block (and the wasm backend runs
 * its threads only where waiting is allowed, i.e. in a Worker), so long training belongs in a Web
 * Worker. exposeWorker() serves an object's methods inside the worker; wrapWorker() gives the page an
 * object with the same methods returning promises. Arguments and results travel by structured clone
 * (numbers, strings, plain objects, typed arrays: pass checkpoints as Uint8Array from torch.save).
 * A method can stream progress with `this.report(value)`; errors come back with their kindling class.
 *
 *     // worker.ts (new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }))
 *     exposeWorker({
 *       async train(steps: number) {
 *         for (let i = 0; i < steps; i++) { ...; this.report({ step: i, loss }); }
 *         return torch.save(model.stateDict());
 *       },
 *     });
 *     // page
 *     const remote = wrapWorker<typeof api>(worker, { onReport: (method, v) => draw(v) });
 *     const bytes = await remote.train(100);
 */
import * as errors from "../errors.ts";
import { ArgumentError, KindlingError } from "../errors.ts";

/** What a worker method sees as `this`. */
export interface WorkerCallContext {
  /** Sends a value to the page's onReport while the call runs (progress, losses). */
  report(value: unknown): void;
}

/** The methods a worker serves. */
export type WorkerApi = Record<string, (this: WorkerCallContext, ...args: never[]) => unknown>;

/** The page's view of a WorkerApi: each method returns a promise of its (awaited) result. */
export type RemoteApi<T extends WorkerApi> = {
  [K in keyof T]: T[K] extends (this: WorkerCallContext, ...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
} & {
  /** Stops the worker; calls still pending reject. */
  terminate(): void;
};

/** The slice of a Worker (or a worker's own global scope) this uses. */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (e: { data: unknown }) => void): void;
}

type Message =
  | { kind: "call"; id: number; method: string; args: unknown[] }
  | { kind: "result"; id: number; value: unknown }
  | { kind: "error"; id: number; name: string; message: string }
  | { kind: "report"; id: number; method: string; value: unknown };

/** Serves `api` to the page that started this worker (call it once, at the worker's top level). */
export function exposeWorker(api: WorkerApi, scope: MessagePortLike = globalThis as unknown as MessagePortLike): void {
  if (typeof scope.postMessage !== "function" || typeof scope.addEventListener !== "function") {
    throw new ArgumentError("exposeWorker(): not inside a Worker (no postMessage/addEventListener on the global scope)");
  }
  const post = (m: Message): void => scope.postMessage(m);
  scope.addEventListener("message", (e) => {
    const m = e.data as Message;
    if (!m || m.kind !== "call") return;
    const fn = Object.hasOwn(api, m.method) ? api[m.method] : undefined;
    const ctx: WorkerCallContext = { report: (value) => post({ kind: "report", id: m.id, method: m.method, value }) };
    void (async () => {
      try {
        if (typeof fn !== "function") throw new ArgumentError(`worker has no method '${m.method}' (it serves: ${Object.keys(api).join(", ")})`);
        post({ kind: "result", id: m.id, value: await fn.apply(ctx, m.args as never[]) });
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        post({ kind: "error", id: m.id, name: e.name, message: e.message });
      }
    })();
  });
}

/** An error from the worker, as the kindling class of the same name where there is one. */
function revive(name: string, message: string): Error {
  const cls = (errors as Record<string, unknown>)[name];
  if (typeof cls === "function" && (cls === KindlingError || cls.prototype instanceof KindlingError)) {
    return new (cls as new (m: string) => Error)(message);
  }
  const e = new Error(message);
  e.name = name;
  return e;
}

export interface WrapWorkerOptions {
  /** Receives each `this.report(value)` of a running call, with the method's name. */
  onReport?: (method: string, value: unknown) => void;
}

/** The page's side of exposeWorker: `await remote.method(...args)`. */
export function wrapWorker<T extends WorkerApi>(worker: MessagePortLike & { terminate(): void }, opts: WrapWorkerOptions = {}): RemoteApi<T> {
  let next = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  worker.addEventListener("message", (e) => {
    const m = e.data as Message;
    if (!m || typeof m !== "object") return;
    if (m.kind === "report") {
      opts.onReport?.(m.method, m.value);
      return;
    }
    const p = pending.get(m.id);
    if (!p || (m.kind !== "result" && m.kind !== "error")) return;
    pending.delete(m.id);
    if (m.kind === "result") p.resolve(m.value);
    else p.reject(revive(m.name, m.message));
  });
  const terminate = (): void => {
    worker.terminate();
    for (const p of pending.values()) p.reject(new KindlingError("the worker was terminated"));
    pending.clear();
  };
  return new Proxy({ terminate } as RemoteApi<T>, {
    get: (target, key) => {
      if (key === "terminate") return target.terminate;
      if (typeof key === "symbol" || key === "then") return undefined;
      return (...args: unknown[]) => new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ kind: "call", id, method: key, args } satisfies Message);
      });
    },
  });
}
