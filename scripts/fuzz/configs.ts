/**
 * Config fuzzing for `kindling train` (issue 17, point 5; acceptance 3): seeded mutants of the configs in
 * configs/ (wrong types, out-of-range numbers, missing and extra keys, paths to odd files, huge sizes,
 * broken JSON, odd config files), each run through the real CLI on small data with a time limit.
 *
 *   npm run fuzz:configs -- --count 1000                 # 1,000 mutants, seed 1, one at a time
 *   npm run fuzz:configs -- --count 300 --jobs 2         # two runs at once
 *   npm run fuzz:configs -- --seed 1 --only 123          # replay mutant 123: print its config and output
 *   npm run fuzz:configs -- --count 100 --list           # one line per mutant: outcome, mutations, stderr
 *
 * Every mutant must either train (it is stopped --train-seconds after training starts) or fail with exactly
 * one stderr line `kindling: ...`. Prints the counts; exits 1 on a stack trace or several lines, a hang of
 * over --start-limit seconds before training starts, or a run killed by a signal it was not sent. A run
 * still initializing a network of 1e8+ parameters that the CLI announced at the limit is counted apart.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { encodeBMP } from "../../src/io/image/index.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Rng = () => number;

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "kindling.mjs");

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : def;
}
const opts = {
  count: Number(arg("count", "300")),
  seed: Number(arg("seed", "1")),
  only: arg("only", "") === "" ? null : Number(arg("only", "")),
  jobs: Number(arg("jobs", "1")),
  startLimit: Number(arg("start-limit", "10")),
  trainSeconds: Number(arg("train-seconds", "3")),
};
/** --list prints one line per mutant as it ends: its number, outcome, mutations and first stderr line. */
const list = process.argv.includes("--list");
for (const [k, v] of Object.entries(opts)) {
  if (v !== null && (!Number.isFinite(v) || v < 0)) {
    console.error(`fuzz:configs: --${k} must be a non-negative number, got ${v}`);
    process.exit(2);
  }
}

