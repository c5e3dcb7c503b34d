/**
 * The browser build, checked in Node (no browser needed): library code reaches Node's modules only
 * through src/platform/node.ts, and esbuild bundles the browser entry with no plugins or shims, pulling
 * in none of Node's modules.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
/** Node-only by design: the CLI, the seam itself, and the DataLoader worker's entry (runs only in worker_threads). */
const NODE_ONLY = [/^cli\//, /^platform\/node\.ts$/, /^utils\/data\/worker\.ts$/];

function sources(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(`${dir}/${e.name}`, `${prefix}${e.name}/`) : e.name.endsWith(".ts") ? [`${prefix}${e.name}`] : []);
}

test("library code imports Node's modules only through src/platform/node.ts (type-only imports aside)", () => {
  const offenders: string[] = [];
  for (const rel of sources(SRC)) {
    if (NODE_ONLY.some((re) => re.test(rel))) continue;
    const text = readFileSync(`${SRC}/${rel}`, "utf8");
    for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\b)[^;]*?from\s+"(node:[^"]+)"/gm)) offenders.push(`${rel}: ${m[2]}`);
    for (const m of text.matchAll(/(?<!typeof )\bimport\("(node:[^"]+)"\)/g)) offenders.push(`${rel}: import("${m[1]}")`);
  }
  assert.deepEqual(offenders, [], "import these from src/platform/node.ts (and add a stand-in to node.browser.ts)");
});

test("esbuild bundles the browser entry for a page: no plugins, no Node modules, the .wasm files referenced", async () => {
  const out = await build({
    entryPoints: [fileURLToPath(new URL("../../src/index.browser.ts", import.meta.url))],
    bundle: true, platform: "browser", format: "esm", write: false, metafile: true, logLevel: "silent",
  });
  assert.deepEqual(out.errors, []);
  const inputs = Object.keys(out.metafile.inputs);
  assert.ok(inputs.some((p) => p.endsWith("src/platform/node.browser.ts")), "the browser seam is swapped in");
  assert.ok(!inputs.some((p) => p.endsWith("src/platform/node.ts")), "the Node seam stays out");
  const js = out.outputFiles[0]!.text;
  assert.ok(!/from\s*"node:|require\("node:/.test(js.replace(/`[^`]*`/g, "")), "no node: module left in the bundle");
  assert.match(js, /new URL\("\.\/gemm-simd-shared\.wasm", import\.meta\.url\)/, "wasm as an asset URL, not inlined bytes");
  assert.doesNotMatch(js, /AGFzbQ/, "no base64 wasm");
});
