import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

test("torch.backends.cudnn reads as in a CPU-only PyTorch 1.13 build; its flags can be set (dcgan's cudnn.benchmark = True)", () => {
  const { cudnn } = torch.backends;
  // PyTorch 1.13 (CPU): is_available() False, version() None, enabled True, benchmark False, deterministic False, allow_tf32 True.
  assert.equal(cudnn.isAvailable(), false);
  assert.equal(cudnn.version(), null);
  assert.deepEqual([cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allowTf32], [true, false, false, true]);
  const saved = cudnn.benchmark;
  try {
    cudnn.benchmark = true;
    assert.equal(torch.backends.cudnn.benchmark, true);
  } finally {
    cudnn.benchmark = saved;
  }
  // Sealed: a misspelt flag is an error rather than a silently ignored new property (ESM code is strict).
  assert.throws(() => {
    (cudnn as unknown as Record<string, unknown>).benchmarks = true;
  }, TypeError);
});