/** mulberry32: a small seeded generator, so mutant i of seed s is the same on every machine. */
function rngFor(seed: number, index: number): Rng {
  let a = (seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// ---------------------------------------------------------------------------------------------
// The workspace: small image folders and the odd files mutants point at.

function makeWorkspace(): { work: string; images: string; testImages: string; odd: string[] } {
  const work = mkdtempSync(join(tmpdir(), "kindling-fuzz-configs-"));
  const folder = (name: string, perClass: number, size: number) => {
    const root = join(work, name);
    for (let c = 0; c < 3; c++) {
      mkdirSync(join(root, `class_${c}`), { recursive: true });
      for (let k = 0; k < perClass; k++) {
        const data = Uint8Array.from({ length: size * size }, (_, i) => (Math.floor(i / size) % 3 === c ? 200 : 30) + k);
        writeFileSync(join(root, `class_${c}`, `img_${k}.bmp`), encodeBMP({ width: size, height: size, channels: 1, data }));
      }
    }
    return root;
  };
  const images = folder("images", 8, 28);
  const testImages = folder("test_images", 2, 28);
  const small = folder("small_images", 4, 6);
  writeFileSync(join(work, "file.txt"), "not a folder\n");
  spawnSync("mkfifo", [join(work, "fifo")]);
  mkdirSync(join(work, "empty"));
  symlinkSync(join(work, "loop_b"), join(work, "loop_a"));
  symlinkSync(join(work, "loop_a"), join(work, "loop_b"));
  // An image folder with a FIFO posing as an image and a link back up the tree.
  const trap = folder("trap_images", 3, 28);
  spawnSync("mkfifo", [join(trap, "class_0", "pipe.bmp")]);
  symlinkSync("..", join(trap, "class_1", "up"));
  const odd = [
    join(work, "file.txt"), join(work, "fifo"), join(work, "empty"), join(work, "loop_a"), join(work, "missing", "x"),
    small, trap, "/dev/zero", "/dev/null", "/proc/self", "/proc/self/fd", "/", "", "a\u0000b", "x".repeat(5000),
    join(work, "ünïcødé ✓"), `${join(work, "file.txt")}/sub`, "~/nope", ".",
  ];
  return { work, images, testImages, odd };
}

// ---------------------------------------------------------------------------------------------
// Base configs, shrunk so that a mutant that passes validation starts training within seconds.

function baseConfigs(images: string, testImages: string): { name: string; config: { [k: string]: Json } }[] {
  const dir = join(ROOT, "configs");
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => {
    const c = JSON.parse(readFileSync(join(dir, f), "utf8")) as { [k: string]: Json };
    if ("raw_data_path" in c) {
      c.raw_data_path = images;
      c.epoches = 2;
    } else {
      c.epochs = 2;
      const data = c.data as { [k: string]: Json };
      if (data.source === "sin") data.samples = 500;
      // Text: a few steps per epoch and a short validation prefix, from the small humor genre.
      else if (data.source === "brown") Object.assign(data, { genres: ["r"], validChars: 4096 }), (c.stepsPerEpoch = 5);
      else if (data.source === "folder") Object.assign(data, { path: images, testPath: testImages });
    }
    return { name: f, config: c };
  });
}

// ---------------------------------------------------------------------------------------------
// Mutations

const INF = "__fuzz_infinity__"; // written as 1e999, which JSON.parse reads as Infinity
const NUMBERS = [0, -0, -1, -1e-9, 1e-320, 0.5, 1.5, 3.7, 2 ** 31, 2 ** 32, 1e9, 1e15, 1e308, -1e308, 2 ** 53 + 2, INF];
const VALUES: Json[] = ["abc", "", "1e3", "NaN", 0, -1, 1.5, 1e308, true, false, null, [], {}, [1, 2], { a: 1 }, [[]], INF];
const PATH_KEYS = ["data.path", "data.testPath", "data.root", "recordPath", "savePath"];
const SEED_PATH_KEYS = ["raw_data_path", "save_path", "record_path", "data_path"];
const ENUMS: Record<string, string[]> = {
  task: ["classification", "regression", "charlm", "Regression", "detection"],
  mode: ["train", "test", "train_and_test", "eval"],
  "model.type": ["mlp", "cnn", "lstm", "transformer", "rnn"],
  "model.activation": ["relu", "tanh", "sigmoid", "gelu", "swish"],
  "data.source": ["mnist", "folder", "sin", "brown", "text", "cifar"],
  "optimizer.name": ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "nadam", "radam", "lbfgs"],
  "scheduler.name": ["step", "multistep", "exponential", "cosine", "onecycle", "plateau", "linear", "warmRestarts", "cyclic", "warmupCosine", "warmup"],
};
const HUGE: [string, () => Json][] = [
  ["model.hidden", () => [2 ** 31]],
  ["model.hidden", () => [100000, 100000]],
  ["model.hidden", () => [20000]],
  ["model.hidden", () => Array.from({ length: 500 }, () => 64)],
  ["model.channels", () => [100000]],
  ["model.channels", () => [32, 64, 64, 64, 64, 64]],
  ["model.hidden", () => 2 ** 31],
  ["batchSize", () => 2 ** 31],
  ["batchSize", () => 1e15],
  ["data.size", () => [100000, 100000]],
  ["data.size", () => [4000, 4000]],
  ["data.samples", () => 1e12],
  ["data.samples", () => 2 ** 31],
  ["epochs", () => 1e15],
  ["validSplit", () => 0.999],
  ["data.seqLen", () => 1e9],
  ["data.seqLen", () => 100000],
  ["data.validChars", () => 1e15],
  ["model.embeddingDim", () => 1e7],
  ["model.numLayers", () => 100000],
  ["model.dModel", () => 65536],
  ["model.dimFeedforward", () => 2 ** 31],
  ["stepsPerEpoch", () => 1e15],
];

/** Every [parent, key] in the tree (key is a property name or an array index). */
function slots(v: Json, out: [Json[] | { [k: string]: Json }, string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), slots(x, out)));
  else if (v && typeof v === "object") for (const k of Object.keys(v)) out.push([v, k]), slots(v[k]!, out);
  return out;
}

function setPath(c: { [k: string]: Json }, path: string, value: Json): void {
  const keys = path.split(".");
  let o = c;
  for (const k of keys.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== "object" || Array.isArray(o[k])) o[k] = {};
    o = o[k] as { [k: string]: Json };
  }
  o[keys.at(-1)!] = value;
}

