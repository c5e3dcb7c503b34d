/**
 * The replay of Python's random draws (gen_examples.py logs random.randint/choice as [a, b, value] and
 * random.random() as [value]):
 * examples/py_random.ts must hand back exactly the logged integers, at both ends of each range, and the
 * replay must refuse a draw too many or one left unmade.
 */
import { deepStrictEqual, throws } from "node:assert/strict";
import { test } from "node:test";
import { random } from "../../examples/py_random.ts";
import { installReplay, type ExampleFixture } from "./harness.ts";

const fixture = (python: ([number, number, number] | [number])[]): ExampleFixture => ({ args: {}, stdout: [], states: [], entries: [], perms: [], python });

test("random.randint and random.choice replay the original's integers, ends of the range included", () => {
  const undo = installReplay(fixture([[4, 6, 4], [4, 6, 6], [0, 19, 19], [0, 19, 0], [7, 7, 7], [-3, 3, -1], [0, 2, 2]]));
  try {
    const got = [random.randint(4, 6), random.randint(4, 6), random.randint(0, 19), random.randint(0, 19), random.randint(7, 7), random.randint(-3, 3)];
    deepStrictEqual(got, [4, 6, 19, 0, 7, -1]);
    deepStrictEqual(random.choice(["a", "b", "c"]), "c");
  } finally {
    undo();
  }
});

test("random.random replays the original's floats exactly, between integer draws", () => {
  // Python's random.random() values (53-bit doubles, as Math.random's) are handed back unchanged.
  const undo = installReplay(fixture([[0.9405090880450124], [0, 12, 6], [0.0], [0.49999999999999994]]));
  try {
    deepStrictEqual([random.random(), random.randint(0, 12), random.random(), random.random()], [0.9405090880450124, 6, 0, 0.49999999999999994]);
  } finally {
    undo();
  }
});

test("the replay refuses a Python draw the original did not make, and reports draws left unmade", () => {
  let undo = installReplay(fixture([[1, 2, 1]]));
  random.randint(1, 2);
  throws(() => random.randint(1, 2), /drew more than PyTorch's 1 Python random numbers/);
  undo();
  undo = installReplay(fixture([[1, 2, 1], [1, 2, 2]]));
  random.randint(1, 2);
  throws(() => undo(), /drew 1 of the original's 2 Python random numbers/);
});

test("outside a replay, randint stays in its range and refuses an empty one", () => {
  for (let i = 0; i < 200; i++) {
    const v = random.randint(-2, 2);
    if (!(Number.isInteger(v) && v >= -2 && v <= 2)) throw new Error(`randint(-2, 2) gave ${v}`);
  }
  throws(() => random.randint(3, 2), /empty range for randint\(3, 2\)/);
  throws(() => random.choice([]), /cannot choose from an empty sequence/);
});
