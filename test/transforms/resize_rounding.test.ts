import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import type { DecodedImage } from "../../src/transforms/index.ts";

const { Resize } = torch.transforms;

interface Case {
  shape: [number, number, number];
  size: [number, number];
  input: number[];
  output: number[];
  halves: number;
}
// scripts/fixtures/gen_resize_rounding.py: torchvision 0.14's tensor-path resize (float32 interpolate, torch.round).
const fx = JSON.parse(readFileSync(new URL("../fixtures/resize_rounding.json", import.meta.url), "utf8")) as Record<string, Case>;

/** CHW values as an HWC 8-bit image. */
function decoded([c, h, w]: [number, number, number], chw: number[]): DecodedImage {
  const data = new Uint8Array(c * h * w);
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) data[i * c + k] = chw[k * h * w + i]!;
  return { width: w, height: h, channels: c as 1 | 3, data };
}

function chw(img: DecodedImage): number[] {
  const { width: w, height: h, channels: c, data } = img;
  const out: number[] = [];
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) out.push(data[i * c + k]!);
  return out;
}

describe("Resize of integer images rounds halves to even, as torchvision's torch.round", () => {
  for (const [name, c] of Object.entries(fx)) {
    it(`${name}: ${c.shape.join("x")} -> ${c.size.join("x")} (${c.halves} exact halves)`, () => {
      const resize = new Resize(c.size);
      // An int32 tensor image (torchvision's tensor path itself).
      const t = resize.apply(torch.tensor(c.input, { dtype: "int32" }).view(...c.shape)) as torch.Tensor;
      assert.deepEqual(t.shape, [c.shape[0], ...c.size]);
      assert.equal(t.dtype, "int32");
      assert.deepEqual(t.toTypedArray().length, c.output.length);
      assert.deepEqual(Array.from(t.toTypedArray()), c.output);
      // An 8-bit decoded image goes through the same arithmetic.
      const img = resize.apply(decoded(c.shape, c.input)) as DecodedImage;
      assert.deepEqual(chw(img), c.output);
    });
  }
});
