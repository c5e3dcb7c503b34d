/**
 * The op-suite runner, in a module Worker of the test page: picks the backend (after ready(), as a
 * page would), then imports each bundled suite file in turn and runs what it registered with the
 * node:test stand-in, posting the counts per file. The suites' own checks run unchanged.
 */
import * as torch from "../../../src/index.ts";
import { type Counts, runCollected } from "./shims/node_test.ts";

export interface FileResult {
  file: string;
  counts?: Counts;
  /** Why the file could not even be imported (a Node-only module, a load-time error). */
  loadError?: string;
  ms: number;
}

interface Scope {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: { backend: string; files: string[] } }) => void) | null;
}
const scope = globalThis as unknown as Scope;

/** Loaders of the bundled suite files by path (the generated entry of build.ts calls this). */
type Suites = Record<string, () => Promise<unknown>>;
let SUITES: Suites = {};

export function start(suites: Suites): void {
  SUITES = suites;
  scope.postMessage({ ready: true });
}

scope.onmessage = async ({ data }) => {
  await torch.ready();
  torch.setBackend(data.backend);
  for (const file of data.files) {
    const t0 = performance.now();
    const load = SUITES[file];
    const result: FileResult = { file, ms: 0 };
    try {
      if (!load) throw new Error("not in the bundle");
      await load();
      result.counts = await runCollected();
    } catch (e) {
      await runCollected().catch(() => undefined);
      result.loadError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    result.ms = Math.round(performance.now() - t0);
    scope.postMessage(result);
  }
  scope.postMessage({ done: true, backend: torch.getBackend(), threads: torch.getNumThreads() });
};
