#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's built-in runner (Node 20's --test does not expand globs),
// on the default backend; then runs the op suites again once per other available backend (with
// KINDLING_BACKEND set), so every backend is held to the same PyTorch fixtures and gradchecks.
//
// Extra arguments narrow the set: `npm test -- test/ops` runs only files under test/ops (and the
// per-backend passes only those of them that are op suites).
// KINDLING_TEST_BACKENDS=js,wasm picks the extra backends (default: every available one but the
// default); KINDLING_TEST_BACKENDS=none skips the extra passes.
// Exits non-zero if any pass fails.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The op suites: op fixtures and gradchecks, fixture-based nn layers and losses, optimizer fixtures. */
const OP_SUITES = [
  "test/ops/",
  "test/autograd/gradcheck_ops.test.ts",
  "test/autograd/inplace",
  "test/nn/mlp_parity.test.ts",
  "test/nn/layers.test.ts",
  "test/nn/losses.test.ts",
  "test/nn/functional.test.ts",
  "test/nn/cnn_layers.test.ts",
  "test/optim/fixtures.test.ts",
  "test/autograd/function_fixtures.test.ts",
  "test/nn/recurrent/",
  "test/nn/attention/",
  "test/nn/extra/",
  "test/optim/extra/",
  "test/autograd/hooks_fixtures.test.ts",
  "test/nn/module_hooks_fixtures.test.ts",
];

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const totals = { pass: 0, fail: 0, cancelled: 0, skipped: 0 };

/** Runs one pass, streaming its output and adding its closing counts to the totals. */
function runTests(files, env) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", "--test", "--test-reporter=spec", ...files], {
      stdio: ["inherit", "pipe", "inherit"],
      // Output goes through a pipe: keep the runner's colours when a person is watching.
      env: process.stdout.isTTY ? { FORCE_COLOR: "1", ...env } : env,
    });
    let tail = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString().replace(/\x1b\[[0-9;]*m/g, "")).slice(-4096);
    });
    child.on("close", (code) => {
      for (const key of Object.keys(totals)) {
        const m = new RegExp(`^ℹ ${key} (\\d+)$`, "m").exec(tail);
        if (m) totals[key] += Number(m[1]);
      }
      resolveRun(code ?? 1);
    });
  });
}

/** The default backend and the available ones, as a fresh process with this environment sees them. */
function probeBackends() {
  const url = pathToFileURL(resolve("src/backend/index.ts")).href;
  const code = `const b = await import(${JSON.stringify(url)});` +
    `process.stdout.write(JSON.stringify({ current: b.getBackend(), available: b.availableBackends() }));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`could not list the backends:\n${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout);
}

const filters = process.argv.slice(2);
const files = collect("test").filter((f) => filters.length === 0 || filters.some((x) => relative(".", f).startsWith(x)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}

const backends = probeBackends();
const results = [];
console.log(`# all tests, default backend: ${backends?.current ?? "unknown"}`);
results.push([`all tests (${backends?.current ?? "default backend"})`, await runTests(files, process.env)]);

const opFiles = files.filter((f) => OP_SUITES.some((s) => relative(".", f).startsWith(s)));
const wanted = process.env["KINDLING_TEST_BACKENDS"];
if (backends === null) {
  results.push(["listing the backends", 1]);
} else if (opFiles.length > 0 && wanted !== "none") {
  const extra = wanted ? wanted.split(",").map((s) => s.trim()).filter(Boolean) : backends.available.filter((b) => b !== backends.current);
  for (const name of extra) {
    if (!backends.available.includes(name)) {
      console.error(`# backend ${name} is not available here`);
      results.push([`op suites on ${name}`, 1]);
      continue;
    }
    console.log(`\n# op suites (${opFiles.length} files) on backend: ${name}`);
    results.push([`op suites on ${name}`, await runTests(opFiles, { ...process.env, KINDLING_BACKEND: name })]);
  }
}

console.log("\n# summary");
for (const [label, status] of results) console.log(`#   ${status === 0 ? "pass" : "FAIL"}  ${label}`);
// One plain closing line over every pass, so a CI log reader counts all of them.
// Cancelled tests (e.g. a promise left pending when the event loop ran dry) fail their pass too.
console.log(`total: ${totals.pass} passed, ${totals.fail} failed, ${totals.cancelled} cancelled, ${totals.skipped} skipped`);
process.exit(results.every(([, s]) => s === 0) ? 0 : 1);
