import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ArgumentError, DTypeError, ShapeError } from "../../src/errors.ts";
import type { DecodedImage } from "../../src/io/image/types.ts";
import "../../src/ops/methods.ts";
import { Generator } from "../../src/tensor/random.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import {
  ColorJitter, Compose, Pad, RandomErasing, RandomHorizontalFlip, RandomResizedCrop, RandomVerticalFlip, ToTensor, type Image,
  adjustBrightness, adjustContrast, adjustHue, adjustSaturation, erase, hflip, pad, randomResizedCropParams, resizedCrop, transformFromJSON, vflip,
} from "../../src/transforms/index.ts";

interface Tens { shape: number[]; dtype: "float32" | "float64"; data: number[] }
const fx = JSON.parse(readFileSync(new URL("../fixtures/vision13.json", import.meta.url), "utf8"));
const tensor = (t: Tens): Tensor => Tensor.fromStorage(t.dtype === "float32" ? Float32Array.from(t.data) : Float64Array.from(t.data), t.dtype, t.shape);

/** The fixture's uint8 [C, H, W] image as a DecodedImage (HWC). */
function decoded(chw: number[], [c, h, w]: number[]): DecodedImage {
  const data = new Uint8Array(c! * h! * w!);
  for (let k = 0; k < c!; k++) for (let i = 0; i < h! * w!; i++) data[i * c! + k] = chw[k * h! * w! + i]!;
  return { width: w!, height: h!, channels: c as 1 | 3, data };
}
/** A DecodedImage back to CHW order, to compare with torch's uint8 results. */
function chw(img: Image): number[] {
  const d = img as DecodedImage;
  const out: number[] = [];
  for (let k = 0; k < d.channels; k++) for (let i = 0; i < d.width * d.height; i++) out.push(d.data[i * d.channels + k]!);
  return out;
}

const img = {
  f32: tensor(fx.images.f32),
  f64: tensor(fx.images.f64),
  batch: tensor(fx.images.batch),
  gray1: tensor(fx.images.gray1),
  u8: decoded(fx.images.u8.data, fx.images.u8.shape),
};

function close(actual: Image, expected: Tens, tol: number, what: string): void {
  const a = actual as Tensor;
  assert.deepEqual(a.shape, expected.shape, `${what}: shape`);
  assert.equal(a.dtype, expected.dtype, `${what}: dtype`);
  const v = a.toTypedArray();
  let worst = 0;
  for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(v[i]! - expected.data[i]!));
  assert.ok(worst <= tol, `${what}: max |diff| ${worst} > ${tol}`);
}

describe("flips against torch.flip", () => {
  for (const [name, fn] of [["hflip", hflip], ["vflip", vflip]] as const) {
    it(`${name} on float32/float64/batched/gray tensors and a uint8 DecodedImage`, () => {
      for (const k of ["f32", "f64", "batch", "gray1"] as const) close(fn(img[k]), fx[name][k], 0, `${name} ${k}`);
      assert.deepEqual(chw(fn(img.u8)), fx[name].u8);
    });
  }
  it("a non-contiguous tensor flips by its values: hflip(x.T) = vflip(x).T", () => {
    const v = fx.vflip.f64.data as number[];
    const data: number[] = [];
    for (let c = 0; c < 3; c++) for (let x = 0; x < 6; x++) for (let y = 0; y < 5; y++) data.push(v[c * 30 + y * 6 + x]!);
    close(hflip(img.f64.transpose(1, 2)), { shape: [3, 6, 5], dtype: "float64", data }, 0, "transposed");
  });
});

