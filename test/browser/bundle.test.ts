/**
 * The browser build, checked in Node (no browser needed): library code reaches Node's modules only
 * through src/platform/node.ts, and esbuild bundles the browser entry with no plugins or shims, pulling
 * in none of Node's modules.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { sideEffectsEntries, topLevelEffect } from "./side_effects.ts";

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

test("package.json \"sideEffects\" lists exactly the files that act when imported", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { sideEffects: string[] };
  assert.deepEqual(pkg.sideEffects, sideEffectsEntries(), "paste the expected list into package.json (a new prototype patch or registration needs its file listed)");
  assert.equal(topLevelEffect('import "./m.ts";\nexport const x = 1;'), 'import "./m.ts";');
  assert.equal(topLevelEffect("Object.defineProperty(T.prototype, \"x\", {});"), "Object.defineProperty(T.prototype, \"x\", {});");
  assert.equal(topLevelEffect("import { a } from \"./a.ts\";\nexport function f() { a(); }\nconst t = new Map();"), null);
});

/** The README's two-line page: import the browser entry, train one step. */
const TWO_LINE_PAGE = `import * as torch from "./index.browser.ts";
await torch.ready();
const model = new torch.nn.Sequential(new torch.nn.Linear(784, 128), new torch.nn.ReLU(), new torch.nn.Linear(128, 10));
const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
opt.zeroGrad();
torch.nn.functional.crossEntropy(model.forward(torch.randn([32, 784])), torch.randint(0, 10, [32])).backward();
opt.step();`;

/**
 * The same step with torch.nn, nn.functional and torch.optim imported as namespaces of their own
 * ("kindling/nn", "kindling/nn/functional", "kindling/optim"), as `import torch.nn as nn` in Python.
 * esbuild drops the members a page never names only one property deep (`nn.Linear`): `torch.nn.Linear`
 * builds the whole `torch.nn` object, hence every layer, loss and optimizer (evanw/esbuild#1420).
 */
const ONE_LEVEL_PAGE = `import * as torch from "./index.browser.ts";
import * as nn from "./nn/index.ts";
import * as F from "./nn/functional/index.ts";
import * as optim from "./optim/index.ts";
await torch.ready();
const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
opt.zeroGrad();
F.crossEntropy(model.forward(torch.randn([32, 784])), torch.randint(0, 10, [32])).backward();
opt.step();`;

/** Tensors and autograd only. */
const TENSOR_PAGE = `import * as torch from "./index.browser.ts";
await torch.ready();
const w = torch.randn([784, 10], { requiresGrad: true });
torch.randn([32, 784]).matmul(w).logSoftmax(1).mean().backward();`;

type PageSize = { minified: number; gzip: number; inputs: string[] };

async function pageSize(contents: string): Promise<PageSize> {
  const out = await build({
    stdin: { contents, resolveDir: SRC, sourcefile: "page.ts", loader: "ts" },
    bundle: true, platform: "browser", format: "esm", minify: true, write: false, metafile: true, logLevel: "silent",
  });
  assert.deepEqual(out.warnings.map((w) => w.text), [], "no bundler warnings (e.g. an ignored bare import)");
  const js = out.outputFiles[0]!.contents;
  // Files parsed but tree-shaken away are listed with 0 bytes in the output.
  const inBundle = Object.entries(Object.values(out.metafile.outputs)[0]!.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k);
  return { minified: js.byteLength, gzip: gzipSync(js, { level: 9 }).byteLength, inputs: inBundle };
}

export function twoLinePageSize(): Promise<PageSize> {
  return pageSize(TWO_LINE_PAGE);
}

const report = (what: string, { minified, gzip }: PageSize) =>
  console.log(`${what}: ${(minified / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(1)} KB gzip -9 (${gzip} bytes)`);

test("a training page's bundle is the core only: no datasets, transforms, image decoders, zod or native backend", async () => {
  const size = await twoLinePageSize();
  const extras = size.inputs.filter((p) => /src\/(datasets|transforms|models|utils\/vision|io\/image\/(?!limits))|node_modules\/(zod|jpeg-js|pngjs|vega|commander)|backend\/native\//.test(p));
  assert.deepEqual(extras, []);
  assert.ok(size.inputs.some((p) => p.endsWith("src/platform/native.browser.ts")), "the native backend's browser stand-in");
  report("two-line training page", size);
  // Measured 197.9 KiB (202,638 bytes) after 92a9476: every member of torch.nn and torch.optim (see
  // ONE_LEVEL_PAGE), every Tensor method, the wasm conv passes and fused kernels. It was 115.1 KiB at
  // d7c8424 and 154.4 KiB at 23bfe35; since then torch.linalg's decompositions, ~40 Tensor methods, ~50
  // layers (3-D, lazy, parameter containers), 4 optimizers and schedulers, nn.utils (parametrize,
  // prune, weight/spectral norm, swa_utils). A jump means something optional slipped into the core again.
  assert.ok(size.gzip < 199 * 1024, `${size.gzip} bytes gzipped`);
});

test("a page that imports nn, nn.functional and optim as namespaces carries only the layers it names", async () => {
  const size = await pageSize(ONE_LEVEL_PAGE);
  report("one-level namespaces page", size);
  const unused = size.inputs.filter((p) => /src\/(nn\/(attention|recurrent|extra)|optim\/(lr_scheduler|extra)|nn\/(conv|pooling|normalization)\.ts)/.test(p));
  assert.deepEqual(unused, [], "layers, optimizers and schedulers the page never names");
  // Measured 112.4 KiB (115,099 bytes) after 92a9476 (95.4 KiB at 23bfe35, 68.7 KiB at d7c8424: every
  // Tensor method comes with the tensor, and the linalg decompositions' methods are ~13 KiB of it).
  assert.ok(size.gzip <= 113.5 * 1024, `${size.gzip} bytes gzipped`);
});

test("package.json exports the namespaces a page imports on their own, beside the root", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { exports: Record<string, unknown> };
  for (const sub of ["nn", "nn/functional", "optim"]) {
    assert.deepEqual(pkg.exports[`./${sub}`], { types: `./dist/${sub}/index.d.ts`, import: `./dist/${sub}/index.js` }, `"kindling/${sub}"`);
    assert.ok(ONE_LEVEL_PAGE.includes(`from "./${sub}/index.ts"`), `the one-level page imports ${sub} as "kindling/${sub}" would`);
  }
});

test("a page of tensors and autograd carries no torch.nn and no torch.optim", async () => {
  const size = await pageSize(TENSOR_PAGE);
  report("tensor-only page", size);
  // Measured 96.5 KiB (98,853 bytes) after 92a9476 (80.4 KiB at 23bfe35, 55.0 KiB at d7c8424, before ~300
  // functions and Tensor methods, the linalg decompositions and higher-order autograd came in).
  assert.deepEqual(size.inputs.filter((p) => /src\/(nn|optim)\//.test(p)), [], "torch.nn and torch.optim come in only where used");
  assert.ok(size.gzip <= 97.5 * 1024, `${size.gzip} bytes gzipped`);
});
