import type { Tensor } from "./tensor.ts";

/**
 * PyTorch-like printing: `tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)`. Floats get
 * 4 decimals, or scientific notation when magnitudes span more than 1e3 or exceed 1e8; integral floats
 * print as `1.`; large tensors are summarised with `...` (threshold 1000, 3 edge items).
 */
const THRESHOLD = 1000;
const EDGE = 3;

function floatFormatter(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v)).map(Math.abs);
  const nonzero = finite.filter((v) => v !== 0);
  if (finite.length === 0) return (v) => fmtSpecial(v);
  const maxA = Math.max(...finite);
  const minA = nonzero.length ? Math.min(...nonzero) : 0;
  const allInt = values.every((v) => !Number.isFinite(v) || Number.isInteger(v));
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
  const flat = Array.from(t.toTypedArray(), Number);
  const summarize = flat.length > THRESHOLD;
  const fmt =
    t.dtype === "bool" ? (v: number) => (v ? "True" : "False")
    : t.dtype === "float32" || t.dtype === "float64" ? floatFormatter(flat)
    : (v: number) => String(v);
  const strs = flat.map(fmt);
  const width = Math.max(0, ...strs.map((s) => s.length));
  const pad = (s: string) => s.padStart(width);
  const indent = "tensor(".length;
  const build = (d: number, start: number): string => {
    if (t.ndim === 0) return strs[0]!;
    const len = t.shape[d]!;
    const step = t.shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const idx = summarize && len > 2 * EDGE ? [...range(0, EDGE), -1, ...range(len - EDGE, len)] : range(0, len);
    if (d === t.ndim - 1) return `[${idx.map((i) => (i < 0 ? "..." : pad(strs[start + i]!))).join(", ")}]`;
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

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}
