import { getDefaultDType } from "./default_dtype.ts";
import type { Tensor } from "./tensor.ts";

/**
 * PyTorch-like printing: `tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)`. Floats get
 * 4 decimals, or scientific notation when magnitudes span more than 1e3 or exceed 1e8; integral floats
 * print as `1.`; large tensors are summarised with `...` (threshold 1000, 3 edge items); rows wrap at
 * 80 columns as PyTorch's default print options do.
 */
const THRESHOLD = 1000;
const EDGE = 3;
const LINEWIDTH = 80;

function floatFormatter(values: readonly number[]): (v: number) => string {
  // Loops, not Math.max(...values): spreading a large array overflows the stack.
  let maxA = -Infinity;
  let minA = Infinity;
  let allInt = true;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    if (a !== 0 && a > maxA) maxA = a;
    if (a !== 0 && a < minA) minA = a;
    if (!Number.isInteger(v)) allInt = false;
  }
  const finite = (f: (v: number) => string) => (v: number) => (Number.isFinite(v) ? f(v) : fmtSpecial(v));
  const plain = allInt ? finite((v) => `${pyFixed(v, 0)}.`) : finite((v) => pyFixed(v, 4));
  // PyTorch's _Formatter: the thresholds look at the nonzero finite magnitudes only.
  if (maxA === -Infinity) return plain;
  // Integers switch to scientific notation on range alone; fractions also when tiny.
  if (maxA / minA > 1000 || maxA > 1e8 || (!allInt && minA < 1e-4)) return finite((v) => pyExp(v, 4));
  return plain;
}

/**
 * The exact decimal expansion of v's double (toFixed prints it exactly up to 100 digits), cut to
 * `digits` decimals with Python's round-half-even: toFixed and toExponential round exact ties up,
 * Python's format() to even (99272.15625 prints 99272.1562), and PyTorch prints with Python.
 */
function roundDigits(sign: string, int: string, frac: string, digits: number): [string, string] {
  const keep = frac.slice(0, digits);
  const rest = frac.slice(digits);
  const all = int + keep;
  const last = all.length > 0 ? Number(all[all.length - 1]) : 0;
  const up = rest[0]! > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || last % 2 === 1));
  if (!up) return [sign + int, keep];
  const n = (BigInt(all) + 1n).toString().padStart(all.length, "0");
  return [sign + n.slice(0, n.length - digits), n.slice(n.length - digits)];
}

function pyFixed(v: number, digits: number): string {
  const exact = Math.abs(v).toFixed(100).replace(/0+$/, "");
  const [int, frac = ""] = exact.split(".");
  const [i, f] = roundDigits(v < 0 || Object.is(v, -0) ? "-" : "", int!, frac.padEnd(digits + 1, "0"), digits);
  return digits === 0 ? i : `${i}.${f}`;
}

function pyExp(v: number, digits: number): string {
  const [mant, exp] = Math.abs(v).toExponential(100).split("e") as [string, string];
  const [int, frac] = mant.split(".") as [string, string];
  let [i, f] = roundDigits("", int, frac, digits);
  let e = Number(exp);
  if (i.length > 1) {
    // 9.99995 rounded up to 10.0000: renormalise.
    f = (i.slice(1) + f).slice(0, digits);
    i = i[0]!;
    e += 1;
  }
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  return `${sign}${i}.${f}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

function fmtSpecial(v: number): string {
  return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

export function formatTensor(t: Tensor): string {
  const data = t.toTypedArray();
  const summarize = data.length > THRESHOLD;
  const rows = (d: number): number[] => {
    const len = t.shape[d]!;
    return summarize && len > 2 * EDGE ? [...range(0, EDGE), -1, ...range(len - EDGE, len)] : range(0, len);
  };
  // As PyTorch, the number format and width come from the elements printed, not the whole tensor.
  const shown: number[] = [];
  const collect = (d: number, start: number): void => {
    if (d === t.ndim) {
      shown.push(start);
      return;
    }
    const step = numelAfter(t.shape, d);
    for (const i of rows(d)) if (i >= 0) collect(d + 1, start + i * step);
  };
  if (data.length > 0) collect(0, 0);
  const fmt =
    t.dtype === "bool" ? (v: number) => (v ? "True" : "False")
    : t.dtype === "float32" || t.dtype === "float64" ? floatFormatter(shown.map((i) => Number(data[i])))
    : (v: number) => String(v);
  let width = 0;
  for (const i of shown) width = Math.max(width, fmt(Number(data[i])).length);
  const str = (i: number) => fmt(Number(data[i])).padStart(width);
  const indent = "tensor(".length;
  const build = (d: number, start: number): string => {
    if (t.ndim === 0) return fmt(Number(data[0]));
    const step = numelAfter(t.shape, d);
    const idx = rows(d);
    if (d === t.ndim - 1) {
      // PyTorch's _vector_str: as many ", "-separated elements per line as fit in the line width
      // after this depth's indent; a summarised row's gap is the element " ...".
      const items = idx.map((i) => (i < 0 ? " ..." : str(start + i)));
      const here = indent + d;
      const perLine = Math.max(1, Math.floor((LINEWIDTH - here) / (width + 2)));
      const lines: string[] = [];
      for (let k = 0; k < items.length; k += perLine) lines.push(items.slice(k, k + perLine).join(", "));
      return `[${lines.join(`,\n${" ".repeat(here + 1)}`)}]`;
    }
    const sep = `,${"\n".repeat(t.ndim - d - 1)}${" ".repeat(indent + d + 1)}`;
    return `[${idx.map((i) => (i < 0 ? "..." : build(d + 1, start + i * step))).join(sep)}]`;
  };
  const extras: string[] = [];
  if (t.numel() === 0) {
    // PyTorch's _str_intern: an empty tensor shows a shape other than (0,), and any dtype but the default.
    if (t.ndim !== 1) extras.push(`size=(${t.shape.join(", ")})`);
    if (t.dtype !== getDefaultDType()) extras.push(`dtype=torch.${t.dtype}`);
  } else if (t.dtype !== getDefaultDType() && t.dtype !== "int64" && t.dtype !== "bool") extras.push(`dtype=torch.${t.dtype}`);
  if (t.gradFn) extras.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) extras.push("requires_grad=True");
  const body = t.numel() === 0 ? "[]" : build(0, 0);
  // PyTorch's _add_suffixes: a suffix that would pass the line width starts a new line.
  let out = `tensor(${body}`;
  let lastLine = out.length - out.lastIndexOf("\n") + 1;
  for (const suffix of extras) {
    if (lastLine + suffix.length + 2 > LINEWIDTH) {
      out += `,\n${" ".repeat(indent)}${suffix}`;
      lastLine = indent + suffix.length;
    } else {
      out += `, ${suffix}`;
      lastLine += suffix.length + 2;
    }
  }
  return `${out})`;
}

function numelAfter(shape: readonly number[], d: number): number {
  let n = 1;
  for (let i = d + 1; i < shape.length; i++) n *= shape[i]!;
  return n;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}
