/**
 * Image decoder fuzzing (issue 17, points 1-2): seeded mutants (images_mutate.ts) of valid BMP, PNG and
 * JPEG files of several kinds, plus the bombs (images_seeds.ts), each decoded several times. Every
 * mutant must end in an image or a FormatError, the same on every decode; no decode may take over 2 s;
 * peak RSS must stay under 4x the largest accepted decoded image + 200 MB.
 *
 *   npm run fuzz:images -- --count 10000            # 10,000 mutants per format, seed 1
 *   npm run fuzz:images -- --format png --seed 7 --only 123   # replay one mutant, printing its outcome
 *   FUZZ_DUMP=m.png npm run fuzz:images -- --format png --only 123   # ... and write its bytes to m.png
 *   FUZZ_DEBUG=1 npm run fuzz:images -- --count 10000                # RSS and heap every 1000 mutants
 *
 * Prints the counts per format (each format in its own process); exits 1 on an untyped error, a differing
 * decode, a decode over 2 s or RSS over the bound.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { FormatError, KindlingError } from "../../src/errors.ts";
import { decodeImage } from "../../src/io/image/index.ts";
import { type Format, mulberry32, mutate, pick } from "./images_mutate.ts";
import { bombs, seeds } from "./images_seeds.ts";

function parseArgs(): { count: number; seed: number; formats: Format[]; repeat: number; only: number | null } {
  const args = process.argv.slice(2);
  const get = (name: string, def: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
  };
  const count = Number(get("count", "1000"));
  const seed = Number(get("seed", "1"));
  const repeat = Number(get("repeat", "3"));
  const only = get("only", "") === "" ? null : Number(get("only", ""));
  const format = get("format", "all");
  const formats: Format[] = format === "all" ? ["bmp", "png", "jpeg"] : [format as Format];
  for (const [n, v] of [["count", count], ["seed", seed], ["repeat", repeat]] as const) {
    if (!Number.isSafeInteger(v) || v < 0 || (n === "repeat" && v < 2)) {
      console.error(`fuzz:images: --${n} must be a non-negative integer${n === "repeat" ? " >= 2" : ""}, got ${v}`);
      process.exit(2);
    }
  }
  if (!formats.every((f) => ["bmp", "png", "jpeg"].includes(f))) {
    console.error(`fuzz:images: --format must be bmp, png, jpeg or all, got ${format}`);
    process.exit(2);
  }
  return { count, seed, formats, repeat, only };
}

interface Tally {
  accepted: number;
  typed: number;
  untyped: number;
  differing: number;
  acceptedDiffering: number;
  maxMs: number;
  maxCpuMs: number;
  slowest: string;
  largestAccepted: number;
  examples: string[];
}

function outcomeOf(bytes: Uint8Array, source: string): { key: string; ok: boolean; typed: boolean; size: number } {
  try {
    const img = decodeImage(bytes, source);
    const hash = createHash("sha1").update(img.data).digest("hex");
    return { key: `ok ${img.width}x${img.height}x${img.channels} ${hash}`, ok: true, typed: true, size: img.data.length };
  } catch (e) {
    const typed = e instanceof FormatError;
    const name = e instanceof Error ? e.name : typeof e;
    const other = e instanceof KindlingError && !typed ? " (typed, but not FormatError)" : "";
    return { key: `${name}: ${e instanceof Error ? e.message : String(e)}${other}`, ok: false, typed, size: 0 };
  }
}

/** The highest RSS seen after a file's decodes, and that file: where a memory regression shows first. */
const rssPeak = { rss: 0, after: "" };

function run(format: Format, name: string, bytes: Uint8Array, repeat: number, t: Tally): void {
  const keys: string[] = [];
  let first: ReturnType<typeof outcomeOf> | null = null;
  for (let r = 0; r < repeat; r++) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const o = outcomeOf(bytes, `${format}:${name}`);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(cpu);
    const cpuMs = (c.user + c.system) / 1000;
    if (ms > t.maxMs) {
      t.maxMs = ms;
      t.slowest = `${name} (${o.ok ? "accepted" : "error"}, ${bytes.length} bytes)`;
    }
    t.maxCpuMs = Math.max(t.maxCpuMs, cpuMs);
    keys.push(o.key);
    first ??= o;
  }
  const o = first as ReturnType<typeof outcomeOf>;
  const rss = process.memoryUsage().rss;
  if (rss > rssPeak.rss) Object.assign(rssPeak, { rss, after: `${format} ${name}` });
  if (new Set(keys).size > 1) {
    t.differing++;
    if (keys.some((k) => k.startsWith("ok "))) t.acceptedDiffering++;
    if (t.examples.length < 5) t.examples.push(`differing: ${name}: ${[...new Set(keys)].join(" | ")}`);
  } else if (o.ok) {
    t.accepted++;
    t.largestAccepted = Math.max(t.largestAccepted, o.size);
  } else if (o.typed) {
    t.typed++;
  } else {
    t.untyped++;
    if (t.examples.length < 5) t.examples.push(`untyped: ${name}: ${o.key}`);
  }
}

