import type { Tensor } from "./tensor.ts";

/**
 * PyTorch-like printing: `tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)`. Floats get
 * 4 decimals, or scientific notation when magnitudes span more than 1e3 or exceed 1e8; integral floats
 * print as `1.`; large tensors are summarised with `...` (threshold 1000, 3 edge items).
 */
const THRESHOLD = 1000;
const EDGE = 3;

function floatFormatter(values: readonly number[]): (v: number) => string {
  // Loops, not Math.max(...values): spreading a large array overflows the stack.
  let maxA = -Infinity;
  let minA = Infinity;
  let allInt = true;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    if (a > maxA) maxA = a;
    if (a !== 0 && a < minA) minA = a;
    if (!Number.isInteger(v)) allInt = false;
  }
  if (maxA === -Infinity) return (v) => fmtSpecial(v);
  if (minA === Infinity) minA = 0;
  if (allInt && maxA < 1e8) return (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : fmtSpecial(v));
  if (maxA >= 1e8 || (minA > 0 && (maxA / minA > 1000 || minA < 1e-4))) {
    return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2") : fmtSpecial(v));
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : fmtSpecial(v));
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
    if (d === t.ndim - 1) return `[${idx.map((i) => (i < 0 ? "..." : str(start + i))).join(", ")}]`;
    const sep = `,${"\n".repeat(t.ndim - d - 1)}${" ".repeat(indent + d + 1)}`;
    return `[${idx.map((i) => (i < 0 ? "..." : build(d + 1, start + i * step))).join(sep)}]`;
  };
  const extras: string[] = [];
  if (t.dtype !== "float32" && t.dtype !== "int64" && t.dtype !== "bool") extras.push(`dtype=torch.${t.dtype}`);
  if (t.numel() === 0) extras.unshift(`size=(${t.shape.join(", ")}${t.ndim === 1 ? "," : ""})`);
  if (t.gradFn) extras.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) extras.push("requires_grad=True");
  const body = t.numel() === 0 ? "[]" : build(0, 0);
  return `tensor(${[body, ...extras].join(", ")})`;
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
