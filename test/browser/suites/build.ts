/**
 * Bundles the op suites (the files scripts/run-tests.mjs reruns per backend) for a browser Worker:
 * one esbuild build, split per suite file, with node:test, node:assert and node:fs mapped to the
 * stand-ins in shims/ and any other Node module to one that fails at import (that file is then
 * reported as not loadable). The library is bundled from its browser build, as a page gets it.
 */
import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Plugin, build } from "esbuild";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const HERE = fileURLToPath(new URL("./", import.meta.url));

/** The op-suite prefixes, read from scripts/run-tests.mjs so the two lists cannot drift. */
export function opSuitePrefixes(): string[] {
  const text = readFileSync(join(REPO, "scripts/run-tests.mjs"), "utf8");
  const m = /const OP_SUITES = \[([\s\S]*?)\];/.exec(text);
  if (!m) throw new Error("OP_SUITES not found in scripts/run-tests.mjs");
  return [...m[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
}

function collect(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? collect(p) : n.endsWith(".test.ts") ? [p] : [];
  });
}

/** Every op-suite test file, repo-relative, sorted. */
export function opSuiteFiles(): string[] {
  return collect(join(REPO, "test")).map((p) => relative(REPO, p)).filter((f) => opSuitePrefixes().some((s) => f.startsWith(s))).sort();
}

const SHIMS: Record<string, string> = {
  "node:test": "node_test.ts",
  "node:assert": "node_assert.ts",
  "node:assert/strict": "node_assert.ts",
  "node:fs": "node_fs.ts",
};

const shims: Plugin = {
  name: "node-shims",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) =>
      SHIMS[a.path] ? { path: join(HERE, "shims", SHIMS[a.path]!) } : { path: a.path, namespace: "node-missing" });
    b.onLoad({ filter: /.*/, namespace: "node-missing" }, (a) => ({
      contents: `throw new Error(${JSON.stringify(`${a.path} is Node-only: this suite file cannot run in the browser`)});`,
      loader: "js",
    }));
    b.onResolve({ filter: /^suites:entry$/ }, () => ({ path: "entry", namespace: "suites" }));
  },
};

/** Writes runner.js (the Worker), its chunks, the wasm modules and index.html into `dir`. */
export async function buildSuites(dir: string, files: readonly string[]): Promise<void> {
  const loaders = files.map((f) => `  ${JSON.stringify(f)}: () => import(${JSON.stringify(join(REPO, f))}),`).join("\n");
  const entry: Plugin = {
    name: "suites-entry",
    setup(b) {
      b.onLoad({ filter: /.*/, namespace: "suites" }, () => ({
        contents: `import { start } from ${JSON.stringify(join(HERE, "runner.ts"))};\nstart({\n${loaders}\n});\n`,
        loader: "ts", resolveDir: HERE,
      }));
    },
  };
  await build({
    entryPoints: { runner: "suites:entry" },
    // keepNames: module reprs print constructor names, which bundling renames on a clash (_Embedding).
    bundle: true, splitting: true, keepNames: true, platform: "browser", format: "esm", outdir: dir, logLevel: "error",
    plugins: [shims, entry],
  });
  const wasmDir = join(REPO, "src/backend/wasm");
  for (const f of readdirSync(wasmDir)) if (f.endsWith(".wasm")) copyFileSync(join(wasmDir, f), join(dir, f));
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>kindling op suites</title>
<script type="module">
// One Worker per run, so each backend starts from fresh modules; resolves with the per-file results.
// A fresh Worker per file, as Node's runner gives each file its own process (warn-once flags, seeds and
// registries start clean); resolves with the per-file results.
function runFile(backend, file) {
  return new Promise((resolve) => {
    const w = new Worker("./runner.js", { type: "module" });
    let result = { file, loadError: "the Worker exited without a result", ms: 0 }, env = {};
    w.onerror = (e) => { w.terminate(); resolve({ result: { file, loadError: "Worker error: " + e.message, ms: 0 }, env }); };
    w.onmessage = ({ data }) => {
      if (data.ready) w.postMessage({ backend, files: [file] });
      else if (data.done) { w.terminate(); resolve({ result, env: { backend: data.backend, threads: data.threads } }); }
      else result = data;
    };
  });
}
globalThis.runSuites = async (backend, files) => {
  const results = [];
  let env = {};
  for (const f of files) {
    const r = await runFile(backend, f);
    results.push(r.result);
    env = r.env;
  }
  return { results, ...env };
};
globalThis.ktLoaded = true;
</script>
`);
}
