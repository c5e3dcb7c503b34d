/** kindling's DataLoader, samplers, random_split and default collate against PyTorch 1.13 (test/fixtures/data.json). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Tensor } from "../../src/tensor/tensor.ts";
import { type DType, allocStorage } from "../../src/tensor/dtype.ts";
import { arange } from "../../src/tensor/creation.ts";
import "../../src/ops/methods.ts";
import { DataLoader, TensorDataset, defaultCollate, randomSplit } from "../../src/utils/data/index.ts";
import { BatchSampler, SequentialSampler } from "../../src/utils/data/samplers.ts";
import { Generator } from "../../src/tensor/random.ts";

type Spec = { [kind: string]: unknown };
interface TensorSpec {
  dtype: DType;
  shape: number[];
  values: (number | boolean)[];
}

const fixtures = JSON.parse(readFileSync(new URL("../fixtures/data.json", import.meta.url), "utf8"));

/** The spec language of gen_data.py, built as the JS values a kindling dataset would return. */
function build(spec: Spec): unknown {
  const [[kind, v]] = Object.entries(spec) as [[string, unknown]];
  switch (kind) {
    case "tensor": {
      const t = v as TensorSpec;
      const s = allocStorage(t.dtype, t.values.length);
      t.values.forEach((x, i) => (s[i] = Number(x)));
      return Tensor.fromStorage(s, t.dtype, t.shape);
    }
    case "ndarray": {
      const a = v as TensorSpec;
      return a.dtype === "float32" ? Float32Array.from(a.values as number[]) : a.dtype === "float64" ? Float64Array.from(a.values as number[]) : Int32Array.from(a.values as number[]);
    }
    case "int":
    case "float":
    case "bool":
    case "str":
      return v;
    case "list":
    case "tuple":
      return (v as Spec[]).map(build);
    case "dict":
      return Object.fromEntries(Object.entries(v as Record<string, Spec>).map(([k, e]) => [k, build(e)]));
  }
  throw new Error(`unknown spec kind ${kind}`);
}

function describeValue(x: unknown): unknown {
  if (x instanceof Tensor) {
    const values = x.tolist();
    const flat = Array.isArray(values) ? (values as unknown[]).flat(Infinity) : [values];
    return { tensor: { shape: [...x.shape], dtype: x.dtype, values: flat } };
  }
  if (typeof x === "string") return x;
  if (Array.isArray(x)) return x.map(describeValue);
  if (x && typeof x === "object") return { dict: Object.fromEntries(Object.entries(x).map(([k, e]) => [k, describeValue(e)])) };
  throw new Error(`unexpected collate output ${String(x)}`);
}

describe("DataLoader length (PyTorch)", () => {
  it("matches len(DataLoader) with and without dropLast", () => {
    for (const c of fixtures.loader_lengths) {
      const ds = { length: c.n, getItem: (i: number) => i };
      const dl = new DataLoader(ds, { batchSize: c.batchSize, dropLast: c.dropLast });
      assert.equal(dl.length, c.length, JSON.stringify(c));
      if (c.n <= 100) assert.equal([...dl].length, c.length);
    }
  });
});

describe("sequential DataLoader batches (PyTorch)", () => {
  it("yields TensorDataset rows in order, last batch short unless dropLast", () => {
    for (const c of fixtures.sequential) {
      const ds = new TensorDataset(arange(c.n * 2).reshape(c.n, 2), arange(c.n));
      const got = [...new DataLoader(ds, { batchSize: c.batchSize, dropLast: c.dropLast })].map(([x, y]) => [x!.tolist(), y!.tolist()]);
      assert.deepEqual(got, c.batches, JSON.stringify({ n: c.n, bs: c.batchSize }));
    }
  });
});

describe("BatchSampler (PyTorch)", () => {
  it("gives the exact batches", () => {
    for (const c of fixtures.batch_sampler) {
      const s = new BatchSampler(new SequentialSampler({ length: c.n }), c.batchSize, c.dropLast);
      assert.deepEqual([...s], c.batches);
      assert.equal(s.length, c.batches.length);
    }
  });
});

describe("randomSplit (PyTorch)", () => {
  it("gives PyTorch's sizes from fractions and lengths, partitioning the indices", () => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      for (const c of fixtures.random_split) {
        const ds = { length: c.n, getItem: (i: number) => i };
        const parts = randomSplit(ds, c.lengths, new Generator(1));
        assert.deepEqual(parts.map((p) => p.length), c.sizes, JSON.stringify(c.lengths));
        const all = parts.flatMap((p) => [...p.indices]).sort((a, b) => a - b);
        assert.deepEqual(all, Array.from({ length: c.n }, (_, i) => i));
      }
    } finally {
      console.warn = warn;
    }
  });
});

describe("defaultCollate (PyTorch)", () => {
  for (const [name, c] of Object.entries(fixtures.collate) as [string, { batch: Spec[]; output: unknown }][]) {
    it(`collates ${name} like default_collate`, () => {
      const out = defaultCollate(c.batch.map(build));
      assert.deepEqual(describeValue(out), c.output);
    });
  }
});
