import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ArgumentError } from "../../src/errors.ts";
import {
  BatchSampler,
  type RandomSource,
  RandomSampler,
  SequentialSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  getDefaultRandomSource,
  randomSplitLengths,
  randperm,
  setDefaultRandomSource,
} from "../../src/utils/data/samplers.ts";
import { mulberry32 } from "../helpers/rng.ts";

/** A seeded source (mulberry32) so the statistical tests are deterministic. */
function seeded(seed: number): RandomSource {
  return { random: mulberry32(seed) };
}

/** Replays fixed draws, to pin down exactly how samplers consume randomness. */
function fixed(values: number[]): RandomSource {
  let i = 0;
  return { random: () => values[i++ % values.length] };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

function expectArgumentError(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ArgumentError && e.message === message);
}

describe("randperm", () => {
  it("is Fisher-Yates walking down from the end", () => {
    // Draws of 0 swap each position i (3, 2, 1) with position 0.
    assert.deepEqual(randperm(4, fixed([0])), [1, 2, 3, 0]);
    // Draws just below 1 pick j = i: no swaps.
    assert.deepEqual(randperm(4, fixed([0.999])), [0, 1, 2, 3]);
    // A source that wrongly returns 1.0 must still give a permutation.
    assert.deepEqual(sorted(randperm(5, fixed([1]))), range(5));
    assert.deepEqual(randperm(0, fixed([0])), []);
    assert.deepEqual(randperm(1, fixed([0])), [0]);
  });

  it("is uniform over the 6 permutations of 3", () => {
    const rng = seeded(1);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const k = randperm(3, rng).join("");
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    assert.equal(counts.size, 6);
    for (const c of counts.values()) assert.ok(c > 850 && c < 1150, `count ${c}`);
  });

  it("rejects bad n", () => {
    assert.throws(() => randperm(-1), ArgumentError);
    assert.throws(() => randperm(2.5), ArgumentError);
  });
});

describe("SequentialSampler", () => {
  it("yields 0..n-1 and follows the data source's length", () => {
    const data = [10, 20, 30];
    const s = new SequentialSampler(data);
    assert.deepEqual([...s], [0, 1, 2]);
    assert.equal(s.length, 3);
    data.push(40);
    assert.equal(s.length, 4);
    assert.deepEqual([...new SequentialSampler({ length: 0 })], []);
  });
});

describe("RandomSampler", () => {
  afterEach(() => setDefaultRandomSource(() => ({ random: Math.random })));

  it("without replacement yields a permutation each pass", () => {
    const s = new RandomSampler(range(20), { generator: seeded(3) });
    assert.equal(s.length, 20);
    const a = [...s];
    const b = [...s];
    assert.deepEqual(sorted(a), range(20));
    assert.deepEqual(sorted(b), range(20));
    assert.notDeepEqual(a, b, "a new permutation every epoch");
  });

  it("without replacement and numSamples > n repeats whole permutations (PyTorch 1.13)", () => {
    const s = new RandomSampler(range(3), { numSamples: 7, generator: seeded(4) });
    const out = [...s];
    assert.equal(s.length, 7);
    assert.equal(out.length, 7);
    assert.deepEqual(sorted(out.slice(0, 3)), [0, 1, 2]);
    assert.deepEqual(sorted(out.slice(3, 6)), [0, 1, 2]);
    // Two whole permutations plus the head of a third, so each index appears twice and one a third time.
    assert.deepEqual(sorted(out), sorted([0, 0, 1, 1, 2, 2, out[6]]));
  });

  it("with replacement draws numSamples uniform indices", () => {
    const s = new RandomSampler(range(4), { replacement: true, numSamples: 4000, generator: seeded(5) });
    const counts = [0, 0, 0, 0];
    for (const i of s) counts[i]++;
    assert.equal(
      counts.reduce((a, b) => a + b),
      4000,
    );
    for (const c of counts) assert.ok(c > 900 && c < 1100, `count ${c}`);
  });

  it("draws from the default source, asked afresh each pass, when no generator is given", () => {
    let asked = 0;
    setDefaultRandomSource(() => {
      asked++;
      return fixed([0]);
    });
    const s = new RandomSampler(range(4));
    assert.deepEqual([...s], [1, 2, 3, 0]);
    assert.deepEqual([...s], [1, 2, 3, 0]);
    assert.equal(asked, 2);
    assert.equal(getDefaultRandomSource().random(), 0);
  });

  it("validates like PyTorch", () => {
    const msg = (v: string) => `num_samples should be a positive integer value, but got num_samples=${v}`;
    expectArgumentError(() => new RandomSampler(range(3), { numSamples: 0 }), msg("0"));
    expectArgumentError(() => new RandomSampler(range(3), { numSamples: -1 }), msg("-1"));
    expectArgumentError(() => new RandomSampler(range(3), { numSamples: 1.5 }), msg("1.5"));
    expectArgumentError(() => new RandomSampler([]), msg("0"));
    expectArgumentError(
      () => new RandomSampler(range(3), { replacement: 1 as unknown as boolean }),
      "replacement should be a boolean value, but got replacement=1",
    );
  });
});

