/**
 * `npm run bench`: kindling next to PyTorch and TensorFlow.js, in one table per benchmark:
 *   1. GEMM GFLOP/s at the MLP's shapes: kindling native / wasm / js vs torch.mm, per thread count;
 *   2. the seed MLP training step: kindling native / wasm / js vs PyTorch vs tfjs cpu / wasm;
 *   3. the MNIST CNN training step: kindling native / wasm vs PyTorch, same thread counts;
 *   4. the LSTM training step (2 layers, hidden 256, seq 64, batch 32): kindling native vs PyTorch;
 *   5. the Transformer training step (4 encoder layers, d 256, 4 heads, seq 128, batch 16): native vs PyTorch.
 *
 *   npm run bench                                    everything, threads 1 and 2
 *   npm run bench -- --quick                         fewer samples, shorter step budgets
 *   npm run bench -- --skip tfjs,cnn --threads 1     parts: gemm mlp cnn lstm transformer, sides: torch tfjs
 *   npm run bench -- --torch-blas system             torch on the system BLAS, even if OpenBLAS is found
 *   npm run bench -- --torch-malloc default          torch on glibc's default malloc thresholds (see torchEnv)
 *   npm run bench -- --rounds 3                      training-step parts: 3 alternating rounds per side (default 2)
 *   npm run bench -- --profile                       instead: where the CNN and MLP steps spend their time (bench/profile.ts)
 *
 * Each side runs in its own process (bench/gemm.ts, mlp_step.ts, cnn_step.ts, reference/tfjs_bench.ts,
 * and reference/torch_bench.py once per thread count) and prints one JSON line that this script
 * tabulates. A side that cannot run shows "n/a" with the reason. See bench/README.md.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ALLOCATOR } from "../src/backend/native/loader.ts";
import {
  GEMM_SHAPES, type GemmCell, type PartReport, RESULT_TAG, type StepCell, type Timing, argList, argValue, gflops, shapeKey,
} from "./common.ts";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const quick = process.argv.includes("--quick");
const threads = argList("--threads", ["1", "2"]).map(Number).filter((n) => Number.isInteger(n) && n >= 1);
const skip = new Set(argList("--skip", []));
const samples = quick ? "3" : "7";
/** Alternating rounds of each side for the training-step parts (see alternate()). */
const rounds = Math.max(1, Number(argList("--rounds", [quick ? "1" : "2"])[0]) || 1);
const budget = (ms: number): string => String(quick ? ms / 2 : ms);

interface Outcome<C> {
  reports: PartReport<C>[];
  /** Why nothing (or not everything) came back. */
  error?: string;
}

/** Runs one side; collects its RESULT lines, or the last stderr line as the reason it failed. */
function runSide<C>(cmd: string, args: string[], timeoutS: number, env: NodeJS.ProcessEnv = process.env): Promise<Outcome<C>> {
  return new Promise((resolve) => {
    let out = "";
    let err = "";
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutS * 1000);
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const finish = (error?: string): void => {
      clearTimeout(timer);
      const reports = out.split("\n").filter((l) => l.startsWith(RESULT_TAG))
        .map((l) => JSON.parse(l.slice(RESULT_TAG.length)) as PartReport<C>);
      resolve({ reports, error: reports.length > 0 && !error ? undefined : error ?? "no result printed" });
    };
    child.on("error", (e) => finish(`${cmd}: ${e.message}`));
    child.on("close", (code, signal) => {
      const last = err.trim().split("\n").filter((l) => l.trim()).pop() ?? "";
      if (signal) finish(`killed (${signal}) after ${timeoutS} s limit`);
      else if (code !== 0) finish(`exit ${code}: ${last.slice(0, 160)}`);
      else finish();
    });
  });
}

/**
 * Node 20 validates relaxed SIMD only behind this V8 flag; the wasm backend detects it either way, so
 * with the flag its GEMM uses the FMA kernels (acceptance figures for WASM are with relaxed SIMD).
 */