describe("Pad against F.pad / torchvision's _pad_symmetric", () => {
  for (const [name, c] of Object.entries(fx.pad) as [string, { padding: number[]; fill: number; f64: Tens; u8: number[]; batch: Tens | null }][]) {
    const mode = name.split("_")[1] as "constant" | "edge" | "reflect" | "symmetric";
    it(`${name}: padding [${c.padding}]`, () => {
      close(new Pad(c.padding, { fill: c.fill, paddingMode: mode }).apply(img.f64), c.f64, 0, "f64");
      assert.deepEqual(chw(pad(img.u8, c.padding, 7, mode)), c.u8);
      if (c.batch) close(pad(img.batch, c.padding, c.fill, mode), c.batch, 0, "batch");
      else assert.throws(() => pad(img.batch, c.padding, c.fill, mode), /Padding size should be less than the corresponding input dimension/);
    });
  }
  it("expands 1- and 2-element paddings as torchvision", () => {
    assert.deepEqual(new Pad(3).padding, [3, 3, 3, 3]);
    assert.deepEqual(new Pad([1, 2]).padding, [1, 2, 1, 2]);
    assert.deepEqual((pad(img.f64, [1, 2]) as Tensor).shape, [3, 9, 8]);
  });
  it("refuses bad paddings and modes", () => {
    assert.throws(() => new Pad([1, 2, 3]), (e) => e instanceof ArgumentError && /1, 2, or 4 element tuple, not a 3 element tuple/.test(e.message));
    assert.throws(() => new Pad(1.5), ArgumentError);
    assert.throws(() => new Pad(1, { paddingMode: "wrap" as "edge" }), /Padding mode should be either constant, edge, reflect or symmetric/);
    assert.throws(() => pad(img.f64, [7, 0, 0, 0], 0, "symmetric"), /symmetric padding \(7, 0\) is larger than the image width of 6/);
    assert.throws(() => pad(img.f64, [-3, 0, -3, 0]), /leaves no pixels/);
    assert.throws(() => new Pad(1, { padding_mode: "edge" } as object), /unknown option 'padding_mode' \(did you mean 'paddingMode'\?\)/);
  });
});

describe("resizedCrop against slicing + F.interpolate", () => {
  for (const [name, c] of Object.entries(fx.resized_crop) as [string, { box: number[]; size: [number, number]; f64: Tens; u8: number[] }][]) {
    it(name, () => {
      const mode = name.split("_")[0] as "bilinear" | "nearest";
      const [t, l, h, w] = c.box as [number, number, number, number];
      close(resizedCrop(img.f64, t, l, h, w, c.size, mode), c.f64, 1e-12, "f64");
      // Bytes: both round halves to even, but kindling interpolates in float64 and torch in float32, so
      // bilinear may differ by one where the two land either side of a half; nearest copies pixels exactly.
      const u8 = chw(resizedCrop(img.u8, t, l, h, w, c.size, mode));
      const worst = Math.max(...u8.map((v, k) => Math.abs(v - c.u8[k]!)));
      assert.ok(worst <= (mode === "nearest" ? 0 : 1), `uint8 max |diff| ${worst}`);
    });
  }
});

describe("colour adjustments against functional_tensor's formulas", () => {
  const fns = { brightness: adjustBrightness, contrast: adjustContrast, saturation: adjustSaturation, hue: adjustHue };
  for (const [name, c] of Object.entries(fx.color) as [string, { fn: keyof typeof fns; factor: number; f32: Tens; f64: Tens; batch: Tens; gray1: Tens; u8: number[] }][]) {
    it(name, () => {
      const fn = fns[c.fn];
      close(fn(img.f32, c.factor), c.f32, 2e-7, "float32");
      close(fn(img.f64, c.factor), c.f64, 1e-15, "float64");
      close(fn(img.batch, c.factor), c.batch, 2e-7, "batch");
      close(fn(img.gray1, c.factor), c.gray1, 2e-7, "gray");
      assert.deepEqual(chw(fn(img.u8, c.factor)), c.u8, "uint8");
    });
  }
  it("refuses what torchvision refuses", () => {
    assert.throws(() => adjustHue(img.f32, 0.6), /hue_factor \(0.6\) is not in \[-0.5, 0.5\]/);
    assert.throws(() => adjustBrightness(img.f32, -1), /brightness_factor \(-1\) is not non-negative/);
    const rgba: DecodedImage = { width: 1, height: 1, channels: 4, data: new Uint8Array(4) };
    assert.throws(() => adjustContrast(rgba, 2), (e) => e instanceof ShapeError && /permitted channel values are \[1, 3\], but found 4/.test(e.message));
    assert.throws(() => adjustContrast(img.f32.to("int32"), 2), DTypeError);
    assert.throws(() => adjustContrast(Tensor.fromStorage(new Float32Array(4), "float32", [2, 2]), 2), ShapeError);
  });
});

