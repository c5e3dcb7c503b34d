#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's built-in runner (Node 20's --test does not expand globs),
// on the default backend; then runs the op suites again once per other available backend (with
// KINDLING_BACKEND set), so every backend is held to the same PyTorch fixtures and gradchecks.
//
// Extra arguments narrow the set: `npm test -- test/ops` runs only files under test/ops (and the
// per-backend passes only those of them that are op suites).
// KINDLING_TEST_BACKENDS=js,wasm picks the extra backends (default: every available one but the
// default); KINDLING_TEST_BACKENDS=none skips the extra passes.
// Both cores work: Node 20's runner takes one file at a time on a 2-core machine, so the files that
// time nothing run two at a time (KINDLING_TEST_CONCURRENCY, default 2), the ones that time things or
// drive a browser or child processes (SERIAL) run alone after them, and the per-backend passes run side
// by side, each printing its output when it ends.
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

/**
 * Op-suite files that exercise no backend kernel (argument and error checks, layout metadata, the
 * sort-order emulation, pure-JS ops): the default backend's pass covers them, the reruns skip them.
 */
const BACKEND_AGNOSTIC = [
  "test/ops/method_arguments.test.ts",
  "test/ops/indexing_errors.test.ts",
  "test/ops/cnn_errors.test.ts",
  "test/nn/extra/errors.test.ts",
  "test/ops/tensor_queries.test.ts",
  "test/ops/real_views.test.ts",
  "test/autograd/inplace_layout.test.ts",
  "test/ops/sorting_orders.test.ts",
  "test/ops/resize.test.ts",
  "test/ops/tensor_data_iter.test.ts",
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

/**
 * Files that time things, drive Chromium, or spawn trainers and workers: run one at a time. The ported
 * examples time nothing (they compare printed numbers), so they share the cores with the rest.
 */
const SERIAL = ["test/browser/", "test/cli/", "test/utils/", "test/io/", "test/datasets/", "test/memory.test.ts"];
const CONCURRENCY = Math.max(1, Number(process.env["KINDLING_TEST_CONCURRENCY"] ?? 2) || 1);

/**
 * Runs one pass of `files` `concurrency` at a time, adding its closing counts to the totals, and resolves
 * to its exit code and wall time; its output is streamed, or with `buffered` printed in one piece when it
 * ends (passes run side by side).
 */
function runTests(files, env, { concurrency = 1, buffered = false, header = "" } = {}) {
  const started = Date.now();
  return new Promise((resolveRun) => {
    const args = ["--expose-gc", "--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files];
    const child = spawn(process.execPath, args, {
      stdio: ["inherit", "pipe", "inherit"],
      // Output goes through a pipe: keep the runner's colours when a person is watching.
      env: process.stdout.isTTY ? { FORCE_COLOR: "1", ...env } : env,
    });
    let tail = "";
    const chunks = [];
    if (!buffered && header) console.log(header);
    child.stdout.on("data", (chunk) => {
      if (buffered) chunks.push(chunk);
      else process.stdout.write(chunk);
      tail = (tail + chunk.toString().replace(/\x1b\[[0-9;]*m/g, "")).slice(-4096);
    });
    child.on("close", (code) => {
      if (buffered) {
        if (header) console.log(header);
        process.stdout.write(Buffer.concat(chunks));
      }
      for (const key of Object.keys(totals)) {
        const m = new RegExp(`^ℹ ${key} (\\d+)$`, "m").exec(tail);
        if (m) totals[key] += Number(m[1]);
      }
      resolveRun({ code: code ?? 1, seconds: (Date.now() - started) / 1000 });
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
const isSerial = (f) => SERIAL.some((s) => relative(".", f).startsWith(s));
const onBackend = backends?.current ?? "default backend";
const parallelFiles = files.filter((f) => !isSerial(f));
const serialFiles = files.filter(isSerial);
if (parallelFiles.length > 0) {
  const header = `# tests that time nothing, ${CONCURRENCY} files at a time, default backend: ${backends?.current ?? "unknown"}`;
  results.push([`all tests but the timed ones (${onBackend})`, await runTests(parallelFiles, process.env, { concurrency: CONCURRENCY, header })]);
}
if (serialFiles.length > 0) {
  const header = `\n# timed tests (browser, CLI, workers, files), one file at a time, default backend: ${backends?.current ?? "unknown"}`;
  results.push([`timed tests (${onBackend})`, await runTests(serialFiles, process.env, { header })]);
}

const opFiles = files.filter((f) => OP_SUITES.some((s) => relative(".", f).startsWith(s)) && !BACKEND_AGNOSTIC.includes(relative(".", f)));
const wanted = process.env["KINDLING_TEST_BACKENDS"];
if (backends === null) {
  results.push(["listing the backends", { code: 1, seconds: 0 }]);
} else if (opFiles.length > 0 && wanted !== "none") {
  const extra = wanted ? wanted.split(",").map((s) => s.trim()).filter(Boolean) : backends.available.filter((b) => b !== backends.current);
  const passes = extra.map((name) => async () => {
    if (!backends.available.includes(name)) {
      console.error(`# backend ${name} is not available here`);
      return [`op suites on ${name}`, { code: 1, seconds: 0 }];
    }
    const header = `\n# op suites (${opFiles.length} files) on backend: ${name}`;
    const env = { ...process.env, KINDLING_BACKEND: name };
    return [`op suites on ${name}`, await runTests(opFiles, env, { buffered: extra.length > 1 && CONCURRENCY > 1, header })];
  });
  // Side by side, one file at a time each: as many processes as cores.
  if (CONCURRENCY > 1) results.push(...(await Promise.all(passes.map((run) => run()))));
  else for (const run of passes) results.push(await run());
}

console.log("\n# summary");
for (const [label, { code, seconds }] of results) console.log(`#   ${code === 0 ? "pass" : "FAIL"}  ${label} (${seconds.toFixed(0)} s)`);
// One plain closing line over every pass, so a CI log reader counts all of them.
// Cancelled tests (e.g. a promise left pending when the event loop ran dry) fail their pass too.
console.log(`total: ${totals.pass} passed, ${totals.fail} failed, ${totals.cancelled} cancelled, ${totals.skipped} skipped`);
process.exit(results.every(([, r]) => r.code === 0) ? 0 : 1);