const NODE_FLAGS = ["--experimental-wasm-relaxed-simd"];

const kindling = <C>(script: string, extra: string[], timeoutS: number): Promise<Outcome<C>> =>
  runSide<C>(process.execPath, [...NODE_FLAGS, "--import", "tsx", join(BENCH, script), "--json", "--threads", threads.join(","), ...extra], timeoutS);

/** The OpenBLAS to give torch (Debian's python3-torch links the libblas.so.3 alternative, often netlib). */
function openblasDir(): string | null {
  if (process.argv.includes("--torch-blas") && argList("--torch-blas", [])[0] === "system") return null;
  const dirs = [process.env["KINDLING_BENCH_OPENBLAS_DIR"], "/usr/lib/x86_64-linux-gnu/openblas-pthread", "/usr/lib/x86_64-linux-gnu/openblas-openmp"];
  return dirs.find((d): d is string => !!d && existsSync(join(d, "libblas.so.3"))) ?? null;
}

function torchEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // Only for this benchmark process: these slow a current OpenBLAS down (see bench/README.md).
  delete env["OPENBLAS_CORETYPE"];
  delete env["OPENBLAS_L2_SIZE"];
  const dir = openblasDir();
  if (dir) env["LD_LIBRARY_PATH"] = [dir, env["LD_LIBRARY_PATH"]].filter(Boolean).join(":");
  if (torchMallocTuned) {
    env["MALLOC_MMAP_THRESHOLD_"] = String(ALLOCATOR.mmapThreshold);
    env["MALLOC_TRIM_THRESHOLD_"] = String(ALLOCATOR.trimThreshold);
  }
  return env;
}

/**
 * kindling's native addon raises glibc's mmap/trim thresholds in its own process (loader.ts); torch
 * gets the same thresholds through glibc's environment variables so neither side pays page faults the
 * other does not (with glibc's defaults torch's median MLP step measured 2x its tuned one).
 * `--torch-malloc default` leaves torch on glibc's defaults.
 */
const torchMallocTuned = argList("--torch-malloc", ["tuned"])[0] !== "default";

const PYTHON = process.env["KINDLING_BENCH_PYTHON"] ?? "/usr/bin/python3";

/** One python process per thread count for `part`; returns the reports (per thread) or the reason. */
async function torchSide<C>(part: string, extra: string[]): Promise<Outcome<C>> {
  if (skip.has("torch")) return { reports: [], error: "skipped (--skip torch)" };
  const all: PartReport<C>[] = [];
  let error: string | undefined;
  for (const t of threads) {
    const r = await runSide<C>(PYTHON, [join(BENCH, "reference", "torch_bench.py"), "--json", "--threads", String(t),
      "--what", part, ...extra], 600, torchEnv());
    all.push(...r.reports);
    error ??= r.error;
    if (r.reports.length === 0) break; // torch cannot start: the other thread counts would fail alike
  }
  return { reports: all, error };
}

const fmtRate = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : "-");

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
}

function notes(label: string, o: Outcome<unknown>): void {
  if (o.error) console.log(`  ${label}: n/a (${o.error})`);
  for (const r of o.reports) for (const u of r.unavailable) console.log(`  ${label} ${u.what}: n/a (${u.reason})`);
}

/** "kindling: native avx512, 1 threads; ..." from the parts' "name: description" info lines. */
function backendsLine(o: Outcome<unknown>): void {
  const lines = o.reports.flatMap((r) => r.info.filter((l) => /^(native|wasm|js): /.test(l)));
  if (lines.length > 0) console.log(`  kindling ${lines.join("; ")}`);
}

const progress = (what: string): boolean => process.stderr.write(`[bench] running ${what} ...\n`);

