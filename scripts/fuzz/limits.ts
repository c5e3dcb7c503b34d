/**
 * Size-limit probes (issue 17, point 8): every creation function, layer constructor and a few ops asked
 * for shapes near 2^31, 2^32 and 2^53, negative, NaN, infinite and fractional sizes, and int64 values past
 * 2^53. Each probe must end in a typed kindling error (or, for the few valid edge cases, succeed without
 * touching much memory); an untyped error (RangeError, TypeError) is a regression.
 *
 *   npm run fuzz:limits            # prints one line per probe, then the counts; exit 1 on any untyped error
 */
import * as torch from "../../src/index.ts";

type Outcome = "typed" | "untyped" | "ok";
interface Probe {
  name: string;
  run: () => unknown;
  /** Valid requests that must succeed (zero-size tensors, values at the int64 edge). */
  valid?: boolean;
}

const T31 = 2 ** 31;
const T32 = 2 ** 32;
const T53 = 2 ** 53;
const shapes: [string, number[]][] = [
  ["[2^31, 2^31]", [T31, T31]],
  ["[2^32, 2^32]", [T32, T32]],
  ["[2^32 + 1]", [T32 + 1]],
  ["[2^16, 2^16, 2^16]", [2 ** 16, 2 ** 16, 2 ** 16]],
  ["[2^53 - 1, 2]", [T53 - 1, 2]],
  ["[2^53]", [T53]],
  ["[-1, 2]", [-1, 2]],
  ["[NaN]", [NaN]],
  ["[Infinity]", [Infinity]],
  ["[1.5, 2]", [1.5, 2]],
];