function mutate(r: Rng, c: { [k: string]: Json }, odd: string[]): string {
  const all = slots(c);
  if (all.length === 0) {
    setPath(c, "recordPath", pick(r, odd));
    return "recordPath on an empty config";
  }
  const [parent, key] = pick(r, all);
  const set = (v: Json) => ((parent as Record<string | number, Json>)[key] = v);
  const kind = r();
  if (kind < 0.1) {
    const v = pick(r, VALUES);
    set(v);
    return `${key} = ${JSON.stringify(v)}`;
  }
  if (kind < 0.26) {
    // A number where a number was (types stay valid, so the value's range is what gets tried).
    const numeric = all.filter(([p, k]) => typeof (p as Record<string | number, Json>)[k] === "number");
    const [p, k] = numeric.length ? pick(r, numeric) : [parent, key];
    const old = (p as Record<string | number, Json>)[k];
    const v = typeof old === "number" && r() < 0.3 ? old * pick(r, [-1, 1000, 1e-3]) : pick(r, NUMBERS);
    (p as Record<string | number, Json>)[k] = v;
    return `${k} = ${v}`;
  }
  if (kind < 0.36) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
    return `delete ${key}`;
  }
  if (kind < 0.4) {
    const objects = all.map(([p, k]) => (p as Record<string | number, Json>)[k]).filter((v): v is { [k: string]: Json } => !!v && typeof v === "object" && !Array.isArray(v));
    const target = r() < 0.5 || objects.length === 0 ? c : pick(r, objects);
    const name = pick(r, ["__proto__", "constructor", "", "epoch", "batch_size", "lr", "extra", "x".repeat(300)]);
    // defineProperty: assigning to "__proto__" would set the prototype, not add a key.
    Object.defineProperty(target, name, { value: pick(r, VALUES), enumerable: true, writable: true, configurable: true });
    return `extra key ${JSON.stringify(name.slice(0, 20))}`;
  }
  if (kind < 0.62) {
    // Mostly a key of the config's own shape (the other shape's keys are refused as a mix).
    const seedShape = "raw_data_path" in c;
    const key2 = pick(r, (seedShape ? r() < 0.9 : r() < 0.1) ? SEED_PATH_KEYS : PATH_KEYS);
    const p = pick(r, odd);
    setPath(c, key2, p);
    return `${key2} = ${JSON.stringify(p.slice(0, 60))}`;
  }
  if (kind < 0.82) {
    const [key2, v] = pick(r, HUGE);
    setPath(c, key2, v());
    return `${key2} huge`;
  }
  const key2 = pick(r, Object.keys(ENUMS));
  const v = pick(r, ENUMS[key2]!);
  setPath(c, key2, v);
  return `${key2} = ${v}`;
}

/** The mutant's file text and config argument; a few replace the file or the argument wholesale. */
function makeMutant(i: number, bases: ReturnType<typeof baseConfigs>, ws: ReturnType<typeof makeWorkspace>): { file: string; args: string[]; what: string } {
  const r = rngFor(opts.seed, i);
  const base = pick(r, bases);
  const c = structuredClone(base.config);
  const rec = join(ws.work, `rec-${i}`);
  if ("raw_data_path" in c) c.record_path = rec;
  else c.recordPath = rec;
  const changes: string[] = [];
  // One or two changes: with more, nearly every mutant stops at validation and the code after it goes untried.
  const n = 1 + Math.floor(r() * 2);
  for (let k = 0; k < n; k++) changes.push(mutate(r, c, ws.odd));
  let text = JSON.stringify(c, null, 1).replaceAll(`"${INF}"`, "1e999");
  const file = join(ws.work, `mutant-${i}.json`);
  const whole = r();
  if (whole < 0.03) (text = text.slice(0, Math.floor(r() * text.length))), changes.push("truncated");
  else if (whole < 0.04) (text = "[".repeat(100000) + "]".repeat(100000)), changes.push("deeply nested");
  else if (whole < 0.05) (text = pick(r, ["", "null", "[]", "42", '"config"', "\ufeff{}", "{/* c */}"])), changes.push(`text ${JSON.stringify(text)}`);
  writeFileSync(file, text);
  const args = ["train", file, "--json"];
  const odd = r();
  if (odd < 0.02) args[1] = pick(r, [join(ws.work, "fifo"), join(ws.work, "empty"), "/dev/zero", join(ws.work, "loop_a"), join(ws.work, "nope.json")]), changes.push(`config argument ${args[1]}`);
  if (r() < 0.08) args.push("--resume"), changes.push("--resume");
  return { file, args, what: `${base.name}: ${changes.join("; ")}` };
}

// ---------------------------------------------------------------------------------------------
// Running one mutant

type Outcome = "trained" | "oneLine" | "oneLineAndWarnings" | "internal" | "multiLine" | "hang" | "slowBigNetwork" | "signal";
interface Result {
  i: number;
  what: string;
  outcome: Outcome;
  afterStart: boolean;
  startSeconds: number | null;
  /** For a hang: the CPU seconds it had used when it was killed. */
  cpuSeconds: number | null;
  warnings: number;
  stderr: string;
}