async function gemmSection(): Promise<void> {
  progress("kindling gemm");
  const k = await kindling<GemmCell>("gemm.ts", ["--samples", samples], 600);
  progress("torch gemm");
  const shapes = JSON.stringify(GEMM_SHAPES.map((s) => [s.transA, s.transB, s.M, s.N, s.K]));
  const t = await torchSide<GemmCell>("gemm", ["--samples", samples, "--shapes", shapes]);
  const cells = [...k.reports, ...t.reports].flatMap((r) => r.cells);
  const cols: [string, number][] = [];
  for (const b of ["native", "wasm", "js"]) for (const n of threads) if (b !== "js" || n === 1) cols.push([b, n]);
  for (const n of threads) cols.push(["torch", n]);
  const find = (key: string, b: string, n: number): GemmCell | undefined =>
    cells.find((c) => c.shape === key && c.backend === b && c.threads === n);
  console.log(`\n1. GEMM float32, GFLOP/s best/median of ${samples} samples (kindling Backend.gemm vs torch.mm)`);
  backendsLine(k);
  notes("kindling", k);
  notes("torch", t);
  const rows = [["shape (op M x N x K)", ...cols.map(([b, n]) => `${b} ${n}t`), ...threads.map((n) => `native/torch ${n}t`)]];
  for (const s of GEMM_SHAPES) {
    const key = shapeKey(s);
    const cell = (b: string, n: number): string => {
      const c = find(key, b, n);
      if (c) return `${fmtRate(gflops(s, c.bestMs))}/${fmtRate(gflops(s, c.medianMs))}`;
      return b === "js" ? "-" : "n/a";
    };
    const r = threads.map((n) => {
      const a = find(key, "native", n);
      const b = find(key, "torch", n);
      return a && b ? ratio(b.bestMs, a.bestMs) : "n/a";
    });
    rows.push([key, ...cols.map(([b, n]) => cell(b, n)), ...r]);
  }
  printTable(rows);
  console.log("  native/torch: ratio of best GFLOP/s (>1: kindling faster); js runs only the shapes up to 32x2048x1024");
}

interface Row {
  engine: string;
  backend: string;
  threads: number;
  t: Timing;
  loss: number;
}

function stepRows(engine: string, o: Outcome<StepCell>): Row[] {
  return o.reports.flatMap((r) => r.cells.map((c) => ({ engine, backend: c.backend, threads: c.threads, t: c, loss: c.loss })));
}

/** Speed ratio a/b in steps/s from median and best times: "med (best)". */
const speed = (a: Timing, b: Timing | undefined): string => (b ? `${ratio(b.medianMs, a.medianMs)} (${ratio(b.bestMs, a.bestMs)})` : "n/a");
const slower = (a: Timing, b: Timing | undefined): string => (b ? `${ratio(a.medianMs, b.medianMs)} (${ratio(a.bestMs, b.bestMs)})` : "n/a");

function stepTable(rows: Row[], refs: [string, (r: Row) => Timing | undefined][], kind: "speed" | "time"): void {
  const head = ["engine", "backend", "thr", "ms/step med", "best", "steps/s", "steps", "loss", ...refs.map(([l]) => l)];
  const body = rows.map((r) => [r.engine, r.backend, String(r.threads), r.t.medianMs.toFixed(1), r.t.bestMs.toFixed(1),
    (1000 / r.t.medianMs).toFixed(2), String(r.t.n), Number.isFinite(r.loss) ? r.loss.toFixed(3) : "NaN!",
    ...refs.map(([, f]) => (r.engine === "kindling" ? (kind === "speed" ? speed(r.t, f(r)) : slower(r.t, f(r))) : ""))]);
  printTable([head, ...body]);
}

const bestOf = (rows: Row[]): Timing | undefined =>
  rows.length === 0 ? undefined : {
    medianMs: Math.min(...rows.map((r) => r.t.medianMs)), bestMs: Math.min(...rows.map((r) => r.t.bestMs)), n: 0,
  };

/**
 * Runs each side `rounds` times, alternating (kindling, torch, kindling, torch, ...), so that a slow
 * spell of this shared machine falls on both sides alike; each cell keeps its best round (lowest
 * median; best = lowest single step over all rounds).
 */
