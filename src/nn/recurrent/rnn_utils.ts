/**
 * torch.nn.utils.rnn: padSequence, packPaddedSequence, padPackedSequence, packSequence and
 * PackedSequence. Every conversion is one differentiable `indexSelect` of rows (padding comes from one
 * extra row holding the padding value), so gradients flow back to the sequences.
 *
 *     const packed = nn.utils.rnn.packPaddedSequence(x, [5, 3, 2], { enforceSorted: false });
 *     const [out] = lstm.forward(packed);
 *     const [padded, lengths] = nn.utils.rnn.padPackedSequence(out as PackedSequence);
 */
import { ArgumentError, ShapeError } from "../../errors.ts";
import { checkCall } from "../check_call.ts";
import { full, tensor } from "../../tensor/creation.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { cat } from "../../ops/join.ts";
import { indexSelect } from "../../ops/indexing.ts";
import { sort } from "../../ops/sorting.ts";
import { reshape, transpose } from "../../ops/views.ts";
import { PackedSequence, batchSizesOf } from "./packed.ts";

export { PackedSequence } from "./packed.ts";

export interface PadSequenceOptions {
  batchFirst?: boolean;
  paddingValue?: number;
}

const int64 = (v: readonly number[]): Tensor => tensor(v as number[], { dtype: "int64" });

/** Where each block of `sizes` rows starts when the blocks lie one after another. */
function starts(sizes: readonly number[]): number[] {
  const out: number[] = [];
  sizes.reduce((acc, n) => (out.push(acc), acc + n), 0);
  return out;
}

/**
 * The padded [T, B, *] (or batch-first [B, T, *]) tensor of rows of x [N, *]: row(b, t) is x's row at
 * batch b and step t, or -1 for the padding value (one extra row of x, so the gradient flows back).
 */
function padded(x: Tensor, B: number, T: number, batchFirst: boolean, paddingValue: number, row: (b: number, t: number) => number): Tensor {
  let rows: number[] = [];
  for (let i = 0; i < (batchFirst ? B : T); i++) {
    for (let j = 0; j < (batchFirst ? T : B); j++) rows.push(batchFirst ? row(i, j) : row(j, i));
  }
  const trailing = x.shape.slice(1);
  let source = x;
  if (rows.includes(-1)) {
    source = cat([x, full([1, ...trailing], paddingValue, { dtype: x.dtype })], 0);
    rows = rows.map((r) => (r < 0 ? x.shape[0]! : r));
  }
  return reshape(indexSelect(source, 0, int64(rows)), batchFirst ? [B, T, ...trailing] : [T, B, ...trailing]);
}

/** Stacks sequences of different lengths [L_i, *] into [maxLen, B, *] (or [B, maxLen, *]), padding the ends. */
export function padSequence(sequences: readonly Tensor[], opts: PadSequenceOptions = {}): Tensor {
  checkCall("nn.utils.rnn.padSequence()", arguments, 2, { batchFirst: "boolean", paddingValue: "number" }, "batchFirst");
  if (!Array.isArray(sequences)) throw new ArgumentError("padSequence: sequences must be an array of Tensors");
  if (sequences.length === 0) throw new ArgumentError("received an empty list of sequences");
  sequences.forEach((s, i) => Tensor.check(s, `sequences[${i}]`));
  const first = sequences[0]!;
  for (const s of sequences) {
    if (s.ndim === 0) throw new ShapeError("padSequence: each sequence must have at least one dimension (its length)");
    if (s.ndim !== first.ndim) throw new ShapeError(`padSequence: sequences of ${first.ndim} and ${s.ndim} dimensions`);
    for (let d = 1; d < s.ndim; d++) {
      if (s.shape[d] !== first.shape[d]) {
        throw new ShapeError(`The size of tensor a (${first.shape[d]}) must match the size of tensor b (${s.shape[d]}) at non-singleton dimension ${d}`);
      }
    }
  }
  const lengths = sequences.map((s) => s.shape[0]!);
  const offsets = starts(lengths);
  const all = sequences.length === 1 ? first : cat(sequences as Tensor[], 0);
  return padded(all, sequences.length, Math.max(...lengths), opts.batchFirst ?? false, opts.paddingValue ?? 0, (b, t) => (t < lengths[b]! ? offsets[b]! + t : -1));
}

export interface PackPaddedOptions {
  batchFirst?: boolean;
  enforceSorted?: boolean;
}

function lengthList(lengths: Tensor | readonly number[]): number[] {
  if (lengths instanceof Tensor) {
    if (lengths.ndim !== 1) throw new ShapeError(`packPaddedSequence: lengths must be 1-D, got shape ${fmtShape(lengths.shape)}`);
    if (lengths.dtype === "int64" || lengths.dtype === "int32") return Array.from(lengths.toTypedArray() as ArrayLike<number>, Number);
  } else if (Array.isArray(lengths) && lengths.every((l) => Number.isInteger(l))) {
    return [...lengths];
  }
  throw new ArgumentError(`packPaddedSequence: lengths must be an int64 tensor or an array of ints, got ${lengths instanceof Tensor ? lengths.dtype : String(lengths)}`);
}

