/**
 * File and checkpoint fuzzing (issue 17, points 4-6; acceptance 2): seeded mutants of safetensors files
 * written by torch.save and of training states written by saveTrainingState, each loaded from disk the way
 * a user loads one; plus the special paths (FIFO, directory, /dev/zero, symlink loop, ...) timed with RSS.
 *
 *   npm run fuzz:files                                    # 10,000 safetensors + 3,000 states, seed 1
 *   npm run fuzz:files -- --count 2000 --states 500 --seed 7
 *   npm run fuzz:files -- --only st:123                   # replay one mutant (st:N or state:N), printing it
 *
 * Every load must end in a tensor dict / state or a typed error (FormatError, FileError); anything else is
 * counted as untyped. A FormatError that only the decoder's safety net produced (it carries a `cause`) is
 * counted apart: it is a check the decoder lacks. Special paths must fail typed within 1 s and 100 MB.
 * Exits 1 when any of these fails.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import * as torch from "../../src/index.ts";
import { FileError, FormatError, KindlingError } from "../../src/errors.ts";
import { type TrainingState, load, loadTrainingState, save, saveTrainingState, tensorSchema } from "../../src/io/checkpoint.ts";
import { readIdxFile } from "../../src/io/idx.ts";
import { type RawTensor, decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.ts";
import { ImageFolder, loadImage } from "../../src/datasets/image_folder.ts";

type Tensor = torch.Tensor;

function parseArgs(): { count: number; states: number; seed: number; only: string | null } {
  const args = process.argv.slice(2);
  const get = (name: string, def: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1]! : def;
  };
  const out = { count: Number(get("count", "10000")), states: Number(get("states", "3000")), seed: Number(get("seed", "1")) };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isSafeInteger(v) || v < 0) {
      console.error(`fuzz:files: --${k} must be a non-negative integer, got ${v}`);
      process.exit(2);
    }
  }
  return { ...out, only: get("only", "") || null };
}

/** mulberry32: small, seeded, deterministic. */
function makeRng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof makeRng>;

// ---------------------------------------------------------------------------------------------
// Outcomes

class Tally {
  loads = 0;
  typed = new Map<string, number>();
  /** FormatErrors made by decodeSafetensors's catch-all from another error (they carry a cause). */
  safetyNet = 0;
  untyped = 0;
  maxMs = 0;
  slowest = "";
  examples: string[] = [];

  record(label: string, ms: number, err: unknown): void {
    if (ms > this.maxMs) {
      this.maxMs = ms;
      this.slowest = label;
    }
    if (err === undefined) {
      this.loads++;
      return;
    }
    if (err instanceof FormatError || err instanceof FileError) {
      this.typed.set(err.name, (this.typed.get(err.name) ?? 0) + 1);
      if (err.cause !== undefined) {
        this.safetyNet++;
        if (this.examples.length < 8) this.examples.push(`${label}: safety net: ${err.message}`);
      }
      return;
    }
    // Other kindling errors are typed, but not what a bad file should give: counted as untyped here.
    this.untyped++;
    if (this.examples.length < 8) {
      const what = err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : String(err);
      this.examples.push(`${label}: ${err instanceof KindlingError ? "unexpected " : ""}${what}`);
    }
  }

  line(name: string, n: number): string {
    const typed = [...this.typed].sort().map(([k, v]) => `${k} ${v}`).join(", ") || "none";
    return `${name}: ${n} mutants: loads ${this.loads}, typed errors {${typed}}, safety-net FormatErrors ${this.safetyNet}, untyped ${this.untyped}, max ${this.maxMs.toFixed(1)} ms (${this.slowest})`;
  }
}

async function timed(fn: () => Promise<unknown>): Promise<[number, unknown]> {
  const t0 = performance.now();
  try {
    await fn();
    return [performance.now() - t0, undefined];
  } catch (e) {
    return [performance.now() - t0, e];
  }
}

const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;

// ---------------------------------------------------------------------------------------------
// Base files