describe("SubsetRandomSampler", () => {
  it("yields the given indices in random order", () => {
    const s = new SubsetRandomSampler([7, 3, 11], { generator: fixed([0]) });
    assert.equal(s.length, 3);
    // randperm(3) with zero draws is [1, 2, 0].
    assert.deepEqual([...s], [3, 11, 7]);
    assert.deepEqual(
      sorted(new SubsetRandomSampler(Int32Array.from([5, 9, 1, 4]), { generator: seeded(6) })),
      [1, 4, 5, 9],
    );
  });
});

describe("WeightedRandomSampler", () => {
  it("with replacement draws in proportion to the weights and never a zero weight", () => {
    const s = new WeightedRandomSampler([1, 0, 3, 0], 8000, { generator: seeded(7) });
    assert.equal(s.length, 8000);
    const counts = [0, 0, 0, 0];
    for (const i of s) counts[i]++;
    assert.equal(counts[1] + counts[3], 0);
    assert.ok(Math.abs(counts[0] / 8000 - 0.25) < 0.02, `counts ${counts}`);
  });

  it("a draw at the very top of the range still lands on a positive weight", () => {
    // random() * total can round up to total; a faulty source returning 1.0 exercises the same path.
    assert.deepEqual([...new WeightedRandomSampler([2, 1, 0, 0], 2, { generator: fixed([1]) })], [1, 1]);
    assert.deepEqual([...new WeightedRandomSampler([2, 1, 0, 0], 1, { generator: fixed([0.5]) })], [0]);
    assert.deepEqual([...new WeightedRandomSampler([2, 1, 0, 0], 1, { generator: fixed([0]) })], [0]);
  });

  it("without replacement yields distinct indices, zero weights only once the rest are used", () => {
    const s = new WeightedRandomSampler([0, 5, 0, 1, 2], 5, { replacement: false, generator: seeded(8) });
    const out = [...s];
    assert.deepEqual(sorted(out.slice(0, 3)), [1, 3, 4]);
    assert.deepEqual(out.slice(3), [0, 2]);
    // Heavier weights come first more often.
    let firstIsHeavy = 0;
    const t = new WeightedRandomSampler([1, 9], 2, { replacement: false, generator: seeded(9) });
    for (let i = 0; i < 2000; i++) if ([...t][0] === 1) firstIsHeavy++;
    assert.ok(firstIsHeavy > 1700 && firstIsHeavy < 1900, `${firstIsHeavy}`);
  });

  it("validates with PyTorch's messages", () => {
    expectArgumentError(
      () => new WeightedRandomSampler([1, 2], 0),
      "num_samples should be a positive integer value, but got num_samples=0",
    );
    expectArgumentError(
      () => new WeightedRandomSampler([1, 2], 1, { replacement: "no" as unknown as boolean }),
      "replacement should be a boolean value, but got replacement=no",
    );
    expectArgumentError(
      () => new WeightedRandomSampler([1, -1], 2),
      "invalid multinomial distribution (encountering probability entry < 0)",
    );
    expectArgumentError(
      () => new WeightedRandomSampler([0, 0], 2),
      "invalid multinomial distribution (sum of probabilities <= 0)",
    );
    expectArgumentError(
      () => new WeightedRandomSampler([1, NaN], 1),
      "invalid multinomial distribution (encountering probability entry = infinity or NaN)",
    );
    expectArgumentError(
      () => new WeightedRandomSampler([1, 1], 3, { replacement: false }),
      "cannot sample n_sample > prob_dist.size(-1) samples without replacement",
    );
    assert.throws(() => new WeightedRandomSampler([[1, 2]] as unknown as number[], 2), ArgumentError);
  });
});

