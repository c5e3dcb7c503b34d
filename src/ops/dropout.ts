import { releaseWhenFreed } from "../autograd/activations.ts";
import { nodesMade } from "../autograd/node.ts";
import { record } from "../autograd/record.ts";
import { backend } from "../backend/registry.ts";
import { allocUninitialized } from "../tensor/dtype.ts";
import { type Generator, defaultGenerator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { castRaw, denseData } from "./util.ts";

type Floats = Float32Array | Float64Array;

/**
 * Dropout with 0 < p < 1 as one kernel pass (Backend.dropout): the keep mask drawn, scaled by
 * 1 / (1 - p) and applied at once, with the same values and the same generator stream as the
 * composition it replaces, x * ((rand(x.shape) < 1 - p) * (1 / (1 - p))), but without its four
 * full-size temporaries and passes. Backward needs only the keep flags (a byte each, the op's own:
 * back to the storage pool when backward releases the node): g * (keep ? scale : 0).
 */
export function fusedDropout(x: Tensor, p: number, generator?: Generator): Tensor {
  const n = x.numel();
  const out = Tensor.uninitialized(x.shape, x.dtype);
  const keep = allocUninitialized("bool", n) as Uint8Array;
  const scale = dropoutInto(denseData(x) as Floats, keep, out.storage as Floats, n, p, generator);
  const since = nodesMade();
  record(out, "MulBackward0", [x], (grad) => {
    const gx = Tensor.uninitialized(x.shape, x.dtype);
    backend().dropoutBackward(keep, scale, denseData(castRaw(grad, x.dtype)) as Floats, gx.storage as Floats, n);
    return [gx];
  }, []);
  releaseWhenFreed(out, since, [keep]);
  return out;
}

/**
 * out = x * mask over n contiguous elements, mask = (U[0, 1) < 1 - p) * (1 / (1 - p)), the uniforms
 * drawn from `generator` (the default one if none); p = 1 draws them too and zeroes everything. The
 * flags go to `keep` for Backend.dropoutBackward; returns the scale it takes.
 */
export function dropoutInto(x: Floats, keep: Uint8Array, out: Floats, n: number, p: number, generator?: Generator): number {
  const g = generator ?? defaultGenerator;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  if (Object.hasOwn(g, "fillUniform")) {
    // This generator's draws were replaced (a replay of another program's random stream, as the
    // examples' tests do): take the uniforms through it, as rand(x.shape) < 1 - p would.
    const u = allocUninitialized(x instanceof Float32Array ? "float32" : "float64", n) as Floats;
    g.fillUniform(u);
    backend().binaryScalar("lt", u, x instanceof Float32Array ? Math.fround(1 - p) : 1 - p, keep, n, false);
    backend().dropoutBackward(keep, scale, x, out, n);
    return scale;
  }
  const st = g.getState();
  const state = Uint32Array.from(st.slice(0, 4));
  backend().dropout(state, 1 - p, scale, x, keep, out, n);
  g.setState([state[0]!, state[1]!, state[2]!, state[3]!, st[4]!]);
  return scale;
}
