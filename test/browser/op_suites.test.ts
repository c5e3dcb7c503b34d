/**
 * The op suites in headless Chromium (issue 15): every file scripts/run-tests.mjs reruns per backend
 * (OpInfo, composite ops, indexing, CNN, nn layers and losses, attention, recurrent, optimizers...),
 * bundled unchanged for the browser with node:test, node:assert and node:fs stand-ins
 * (suites/build.ts), run in a Worker of a cross-origin-isolated page on js and on wasm, a fresh Worker
 * per file as Node gives each file a process. Every file must load and pass on both backends, with the
 * same number of tests on each.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { chromium } from "playwright-core";
import { CHROMIUM, browserUnavailable, serve } from "./harness.ts";
import { buildSuites, opSuiteFiles } from "./suites/build.ts";
import type { FileResult } from "./suites/runner.ts";

declare const runSuites: (backend: string, files: string[]) => Promise<{ results: FileResult[]; backend: string; threads: number }>;

const skip = browserUnavailable();

describe("the op suites in headless Chromium, on js and wasm", { skip: skip ?? false }, () => {
  test("every op-suite file loads and passes on both backends, with the same counts", { timeout: 600_000 }, async () => {
    const files = opSuiteFiles();
    assert.ok(files.length >= 40, `${files.length} op-suite files`);
    const dir = mkdtempSync(join(tmpdir(), "kindling-suites-"));
    await buildSuites(dir, files);
    const { server, origin } = await serve(dir, new Map(), { "/fixtures/": fileURLToPath(new URL("../fixtures/", import.meta.url)) });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage();
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => (globalThis as { ktLoaded?: boolean }).ktLoaded === true);
      const runs: Record<string, FileResult[]> = {};
      for (const backend of ["js", "wasm"]) {
        const t0 = performance.now();
        const r = await page.evaluate(([b, f]) => runSuites(b, f), [backend, files] as [string, string[]]);
        assert.equal(r.backend, backend);
        runs[backend] = r.results;
        const sum = (k: "pass" | "fail" | "skipped" | "todo") => r.results.reduce((n, x) => n + (x.counts?.[k] ?? 0), 0);
        console.log(`${backend}: ${r.results.length} files, ${sum("pass")} passed, ${sum("fail")} failed, ${sum("skipped")} skipped, ${sum("todo")} todo ` +
          `(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        const problems = r.results.flatMap((x) => x.loadError ? [`${x.file}: ${x.loadError}`]
          : x.counts!.failures.map((f) => `${x.file}: ${f.name}: ${f.message}`));
        assert.deepEqual(problems, [], `${backend}: failures`);
        for (const x of r.results) assert.ok(x.counts!.pass > 0, `${backend}: ${x.file} ran no test`);
      }
      const counts = (b: string) => runs[b]!.map((x) => [x.file, x.counts!.pass, x.counts!.skipped, x.counts!.todo]);
      assert.deepEqual(counts("wasm"), counts("js"), "the same tests on both backends");
      assert.deepEqual(runs["js"]!.map((x) => x.file), files);
    } finally {
      await browser.close();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
