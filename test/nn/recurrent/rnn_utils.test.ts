/**
 * nn.utils.rnn (padSequence, packPaddedSequence, padPackedSequence, packSequence) against PyTorch 1.13
 * (test/fixtures/recurrent_misc.json): values, batch sizes, the sorting permutations, gradients back
 * to the padded input, and PyTorch's errors.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";
import { type TensJson, check, fromJson, readFixture } from "./fixture_util.ts";

const rnn = torch.nn.utils.rnn;

interface Utils {
  padSequence: { batchFirst: boolean; paddingValue: number; sequences: TensJson[]; output: TensJson; gradOutput: TensJson; grads: TensJson[] }[];
  pack: {
    batchFirst: boolean; enforceSorted: boolean; lengths: number[]; input: TensJson; data: TensJson; batchSizes: TensJson;
    sortedIndices: TensJson | null; unsortedIndices: TensJson | null; gradData: TensJson; inputGrad: TensJson;
  }[];
  padPacked: { batchFirst: boolean; enforceSorted: boolean; lengths: number[]; input: TensJson; totalLength: number | null; paddingValue: number; output: TensJson; outLengths: TensJson }[];
  packSequence: { sequences: TensJson[]; data: TensJson; batchSizes: TensJson; sortedIndices: TensJson; unsortedIndices: TensJson };
}

const fx = readFixture<{ utils: Utils }>("recurrent_misc.json").utils;

describe("nn.utils.rnn matches PyTorch", () => {
  fx.padSequence.forEach((c, i) => {
    test(`padSequence ${i} (batchFirst ${c.batchFirst}, paddingValue ${c.paddingValue})`, () => {
      const seqs = c.sequences.map((s) => fromJson(s, true));
      const out = rnn.padSequence(seqs, { batchFirst: c.batchFirst, paddingValue: c.paddingValue });
      check(out, c.output, "output");
      out.mul(fromJson(c.gradOutput)).sum().backward();
      seqs.forEach((s, k) => check(s.grad, c.grads[k]!, `grad of sequence ${k}`));
    });
  });

  fx.pack.forEach((c, i) => {
    test(`packPaddedSequence ${i} (batchFirst ${c.batchFirst}, enforceSorted ${c.enforceSorted}, lengths ${c.lengths})`, () => {
      const x = fromJson(c.input, true);
      const p = rnn.packPaddedSequence(x, torch.tensor(c.lengths, { dtype: "int64" }), { batchFirst: c.batchFirst, enforceSorted: c.enforceSorted });
      check(p.data, c.data, "data");
      check(p.batchSizes, c.batchSizes, "batchSizes");
      if (c.sortedIndices === null) assert.equal(p.sortedIndices, null);
      else check(p.sortedIndices, c.sortedIndices, "sortedIndices");
      if (c.unsortedIndices === null) assert.equal(p.unsortedIndices, null);
      else check(p.unsortedIndices, c.unsortedIndices, "unsortedIndices");
      p.data.mul(fromJson(c.gradData)).sum().backward();
      check(x.grad, c.inputGrad, "input grad");
    });
  });

  fx.padPacked.forEach((c, i) => {
    test(`padPackedSequence ${i} (batchFirst ${c.batchFirst}, totalLength ${c.totalLength}, lengths ${c.lengths})`, () => {
      const p = rnn.packPaddedSequence(fromJson(c.input), c.lengths, { batchFirst: c.batchFirst, enforceSorted: c.enforceSorted });
      const [out, lengths] = rnn.padPackedSequence(p, { batchFirst: c.batchFirst, paddingValue: c.paddingValue, totalLength: c.totalLength });
      check(out, c.output, "output");
      check(lengths, c.outLengths, "lengths");
    });
  });

  test("packSequence of unsorted sequences", () => {
    const c = fx.packSequence;
    const p = rnn.packSequence(c.sequences.map((s) => fromJson(s)), { enforceSorted: false });
    check(p.data, c.data, "data");
    check(p.batchSizes, c.batchSizes, "batchSizes");
    check(p.sortedIndices, c.sortedIndices, "sortedIndices");
    check(p.unsortedIndices, c.unsortedIndices, "unsortedIndices");
  });

  test("PyTorch's errors", () => {
    const x = torch.randn([5, 3, 2]);
    assert.throws(() => rnn.packPaddedSequence(x, [5, 3, 4]), /`lengths` array must be sorted in decreasing order when `enforce_sorted` is True/);
    assert.throws(() => rnn.packPaddedSequence(x, [5, 0, 4], { enforceSorted: false }), {
      message: "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
    });
    assert.throws(() => rnn.packPaddedSequence(x, [5, 3]), { message: "Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)" });
    assert.throws(() => rnn.packPaddedSequence(x, [6, 3, 1]), /exceeds the padded sequence length 5/);
    const p = rnn.packSequence([torch.ones([3]), torch.ones([2])]);
    assert.throws(() => rnn.padPackedSequence(p, { totalLength: 2 }), {
      message: "Expected total_length to be at least the length of the longest sequence in input, but got total_length=2 and max sequence length being 3",
    });
    assert.throws(() => rnn.padSequence([torch.ones([3, 2]), torch.ones([5, 3])]), {
      message: "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1",
    });
    assert.throws(() => rnn.padSequence([]), { message: "received an empty list of sequences" });
    assert.throws(() => rnn.packPaddedSequence(x, [5, 3, 1], { batch_first: true } as never), /batchFirst/);
  });
});

test("enforceSorted false orders equal lengths as PyTorch's unstable torch.sort(descending=True) does (20 sequences)", () => {
  const lens = [3, 2, 3, 1, 2, 3, 3, 2, 1, 3, 2, 3, 3, 1, 2, 3, 3, 2, 3, 3];
  const x = torch.arange(3 * lens.length).reshape([3, lens.length]).float();
  const p = torch.nn.utils.rnn.packPaddedSequence(x, lens, { enforceSorted: false });
  // PyTorch 1.13's pack_padded_sequence(x, lens, enforce_sorted=False).sorted_indices.
  const want = [19, 2, 18, 5, 6, 16, 15, 9, 0, 11, 12, 10, 17, 14, 7, 4, 1, 13, 8, 3];
  assert.deepEqual(Array.from(p.sortedIndices!.toTypedArray(), Number), want);
  assert.deepEqual(Array.from(p.data.toTypedArray(), Number).slice(0, 20), want);
  assert.deepEqual(Array.from(p.batchSizes.toTypedArray(), Number), [20, 17, 11]);
});