async function alternate(rounds: number, sides: [string, () => Promise<Outcome<StepCell>>][]): Promise<Outcome<StepCell>[]> {
  const got: Outcome<StepCell>[][] = sides.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < sides.length; i++) {
      progress(`${sides[i]![0]}${rounds > 1 ? ` (round ${r + 1}/${rounds})` : ""}`);
      got[i]!.push(await sides[i]![1]());
    }
  }
  return got.map(mergeRounds);
}

function mergeRounds(outs: Outcome<StepCell>[]): Outcome<StepCell> {
  const ok = outs.filter((o) => o.reports.length > 0);
  if (ok.length === 0) return outs[0] ?? { reports: [], error: "no result printed" };
  const first = ok[0]!.reports[0]!;
  const cells = new Map<string, StepCell>();
  for (const o of ok) {
    for (const c of o.reports.flatMap((r) => r.cells)) {
      const key = `${c.backend}/${c.threads}`;
      const prev = cells.get(key);
      if (!prev) cells.set(key, { ...c });
      else cells.set(key, { ...(c.medianMs < prev.medianMs ? c : prev), bestMs: Math.min(c.bestMs, prev.bestMs), n: prev.n + c.n });
    }
  }
  const unavailable = ok.flatMap((o) => o.reports.flatMap((r) => r.unavailable));
  const seen = new Set<string>();
  return {
    reports: [{ ...first, info: [...new Set(ok.flatMap((o) => o.reports.flatMap((r) => r.info)))], cells: [...cells.values()],
      unavailable: unavailable.filter((u) => !seen.has(u.what) && seen.add(u.what)) }],
    error: outs.find((o) => o.error)?.error,
  };
}

async function mlpSection(): Promise<void> {
  const [k, t] = await alternate(rounds, [
    ["kindling MLP step", () => kindling<StepCell>("mlp_step.ts", ["--budget", budget(3000)], 600)],
    ["torch MLP step", () => torchSide<StepCell>("mlp", ["--budget", budget(3000)])],
  ]) as [Outcome<StepCell>, Outcome<StepCell>];
  progress("tfjs MLP step");
  const f: Outcome<StepCell> = skip.has("tfjs") ? { reports: [], error: "skipped (--skip tfjs)" }
    : await runSide(process.execPath, ["--import", "tsx", join(BENCH, "reference", "tfjs_bench.ts"), "--json", "--budget", budget(3000)], 600);
  const kr = stepRows("kindling", k);
  const tr = stepRows("PyTorch", t);
  const fr = stepRows("tfjs", f);
  console.log("\n2. MLP training step 784-1024-2048-512-10, batch 32, float32, SGD lr 0.03, cross-entropy (zeroGrad+fwd+loss+bwd+step)");
  backendsLine(k);
  for (const r of f.reports) console.log(`  tfjs: ${r.info.join("; ")}`);
  notes("kindling", k);
  notes("PyTorch", t);
  notes("tfjs", f);
  const torchAt = (n: number): Timing | undefined => tr.find((r) => r.threads === n)?.t;
  const tfjs = (b: string): Timing | undefined => fr.find((r) => r.backend === b)?.t;
  stepTable([...kr, ...tr, ...fr], [
    ["vs PyTorch best", () => bestOf(tr)],
    ["vs PyTorch same thr", (r) => torchAt(r.threads)],
    ["vs tfjs wasm", () => tfjs("wasm")],
    ["vs tfjs cpu", () => tfjs("cpu")],
  ], "speed");
  console.log("  vs X: kindling steps/s / X steps/s from medians (from bests in parentheses); >1: kindling faster.");
  console.log("  PyTorch best = its faster thread count; tfjs runs one thread in Node (cpu: plain JS; wasm: no workers).");
}

