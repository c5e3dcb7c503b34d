/**
 * Kill/resume campaign (issue 17, acceptance 5): trains one small image-folder config straight through,
 * then `--trials` more runs of the same config, each killed with SIGKILL once (at a random moment, or,
 * every other trial, the moment a checkpoint temp file appears in the run folder, i.e. during a write),
 * then resumed with `--resume` (killed again at most `--max-kills` times) until it finishes. Each trial
 * must end with best.safetensors and last.safetensors byte-identical to the straight run's, and with no
 * `.tmp-*` file left anywhere under its record folder.
 *
 *   npm run fuzz:resume -- --trials 20 --seed 1
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { encodeBMP } from "../../src/io/image/index.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "kindling.mjs");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const TRIALS = arg("trials", 20);
const MAX_KILLS = arg("max-kills", 3);
let seed = arg("seed", 1) >>> 0;
const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);

function makeData(root: string): void {
  for (let c = 0; c < 4; c++) {
    const dir = join(root, `class_${c}`);
    mkdirSync(dir, { recursive: true });
    for (let k = 0; k < 250; k++) {
      const data = new Uint8Array(28 * 28);
      for (let i = 0; i < data.length; i++) {
        const band = Math.floor(i / 28) >= 3 * c && Math.floor(i / 28) < 3 * c + 4;
        data[i] = Math.max(0, Math.min(255, (band ? 190 : 30) + Math.floor((rnd() - 0.5) * 80)));
      }
      writeFileSync(join(dir, `img_${k}.bmp`), encodeBMP({ width: 28, height: 28, channels: 1, data }));
    }
  }
}

/** One config for every run, so the files can be compared byte for byte; each run's folder is moved aside after it. */
function config(dir: string): string {
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify({
    task: "classification",
    model: { type: "mlp", hidden: [256, 128], dropout: 0.1 },
    data: { source: "folder", path: join(dir, "data") },
    optimizer: { name: "sgd", lr: 0.05, momentum: 0.9 },
    scheduler: { name: "step", stepSize: 2, gamma: 0.5 },
    augment: { noise: 0.05 },
    batchSize: 16,
    epochs: 5,
    seed: 3,
    mode: "train",
    recordPath: join(dir, "rec"),
  }));
  return file;
}

function runFolder(rec: string): string | null {
  if (!existsSync(rec)) return null;
  const run = readdirSync(rec).find((d) => /^[0-9a-f]{8}$/.test(d));
  return run === undefined ? null : join(rec, run);
}

function tempFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (/\.tmp-/.test(e.name)) out.push(join(e.parentPath, e.name));
  }
  return out;
}

/** Runs `train` and kills it: after `delayMs`, or (atWrite) as soon as a temp file shows up. */
function killedRun(cfg: string, dir: string, name: string, resume: boolean, delayMs: number, atWrite: boolean): Promise<"killed" | "finished"> {
  const rec = join(dir, "rec");
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, "train", cfg, "--quiet", ...(resume ? ["--resume"] : [])], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    let finished = false;
    const kill = () => {
      if (!finished) child.kill("SIGKILL");
    };
    const timer = atWrite
      ? setInterval(() => {
          const run = runFolder(rec);
          if (run !== null && tempFiles(run).length > 0) kill();
        }, 1)
      : setTimeout(kill, delayMs);
    child.on("exit", (code, signal) => {
      finished = true;
      clearInterval(timer as NodeJS.Timeout);
      clearTimeout(timer as NodeJS.Timeout);
      if (signal === "SIGKILL") done("killed");
      else if (code === 0) done("finished");
      else fail(new Error(`${name}: train${resume ? " --resume" : ""} exited with code ${code}: ${stderr.trim()}`));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "kindling-kill-resume-"));
makeData(join(dir, "data"));
const t0 = performance.now();
const cfg = config(dir);
const straight = spawnSync(process.execPath, [BIN, "train", cfg, "--quiet"], { cwd: dir, encoding: "utf8" });
if (straight.status !== 0) throw new Error(`straight run failed: ${straight.stderr}`);
const straightMs = performance.now() - t0;
renameSync(join(dir, "rec"), join(dir, "rec-straight"));
const ref = runFolder(join(dir, "rec-straight"))!;
const refBest = readFileSync(join(ref, "best.safetensors"));
const refLast = readFileSync(join(ref, "last.safetensors"));

let identical = 0;
let killsDuringWrites = 0;
let leftovers = 0;
const failures: string[] = [];
for (let t = 0; t < TRIALS; t++) {
  const name = `trial${t}`;
  let resume = false;
  let kills = 0;
  for (;;) {
    const atWrite = kills === 0 && t % 2 === 1;
    const outcome = kills < MAX_KILLS
      ? await killedRun(cfg, dir, name, resume, 200 + rnd() * straightMs, atWrite)
      : await killedRun(cfg, dir, name, resume, 1e9, false);
    if (outcome === "finished") break;
    kills++;
    if (atWrite) killsDuringWrites++;
    resume = true;
  }
  renameSync(join(dir, "rec"), join(dir, `rec-${name}`));
  const run = runFolder(join(dir, `rec-${name}`))!;
  const same = readFileSync(join(run, "best.safetensors")).equals(refBest) && readFileSync(join(run, "last.safetensors")).equals(refLast);
  const left = tempFiles(join(dir, `rec-${name}`));
  if (same) identical++;
  else failures.push(`${name}: final checkpoints differ from the straight run`);
  if (left.length > 0) {
    leftovers += left.length;
    failures.push(`${name}: temp files left: ${left.join(", ")}`);
  }
  console.log(`trial ${t + 1}/${TRIALS}: ${kills} kill(s)${t % 2 === 1 ? " (first during a checkpoint write)" : ""}, ${same ? "byte-identical" : "DIFFERENT"}, ${left.length} temp file(s) left`);
}
console.log(`kill/resume: ${identical}/${TRIALS} byte-identical, ${killsDuringWrites} kills during checkpoint writes, ${leftovers} temp files left`);
rmSync(dir, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
