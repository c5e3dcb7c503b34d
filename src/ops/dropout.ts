import { releaseWhenFreed } from "../autograd/activations.ts";
import { nodesMade } from "../autograd/node.ts";
import { record } from "../autograd/record.ts";
import { backend } from "../backend/registry.ts";
import { allocUninitialized } from "../tensor/dtype.ts";
import { type Generator, defaultGenerator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { mul } from "./elementwise.ts";
import { denseData } from "./util.ts";

type Floats = Float32Array | Float64Array;

/**
 * Dropout with 0 < p < 1 as one kernel pass (Backend.dropout): the keep mask drawn, scaled by
 * 1 / (1 - p) and applied at once, with the same values and the same generator stream as the
 * composition it replaces, x * ((rand(x.shape) < 1 - p) * (1 / (1 - p))), but without its four
 * full-size temporaries and passes. The mask (0 or the scale) is kept for backward: g * mask.
 */
export function fusedDropout(x: Tensor, p: number, generator?: Generator): Tensor {
  const n = x.numel();
  const maskData = allocUninitialized(x.dtype, n) as Floats;
  const out = Tensor.uninitialized(x.shape, x.dtype);
  dropoutInto(denseData(x) as Floats, maskData, out.storage as Floats, n, p, generator);
  const mask = Tensor.fromStorage(maskData, x.dtype, x.shape);
  const since = nodesMade();
  record(out, "MulBackward0", [x], (grad) => [mul(grad, mask)], []);
  // the mask is the op's own: back to the storage pool when backward releases the node (or now)
  releaseWhenFreed(out, since, [maskData]);
  return out;
}

/**
 * mask = (U[0, 1) < 1 - p) * scale and out = x * mask over n contiguous elements, the uniforms drawn
 * from `generator` (the default one if none); p = 1 draws them too and zeroes everything.
 */
export function dropoutInto(x: Floats, mask: Floats, out: Floats, n: number, p: number, generator?: Generator): void {
  const g = generator ?? defaultGenerator;
  const st = g.getState();
  const state = Uint32Array.from(st.slice(0, 4));
  backend().dropout(state, 1 - p, p === 1 ? 0 : 1 / (1 - p), x, mask, out, n);
  g.setState([state[0]!, state[1]!, state[2]!, state[3]!, st[4]!]);
}