/** Packs a padded batch [T, B, *] (or [B, T, *]) of sequences with the given lengths. */
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], opts: PackPaddedOptions = {}): PackedSequence {
  checkCall("nn.utils.rnn.packPaddedSequence()", arguments, 3, { batchFirst: "boolean", enforceSorted: "boolean" }, "batchFirst");
  Tensor.check(input, "input");
  const lens = lengthList(lengths);
  const batchFirst = opts.batchFirst ?? false;
  if (input.ndim < 2) throw new ShapeError(`packPaddedSequence: input must have at least 2 dimensions (time and batch), got shape ${fmtShape(input.shape)}`);
  const x = batchFirst ? transpose(input, 0, 1) : input;
  const [T, B] = x.shape as [number, number];
  if (lens.length === 0 || T === 0) throw new ArgumentError("Cannot pack empty tensors.");
  if (lens.length !== B) throw new ShapeError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${B})`);
  let order = lens.map((_, i) => i);
  const enforce = opts.enforceSorted ?? true;
  // PyTorch orders the lengths with torch.sort(descending=True), an unstable sort: equal lengths of more
  // than 16 sequences come out in its order, not the batch's.
  if (!enforce) order = Array.from(sort(int64(lens), { descending: true }).indices.toTypedArray(), Number);
  else if (lens.some((l, i) => i > 0 && l > lens[i - 1]!)) {
    throw new ArgumentError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True (pass { enforceSorted: false } to sort them here)");
  }
  if (lens.some((l) => l <= 0)) throw new ArgumentError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  const maxLen = Math.max(...lens);
  if (maxLen > T) throw new ShapeError(`packPaddedSequence: a length of ${maxLen} exceeds the padded sequence length ${T}`);
  const sorted = order.map((i) => lens[i]!);
  const batchSizes: number[] = [];
  const rows: number[] = [];
  for (let t = 0; t < maxLen; t++) {
    let bs = 0;
    while (bs < B && sorted[bs]! > t) rows.push(t * B + order[bs++]!);
    batchSizes.push(bs);
  }
  const data = indexSelect(reshape(x, [T * B, ...x.shape.slice(2)]), 0, int64(rows));
  return new PackedSequence(data, int64(batchSizes), enforce ? null : int64(order));
}

export interface PadPackedOptions {
  batchFirst?: boolean;
  paddingValue?: number;
  /** Pads to this many steps instead of the longest sequence's length. */
  totalLength?: number | null;
}

/** The inverse of packPaddedSequence: [padded [T, B, *] (or [B, T, *]), lengths (int64)], in the original batch order. */
export function padPackedSequence(sequence: PackedSequence, opts: PadPackedOptions = {}): [Tensor, Tensor] {
  checkCall("nn.utils.rnn.padPackedSequence()", arguments, 2, { batchFirst: "boolean", paddingValue: "number", totalLength: "int?" }, "batchFirst");
  if (!(sequence instanceof PackedSequence)) throw new ArgumentError("padPackedSequence: expected a PackedSequence");
  const sizes = batchSizesOf(sequence.batchSizes);
  const maxLen = sizes.length;
  const B = sizes[0] ?? 0;
  const total = opts.totalLength ?? maxLen;
  if (total < maxLen) {
    throw new ArgumentError(
      `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${total} and max sequence length being ${maxLen}`,
    );
  }
  const st = starts(sizes);
  // Original batch position j sits in sorted column col[j].
  const unsorted = sequence.unsortedIndices?.toTypedArray() as ArrayLike<number> | undefined;
  const col = (j: number): number => Number(unsorted?.[j] ?? j);
  const out = padded(sequence.data, B, total, opts.batchFirst ?? false, opts.paddingValue ?? 0, (j, t) => {
    const c = col(j);
    return t < maxLen && c < sizes[t]! ? st[t]! + c : -1;
  });
  const lengths: number[] = [];
  for (let j = 0; j < B; j++) lengths.push(sizes.filter((b) => b > col(j)).length);
  return [out, int64(lengths)];
}

/** Packs a list of sequences [L_i, *] (longest first unless `enforceSorted: false`). */
export function packSequence(sequences: readonly Tensor[], opts: { enforceSorted?: boolean } = {}): PackedSequence {
  checkCall("nn.utils.rnn.packSequence()", arguments, 2, { enforceSorted: "boolean" }, "enforceSorted");
  const lengths = sequences.map((s) => s.shape[0] ?? 0);
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: opts.enforceSorted ?? true });
}
