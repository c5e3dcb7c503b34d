import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { eye } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { bmm } from "./matmul.ts";
import { resultType, scalarTypeName } from "./promotion.ts";
import { sum } from "./reduce.ts";
import { expand, permute, reshape, unsqueeze } from "./views.ts";

/**
 * torch.einsum, reduced to ops that already have gradients: a repeated letter within one operand
 * becomes a product with an identity mask and a sum, letters no later step needs are summed away,
 * and each pair of operands becomes one bmm over [batch, left, contracted] x [batch, contracted, right].
 */

/** An operand with one letter per dim (ellipsis dims get letters of their own). */
interface Term {
  t: Tensor;
  letters: string[];
}

const ELL = "0123456789";

function parseTerm(spec: string, t: Tensor, ellRank: { n: number }, i: number): string[] {
  const parts = spec.split("...");
  if (parts.length > 2) throw new ArgumentError("einsum(): found more than one '.' in operand " + i);
  if (/\./.test(parts.join(""))) throw new ArgumentError(`einsum(): found '.' for operand ${i} that is not part of any ellipsis`);
  for (const ch of parts.join("")) {
    if (!/[a-zA-Z]/.test(ch)) throw new ArgumentError(`einsum(): invalid subscript given at index ${spec.indexOf(ch)} in the equation string, subscripts must be in [a-zA-Z]`);
  }
  const named = parts.join("").length;
  if (parts.length === 1) {
    if (named !== t.ndim) {
      throw new ShapeError(`einsum(): the number of subscripts in the equation (${named}) does not match the number of dimensions (${t.ndim}) for operand ${i} and no ellipsis was given`);
    }
    return [...parts[0]!];
  }
  const k = t.ndim - named;
  if (k < 0) {
    throw new ShapeError(`einsum(): the number of subscripts in the equation (${named}) is more than the number of dimensions (${t.ndim}) for operand ${i}`);
  }
  ellRank.n = Math.max(ellRank.n, k);
  // Ellipsis dims are right-aligned across operands, as broadcasting aligns them.
  return [...parts[0]!, ...Array.from({ length: k }, (_, j) => ELL[ELL.length - k + j]!), ...parts[1]!];
}

const sameDtype = (t: Tensor, d: Tensor["dtype"]): Tensor => (t.dtype === d ? t : t.to(d));

/** Sums or diagonalises `term` down to `keep` (letters in order of first appearance). */
function reduceTerm(term: Term, keep: Set<string>): Term {
  let { t, letters } = term;
  // Repeated letters: multiply by an identity over the pair of dims, then sum one of them away.
  for (let i = 0; i < letters.length; i++) {
    const j = letters.indexOf(letters[i]!, i + 1);
    if (j < 0) continue;
    const n = t.shape[i]!;
    if (t.shape[j] !== n) {
      throw new ShapeError(`einsum(): subscript ${letters[i]} is repeated for operand but the sizes don't match, ${t.shape[j]} != ${n}`);
    }
    const maskShape = t.shape.map((_, d) => (d === i || d === j ? n : 1));
    const mask = reshape(eye(n, n, { dtype: t.dtype }), maskShape);
    // a diagonal, not a reduction: it keeps the dtype (sum would widen int32 and bool to int64)
    t = sameDtype(sum(E.mul(t, mask), j), t.dtype);
    letters = letters.filter((_, d) => d !== j);
    i--;
  }
  const drop = letters.map((l, d) => (keep.has(l) ? -1 : d)).filter((d) => d >= 0);
  if (drop.length > 0) {
    t = sum(t, drop);
    letters = letters.filter((_, d) => !drop.includes(d));
  }
  return { t, letters };
}

function sizeOf(terms: readonly Term[], l: string): number {
  let n = 1;
  terms.forEach(({ t, letters }, i) => {
    const d = letters.indexOf(l);
    if (d >= 0 && t.shape[d] !== 1) {
      if (n !== 1 && n !== t.shape[d]) {
        const name = /[a-zA-Z]/.test(l) ? `subscript ${l}` : "ellipsis dimension";
        throw new ShapeError(`einsum(): ${name} has size ${t.shape[d]} for operand ${i} which does not broadcast with previously seen size ${n}`);
      }
      n = t.shape[d]!;
    }
  });
  return n;
}

/** t laid out as `order` (letters t lacks become size-1 dims), broadcast to `sizes`. */
function arrange(term: Term, order: readonly string[], sizes: readonly number[]): Tensor {
  const perm = order.filter((l) => term.letters.includes(l)).map((l) => term.letters.indexOf(l));
  let t = permute(term.t, perm);
  const present = order.filter((l) => term.letters.includes(l));
  t = reshape(t, order.map((l) => (present.includes(l) ? term.t.shape[term.letters.indexOf(l)]! : 1)));
  return expand(t, sizes);
}