function stateDicts(): { tensors: Record<string, Tensor>; metadata?: Record<string, string> }[] {
  torch.manualSeed(17);
  const mlp = new torch.nn.Sequential(new torch.nn.Linear(4, 8), new torch.nn.ReLU(), new torch.nn.Linear(8, 2));
  return [
    {
      tensors: {
        f32: torch.tensor([[0.5, -1.25, 3], [1e-30, -0, 7]], { dtype: "float32" }),
        f64: torch.tensor([Math.PI, -1e300], { dtype: "float64" }),
        i32: torch.tensor([-2147483648, 0, 2147483647], { dtype: "int32" }),
        i64: torch.tensor([2 ** 53 - 1, -(2 ** 53 - 1), 0, 42], { dtype: "int64" }),
        mask: torch.tensor([true, false, true]),
        scalar: torch.tensor(2.5, { dtype: "float32" }),
        empty: torch.zeros([0, 3]),
        "10": torch.tensor([1, 2], { dtype: "int64" }),
      },
      metadata: { note: "h\u00e9llo", epoch: "3" },
    },
    { tensors: mlp.stateDict() as Record<string, Tensor> },
    { tensors: { big: torch.randn([32, 32]) }, metadata: {} },
    { tensors: { only: torch.tensor(1, { dtype: "int64" }) } },
    { tensors: {}, metadata: { just: "metadata" } },
  ];
}

function trainingStates(): TrainingState[] {
  const out: TrainingState[] = [];
  for (const [i, opt] of (["adam", "sgd", "adamw"] as const).entries()) {
    torch.manualSeed(100 + i);
    const model = new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.Tanh(), new torch.nn.Linear(4, 2));
    const params = model.parameters();
    const optimizer =
      opt === "adam" ? new torch.optim.Adam(params, { lr: 0.01, amsgrad: true })
      : opt === "sgd" ? new torch.optim.SGD(params, { lr: 0.1, momentum: 0.9 })
      : new torch.optim.AdamW([{ params: params.slice(0, 2) }, { params: params.slice(2), weightDecay: 0 }], { lr: 0.05 });
    for (const p of params) p.grad = torch.onesLike(p);
    optimizer.step();
    const state: TrainingState = {
      model: model.stateDict() as Record<string, Tensor>,
      optimizer: optimizer.stateDict() as unknown as TrainingState,
      scheduler: i === 0 ? null : { last_epoch: 3, base_lrs: [0.1], $weird: -0 },
      rng: { default: torch.getRngState(), data: [1, 2, 3, 4, 5] },
      epoch: i + 1,
      bestMetric: i === 2 ? null : 0.25,
      history: [1, Infinity, NaN, -Infinity, "x", true, null],
      counts: new Map<string, TrainingState[string]>([["a", 1], ["2", torch.tensor([2], { dtype: "int32" })]]),
    };
    out.push(state);
  }
  return out;
}

/** What a resuming trainer needs, roughly as the CLI reads it. */
const RESUME_SCHEMA = z.object({
  model: z.record(z.string(), tensorSchema),
  optimizer: z.object({ state: z.record(z.string(), z.record(z.string(), z.unknown())), param_groups: z.array(z.object({ params: z.array(z.number().int()) })) }),
  rng: z.object({ default: z.array(z.number().int()).length(5), data: z.array(z.number().int()).length(5) }),
  epoch: z.number().int().nonnegative().max(1_000_000),
  bestMetric: z.number().nullable(),
});

const loadState = (p: string, schema: boolean): Promise<unknown> => (schema ? loadTrainingState(p, { schema: RESUME_SCHEMA }) : loadTrainingState(p));

// ---------------------------------------------------------------------------------------------
// Mutations

const BOUNDARY_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x20, 0x22, 0x5b, 0x7b, 0x30];
const BOUNDARY_NUMBERS = ["0", "-1", "1.5", "2147483648", "4294967296", "9007199254740993", "1e308", "18446744073709551616", "-0", "1e-9"];
const DTYPES = ["F32", "F64", "I32", "I64", "BOOL", "F16", "BF16", "U8", "I8", "C64", "", "f32", "constructor", "__proto__"];

function headerOf(bytes: Uint8Array): { text: string; data: Uint8Array } | null {
  if (bytes.length < 8) return null;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.length) return null;
  return { text: new TextDecoder().decode(bytes.subarray(8, 8 + n)), data: bytes.subarray(8 + n) };
}