/** User + system CPU seconds of a live process (Linux /proc), or null where that cannot be read. */
function cpuOf(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function run(i: number, m: ReturnType<typeof makeMutant>, cwd: string): Promise<Result> {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...m.args], { cwd, env: { ...process.env, KINDLING_LOG: "warn" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let started: number | null = null;
    let stoppedBy: "hang" | "time" | null = null;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (started === null && (stdout.includes('"message":"model: ') || stdout.includes('"event":"result"'))) started = performance.now();
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let cpuSeconds: number | null = null;
    const timer = setInterval(() => {
      const now = performance.now();
      if (started === null && now - t0 > opts.startLimit * 1000) {
        // CPU time tells a blocked process (0 s) from a busy one, or from one slowed by a loaded machine.
        cpuSeconds = cpuOf(child.pid);
        stoppedBy = "hang";
        child.kill("SIGKILL");
      }
      else if (started !== null && now - started > opts.trainSeconds * 1000) (stoppedBy = "time"), child.kill("SIGKILL");
    }, 100);
    child.on("close", (code, signal) => {
      clearInterval(timer);
      const lines = stderr.split("\n").filter((l) => l.trim() !== "");
      const errorLines = lines.filter((l) => l.startsWith("kindling: "));
      const stackLines = lines.filter((l) => /^\s+at |^\s*\^\s*$|^\w*Error\b/.test(l));
      // Anything else on stderr is a warning a library part printed (a skipped file, a rebuilt cache).
      const warnings = lines.length - errorLines.length - stackLines.length;
      let outcome: Outcome;
      // Still initializing a network the CLI announced as big (1e8+ parameters) is work, not a hang.
      if (stoppedBy === "hang") outcome = stdout.includes("building a network of") ? "slowBigNetwork" : "hang";
      else if (stoppedBy === "time" || code === 0) outcome = errorLines.length + stackLines.length === 0 ? "trained" : "multiLine";
      else if (signal) outcome = "signal";
      else if (errorLines.length === 1 && stackLines.length === 0) {
        outcome = errorLines[0]!.includes("internal error") ? "internal" : warnings > 0 ? "oneLineAndWarnings" : "oneLine";
      } else outcome = "multiLine";
      done({ i, what: m.what, outcome, afterStart: started !== null, startSeconds: started === null ? null : (started - t0) / 1000, cpuSeconds, warnings, stderr });
    });
  });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const ws = makeWorkspace();
  const bases = baseConfigs(ws.images, ws.testImages);
  const indices = opts.only !== null ? [opts.only] : Array.from({ length: opts.count }, (_, i) => i);
  const results: Result[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < indices.length) {
      const i = indices[next++]!;
      const m = makeMutant(i, bases, ws);
      const res = await run(i, m, ws.work);
      results.push(res);
      if (list) console.log(`#${i} ${res.outcome}${res.afterStart ? " (after start)" : ""}: ${m.what} => ${res.stderr.trim().split("\n")[0]?.slice(0, 240) ?? ""}`);
      if (opts.only !== null) {
        console.log(`mutant ${i}: ${m.what}\nargs: ${m.args.join(" ")}\nconfig: ${readFileSync(m.file, "utf8").slice(0, 2000)}\noutcome: ${res.outcome}\nstderr:\n${res.stderr}`);
      }
      rmSync(join(ws.work, `rec-${i}`), { recursive: true, force: true });
      if (results.length % 50 === 0) console.error(`fuzz:configs: ${results.length}/${indices.length} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  rmSync(ws.work, { recursive: true, force: true });

  const count = (o: Outcome, after?: boolean) => results.filter((r) => r.outcome === o && (after === undefined || r.afterStart === after)).length;
  const slowest = Math.max(0, ...results.map((r) => r.startSeconds ?? 0));
  console.log(`fuzz:configs: ${results.length} mutants of ${bases.length} configs (seed ${opts.seed}) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  console.log(`  passed validation and trained:            ${count("trained")} (slowest start of training ${slowest.toFixed(1)} s)`);
  console.log(`  failed with exactly one stderr line:       ${count("oneLine") + count("internal")} (${count("oneLine", false)} before training, ${count("oneLine", true)} during it; ${count("internal")} of them internal errors)`);
  console.log(`  failed with one error line after warnings: ${count("oneLineAndWarnings")}`);
  console.log(`  failed with a stack trace or several lines: ${count("multiLine")}`);
  console.log(`  hung over ${opts.startLimit} s before training started:     ${count("hang")}`);
  console.log(`  still building an announced big network:   ${count("slowBigNetwork")}`);
  console.log(`  killed by a signal (OOM?):                 ${count("signal")}`);
  console.log(`  runs that printed warnings:                ${results.filter((r) => r.warnings > 0).length}`);
  for (const o of ["multiLine", "hang", "slowBigNetwork", "signal", "internal", "oneLineAndWarnings"] as const) {
    for (const r of results.filter((x) => x.outcome === o).slice(0, 5)) {
      console.log(`  ${o} #${r.i} (${r.what})${r.cpuSeconds !== null ? ` [${r.cpuSeconds} s CPU]` : ""}: ${r.stderr.trim().split("\n").slice(0, 3).join(" | ").slice(0, 300)}`);
    }
  }
  if (count("multiLine") + count("hang") + count("signal") > 0) process.exitCode = 1;
}

await main();
