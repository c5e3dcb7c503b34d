/**
 * torch.load's map_location against PyTorch 1.13 (scripts/fixtures/gen_map_location.py): the loaded tensors
 * for each location a CPU-only program can map to, and PyTorch's message for the ones it cannot.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as torch from "../../src/index.ts";
import { ArgumentError } from "../../src/errors.ts";
import type { MapLocation } from "../../src/io/checkpoint.ts";

type Saved = [torch.DType, number[], number[]];
interface Case {
  name: string;
  mapLocation: { device?: string; torchDevice?: string; dict?: Record<string, string>; fn?: "identity" };
  tensors?: Record<string, [string, number[], number[], string]>;
  error?: [string, string];
}
const fx = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/map_location.json", import.meta.url)), "utf8")) as {
  saved: Record<string, Saved>;
  cases: Case[];
};

function mapLocationOf(spec: Case["mapLocation"]): MapLocation {
  if (spec.device !== undefined) return spec.device;
  if (spec.torchDevice !== undefined) return torch.device(spec.torchDevice);
  if (spec.dict !== undefined) return spec.dict;
  return (t: torch.Tensor) => t;
}

describe("torch.load(f, { mapLocation }) as torch.load(f, map_location=...)", async () => {
  const bytes = await torch.save(Object.fromEntries(Object.entries(fx.saved).map(([k, [dtype, shape, values]]) => [k, torch.tensor(values, { dtype }).reshape(shape)])));
  for (const c of fx.cases) {
    it(c.name, async () => {
      const load = () => torch.load(bytes, { mapLocation: mapLocationOf(c.mapLocation) });
      if (c.error !== undefined) {
        // PyTorch's RuntimeError is kindling's ArgumentError, with PyTorch's message.
        await assert.rejects(load, (e: unknown) => e instanceof ArgumentError && e.message.endsWith(c.error![1]));
        return;
      }
      const sd = await load();
      assert.deepEqual(Object.keys(sd).sort(), Object.keys(c.tensors!).sort());
      for (const [k, [dtype, shape, values, dev]] of Object.entries(c.tensors!)) {
        const t = sd[k]!;
        assert.equal(t.dtype, dtype, k);
        assert.deepEqual([...t.shape], shape, k);
        assert.deepEqual([...t.toTypedArray()].map(Number), values, k);
        assert.equal(String(t.device), dev, k);
      }
    });
  }
  it("refuses a map location that is none of a device, a dict or a function", async () => {
    await assert.rejects(() => torch.load(bytes, { mapLocation: 3 as unknown as MapLocation }), /mapLocation.*number/);
    await assert.rejects(() => torch.load(bytes, { mapLocation: { cpu: 3 } as unknown as MapLocation }), /map location must be a device string or a Device/);
  });
});
