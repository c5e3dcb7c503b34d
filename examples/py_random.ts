/**
 * The calls of Python's `random` module the ported tutorials make, so a port can say
 * `random.randint(4, 6)` or `random.random()` where the original does. All draw from Math.random: a port runs
 * on its own like any script, and test/examples/harness.ts (installReplay) can hand it the numbers the
 * original drew.
 */

/** A random integer N with a <= N <= b (both ends included, as Python's random.randint). */
function randint(a: number, b: number): number {
  if (!Number.isInteger(a) || !Number.isInteger(b) || b < a) {
    throw new RangeError(`randint(): empty range for randint(${a}, ${b})`);
  }
  return a + Math.floor(Math.random() * (b - a + 1));
}

/** A random element of a non-empty sequence (Python's random.choice). */
function choice<T>(seq: readonly T[]): T {
  if (seq.length === 0) throw new RangeError("choice(): cannot choose from an empty sequence");
  return seq[randint(0, seq.length - 1)]!;
}

/** A float in [0, 1) (Python's random.random; both are 53-bit doubles). */
function random_(): number {
  return Math.random();
}

export const random = { randint, choice, random: random_ };