async function cnnSection(): Promise<void> {
  const [k, t] = await alternate(rounds, [
    ["kindling CNN step", () => kindling<StepCell>("cnn_step.ts", ["--budget", budget(5000)], 900)],
    ["torch CNN step", () => torchSide<StepCell>("cnn", ["--budget", budget(5000)])],
  ]) as [Outcome<StepCell>, Outcome<StepCell>];
  const kr = stepRows("kindling", k);
  const tr = stepRows("PyTorch", t);
  console.log("\n3. CNN training step conv(1,32,3)-relu-conv(32,64,3)-relu-maxpool2-fc(9216,128)-relu-fc(128,10), batch 64, SGD momentum 0.9");
  backendsLine(k);
  notes("kindling", k);
  notes("PyTorch", t);
  stepTable([...kr, ...tr], [["time ratio vs PyTorch same thr", (r) => tr.find((x) => x.threads === r.threads)?.t]], "time");
  console.log("  time ratio: kindling ms/step / PyTorch ms/step at the same thread count, medians (bests); >1: kindling slower.");
}

/** The LSTM step (bench/lstm_step.ts, bench/lstm_torch.py), one torch process per thread count. */
async function lstmSection(): Promise<void> {
  const torchLstm = async (): Promise<Outcome<StepCell>> => {
    if (skip.has("torch")) return { reports: [], error: "skipped (--skip torch)" };
    const outs: Outcome<StepCell>[] = [];
    for (const t of threads) outs.push(await runSide<StepCell>(PYTHON, [join(BENCH, "lstm_torch.py"), "--json", "--threads", String(t), "--budget", budget(4000)], 600, torchEnv()));
    return { reports: outs.flatMap((o) => o.reports), error: outs.find((o) => o.error)?.error };
  };
  const [k, t] = await alternate(rounds, [
    ["kindling LSTM step", () => kindling<StepCell>("lstm_step.ts", ["--budget", budget(4000)], 900)],
    ["torch LSTM step", torchLstm],
  ]) as [Outcome<StepCell>, Outcome<StepCell>];
  const kr = stepRows("kindling", k);
  const tr = stepRows("PyTorch", t);
  console.log("\n4. LSTM training step: 2 layers, input/hidden 256, seq 64, batch 32, float32, loss mean(out^2), SGD");
  backendsLine(k);
  notes("kindling", k);
  notes("PyTorch", t);
  stepTable([...kr, ...tr], [["time ratio vs PyTorch same thr", (r) => tr.find((x) => x.threads === r.threads)?.t]], "time");
  console.log("  time ratio: kindling ms/step / PyTorch ms/step at the same thread count, medians (bests); >1: kindling slower.");
}

/**
 * The Transformer step (bench/transformer_step.ts, bench/transformer_torch.py), one torch process per
 * thread count. Both sides also report the median process CPU time per step, which stays meaningful on
 * a loaded machine; its ratio is printed under the table.
 */
async function transformerSection(): Promise<void> {
  type Cell = StepCell & { cpuMedianMs?: number };
  const torchStep = async (): Promise<Outcome<Cell>> => {
    if (skip.has("torch")) return { reports: [], error: "skipped (--skip torch)" };
    const outs: Outcome<Cell>[] = [];
    for (const t of threads) outs.push(await runSide<Cell>(PYTHON, [join(BENCH, "transformer_torch.py"), "--json", "--threads", String(t), "--budget", budget(6000)], 600, torchEnv()));
    return { reports: outs.flatMap((o) => o.reports), error: outs.find((o) => o.error)?.error };
  };
  const [k, t] = await alternate(rounds, [
    ["kindling Transformer step", () => kindling<Cell>("transformer_step.ts", ["--budget", budget(6000)], 900)],
    ["torch Transformer step", torchStep],
  ]) as [Outcome<Cell>, Outcome<Cell>];
  const kr = stepRows("kindling", k);
  const tr = stepRows("PyTorch", t);
  console.log("\n5. Transformer training step: 4 x TransformerEncoderLayer(d 256, 4 heads, ff 2048, dropout 0.1), seq 128, batch 16, causal mask, MSE, SGD");
  backendsLine(k);
  notes("kindling", k);
  notes("PyTorch", t);
  stepTable([...kr, ...tr], [["time ratio vs PyTorch same thr", (r) => tr.find((x) => x.threads === r.threads)?.t]], "time");
  console.log("  time ratio: kindling ms/step / PyTorch ms/step at the same thread count, medians (bests); >1: kindling slower.");
  const cpuOf = (o: Outcome<Cell>, n: number): number | undefined =>
    o.reports.flatMap((r) => r.cells).find((c) => c.threads === n)?.cpuMedianMs;
  for (const n of threads) {
    const a = cpuOf(k, n);
    const b = cpuOf(t, n);
    if (a !== undefined && b !== undefined) console.log(`  CPU time per step at ${n} thread(s), medians (process, all threads): kindling ${a.toFixed(0)} ms, PyTorch ${b.toFixed(0)} ms, ratio ${ratio(a, b)}`);
  }
}