const probes: Probe[] = [];
for (const [label, shape] of shapes) {
  probes.push({ name: `zeros(${label})`, run: () => torch.zeros(shape) });
}
for (const [label, shape] of shapes.filter(([l]) => ["[2^31, 2^31]", "[2^32 + 1]", "[-1, 2]", "[NaN]"].includes(l))) {
  probes.push(
    { name: `ones(${label}, float64)`, run: () => torch.ones(shape, { dtype: "float64" }) },
    { name: `empty(${label}, int32)`, run: () => torch.empty(shape, { dtype: "int32" }) },
    { name: `full(${label}, 1)`, run: () => torch.full(shape, 1) },
    { name: `rand(${label})`, run: () => torch.rand(shape) },
    { name: `randn(${label})`, run: () => torch.randn(shape) },
    { name: `randint(0, 10, ${label})`, run: () => torch.randint(0, 10, shape) },
  );
}
probes.push(
  { name: "zeros(2^31, 2^31) varargs", run: () => torch.zeros(T31, T31) },
  { name: "eye(2^31)", run: () => torch.eye(T31) },
  { name: "eye(-1)", run: () => torch.eye(-1) },
  { name: "arange(2^53, 2^53 + 8)", run: () => torch.arange(T53, T53 + 8) },
  { name: "arange(0, 2^60)", run: () => torch.arange(0, 2 ** 60) },
  { name: "arange(0, 2^52, 1, float64)", run: () => torch.arange(0, 2 ** 52, 1, { dtype: "float64" }) },
  { name: "arange(0, 1e12, 0.5)", run: () => torch.arange(0, 1e12, 0.5) },
  { name: "arange(0, Infinity)", run: () => torch.arange(0, Infinity) },
  { name: "arange(NaN)", run: () => torch.arange(NaN) },
  { name: "linspace(0, 1, 2^52)", run: () => torch.linspace(0, 1, 2 ** 52) },
  { name: "linspace(0, 1, NaN)", run: () => torch.linspace(0, 1, NaN) },
  { name: "randperm(2^32)", run: () => torch.randperm(T32) },
  { name: "randperm(2^52)", run: () => torch.randperm(2 ** 52) },
  { name: "randperm(2^53)", run: () => torch.randperm(T53) },
  { name: "randperm(-1)", run: () => torch.randperm(-1) },
  { name: "randperm(NaN)", run: () => torch.randperm(NaN) },
  { name: "tensor([2^60], int64)", run: () => torch.tensor([2 ** 60], { dtype: "int64" }) },
  { name: "tensor(BigInt64Array [2^62])", run: () => torch.tensor(new BigInt64Array([2n ** 62n])) },
  { name: "tensor([2^31], int32)", run: () => torch.tensor([T31], { dtype: "int32" }) },
  { name: "full([2], 2^54, int64)", run: () => torch.full([2], 2 ** 54, { dtype: "int64" }) },
  { name: "randint(0, 2^60, [2])", run: () => torch.randint(0, 2 ** 60, [2]) },
  { name: "tensor([1e20]).to(int64)", run: () => torch.tensor([1e20]).to("int64") },
  { name: "ones([1,1]).expand([2^31, 2^31]).contiguous()", run: () => torch.ones([1, 1]).expand([T31, T31]).contiguous() },
  { name: "ones([1,1]).expand([2^31, 2^31]).mul(2)", run: () => torch.ones([1, 1]).expand([T31, T31]).mul(2) },
  { name: "nn.Linear(2^31, 2^31)", run: () => new torch.nn.Linear(T31, T31) },
  { name: "nn.Linear(2^32, 2)", run: () => new torch.nn.Linear(T32, 2 ** 20) },
  { name: "nn.Linear(-1, 2)", run: () => new torch.nn.Linear(-1, 2) },
  { name: "nn.Linear(NaN, 2)", run: () => new torch.nn.Linear(NaN, 2) },
  { name: "nn.Linear(1.5, 2)", run: () => new torch.nn.Linear(1.5, 2) },
  { name: "nn.Linear(2^53, 1)", run: () => new torch.nn.Linear(T53, 1) },
  { name: "nn.Conv2d(2^16, 2^16, 2^8)", run: () => new torch.nn.Conv2d(2 ** 16, 2 ** 16, 2 ** 8) },
  { name: "nn.Conv2d(3, 2^31, 2^16)", run: () => new torch.nn.Conv2d(3, T31, 2 ** 16) },
  { name: "nn.Conv2d(-1, 4, 3)", run: () => new torch.nn.Conv2d(-1, 4, 3) },
  { name: "nn.Conv2d(NaN, 4, 3)", run: () => new torch.nn.Conv2d(NaN, 4, 3) },
  { name: "nn.Conv2d(1, 4, Infinity)", run: () => new torch.nn.Conv2d(1, 4, Infinity) },
  // Valid edge cases: must succeed.
  { name: "zeros([0, 2^53 - 1])", run: () => torch.zeros([0, T53 - 1]), valid: true },
  { name: "arange(2^53 - 4, 2^53 - 1)", run: () => torch.arange(T53 - 4, T53 - 1), valid: true },
  { name: "tensor([2^53 - 1], int64)", run: () => torch.tensor([T53 - 1], { dtype: "int64" }), valid: true },
  { name: "randperm(0)", run: () => torch.randperm(0), valid: true },
);

function classify(p: Probe): [Outcome, string] {
  try {
    p.run();
    return ["ok", "accepted"];
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const line = `${e.name}: ${e.message}`;
    return [err instanceof torch.KindlingError ? "typed" : "untyped", line.length > 160 ? `${line.slice(0, 157)}...` : line];
  }
}

const counts: Record<Outcome, number> = { typed: 0, untyped: 0, ok: 0 };
let wrongValid = 0;
let slow = 0;
for (const p of probes) {
  const t0 = performance.now();
  const [outcome, detail] = classify(p);
  const ms = performance.now() - t0;
  counts[outcome]++;
  const bad = outcome === "untyped" || (p.valid === true) !== (outcome === "ok");
  if (p.valid && outcome !== "ok") wrongValid++;
  if (ms > 1000) slow++;
  console.log(`${bad ? "FAIL" : "ok  "} ${outcome.padEnd(7)} ${ms.toFixed(0).padStart(5)} ms  ${p.name}  -> ${detail}`);
}
const invalidAccepted = probes.filter((p) => !p.valid).length - counts.typed - counts.untyped;
console.log(
  `\n${probes.length} probes: ${counts.typed} typed errors, ${counts.untyped} untyped errors, ${counts.ok} accepted ` +
    `(${invalidAccepted} of them invalid requests accepted, ${wrongValid} valid requests refused), ${slow} over 1 s`,
);
if (counts.untyped > 0 || wrongValid > 0 || invalidAccepted > 0) process.exitCode = 1;