describe("ColorJitter", () => {
  it("keeps ranges as torchvision's _check_input", () => {
    const cj = new ColorJitter({ brightness: 0.5, contrast: [0.2, 1.5], saturation: 1.4, hue: 0.1 });
    assert.deepEqual(cj.brightness, [0.5, 1.5]);
    assert.deepEqual(cj.contrast, [0.2, 1.5]);
    assert.deepEqual(cj.saturation, [0, 2.4]);
    assert.deepEqual(cj.hue, [-0.1, 0.1]);
    assert.equal(new ColorJitter().brightness, null);
    assert.throws(() => new ColorJitter({ hue: 0.6 }), /hue values should be between \(-0.5, 0.5\), but got \[-0.6, 0.6\]/);
    assert.throws(() => new ColorJitter({ brightness: -1 }), /If brightness is a single number, it must be non negative/);
    assert.throws(() => new ColorJitter({ contrast: [1, 2, 3] }), /contrast should be a single number or a list\/tuple with length 2/);
    assert.throws(() => new ColorJitter({ Hue: 0.1 } as object), /unknown option 'Hue' \(did you mean 'hue'\?\)/);
  });
  it("draws factors inside the ranges, every order, and applies them in the drawn order", () => {
    const g = new Generator(1);
    const orders = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const p = ColorJitter.getParams([0.5, 1.5], [0.8, 0.9], null, [-0.2, 0.1], g);
      orders.add(p.order.join(""));
      assert.deepEqual([...p.order].sort(), [0, 1, 2, 3]);
      assert.ok(p.brightness! >= 0.5 && p.brightness! < 1.5);
      assert.ok(p.contrast! >= 0.8 && p.contrast! < 0.9);
      assert.equal(p.saturation, null);
      assert.ok(p.hue! >= -0.2 && p.hue! < 0.1);
    }
    assert.equal(orders.size, 24);
    const cj = new ColorJitter({ brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.2 });
    const p = ColorJitter.getParams(cj.brightness, cj.contrast, cj.saturation, cj.hue, new Generator(5));
    let expected: Image = img.f64;
    const fns = [adjustBrightness, adjustContrast, adjustSaturation, adjustHue];
    const factors = [p.brightness, p.contrast, p.saturation, p.hue];
    for (const k of p.order) expected = fns[k]!(expected, factors[k]!);
    close(cj.apply(img.f64, { generator: new Generator(5) }), { shape: [3, 5, 6], dtype: "float64", data: Array.from((expected as Tensor).toTypedArray()) }, 0, "jitter");
  });
  it("round-trips through JSON", () => {
    const cj = new ColorJitter({ brightness: 0.3, hue: [-0.1, 0.2] });
    const back = transformFromJSON(cj.toJSON()) as ColorJitter;
    assert.deepEqual(back.toJSON(), cj.toJSON());
    assert.deepEqual(back.hue, [-0.1, 0.2]);
    assert.equal(back.contrast, null);
  });
});

describe("random flips", () => {
  it("flip at rate p over 2000 draws (binomial: within 4 standard deviations)", () => {
    for (const p of [0.5, 0.2]) {
      const t = new RandomHorizontalFlip(p);
      const g = new Generator(42);
      const one: DecodedImage = { width: 2, height: 1, channels: 1, data: Uint8Array.from([1, 2]) };
      let flipped = 0;
      const n = 2000;
      for (let i = 0; i < n; i++) if ((t.apply(one, { generator: g }) as DecodedImage).data[0] === 2) flipped++;
      assert.ok(Math.abs(flipped - n * p) < 4 * Math.sqrt(n * p * (1 - p)), `p=${p}: ${flipped} of ${n}`);
    }
  });
  it("p = 0 never flips, p = 1 always; vertical flips rows", () => {
    assert.equal(new RandomVerticalFlip(0).apply(img.f64), img.f64);
    close(new RandomVerticalFlip(1).apply(img.f64), fx.vflip.f64, 0, "vflip p=1");
    close(new RandomHorizontalFlip(1).apply(img.f64), fx.hflip.f64, 0, "hflip p=1");
  });
  it("same seed, same flips; JSON round trip; bad p", () => {
    const t = new RandomVerticalFlip(0.3);
    const a = seq(t, 7);
    assert.deepEqual(a, seq(t, 7));
    assert.notDeepEqual(a, seq(t, 8));
    assert.ok(a.includes(true) && a.includes(false));
    assert.deepEqual(transformFromJSON(t.toJSON()).toJSON(), { type: "RandomVerticalFlip", p: 0.3 });
    assert.throws(() => new RandomHorizontalFlip(1.5), /flip probability p should be between 0 and 1/);
    assert.throws(() => new RandomHorizontalFlip({ p: 0.5 } as unknown as number), /argument 1 \(p\) must be a number, got an object/);
  });
});