function withHeader(text: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** Replaces the k-th match of `re` in text (k chosen at random) with `by`. */
function replaceOne(r: Rng, text: string, re: RegExp, by: (m: string) => string): string {
  const matches = [...text.matchAll(re)];
  if (matches.length === 0) return text;
  const m = r.pick(matches);
  return text.slice(0, m.index) + by(m[0]) + text.slice(m.index! + m[0].length);
}

function deepText(r: Rng): string {
  const depth = r.pick([50, 101, 1000, 20_000, 200_000]);
  return r.next() < 0.5 ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** Byte-level damage anywhere in the file. */
function mutateBytes(r: Rng, src: Uint8Array): Uint8Array {
  let b = new Uint8Array(src);
  const ops = 1 + r.int(3);
  for (let k = 0; k < ops; k++) {
    switch (r.int(8)) {
      case 0: // flip bits
        for (let j = 1 + r.int(8); j > 0 && b.length > 0; j--) b[r.int(b.length)]! ^= 1 << r.int(8);
        break;
      case 1: // boundary bytes
        for (let j = 1 + r.int(4); j > 0 && b.length > 0; j--) b[r.int(b.length)] = r.pick(BOUNDARY_BYTES);
        break;
      case 2: // truncate
        b = b.slice(0, r.int(b.length + 1));
        break;
      case 3: { // append garbage
        const extra = Uint8Array.from({ length: 1 + r.int(64) }, () => r.int(256));
        const c = new Uint8Array(b.length + extra.length);
        c.set(b);
        c.set(extra, b.length);
        b = c;
        break;
      }
      case 4: { // header length field
        if (b.length < 8) break;
        const dv = new DataView(b.buffer, b.byteOffset, 8);
        const n = dv.getBigUint64(0, true);
        dv.setBigUint64(0, r.pick([0n, 1n, 7n, n - 1n, n + 1n, n + 8n, BigInt(b.length), 100_000_001n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n]) & (2n ** 64n - 1n), true);
        break;
      }
      case 5: { // delete a range
        const i = r.int(b.length + 1);
        const j = Math.min(b.length, i + 1 + r.int(32));
        b = Uint8Array.from([...b.subarray(0, i), ...b.subarray(j)]);
        break;
      }
      case 6: { // duplicate a range
        const i = r.int(b.length + 1);
        const chunk = b.slice(i, i + 1 + r.int(32));
        b = Uint8Array.from([...b.subarray(0, i), ...chunk, ...b.subarray(i)]);
        break;
      }
      default: // random bytes in the header region, where parsing happens
        for (let j = 1 + r.int(4); j > 0 && b.length > 8; j--) b[8 + r.int(Math.min(b.length - 8, 400))] = r.int(256);
    }
  }
  return b;
}

/** Header-level damage that keeps the length field right, so the JSON checks are reached. */
function mutateHeader(r: Rng, src: Uint8Array): Uint8Array {
  const h = headerOf(src);
  if (h === null) return mutateBytes(r, src);
  let text = h.text.trimEnd();
  let data: Uint8Array = h.data;
  for (let k = 1 + r.int(2); k > 0; k--) {
    switch (r.int(11)) {
      case 0:
        text = replaceOne(r, text, /-?\d+(\.\d+)?(e[+-]?\d+)?/g, () => r.pick(BOUNDARY_NUMBERS));
        break;
      case 1:
        text = replaceOne(r, text, /"(F32|F64|I32|I64|BOOL)"/g, () => JSON.stringify(r.pick(DTYPES)));
        break;
      case 2: // a huge shape with matching or absurd offsets
        text = replaceOne(r, text, /"shape":\[[^\]]*\],"data_offsets":\[\d+,\d+\]/g, () =>
          r.pick([
            '"shape":[4294967296,4294967296],"data_offsets":[0,73786976294838206464]',
            '"shape":[67108864,67108864],"data_offsets":[0,18014398509481984]',
            '"shape":[0,9007199254740991],"data_offsets":[0,0]',
            '"shape":[2147483647],"data_offsets":[0,8589934588]',
            '"shape":[-1],"data_offsets":[0,4]',
            '"shape":[1.5],"data_offsets":[0,4]',
            '"shape":"x","data_offsets":[0,4]',
            '"shape":[1],"data_offsets":[4,0]',
          ]));
        break;
      case 3: // deep nesting where a value goes
        text = replaceOne(r, text, /\[[^\[\]]*\]|"[^"]*"(?=[,}])/g, () => deepText(r));
        break;
      case 4: // a repeated key
        text = text.replace(/^\{/, () => `{"dup":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"dup":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},`);
        break;
      case 5: // a field removed
        text = replaceOne(r, text, /"(dtype|shape|data_offsets)":("[^"]*"|\[[^\]]*\]),?/g, () => "");
        break;
      case 6: // metadata of the wrong type
        text = text.replace(/"__metadata__":\{[^}]*\}/, r.pick(['"__metadata__":[]', '"__metadata__":{"a":1}', '"__metadata__":"x"', '"__metadata__":null', '"__metadata__":{"a":{"b":"c"}}']));
        break;
      case 7: // structure characters
        text = replaceOne(r, text, /[{}\[\],:"]/g, () => r.pick(["", "{", "}", "[", "]", ",", ":", '"', "\\", "\u0000"]));
        break;
      case 8: // data section resized
        data = r.next() < 0.5 ? data.subarray(0, r.int(data.length + 1)) : Uint8Array.from([...data, ...new Uint8Array(1 + r.int(16))]);
        break;
      case 9: // a top-level value that is not an entry
        text = text.replace(/^\{/, r.pick(['{"x":1,', '{"x":null,', '{"x":[],', '{"__proto__":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},', "[{"]));
        break;
      default: // invalid UTF-8 or a BOM inside the header
        text = r.next() < 0.5 ? `\ufeff${text}` : text.slice(0, r.int(text.length)) + "\ud800" + text.slice(r.int(text.length));
    }
  }
  return withHeader(text, data);
}

type JsonNode = null | boolean | number | string | JsonNode[] | { [k: string]: JsonNode };

function nodesOf(root: JsonNode): { parent: JsonNode[] | { [k: string]: JsonNode }; key: string | number }[] {
  const out: { parent: JsonNode[] | { [k: string]: JsonNode }; key: string | number }[] = [];
  const stack: JsonNode[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), stack.push(x)));
    else if (v !== null && typeof v === "object") for (const k of Object.keys(v)) out.push({ parent: v, key: k }), stack.push(v[k]!);
  }
  return out;
}

/** Skeleton-level damage of a training state, re-encoded into a valid safetensors file. */
function mutateState(r: Rng, src: Uint8Array): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(src, "base");
  let skeleton = JSON.parse(metadata["kindling.state"]!) as JsonNode;
  const names = [...tensors.keys()];
  const values = (): JsonNode => r.pick<JsonNode>([
    null, true, 0, -1, 1.5, 1e9, 2 ** 53, 1e308, "x", "", [], {}, [1, 2, 3], { a: 1 },
    { $tensor: r.pick([...names, "nope", ""]) }, { $tensor: 5 }, { $tensor: null },
    { $number: r.pick(["NaN", "nan", "Infinity", "1", "-0"]) }, { $number: 7 },
    { $map: r.pick<JsonNode>([[], "x", [[1, 2]], [["a", 1], ["a", 2]], [["a"]], [["a", { $tensor: "nope" }]]]) },
    { $object: r.pick<JsonNode>([[], {}, [["$x", 1]], [[null, 1]]]) }, { $bogus: 1 }, { $tensor: names[0] ?? "x", extra: 1 },
  ]);
  let text: string | null = null;
  for (let k = 1 + r.int(3); k > 0; k--) {
    const nodes = nodesOf(skeleton);
    const at = nodes.length > 0 ? r.pick(nodes) : null;
    const set = (v: JsonNode): void => {
      if (at) (at.parent as Record<string | number, JsonNode>)[at.key] = v;
    };
    switch (r.int(9)) {
      case 0: // delete
        if (at && Array.isArray(at.parent)) at.parent.splice(at.key as number, 1);
        else if (at) delete (at.parent as Record<string, JsonNode>)[at.key as string];
        break;
      case 1:
      case 2: // retype
        set(values());
        break;
      case 3: // deep: a placeholder, expanded in the text (JSON.stringify itself would overflow)
        set(`@@DEEP:${r.pick([99, 100, 101, 1000, 20_000])}:${r.int(2)}@@`);
        break;
      case 4: // a duplicate tensor reference
        set({ $tensor: r.pick(names.length > 0 ? names : ["x"]) });
        break;
      case 5: // a "$" key in a plain object
        if (at && !Array.isArray(at.parent)) (at.parent as Record<string, JsonNode>)[r.pick(["$tensor", "$x", "$map"])] = values();
        break;
      case 6: // the whole state replaced
        skeleton = r.pick<JsonNode>([[], 1, null, "s", { $number: "NaN" }, { $map: [["a", 1]] }, { $object: [["epoch", 1]] }]);
        break;
      case 7: // text-level: duplicate keys, truncation
        text = JSON.stringify(skeleton);
        text = r.next() < 0.5 ? text.replace(/^\{/, '{"epoch":1,"epoch":2,') : text.slice(0, r.int(text.length));
        break;
      default: { // tensors dropped or added
        if (names.length > 0 && r.next() < 0.5) tensors.delete(r.pick(names));
        else tensors.set(`extra${r.int(3)}`, { dtype: "float32", shape: [1], data: new Float32Array([1]) });
      }
    }
  }
  const expanded = (text ?? JSON.stringify(skeleton)).replace(/"@@DEEP:(\d+):(\d)@@"/g, (_, d: string, kind: string) => {
    const depth = Number(d) - 1;
    return kind === "0" ? "[".repeat(depth) + "1" + "]".repeat(depth) : '{"d":'.repeat(depth) + "1" + "}".repeat(depth);
  });
  const out: Record<string, string> = { ...metadata, "kindling.state": expanded };
  return encodeSafetensors(tensors as Map<string, RawTensor>, out);
}

// ---------------------------------------------------------------------------------------------
// Special paths

interface SpecialResult {
  name: string;
  outcome: string;
  ms: number;
  rssMB: number;
  ok: boolean;
}

async function specialPaths(dir: string): Promise<SpecialResult[]> {
  const sp = join(dir, "special");
  mkdirSync(join(sp, "folder"), { recursive: true });
  const paths: [string, string][] = [["directory", join(sp, "folder")], ["missing file", join(sp, "missing.safetensors")]];
  const posix = process.platform !== "win32";
  let server: ReturnType<typeof createServer> | null = null;
  if (posix) {
    execFileSync("mkfifo", [join(sp, "fifo")]);
    symlinkSync("loop-b", join(sp, "loop-a"));
    symlinkSync("loop-a", join(sp, "loop-b"));
    paths.push(["FIFO", join(sp, "fifo")], ["symlink loop", join(sp, "loop-a")]);
    for (const dev of ["/dev/zero", "/dev/urandom", "/dev/null", "/proc/self/mem"]) if (existsSync(dev)) paths.push([dev, dev]);
    symlinkSync("/dev/zero", join(sp, "zero.safetensors"));
    paths.push(["link to /dev/zero", join(sp, "zero.safetensors")]);
    server = createServer();
    const sock = join(sp, "sock");
    await new Promise<void>((res) => server!.listen(sock, res));
    paths.push(["unix socket", sock]);
  }
  const loaders: [string, (p: string) => Promise<unknown>][] = [
    ["torch.load", (p) => load(p)],
    ["loadTrainingState", (p) => loadTrainingState(p)],
    ["loadImage", async (p) => loadImage(p, "RGB")],
    ["readIdxFile", async (p) => readIdxFile(p)],
  ];
  const results: SpecialResult[] = [];
  for (const [name, p] of paths) {
    for (const [lname, fn] of loaders) {
      const rss0 = process.memoryUsage().rss;
      const peak0 = peakRssMB();
      const [ms, err] = await timed(() => fn(p));
      const rssMB = Math.max(process.memoryUsage().rss - rss0, 0) / 2 ** 20 + (peakRssMB() - peak0);
      const typed = err instanceof FileError || err instanceof FormatError;
      const outcome = err === undefined ? "loaded" : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      results.push({ name: `${lname}(${name})`, outcome, ms, rssMB, ok: typed && ms < 1000 && rssMB < 100 });
    }
  }
  // A class folder with `a -> .`, `b -> .` and `up -> ..`: listed in bounded time, links skipped.
  if (posix) {
    const root = join(sp, "images");
    mkdirSync(join(root, "cat"), { recursive: true });
    writeFileSync(join(root, "cat", "x.bmp"), new Uint8Array(0));
    for (const [link, to] of [["a", "."], ["b", "."], ["up", ".."]]) symlinkSync(to, join(root, "cat", link));
    const rss0 = process.memoryUsage().rss;
    const warn = console.warn;
    console.warn = () => {};
    const [ms, err] = await timed(async () => {
      const ds = new ImageFolder(root);
      if (ds.length !== 1 || ds.skipped.length !== 3) throw new Error(`listed ${ds.length} samples, skipped ${ds.skipped.length}`);
    });
    console.warn = warn;
    const rssMB = Math.max(process.memoryUsage().rss - rss0, 0) / 2 ** 20;
    results.push({ name: "ImageFolder(a -> ., b -> ., up -> ..)", outcome: err === undefined ? "1 sample, 3 links skipped" : String(err), ms, rssMB, ok: err === undefined && ms < 1000 });
  }
  server?.close();
  return results;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { count, states, seed, only } = parseArgs();
  const dir = mkdtempSync(join(tmpdir(), "kindling-fuzz-files-"));
  let failed = false;
  try {
    const stBases: Uint8Array[] = [];
    for (const [i, sd] of stateDicts().entries()) {
      const p = join(dir, `base${i}.safetensors`);
      await save(sd.tensors, p, { metadata: sd.metadata });
      stBases.push(readFileSync(p));
    }
    const stateBases: Uint8Array[] = [];
    for (const [i, s] of trainingStates().entries()) {
      const p = join(dir, `state${i}.safetensors`);
      await saveTrainingState(p, s);
      stateBases.push(readFileSync(p));
      await loadTrainingState(p, { schema: RESUME_SCHEMA }); // the bases themselves must pass the schema
    }
    const mutantPath = join(dir, "mutant.safetensors");
    const makeSt = (i: number): Uint8Array => {
      const r = makeRng(seed * 1_000_003 + i);
      const base = r.pick(stBases);
      return r.next() < 0.5 ? mutateBytes(r, base) : mutateHeader(r, base);
    };
    const makeState = (i: number): { bytes: Uint8Array; schema: boolean } => {
      const r = makeRng(seed * 2_000_003 + i);
      const base = r.pick(stateBases);
      const bytes = r.next() < 0.3 ? mutateBytes(r, base) : mutateState(r, base);
      return { bytes, schema: r.next() < 0.5 };
    };
    if (only !== null) {
      const [kind, n] = only.split(":");
      const m = kind === "st" ? { bytes: makeSt(Number(n)), schema: false } : makeState(Number(n));
      writeFileSync(mutantPath, m.bytes);
      const [ms, err] = await timed(() => (kind === "st" ? load(mutantPath) : loadState(mutantPath, m.schema)));
      console.log(`${only}: ${m.bytes.length} bytes, ${ms.toFixed(1)} ms:`, err ?? "loaded");
      return;
    }

    const special = await specialPaths(dir);
    const specialPeak = peakRssMB();
    console.log("special paths (each must be a FileError/FormatError within 1 s and 100 MB):");
    for (const s of special) {
      console.log(`  ${s.ok ? "ok  " : "FAIL"} ${s.name}: ${s.ms.toFixed(1)} ms, +${s.rssMB.toFixed(1)} MB: ${s.outcome.slice(0, 140)}`);
      if (!s.ok) failed = true;
    }
    console.log(`  peak RSS after the special paths: ${specialPeak.toFixed(0)} MB`);

    const st = new Tally();
    for (let i = 0; i < count; i++) {
      writeFileSync(mutantPath, makeSt(i));
      const [ms, err] = await timed(() => load(mutantPath));
      st.record(`st:${i}`, ms, err);
    }
    console.log(st.line("safetensors (torch.load)", count));
    const ts = new Tally();
    for (let i = 0; i < states; i++) {
      const m = makeState(i);
      writeFileSync(mutantPath, m.bytes);
      const [ms, err] = await timed(() => loadState(mutantPath, m.schema));
      ts.record(`state:${i}`, ms, err);
    }
    console.log(ts.line("training states (loadTrainingState, half with a zod schema)", states));
    console.log(`peak RSS: ${peakRssMB().toFixed(0)} MB`);
    for (const ex of [...st.examples, ...ts.examples]) console.log(`  ${ex}`);
    if (st.untyped + ts.untyped + st.safetyNet + ts.safetyNet > 0) failed = true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) {
    console.log("FAIL");
    process.exitCode = 1;
  }
}

await main();