describe("BatchSampler", () => {
  it("matches PyTorch's documented examples", () => {
    // list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False / True)) in PyTorch 1.13.
    const seq = new SequentialSampler(range(10));
    assert.deepEqual([...new BatchSampler(seq, 3, false)], [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    assert.deepEqual(
      [...new BatchSampler(seq, 3, true)],
      [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ],
    );
    assert.equal(new BatchSampler(seq, 3, false).length, 4);
    assert.equal(new BatchSampler(seq, 3, true).length, 3);
  });

  it("wraps any sized iterable", () => {
    assert.deepEqual([...new BatchSampler([5, 6, 7, 8, 9], 2, false)], [[5, 6], [7, 8], [9]]);
    assert.deepEqual(
      [...new BatchSampler([5, 6, 7, 8, 9], 2, true)],
      [
        [5, 6],
        [7, 8],
      ],
    );
    assert.deepEqual([...new BatchSampler([], 2, false)], []);
    // len(BatchSampler(RandomSampler(range(10), num_samples=25, replacement=True), 4, True)) == 6
    const r = new RandomSampler(range(10), { numSamples: 25, replacement: true, generator: seeded(1) });
    const b = new BatchSampler(r, 4, true);
    assert.equal(b.length, 6);
    assert.equal([...b].length, 6);
    assert.equal(new BatchSampler(r, 4, false).length, 7);
  });

  it("validates with PyTorch's messages", () => {
    const msg = (v: string) => `batch_size should be a positive integer value, but got batch_size=${v}`;
    expectArgumentError(() => new BatchSampler(range(3), 0, false), msg("0"));
    expectArgumentError(() => new BatchSampler(range(3), 1.5, false), msg("1.5"));
    expectArgumentError(() => new BatchSampler(range(3), -2, false), msg("-2"));
    expectArgumentError(() => new BatchSampler(range(3), true as unknown as number, false), msg("true"));
    expectArgumentError(
      () => new BatchSampler(range(3), 2, 1 as unknown as boolean),
      "drop_last should be a boolean value, but got drop_last=1",
    );
  });
});

describe("randomSplitLengths", () => {
  it("reproduces PyTorch 1.13's rounding of fractions", () => {
    // [len(s) for s in random_split(range(n), fractions)] in PyTorch 1.13.
    const cases: [number, number[], number[]][] = [
      [1000, [0.9, 0.1], [900, 100]],
      [10, [0.3, 0.3, 0.4], [3, 3, 4]],
      [7, [0.5, 0.5], [4, 3]],
      [11, [0.25, 0.25, 0.25, 0.25], [3, 3, 3, 2]],
      [5, [0.1, 0.1, 0.1, 0.7], [1, 1, 0, 3]],
      [3, [1 / 3, 1 / 3, 1 / 3], [1, 1, 1]],
      [5, [1], [5]],
      [60000, [0.9, 0.1], [54000, 6000]],
      [13, Array(10).fill(0.1), [2, 2, 2, 1, 1, 1, 1, 1, 1, 1]],
    ];
    for (const [n, fr, want] of cases) assert.deepEqual(randomSplitLengths(n, fr), want, `${n} ${fr}`);
  });

  it("takes integer lengths as they are", () => {
    assert.deepEqual(randomSplitLengths(10, [3, 7]), [3, 7]);
    assert.deepEqual(randomSplitLengths(0, [0, 0]), [0, 0]);
  });

  it("fails as PyTorch does", () => {
    const sum = "Sum of input lengths does not equal the length of the input dataset!";
    expectArgumentError(() => randomSplitLengths(10, [3, 3]), sum);
    expectArgumentError(() => randomSplitLengths(10, [0.5, 0.6]), sum);
    expectArgumentError(() => randomSplitLengths(10, [0.7, 0.2]), sum);
    expectArgumentError(() => randomSplitLengths(10, [-0.5, 1.5]), "Fraction at index 0 is not between 0 and 1");
    assert.throws(() => randomSplitLengths(10, [2.5, 7.5]), ArgumentError);
    assert.throws(() => randomSplitLengths(10, [-1, 11]), ArgumentError);
  });
});