function contract(a: Term, b: Term, keep: Set<string>): Term {
  const inB = new Set(b.letters);
  const inA = new Set(a.letters);
  const batch = a.letters.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.letters.filter((l) => inB.has(l) && !keep.has(l));
  const left = a.letters.filter((l) => !inB.has(l));
  const right = b.letters.filter((l) => !inA.has(l));
  const size = (l: string) => sizeOf([a, b], l);
  const prod = (ls: string[]) => ls.reduce((p, l) => p * size(l), 1);
  let A = arrange(a, [...batch, ...left, ...summed], [...batch, ...left, ...summed].map(size));
  let B = arrange(b, [...batch, ...summed, ...right], [...batch, ...summed, ...right].map(size));
  if (A.dtype !== B.dtype) {
    // PyTorch contracts with bmm, which wants one dtype; a pair with nothing summed is a promoting mul
    if (summed.length > 0) throw new DTypeError(`expected scalar type ${scalarTypeName(A.dtype)} but found ${scalarTypeName(B.dtype)}`);
    const d = resultType(a.t, b.t);
    [A, B] = [A.to(d), B.to(d)];
  }
  const [nb, nl, ns, nr] = [prod(batch), prod(left), prod(summed), prod(right)];
  // PyTorch contracts with bmm (no bool kernel; an empty product runs none) a letter that is longer than 1
  // in both operands; otherwise it only multiplies
  const long = (t: Term, l: string) => t.t.shape[t.letters.indexOf(l)]! > 1;
  const contracted = summed.some((l) => long(a, l) && long(b, l));
  if (A.dtype === "bool" && contracted && nb * nl * ns * nr > 0) throw new DTypeError(`"bmm" not implemented for 'Bool'`);
  // bmm is floating-point only; integer operands take the broadcast product and a sum in their own dtype.
  const out = isFloating(A.dtype)
    ? bmm(reshape(A, [nb, nl, ns]), reshape(B, [nb, ns, nr]))
    : sameDtype(sum(E.mul(reshape(A, [nb, nl, ns, 1]), reshape(B, [nb, 1, ns, nr])), 2), A.dtype);
  return { t: reshape(out, [...batch, ...left, ...right].map(size)), letters: [...batch, ...left, ...right] };
}

/** torch.einsum("ij,jk->ik", a, b); operands may also be passed as one array. */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  if (typeof equation !== "string") throw new ArgumentError("einsum(): argument 'equation' must be str");
  const ops = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  ops.forEach((t, i) => Tensor.check(t, `operands[${i}]`));
  const eq = equation.replace(/\s+/g, "");
  const [lhs, rhs] = eq.includes("->") ? (eq.split("->") as [string, string]) : [eq, undefined];
  const specs = lhs.split(",");
  if (specs.length !== ops.length) {
    throw new ArgumentError(`einsum(): ${specs.length > ops.length ? "fewer" : "more"} operands were provided than specified in the equation`);
  }
  const ell = { n: 0 };
  let terms: Term[] = specs.map((s, i) => ({ t: ops[i]!, letters: parseTerm(s, ops[i]!, ell, i) }));
  const ellLetters = [...ELL.slice(ELL.length - ell.n)];
  let out: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const s of specs) for (const ch of s.replace("...", "")) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    out = [...ellLetters, ...[...counts.keys()].filter((l) => counts.get(l) === 1).sort()];
  } else {
    if (rhs.split("...").length > 2) throw new ArgumentError("einsum(): found more than one '.' in the output");
    const named = rhs.replace("...", "");
    for (const ch of named) {
      if (!/[a-zA-Z]/.test(ch)) throw new ArgumentError(`einsum(): invalid subscript given at index ${lhs.length + 2 + rhs.indexOf(ch)} in the equation string, subscripts must be in [a-zA-Z]`);
      if (!terms.some((t) => t.letters.includes(ch))) throw new ArgumentError(`einsum(): output subscript ${ch} does not appear in the equation for any input operand`);
      if (named.indexOf(ch) !== named.lastIndexOf(ch)) throw new ArgumentError(`einsum(): output subscript ${ch} appears more than once in the output`);
    }
    const [pre, post] = rhs.includes("...") ? (rhs.split("...") as [string, string]) : [rhs, ""];
    out = [...pre, ...(rhs.includes("...") ? ellLetters : []), ...post];
  }
  const outSet = new Set(out);
  const sizes = new Map<string, number>();
  for (const l of new Set(terms.flatMap((t) => t.letters))) sizes.set(l, sizeOf(terms, l));
  // Letters still needed: the output's, and any later operand's.
  const needed = (from: number) => new Set([...out, ...terms.slice(from).flatMap((t) => t.letters)]);
  terms = terms.map((t, i) => reduceTerm(t, new Set([...needed(i + 1), ...terms.slice(0, i).flatMap((u) => u.letters)])));
  let acc = reduceTerm(terms[0]!, needed(1));
  for (let i = 1; i < terms.length; i++) acc = contract(acc, terms[i]!, needed(i + 1));
  acc = reduceTerm(acc, outSet);
  const missing = out.filter((l) => !acc.letters.includes(l));
  let t = acc.t;
  for (const _ of missing) t = unsqueeze(t, t.ndim);
  const letters = [...acc.letters, ...missing];
  t = permute(t, out.map((l) => letters.indexOf(l)));
  return expand(t, out.map((l) => sizes.get(l) ?? 1));
}