function seq(t: RandomVerticalFlip, seed: number): boolean[] {
  const g = new Generator(seed);
  return Array.from({ length: 50 }, () => t.apply(img.f64, { generator: g }) !== img.f64);
}

describe("RandomResizedCrop", () => {
  it("boxes lie inside the image, with area and ratio in range when a try fits", () => {
    const g = new Generator(3);
    const big = Tensor.fromStorage(new Float32Array(100 * 120), "float32", [1, 100, 120]);
    let fallback = 0;
    const areas: number[] = [];
    for (let k = 0; k < 500; k++) {
      const [i, j, h, w] = randomResizedCropParams(big, [0.25, 0.5], [0.5, 2], g);
      assert.ok(i >= 0 && j >= 0 && i + h <= 100 && j + w <= 120 && h > 0 && w > 0);
      const area = (h * w) / 12000;
      if (h === 100 && w === 120) fallback++;
      else {
        // Rounding each side to an int moves the area by at most about one row and one column.
        assert.ok(area > 0.25 - 0.02 && area < 0.5 + 0.02, `area ${area}`);
        assert.ok(w / h > 0.5 * 0.9 && w / h < 2 * 1.1, `ratio ${w / h}`);
        areas.push(area);
      }
    }
    assert.equal(fallback, 0);
    const mean = areas.reduce((a, b) => a + b, 0) / areas.length;
    assert.ok(Math.abs(mean - 0.375) < 0.02, `mean area fraction ${mean}`);
  });
  it("falls back to the centred crop clipped to the ratio range", () => {
    const wide = Tensor.fromStorage(new Float32Array(10 * 100), "float32", [1, 10, 100]);
    // Any area of 10x100 with ratio <= 4/3 and scale 1 does not fit: the fallback takes h = 10, w = round(10 * 4/3).
    assert.deepEqual(randomResizedCropParams(wide, [1, 1], [3 / 4, 4 / 3], new Generator(0)), [0, 43, 10, 13]);
  });
  it("applies resizedCrop with the drawn box and the given size", () => {
    const t = new RandomResizedCrop([4, 3], { scale: [0.3, 0.9], interpolation: "nearest" });
    const [i, j, h, w] = randomResizedCropParams(img.f64, t.scale, t.ratio, new Generator(11));
    const expected = resizedCrop(img.f64, i, j, h, w, [4, 3], "nearest") as Tensor;
    const out = t.apply(img.f64, { generator: new Generator(11) }) as Tensor;
    assert.deepEqual(out.shape, [3, 4, 3]);
    assert.deepEqual(Array.from(out.toTypedArray()), Array.from(expected.toTypedArray()));
    assert.deepEqual((new RandomResizedCrop(5).apply(img.u8) as DecodedImage).width, 5);
    assert.deepEqual(transformFromJSON(t.toJSON()).toJSON(), t.toJSON());
    assert.throws(() => new RandomResizedCrop([1, 2, 3]), /Please provide only two dimensions \(h, w\) for size/);
    assert.throws(() => new RandomResizedCrop(4, { scale: [0.1] as unknown as [number, number] }), /scale should be a sequence of two finite numbers/);
  });
});

