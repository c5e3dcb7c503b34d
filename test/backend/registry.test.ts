/**
 * The kernel registry (src/backend/kernels.ts): kernels by name, "fast kernel, else the JS reference"
 * composed in one place, optional kernels by name, the native addon's ABI check, and getNumThreads
 * reporting the threads that really run.
 */
import assert from "node:assert/strict";
import test from "node:test";
import { availableBackends, getNumThreads, optionalKernel, setBackend, setNumThreads } from "../../src/backend/index.ts";
import { jsBackend, jsRegistry } from "../../src/backend/js/index.ts";
import { KERNEL_NAMES, KernelRegistry, withFallback } from "../../src/backend/kernels.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { NATIVE_ABI_VERSION, checkAbi, loadNative } from "../../src/backend/native/loader.ts";
import { createWasmBackend, loadWasmBackend } from "../../src/backend/wasm/index.ts";

const view = (data: Float64Array | Float32Array) => ({ data, offset: 0, strides: [1] });

test("kernels are looked up by name; a backend lacking one runs the JS kernel of that name", () => {
  assert.equal(jsRegistry.kernel("gemm"), jsBackend.gemm);
  const fake = new KernelRegistry("fake", jsRegistry).registerFast("unary", () => false);
  assert.equal(fake.has("binary"), false);
  assert.equal(fake.kernel("binary"), jsRegistry.kernel("binary"));
  const b = fake.view();
  assert.equal(b.name, "fake");
  assert.equal(b.binary, jsBackend.binary, "the view holds the reference kernel itself");
  assert.equal(b.registry, fake);
  for (const k of KERNEL_NAMES) assert.equal(typeof b[k], "function", k);
  const out = new Float64Array(2);
  b.binary("add", view(Float64Array.of(1, 2)), view(Float64Array.of(10, 20)), out, [2]);
  assert.deepEqual([...out], [11, 22]);
  assert.throws(() => new KernelRegistry("alone").kernel("unary"), /backend 'alone' has no kernel 'unary'/);
  assert.throws(() => new KernelRegistry("alone").registerFast("unary", () => true), /no reference/);
});

test("a fast kernel that declines its arguments falls back to the JS kernel; one that accepts runs alone", () => {
  const calls: string[] = [];
  const fake = new KernelRegistry("fake", jsRegistry).registerAllFast({
    // Takes float32 only, and writes 7s so the test can tell who ran.
    unary: (_op, x, out, n) => {
      calls.push(x.constructor.name);
      if (!(x instanceof Float32Array)) return false;
      out.fill(7, 0, n);
      return true;
    },
    reduce: () => false,
  });
  const b = fake.view();
  const o32 = new Float32Array(3);
  b.unary("neg", Float32Array.of(1, 2, 3), o32, 3);
  assert.deepEqual([...o32], [7, 7, 7]);
  const o64 = new Float64Array(3);
  b.unary("neg", Float64Array.of(1, 2, 3), o64, 3);
  assert.deepEqual([...o64], [-1, -2, -3], "declined: the JS kernel ran");
  assert.deepEqual(calls, ["Float32Array", "Float64Array"]);
  const sums = new Float64Array(2);
  b.reduce("sum", Float64Array.of(1, 2, 3, 4), sums, 2, 2, 1);
  assert.deepEqual([...sums], [3, 7]);

  let ref = 0;
  const f = withFallback((n: number) => n > 0, () => { ref++; });
  f(1); f(-1); f(0);
  assert.equal(ref, 2);
});

test("optional kernels by name: present where a backend registers them, undefined elsewhere", () => {
  assert.equal(jsBackend.optionalKernel?.("convPasses"), undefined);
  assert.equal(jsBackend.optionalKernel?.("fusedOptimizer"), undefined);
  const wasm = loadWasmBackend();
  if (wasm) {
    assert.equal(wasm.optionalKernel?.("fusedOptimizer"), wasm.fusedOptimizer);
    assert.equal(typeof wasm.optionalKernel?.("fusedOptimizer")?.sgdStep, "function");
    assert.equal(typeof wasm.optionalKernel?.("convPasses")?.forward, "function");
  }
  const native = loadNativeBackend();
  if (native) {
    assert.equal(typeof native.optionalKernel?.("convPasses")?.forward, "function");
    assert.equal(typeof native.optionalKernel?.("fusedOptimizer")?.adamStep, "function");
  }
  const fake = new KernelRegistry("fake", jsRegistry);
  assert.equal(fake.view().optionalKernel?.("convPasses"), undefined);
  try {
    for (const name of availableBackends()) {
      setBackend(name);
      const want = { js: [false, false], wasm: [true, true], native: [true, true] }[name];
      assert.deepEqual([optionalKernel("convPasses") !== undefined, optionalKernel("fusedOptimizer") !== undefined], want, name);
    }
  } finally {
    setBackend("js");
  }
});

test("the native loader refuses an addon of another ABI version, with one warning naming both", () => {
  const warnings: string[] = [];
  const fake = { abiVersion: NATIVE_ABI_VERSION + 1, gemm: () => undefined };
  assert.equal(checkAbi(fake, (m) => warnings.push(m)), null);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`ABI version ${NATIVE_ABI_VERSION + 1} but kindling expects version ${NATIVE_ABI_VERSION}`));
  assert.match(warnings[0]!, /run npm rebuild/);
  // A build from before versions existed has every old member but no abiVersion: not probed, refused.
  assert.equal(checkAbi({ gemm: () => undefined, unary: () => true }, (m) => warnings.push(m)), null);
  assert.match(warnings[1]!, new RegExp(`no version .* expects version ${NATIVE_ABI_VERSION}`));
  assert.equal(checkAbi(null, (m) => warnings.push(m)), null);
  const good = { abiVersion: NATIVE_ABI_VERSION };
  assert.equal(checkAbi(good, (m) => warnings.push(m)), good);
  assert.equal(warnings.length, 3);
  const addon = loadNative();
  if (addon) assert.equal(addon.abiVersion, NATIVE_ABI_VERSION, "the built addon matches (else it would not load)");
});

test("getNumThreads reports the threads the current backend really runs", async () => {
  setBackend("js");
  setNumThreads(4);
  assert.equal(getNumThreads(), 1, "js runs on the calling thread only");
  assert.equal(jsBackend.getNumThreads?.(), 1);

  const noShared = createWasmBackend({ shared: false, threads: 4 });
  if (noShared) assert.equal(noShared.getNumThreads(), 1, "no shared memory: no workers");
  const wasm = createWasmBackend({ threads: 2 });
  if (wasm) {
    assert.equal(wasm.getNumThreads(), 1, "workers start on the first large GEMM, not before");
    assert.match(wasm.describe(), /, 1 thread$/);
    if (wasm.info().shared) {
      await wasm.whenReady();
      assert.equal(wasm.getNumThreads(), 2);
      assert.match(wasm.describe(), /, 2 threads$/);
      wasm.setNumThreads(1);
      assert.equal(wasm.getNumThreads(), 1, "a pool left asleep runs nothing");
    }
    await wasm.dispose();
  }

  const addon = loadNative();
  if (addon) {
    const saved = addon.getNumThreads();
    try {
      setBackend("native");
      setNumThreads(3);
      assert.equal(getNumThreads(), 3);
      assert.equal(addon.getNumThreads(), 3);
    } finally {
      setNumThreads(saved);
      setBackend("js");
    }
  }
});
