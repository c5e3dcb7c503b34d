// Devices: torch.device, tensor.device, tensor.to(device | dtype | tensor | options), cpu()/cuda(), and
// the device option of creation functions. Messages of the parser come from PyTorch 1.13; any device
// but the cpu is kindling's ArgumentError naming what exists.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";

const UNAVAILABLE = /^device 'cuda(:\d)?' is not available: kindling runs on 'cpu' only \(backends: [a-z, ]*js; pick one with torch\.setBackend\)$/;

test("torch.device: PyTorch's spellings, frozen and compared with ===", () => {
  const cpu = torch.device("cpu");
  assert.equal(cpu.type, "cpu");
  assert.equal(cpu.index, null);
  assert.equal(String(cpu), "cpu");
  assert.equal(cpu, torch.device("cpu"));
  assert.notEqual(cpu, torch.device("cpu:0"));
  assert.equal(String(torch.device("cuda", 1)), "cuda:1");
  assert.equal(torch.device("mps").type, "mps");
  assert.ok(Object.isFrozen(cpu));
  assert.equal(torch.device(cpu), cpu);
  assert.throws(() => torch.device("foo"), /^ArgumentError: Expected one of cpu, cuda, .* device type at start of device string: foo$/);
  assert.throws(() => torch.device("cuda:-1"), /Invalid device string: 'cuda:-1'/);
  assert.throws(() => torch.device("cpu", -1), /Device index must not be negative/);
  assert.throws(() => torch.device(3 as never), torch.ArgumentError);
});

test("tensor.device, cpu(), to(): the same tensor when nothing changes, a cast for a dtype", () => {
  const x = torch.tensor([1, 2.5], { requiresGrad: true });
  assert.equal(x.device, torch.device("cpu"));
  assert.equal(x.device.type, "cpu");
  assert.equal(x.isCuda, false);
  assert.equal(x.cpu(), x);
  assert.equal(x.to("cpu"), x);
  assert.equal(x.to(torch.device("cpu")), x);
  assert.equal(x.to("float32"), x);
  assert.equal(x.to("cpu", "float32"), x);
  assert.equal(x.to(x), x);
  const y = x.to(torch.device("cpu"), "float64");
  assert.equal(y.dtype, "float64");
  assert.deepEqual(y.tolist(), [1, 2.5]);
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [1, 1]);
  assert.equal(x.to(torch.zeros([1], { dtype: "float64" })).dtype, "float64");
  assert.equal(x.to({ dtype: "int64" }).dtype, "int64");
  const copy = x.to("cpu", { copy: true });
  assert.notEqual(copy, x);
  assert.deepEqual(copy.tolist(), [1, 2.5]);
  assert.equal(x.to({ device: "cpu", nonBlocking: true }), x);
});

test("cuda and other devices are a clear error, wherever they are asked for", () => {
  const x = torch.ones([2]);
  for (const f of [() => x.to("cuda"), () => x.cuda(), () => x.to(torch.device("cuda:0")), () => x.to({ device: "cuda" })]) {
    assert.throws(f, (e: unknown) => e instanceof torch.ArgumentError && UNAVAILABLE.test(e.message));
  }
  assert.throws(() => x.to("mps"), /device 'mps' is not available/);
  assert.throws(() => torch.zeros([2], { device: "cuda" }), (e: unknown) => e instanceof torch.ArgumentError && UNAVAILABLE.test(e.message));
  const unavailable = (e: unknown) => e instanceof torch.ArgumentError && UNAVAILABLE.test(e.message);
  assert.throws(() => torch.tensor([1], { device: "cuda:1" }), unavailable);
  assert.throws(() => torch.randn([2], { device: "cuda" }), unavailable);
  assert.throws(() => x.to("cpu", "cpu" as never), torch.DTypeError);
  assert.throws(() => x.to(1 as never), torch.ArgumentError);
  assert.throws(() => x.to({ devise: "cpu" } as never), /did you mean 'device'/);
});

test("creation functions take { device: 'cpu' }", () => {
  assert.deepEqual(torch.zeros([2], { device: "cpu" }).tolist(), [0, 0]);
  assert.deepEqual(torch.arange(3, { device: torch.device("cpu") }).tolist(), [0, 1, 2]);
  assert.deepEqual(torch.tensor([1, 2], { device: "cpu", dtype: "float64" }).tolist(), [1, 2]);
  assert.deepEqual(torch.onesLike(torch.zeros([2]), { device: "cpu" }).tolist(), [1, 1]);
  assert.equal(torch.randn([2, 2], { device: "cpu:0" }).device.type, "cpu");
});