describe("RandomErasing", () => {
  it("erase equals the fixture's slice assignment", () => {
    const [i, j, h, w] = fx.erase.box as [number, number, number, number];
    const v = Tensor.fromStorage(Float64Array.from(fx.erase.value), "float64", [3, 1, 1]);
    const before = Array.from(img.f64.toTypedArray());
    close(erase(img.f64, i, j, h, w, v), fx.erase.f64, 0, "erase");
    assert.deepEqual(Array.from(img.f64.toTypedArray()), before, "not in place");
    const copy = Tensor.fromStorage(Float64Array.from(before), "float64", [3, 5, 6]);
    assert.equal(erase(copy, i, j, h, w, v, true), copy);
    close(copy, fx.erase.f64, 0, "in place");
  });
  it("boxes are strictly smaller than the image, in range, filled with the value; rate p", () => {
    const t = new RandomErasing({ p: 0.7, value: [1, 2, 3], scale: [0.1, 0.3] });
    const g = new Generator(9);
    const zeros = Tensor.fromStorage(new Float32Array(3 * 20 * 30), "float32", [3, 20, 30]);
    let erased = 0;
    const n = 600;
    for (let k = 0; k < n; k++) {
      const out = t.apply(zeros, { generator: g });
      const d = out.toTypedArray();
      const count = Array.from(d).reduce((a: number, v: number) => a + (v !== 0 ? 1 : 0), 0);
      if (count === 0) continue;
      erased++;
      assert.equal(count % 3, 0);
      const area = count / 3 / 600;
      assert.ok(area >= 0.1 - 0.03 && area <= 0.3 + 0.03, `area ${area}`);
      for (let c = 0; c < 3; c++) for (let q = 0; q < 600; q++) assert.ok(d[c * 600 + q] === 0 || d[c * 600 + q] === c + 1);
    }
    assert.ok(Math.abs(erased - 0.7 * n) < 4 * Math.sqrt(n * 0.21), `${erased} of ${n}`);
  });
  it('value "random" fills with standard normals; inplace writes the input', () => {
    const t = new RandomErasing({ p: 1, value: "random", scale: [0.5, 0.5], ratio: [1, 1], inplace: true });
    const x = Tensor.fromStorage(new Float32Array(1 * 40 * 40), "float32", [1, 40, 40]);
    assert.equal(t.apply(x, { generator: new Generator(2) }), x);
    const vals = Array.from(x.toTypedArray()).filter((v) => v !== 0);
    assert.ok(vals.length > 700, `${vals.length} noise values`);
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
    assert.ok(Math.abs(mean) < 0.15 && Math.abs(sd - 1) < 0.1, `mean ${mean} sd ${sd}`);
  });
  it("an image too small for every try is returned unchanged", () => {
    // Areas of 3.6 to 4 pixels never give h < 2 and w < 2 after rounding, whatever the ratio.
    const tiny = Tensor.fromStorage(Float32Array.from([1, 2, 3, 4]), "float32", [1, 2, 2]);
    assert.equal(new RandomErasing({ p: 1, scale: [0.9, 1] }).apply(tiny, { generator: new Generator(0) }), tiny);
  });
  it("refuses DecodedImages and bad options with torchvision's messages", () => {
    assert.throws(() => new RandomErasing({ p: 1 }).apply(img.u8 as unknown as Tensor), /img should be Tensor Image/);
    assert.throws(() => new RandomErasing({ value: "noise" as "random" }), /If value is str, it should be "random"/);
    assert.throws(() => new RandomErasing({ scale: [0.1, 1.5] }), /Scale should be between 0 and 1/);
    assert.throws(() => new RandomErasing({ p: 2 }), /Random erasing probability should be between 0 and 1/);
    assert.throws(() => new RandomErasing({ p: 1, value: [1, 2] }).apply(img.f32), /either a single value or 3 \(number of input channels\)/);
    assert.throws(() => new RandomErasing({ in_place: true } as object), /unknown option 'in_place'/);
    const t = new RandomErasing({ value: [0.5, 0.2, 0.1], ratio: [0.5, 2] });
    assert.deepEqual(transformFromJSON(t.toJSON()).toJSON(), t.toJSON());
  });
});

describe("in a Compose pipeline", () => {
  it("augment a DecodedImage, ToTensor, erase: deterministic for a seed", () => {
    const pipe = new Compose([new Pad(2, { paddingMode: "reflect" }), new RandomResizedCrop(4), new RandomHorizontalFlip(), new ColorJitter({ brightness: 0.4, hue: 0.1 }), new ToTensor(), new RandomErasing()]);
    const a = pipe.apply(img.u8, { generator: new Generator(4) }) as Tensor;
    const b = (transformFromJSON(pipe.toJSON()) as typeof pipe).apply(img.u8, { generator: new Generator(4) }) as Tensor;
    assert.deepEqual(a.shape, [3, 4, 4]);
    assert.deepEqual(Array.from(a.toTypedArray()), Array.from(b.toTypedArray()));
  });
});