async function torchHeader(): Promise<void> {
  if (skip.has("torch")) return;
  const dir = openblasDir();
  const r = await runSide<GemmCell>(PYTHON, [join(BENCH, "reference", "torch_bench.py"), "--json", "--threads", "1", "--what", "gemm",
    "--samples", "1", "--shapes", "[[false,false,8,8,8]]"], 120, torchEnv());
  if (r.error) {
    console.log(`PyTorch: n/a (${r.error})`);
    return;
  }
  const info = r.reports[0]?.info ?? [];
  console.log(`PyTorch (${PYTHON}): ${info[0] ?? ""}`);
  for (const l of info.slice(1)) console.log(`  ${l}`);
  console.log(dir ? `  torch runs with LD_LIBRARY_PATH=${dir} (OpenBLAS instead of the system libblas.so.3)`
    : "  torch runs on the system libblas.so.3 (no OpenBLAS found; see bench/README.md)");
  console.log(torchMallocTuned
    ? `  torch runs with MALLOC_MMAP_THRESHOLD_=${ALLOCATOR.mmapThreshold} MALLOC_TRIM_THRESHOLD_=${ALLOCATOR.trimThreshold} (the thresholds kindling sets in-process; --torch-malloc default for glibc's)`
    : "  torch runs with glibc's default malloc thresholds (--torch-malloc default); kindling's native addon raises its own");
}

function loadLine(when: string): void {
  const l = loadavg();
  const warn = l[0]! > 0.5 ? `  WARNING: 1-min load ${l[0]!.toFixed(2)} > 0.5, other processes share the ${cpus().length} cores: timings are noisy` : "";
  console.log(`load average ${when}: ${l.map((x) => x.toFixed(2)).join(" ")}${warn}`);
}

/** `--profile`: the per-layer, per-kernel, per-thread breakdown of the native CNN and MLP steps (bench/profile.ts). */
function profile(): Promise<number> {
  const args = [...NODE_FLAGS, "--import", "tsx", join(BENCH, "profile.ts"), "--threads", threads.join(",")];
  for (const flag of ["--model", "--steps"]) if (argValue(flag) !== undefined) args.push(flag, argValue(flag)!);
  return new Promise((resolve) => {
    spawn(process.execPath, args, { cwd: ROOT, stdio: "inherit" }).on("close", (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  if (process.argv.includes("--profile")) {
    process.exitCode = await profile();
    return;
  }
  console.log(`kindling benchmark ${new Date().toISOString()}  node ${process.version}  ${cpus()[0]?.model ?? "cpu"} x${cpus().length}`);
  loadLine("at start");
  console.log(`threads: ${threads.join(", ")}; training steps: ${rounds} alternating round(s) per side, best round kept${quick ? "  (--quick)" : ""}`);
  await torchHeader();
  if (!skip.has("gemm")) await gemmSection();
  if (!skip.has("mlp")) await mlpSection();
  if (!skip.has("cnn")) await cnnSection();
  if (!skip.has("lstm")) await lstmSection();
  if (!skip.has("transformer")) await transformerSection();
  console.log("");
  loadLine("at end");
}

await main();
