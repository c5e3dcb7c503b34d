import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import { toByte } from "../../src/datasets/extra/fake_data.ts";

const { FakeData } = torch.datasets;
// scripts/fixtures/gen_fake_data.py: PyTorch 1.13's x.mul(255).byte() (ToPILImage of FakeData's float image).
const fx = JSON.parse(readFileSync(new URL("../fixtures/fake_data.json", import.meta.url), "utf8")) as { values: number[]; bytes: number[] };

describe("datasets.FakeData", () => {
  it("turns float pixels into bytes as ToPILImage's mul(255).byte() does (truncated, wrapped mod 256)", () => {
    assert.deepEqual(Array.from(Float32Array.from(fx.values), toByte), fx.bytes);
  });

  it("sample i is randn then randint from a generator seeded i + randomOffset, as bytes, HWC", () => {
    const ds = new FakeData({ size: 5, imageSize: [3, 4, 6], numClasses: 7, randomOffset: 10 });
    assert.equal(ds.length, 5);
    const [img, label] = ds.sample(2);
    const g = new torch.Generator(12);
    const values = torch.randn([3, 4, 6], { generator: g }).toTypedArray();
    const want = torch.randint(0, 7, [1], { generator: g }).item();
    assert.equal(label, want);
    assert.deepEqual([img.height, img.width, img.channels], [4, 6, 3]);
    // Pixel (y=1, x=5), channel 2 is CHW element 2 * 24 + 1 * 6 + 5.
    assert.equal(img.data[(1 * 6 + 5) * 3 + 2], toByte(values[2 * 24 + 11]!));
    assert.deepEqual(Array.from(img.data.filter((_, i) => i % 3 === 0)), Array.from(values.subarray(0, 24), toByte));
  });

  it("is the same on every read and leaves the default generator alone", () => {
    const ds = new FakeData({ size: 3, imageSize: [1, 8, 8] });
    torch.manualSeed(5);
    const a = ds.getItem(1);
    const next = torch.rand(3).tolist();
    torch.manualSeed(5);
    assert.deepEqual(torch.rand(3).tolist(), next, "reading a sample drew nothing from the default generator");
    const b = ds.getItem(1);
    assert.deepEqual(a[0].tolist(), b[0].tolist());
    assert.equal(a[1], b[1]);
    // Without a transform a sample is ToTensor'd, as kindling's other image datasets.
    assert.deepEqual([a[0].shape, a[0].dtype], [[1, 8, 8], "float32"]);
    assert.notDeepEqual(ds.getItem(0)[0].tolist(), a[0].tolist());
  });

  it("runs its transforms (dcgan's --dataset fake) and loads in worker threads", async () => {
    const transform = new torch.transforms.Compose([new torch.transforms.Resize(4), new torch.transforms.ToTensor()]);
    const ds = new FakeData({ size: 6, imageSize: [3, 8, 8], transform });
    const [x] = ds.getItem(0);
    assert.deepEqual(x.shape, [3, 4, 4]);
    const loader = new torch.utils.data.DataLoader(ds, { batchSize: 3, numWorkers: 1 });
    const batches: torch.Tensor[] = [];
    for await (const [b] of loader) batches.push(b);
    assert.deepEqual(batches.map((b) => b.shape), [[3, 3, 4, 4], [3, 3, 4, 4]]);
    assert.deepEqual(batches[0]!.index("0").tolist(), x.tolist());
  });

  it("refuses bad options and indices", () => {
    assert.throws(() => new FakeData({ size: 2 }).getItem(2), (e: Error) => e instanceof torch.IndexError && /FakeData index out of range/.test(e.message));
    assert.throws(() => new FakeData({ imageSize: [2, 4, 4] }), (e: Error) => e instanceof torch.ArgumentError && /imageSize/.test(e.message));
    assert.throws(() => new FakeData({ numClasses: 0 }), /numClasses must be positive/);
    assert.throws(() => new FakeData({ image_size: [3, 4, 4] } as never), /image_size/);
  });
});
