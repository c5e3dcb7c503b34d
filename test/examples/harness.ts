/**
 * What the example tests share: running an example with its printed lines captured, comparing them with
 * the lines PyTorch printed (scripts/fixtures/gen_examples.py), and replaying PyTorch's random draws.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defaultGenerator, utils } from "../../src/index.ts";
import type { RandomSource } from "../../src/utils/data/samplers.ts";

export interface Draw {
  kind: "uniform" | "normal";
  n: number;
  state?: number;
  left?: number;
  next?: number;
  values?: number[] | null;
}

export interface ExampleFixture {
  args: Record<string, unknown>;
  stdout: string[];
  states: string[];
  entries: Draw[];
  perms: number[][];
  /** Python's random.randint/choice draws, each [a, b, value] (value in a..b), and random.random()'s, each [value]. */
  python?: ([number, number, number] | [number])[];
}

export function loadFixture(name: string): ExampleFixture {
  const path = fileURLToPath(new URL(`../fixtures/examples/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, "utf8")) as ExampleFixture;
}

/** Runs fn with console.log collected (as PyTorch's print lines); returns the lines. */
export async function captureOutput(fn: () => unknown): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(...args.map((a) => (typeof a === "string" ? a : String(a))).join(" ").split("\n"));
  };
  try {
    await fn();
  } finally {
    console.log = log;
  }
  return lines;
}

const NUMBER = /(?<![\w.])[-+]?(?:nan|inf|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)(?![\w])/gi;

function parseNum(s: string): number {
  const l = s.toLowerCase().replace(/^\+/, "");
  if (l.endsWith("nan")) return NaN;
  if (l.endsWith("inf")) return l.startsWith("-") ? -Infinity : Infinity;
  return Number(s);
}

type Token = { word: string } | { num: number };

/** A line as its words and numbers, in order (case, spacing and punctuation ignored). */
function tokens(line: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  const words = (text: string) => {
    for (const w of text.split(/[^A-Za-z_]+/)) if (w !== "") out.push({ word: w.toLowerCase() });
  };
  for (const m of line.matchAll(NUMBER)) {
    words(line.slice(last, m.index));
    out.push({ num: parseNum(m[0]) });
    last = m.index! + m[0].length;
  }
  words(line.slice(last));
  return out;
}

/**
 * How kindling's printing differs from PyTorch's by design, not by value: a shape is a number[] (PyTorch's
 * torch.Size), a dtype the string "float32" (torch.float32), null is Python's None.
 */
export function standardNormalize(line: string): string {
  return line
    .replace(/torch\.Size/g, "")
    .replace(/torch\.(float|double|int|long|bool|half)/g, "$1")
    .replace(/\bnull\b/g, "None")
    .replace(/\bundefined\b/g, "None");
}

export interface CompareOptions {
  rtol?: number;
  atol?: number;
  /** Applied to both sides' lines after standardNormalize (e.g. to drop an object address). */
  normalize?: (line: string) => string;
}

/**
 * Throws unless got and want print the same words and numbers in the same order, every number within
 * atol + rtol * |want|. Line breaks are not compared (kindling does not wrap long tensors at 80 columns as
 * PyTorch does); the message quotes the lines where the first difference is.
 */
export function compareLines(got: string[], want: string[], opts: CompareOptions = {}): void {
  const { rtol = 1e-5, atol = 1e-6, normalize = (l: string) => l } = opts;
  const stream = (ls: string[]) =>
    ls.flatMap((raw, line) => tokens(normalize(standardNormalize(raw))).map((t) => ({ t, line })));
  const g = stream(got);
  const w = stream(want);
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    const a = g[i];
    const b = w[i];
    const where = () =>
      `\n  kindling line ${a?.line}: ${a === undefined ? "(end)" : got[a.line]}\n  pytorch line ${b?.line}: ${b === undefined ? "(end)" : want[b.line]}`;
    if (a === undefined || b === undefined) throw new Error(`kindling printed ${a === undefined ? "less" : "more"} than PyTorch${where()}`);
    if ("word" in a.t || "word" in b.t) {
      if (!("word" in a.t && "word" in b.t && a.t.word === b.t.word)) throw new Error(`text differs${where()}`);
      continue;
    }
    const x = a.t.num;
    const y = b.t.num;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok) throw new Error(`${x} differs from PyTorch's ${y}${where()}`);
  }
}

/** PyTorch's at::mt19937, resumed from a state the fixture logged. */
class MT19937 {
  private readonly s: Uint32Array;
  constructor(state: Uint32Array, private left: number, private next: number) {
    this.s = Uint32Array.from(state);
  }

  private twist(): void {
    const s = this.s;
    for (let i = 0; i < 624; i++) {
      const y = (s[i]! & 0x80000000) | (s[(i + 1) % 624]! & 0x7fffffff);
      s[i] = s[(i + 397) % 624]! ^ (y >>> 1) ^ (s[(i + 1) % 624]! & 1 ? 0x9908b0df : 0);
    }
    this.left = 624;
    this.next = 0;
  }

  u32(): number {
    if (--this.left === 0) this.twist();
    let y = this.s[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** PyTorch's float32 uniform: the low 24 bits of one draw. */
  uniform(): number {
    return (this.u32() & 0xffffff) / 16777216;
  }

  /** PyTorch's float64 uniform: the low 53 bits of a 64-bit draw made of two (the first the high word). */
  uniform53(): number {
    const hi = this.u32() & 0x1fffff;
    const lo = this.u32();
    return (hi * 4294967296 + lo) / 9007199254740992;
  }
}

type FloatArray = Float32Array | Float64Array;

/**
 * Makes kindling's default generator hand out, in order, the draws PyTorch made (see gen_examples.py):
 * each fillUniform/fillNormal call (and randomFloat32, one element at a time) takes the next logged draw,
 * which must be of the same kind and size; DataLoader shuffles take the logged permutations. Returns the
 * undo function. A draw the port makes that PyTorch did not (or the reverse) is an error naming both.
 */
export function installReplay(fx: ExampleFixture): () => void {
  const states = fx.states.map((b64) => {
    const buf = Buffer.from(b64, "base64");
    return new Uint32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  });
  const g = defaultGenerator as unknown as Record<string, unknown>;
  const saved = ["fillUniform", "fillNormal", "randomFloat32"].map((k) => [k, Object.prototype.hasOwnProperty.call(g, k), g[k]] as const);
  const own = {
    fillNormal: (defaultGenerator as unknown as { fillNormal: (out: FloatArray, m?: number, s?: number) => void }).fillNormal.bind(defaultGenerator),
  };
  let pos = 0;
  let current: { mt: MT19937; left: number } | null = null;

  const take = (kind: Draw["kind"], n: number): Draw => {
    const d = fx.entries[pos];
    if (d === undefined || d.kind !== kind || (n >= 0 && d.n !== n)) {
      throw new Error(`replay: draw ${pos} is ${kind} of ${n} in kindling but ${d === undefined ? "nothing" : `${d.kind} of ${d.n}`} in PyTorch`);
    }
    pos++;
    return d;
  };
  const mtOf = (d: Draw) => new MT19937(states[d.state!]!, d.left!, d.next!);

  g.fillUniform = (out: FloatArray, lo = 0, hi = 1) => {
    const mt = mtOf(take("uniform", out.length));
    if (out instanceof Float32Array) {
      // PyTorch's uniform_real_distribution<float>: u * (to - from) + from with to and from floats, rounded
      // once (its build contracts it into an FMA; rounding the product first misses ~half the values by an
      // ulp). u * scale is exact in a double.
      const shift = Math.fround(lo);
      const scale = Math.fround(Math.fround(hi) - shift);
      for (let i = 0; i < out.length; i++) out[i] = Math.fround(mt.uniform() * scale + shift);
    } else {
      for (let i = 0; i < out.length; i++) out[i] = mt.uniform53() * (hi - lo) + lo;
    }
  };
  g.randomFloat32 = () => {
    if (current === null || current.left === 0) {
      const d = take("uniform", -1);
      current = { mt: mtOf(d), left: d.n };
    }
    current.left--;
    return current.mt.uniform();
  };
  g.fillNormal = (out: FloatArray, mean = 0, std = 1) => {
    const d = take("normal", out.length);
    if (d.values === null || d.values === undefined) return own.fillNormal(out, mean, std);
    for (let i = 0; i < out.length; i++) out[i] = mean + std * d.values[i]!;
  };

  let perm = 0;
  utils.data.setDefaultRandomSource(() => permutationSource(fx.perms[perm++]));

  // Python's random.randint(a, b) draws, as the Math.random value examples/py_random.ts maps to the same integer.
  const python = fx.python ?? [];
  const mathRandom = Math.random;
  let py = 0;
  if (python.length > 0) {
    Math.random = () => {
      const d = python[py];
      if (d === undefined) throw new Error(`replay: kindling drew more than PyTorch's ${python.length} Python random numbers`);
      py++;
      if (d.length === 1) return d[0];
      const [a, b, v] = d;
      return (v - a + 0.5) / (b - a + 1);
    };
  }

  return () => {
    Math.random = mathRandom;
    for (const [k, had, fn] of saved) {
      if (had) g[k] = fn;
      else delete g[k];
    }
    utils.data.setDefaultRandomSource(kindlingDefaultSource);
    if (pos !== fx.entries.length) throw new Error(`replay: kindling made ${pos} of PyTorch's ${fx.entries.length} draws`);
    if (perm !== fx.perms.length) throw new Error(`replay: kindling shuffled ${perm} times, PyTorch ${fx.perms.length}`);
    if (py !== python.length) throw new Error(`replay: kindling drew ${py} of the original's ${python.length} Python random numbers`);
  };
}

/** Draws that make kindling's Fisher-Yates randperm (from the end, j = floor(r * (i + 1))) produce `target`. */
function permutationSource(target: number[] | undefined): RandomSource {
  if (target === undefined) throw new Error("replay: kindling shuffled more often than PyTorch");
  const n = target.length;
  const p = Array.from({ length: n }, (_, i) => i);
  const where = Array.from({ length: n }, (_, i) => i);
  const draws: number[] = [];
  for (let i = n - 1; i > 0; i--) {
    const j = where[target[i]!]!;
    draws.push((j + 0.5) / (i + 1));
    const a = p[i]!;
    const b = p[j]!;
    p[i] = b;
    p[j] = a;
    where[b] = i;
    where[a] = j;
  }
  let k = 0;
  return {
    random: () => {
      if (k >= draws.length) throw new Error("replay: a shuffle drew more than one permutation's worth");
      return draws[k++]!;
    },
  };
}

/** kindling's own default (a fresh generator per pass, seeded from the default generator). */
function kindlingDefaultSource(): RandomSource {
  const lo = defaultGenerator.nextUint32();
  const hi = defaultGenerator.nextUint32() & 0x1fffff;
  return new (defaultGenerator.constructor as new (seed: number) => RandomSource)(hi * 4294967296 + lo);
}
