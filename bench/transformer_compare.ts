/**
 * The Transformer training step (bench/transformer_step.ts) next to PyTorch's (bench/transformer_torch.py)
 * at each thread count, run alternately (kindling, torch, kindling, torch, ...) so that a slow spell of
 * this shared machine lands on both sides; each side keeps its best round by median. Prints the table
 * and the ratio kindling / PyTorch by median and by best step, and by the median CPU time per step
 * (the process's, all threads), which moves far less than wall time when the machine is oversubscribed.
 *
 *   npx tsx bench/transformer_compare.ts                     threads 1 and 2, 2 rounds, dropout 0.1
 *   npx tsx bench/transformer_compare.ts --threads 1 --rounds 3 --dropout 0 --budget 8000
 *
 * torch runs as bench/run.ts runs it: OpenBLAS from KINDLING_BENCH_OPENBLAS_DIR (or Debian's
 * openblas-pthread) instead of the system libblas.so.3, OPENBLAS_CORETYPE/L2_SIZE unset, and the
 * malloc thresholds kindling's addon sets in its own process.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type PartReport, RESULT_TAG, argValue, threadList } from "./common.ts";
import type { TransformerCell as StepCell } from "./transformer_step.ts";
import { ALLOCATOR } from "../src/backend/native/loader.ts";

const BENCH = dirname(fileURLToPath(import.meta.url));
const threads = threadList();
const rounds = Number(argValue("--rounds") ?? 2);
const pass = ["--dropout", argValue("--dropout") ?? "0.1", "--dff", argValue("--dff") ?? "2048", "--budget", argValue("--budget") ?? "6000"];

function torchEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["OPENBLAS_CORETYPE"];
  delete env["OPENBLAS_L2_SIZE"];
  const dir = [env["KINDLING_BENCH_OPENBLAS_DIR"], "/usr/lib/x86_64-linux-gnu/openblas-pthread"].find((d) => !!d && existsSync(join(d, "libblas.so.3")));
  if (dir) env["LD_LIBRARY_PATH"] = [dir, env["LD_LIBRARY_PATH"]].filter(Boolean).join(":");
  env["MALLOC_MMAP_THRESHOLD_"] = String(ALLOCATOR.mmapThreshold);
  env["MALLOC_TRIM_THRESHOLD_"] = String(ALLOCATOR.trimThreshold);
  return env;
}

function side(cmd: string, args: string[], env: NodeJS.ProcessEnv): PartReport<StepCell> {
  const r = spawnSync(cmd, args, { env, encoding: "utf8", timeout: 600_000 });
  const line = r.stdout.split("\n").find((l) => l.startsWith(RESULT_TAG));
  if (!line) throw new Error(`${cmd} ${args.join(" ")} failed: ${(r.stderr || r.stdout).slice(-800)}`);
  return JSON.parse(line.slice(RESULT_TAG.length)) as PartReport<StepCell>;
}

const best = new Map<string, StepCell>();
const keep = (key: string, c: StepCell): void => {
  const b = best.get(key);
  const cpu = Math.min(c.cpuMedianMs, b?.cpuMedianMs ?? Infinity);
  if (!b || c.medianMs < b.medianMs) best.set(key, { ...c, bestMs: Math.min(c.bestMs, b?.bestMs ?? Infinity), cpuMedianMs: cpu });
  else Object.assign(b, { bestMs: Math.min(b.bestMs, c.bestMs), cpuMedianMs: cpu });
};
const info = new Set<string>();
for (let r = 0; r < rounds; r++) {
  for (const t of threads) {
    const k = side(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", join(BENCH, "transformer_step.ts"), "--json", "--threads", String(t), ...pass], process.env);
    const py = side(process.env["KINDLING_BENCH_PYTHON"] ?? "/usr/bin/python3", [join(BENCH, "transformer_torch.py"), "--json", "--threads", String(t), ...pass], torchEnv());
    for (const rep of [k, py]) {
      rep.info.forEach((l) => info.add(`${rep.engine}: ${l}`));
      for (const c of rep.cells) keep(`${rep.engine} ${c.threads}`, c);
    }
    process.stderr.write(`round ${r + 1} ${t} thr: kindling ${k.cells[0]?.medianMs.toFixed(0)} ms, torch ${py.cells[0]?.medianMs.toFixed(0)} ms\n`);
  }
}
for (const l of info) console.log(l);
console.log("threads | kindling median / best / cpu (ms) | PyTorch median / best / cpu (ms) | ratio by median | by best | by cpu time");
for (const t of threads) {
  const k = best.get(`kindling ${t}`);
  const p = best.get(`torch ${t}`);
  if (!k || !p) continue;
  console.log(`${t} | ${k.medianMs.toFixed(0)} / ${k.bestMs.toFixed(0)} / ${k.cpuMedianMs.toFixed(0)} | ${p.medianMs.toFixed(0)} / ${p.bestMs.toFixed(0)} / ${p.cpuMedianMs.toFixed(0)} | ` +
    `${(k.medianMs / p.medianMs).toFixed(2)}x | ${(k.bestMs / p.bestMs).toFixed(2)}x | ${(k.cpuMedianMs / p.cpuMedianMs).toFixed(2)}x`);
}
process.exit(0);