/**
 * Each format runs in its own process, so that its peak RSS (which never shrinks back) is measured from a
 * fresh start and checked against its own largest accepted image.
 */
function runEachFormat(formats: Format[]): never {
  let failed = false;
  const args = process.argv.slice(2).filter((a, i, all) => a !== "--format" && all[i - 1] !== "--format");
  for (const format of formats) {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], ...args, "--format", format], { stdio: "inherit" });
    if (r.status !== 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
}

function main(): void {
  const { count, seed, formats, repeat, only } = parseArgs();
  if (formats.length > 1) runEachFormat(formats);
  const gc = (globalThis as { gc?: () => void }).gc;
  const startRss = process.memoryUsage().rss;
  let failed = false;
  let largestAccepted = 0;
  console.log(`fuzz:images ${formats[0]}: seed ${seed}, ${count} mutants, ${repeat} decodes each`);
  for (const format of formats) {
    const tally: Tally = {
      accepted: 0,
      typed: 0,
      untyped: 0,
      differing: 0,
      acceptedDiffering: 0,
      maxMs: 0,
      maxCpuMs: 0,
      slowest: "",
      largestAccepted: 0,
      examples: [],
    };
    const srcs = seeds(format);
    const bombList = only === null ? bombs(format) : [];
    gc?.();
    const started = performance.now();
    for (const bomb of bombList) run(format, `bomb: ${bomb.name}`, bomb.bytes, repeat, tally);
    for (let i = 0; i < count; i++) {
      if (only !== null && i !== only) continue;
      const rng = mulberry32((seed * 0x9e3779b1) ^ (i * 0x85ebca6b) ^ format.charCodeAt(0));
      const src = pick(rng, srcs);
      const m = mutate(format, src.bytes, rng);
      const name = `#${i} ${src.name}: ${m.what}`;
      if (only !== null) console.log(name, "->", outcomeOf(m.bytes, `${format}#${i}`).key.slice(0, 300));
      if (only !== null && process.env.FUZZ_DUMP) writeFileSync(process.env.FUZZ_DUMP, m.bytes);
      run(format, name, m.bytes, repeat, tally);
      if (gc && i % 50 === 49) gc();
      if (process.env.FUZZ_DEBUG && i % 1000 === 999) {
        const m = process.memoryUsage();
        const f = (n: number): string => (n / 2 ** 20).toFixed(0);
        console.log(`  ${i + 1}: rss ${f(m.rss)} heapTotal ${f(m.heapTotal)} heapUsed ${f(m.heapUsed)} external ${f(m.external)} MB`);
      }
    }
    largestAccepted = Math.max(largestAccepted, tally.largestAccepted);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const total = tally.accepted + tally.typed + tally.untyped + tally.differing;
    console.log(
      `${format}: ${total} files (${bombList.length} bombs + mutants) in ${secs} s: accepted ${tally.accepted}, ` +
        `typed errors ${tally.typed}, untyped errors ${tally.untyped}, differing decodes ${tally.differing} ` +
        `(accepted-but-differing ${tally.acceptedDiffering}), max decode ${tally.maxMs.toFixed(1)} ms wall / ` +
        `${tally.maxCpuMs.toFixed(1)} ms CPU (slowest: ${tally.slowest}), largest accepted ${tally.largestAccepted} bytes`,
    );
    for (const e of tally.examples) console.log(`  ${e.slice(0, 400)}`);
    if (tally.untyped > 0 || tally.differing > 0 || tally.maxMs > 2000) failed = true;
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  const bound = 4 * largestAccepted + 200 * 2 ** 20;
  const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`;
  console.log(`peak RSS ${mb(peak)} (bound 4 x ${mb(largestAccepted)} + 200 MB = ${mb(bound)})${peak > bound ? " OVER" : ""}`);
  console.log(`  RSS at start ${mb(startRss)}; highest after a file ${mb(rssPeak.rss)}, after ${rssPeak.after.slice(0, 160)}`);
  if (peak > bound) failed = true;
  process.exit(failed ? 1 : 0);
}

main();
