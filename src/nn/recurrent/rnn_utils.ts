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
import { reshape, transpose } from "../../ops/views.ts";
import { PackedSequence, batchSizesOf } from "./packed.ts";

export { PackedSequence } from "./packed.ts";

export interface PadSequenceOptions {
  batchFirst?: boolean;
  paddingValue?: number;
}

const int64 = (v: readonly number[]): Tensor => tensor(v as number[], { dtype: "int64" });

/** Rows of `x` (flattened over its first two dims) at `rows`, -1 meaning the padding value. */
function gatherRows(x: Tensor, rows: readonly number[], paddingValue: number | null): Tensor {
  const trailing = x.shape.slice(1);
  let source = x;
  if (paddingValue !== null && rows.includes(-1)) {
    source = cat([x, full([1, ...trailing], paddingValue, { dtype: x.dtype })], 0);
    rows = rows.map((r) => (r < 0 ? x.shape[0]! : r));
  }
  return indexSelect(source, 0, int64(rows));
}

/** Stacks sequences of different lengths [L_i, *] into [maxLen, B, *] (or [B, maxLen, *]), padding the ends. */
export function padSequence(sequences: readonly Tensor[], opts: PadSequenceOptions = {}): Tensor {
  checkCall("nn.utils.rnn.padSequence()", arguments, 2, { batchFirst: "boolean", paddingValue: "number" }, "batchFirst");
  if (!Array.isArray(sequences)) throw new ArgumentError("padSequence: sequences must be an array of Tensors");
  if (sequences.length === 0) throw new ArgumentError("received an empty list of sequences");
  sequences.forEach((s, i) => Tensor.check(s, `sequences[${i}]`));
  const first = sequences[0]!;
  const trailing = first.shape.slice(1);
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
  const T = Math.max(...lengths);
  const B = sequences.length;
  const offsets: number[] = [];
  lengths.reduce((acc, l) => (offsets.push(acc), acc + l), 0);
  const rows: number[] = [];
  const batchFirst = opts.batchFirst ?? false;
  for (let i = 0; i < (batchFirst ? B : T); i++) {
    for (let j = 0; j < (batchFirst ? T : B); j++) {
      const [b, t] = batchFirst ? [i, j] : [j, i];
      rows.push(t < lengths[b]! ? offsets[b]! + t : -1);
    }
  }
  const all = sequences.length === 1 ? first : cat(sequences as Tensor[], 0);
  const out = gatherRows(all, rows, opts.paddingValue ?? 0);
  return reshape(out, batchFirst ? [B, T, ...trailing] : [T, B, ...trailing]);
}

export interface PackPaddedOptions {
  batchFirst?: boolean;
  enforceSorted?: boolean;
}

function lengthList(lengths: Tensor | readonly number[]): number[] {
  if (lengths instanceof Tensor) {
    if (lengths.ndim !== 1) throw new ShapeError(`packPaddedSequence: lengths must be 1-D, got shape ${fmtShape(lengths.shape)}`);
    if (lengths.dtype !== "int64" && lengths.dtype !== "int32") throw new ArgumentError(`packPaddedSequence: lengths must be an int64 tensor or an array, got ${lengths.dtype}`);
    return Array.from(lengths.toTypedArray() as ArrayLike<number>, Number);
  }
  if (!Array.isArray(lengths) || !lengths.every((l) => Number.isInteger(l))) throw new ArgumentError("packPaddedSequence: lengths must be an int64 tensor or an array of ints");
  return [...lengths];
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
  if (opts.enforceSorted ?? true) {
    for (let i = 1; i < lens.length; i++) {
      if (lens[i]! > lens[i - 1]!) {
        throw new ArgumentError(
          "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` " +
            "to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.",
        );
      }
    }
  } else {
    order = order.sort((a, b) => lens[b]! - lens[a]!);
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
  const data = gatherRows(reshape(x, [T * B, ...x.shape.slice(2)]), rows, null);
  const sortedIndices = opts.enforceSorted ?? true ? null : int64(order);
  return new PackedSequence(data, int64(batchSizes), sortedIndices);
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
  const starts: number[] = [];
  sizes.reduce((acc, b) => (starts.push(acc), acc + b), 0);
  // Original batch position j sits in sorted column col[j].
  const unsorted = sequence.unsortedIndices === null ? null : Array.from(sequence.unsortedIndices.toTypedArray() as ArrayLike<number>, Number);
  const col = (j: number): number => (unsorted === null ? j : unsorted[j]!);
  const batchFirst = opts.batchFirst ?? false;
  const rows: number[] = [];
  for (let i = 0; i < (batchFirst ? B : total); i++) {
    for (let k = 0; k < (batchFirst ? total : B); k++) {
      const [j, t] = batchFirst ? [i, k] : [k, i];
      const c = col(j);
      rows.push(t < maxLen && c < sizes[t]! ? starts[t]! + c : -1);
    }
  }
  const trailing = sequence.data.shape.slice(1);
  const padded = reshape(gatherRows(sequence.data, rows, opts.paddingValue ?? 0), batchFirst ? [B, total, ...trailing] : [total, B, ...trailing]);
  const lengths: number[] = [];
  for (let j = 0; j < B; j++) lengths.push(sizes.filter((b) => b > col(j)).length);
  return [padded, int64(lengths)];
}

/** Packs a list of sequences [L_i, *] (longest first unless `enforceSorted: false`). */
export function packSequence(sequences: readonly Tensor[], opts: { enforceSorted?: boolean } = {}): PackedSequence {
  checkCall("nn.utils.rnn.packSequence()", arguments, 2, { enforceSorted: "boolean" }, "enforceSorted");
  const lengths = sequences.map((s) => s.shape[0] ?? 0);
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: opts.enforceSorted ?? true });
}
