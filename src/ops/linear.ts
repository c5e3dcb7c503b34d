import { backend, optionalKernel } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { passThrough } from "../autograd/fused.ts";
import { DTypeError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { fmtShape, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { binaryRaw, reluGradRecorded } from "./binary.ts";
import { matmul } from "./matmul.ts";
import { reduceRows, sum } from "./reduce.ts";
import { reshape, transpose } from "./views.ts";
import { denseData, freshOutput } from "./util.ts";

type F = Float32Array | Float64Array;

/**
 * y = x W^T + b as one op (PyTorch's addmm): the bias is written into the output first and the GEMM
 * accumulates onto it, and backward hands W and b their gradients directly in their own layouts —
 * dW = g^T x, db = column sums of g, dx = g W — with no transposed views or broadcast adds in the graph.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return linearOp(x, weight, bias, false);
}

/**
 * relu(linear(x, W, b)) with one kernel call forward (the bias and the ReLU in the GEMM's epilogue,
 * where the backend has "linearForward"), for a Linear followed by a ReLU whose output between them
 * no code can see (nn/chain.ts decides that). The graph is PyTorch's: ReluBackward0 over
 * AddmmBackward0; the pre-activation tensor is never materialized (ReLU's backward reads its output).
 */
export function linearRelu(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return linearOp(x, weight, bias, true);
}

function linearOp(x: Tensor, weight: Tensor, bias: Tensor | null, relu: boolean): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out_features, in_features], got shape ${fmtShape(weight.shape)}`);
  const [outF, inF] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    const rows = x.ndim <= 1 ? 1 : numelOf(x.shape.slice(0, -1));
    throw new ShapeError(`mat1 and mat2 shapes cannot be multiplied (${rows}x${x.shape[x.ndim - 1] ?? 1} and ${inF}x${outF})`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError(`linear: bias of shape ${fmtShape(bias.shape)} does not match out_features=${outF}`);
  }
  if (!isFloating(x.dtype) || x.dtype !== weight.dtype || (bias !== null && bias.dtype !== x.dtype)) {
    throw new DTypeError(`linear: expected input, weight and bias of one floating dtype, got ${x.dtype}, ${weight.dtype}${bias ? `, ${bias.dtype}` : ""}`);
  }
  const rows = numelOf(x.shape.slice(0, -1));
  const xs = denseData(x) as Float32Array | Float64Array;
  const ws = denseData(weight) as Float32Array | Float64Array;
  const out = freshOutput([...x.shape.slice(0, -1), outF], x.dtype);
  const C = out.storage as Float32Array | Float64Array;
  const k = backend();
  const bs = bias === null ? null : (denseData(bias) as F);
  const fused = optionalKernel("linearForward");
  if (!fused?.(xs, ws, bs, C, rows, outF, inF, relu)) {
    // The bias broadcast over the rows by one kernel call (a row stride of 0), not a set() per row:
    // 2048 rows per call in the Transformer step cost ~8 ms of JS per step.
    if (bs !== null) k.copy({ data: bs, offset: 0, strides: [0, 1] }, [rows, outF], C);
    k.gemm(false, true, rows, outF, inF, 1, xs, 0, inF, ws, 0, inF, bs === null ? 0 : 1, C, 0, outF);
    if (relu) k.unary("relu", C, C, C.length);
  }
  // PyTorch's graph: addmm(bias, x, weight.t()) (mm without a bias), so next_functions are [bias, x,
  // TBackward0 over the weight]. dW is computed here in W's own layout and passed through that node.
  const name = bias === null ? "MmBackward0" : "AddmmBackward0";
  const inputs = bias === null ? [x, passThrough("TBackward0", weight)] : [bias, x, passThrough("TBackward0", weight)];
  // Fused with a ReLU, the addmm node's output is a placeholder (one element broadcast, not the result's
  // memory, so it is not taken for a view of it): the node only needs to stand in the graph.
  const pre = relu ? Tensor.fromStorage(new (C.constructor as Float32ArrayConstructor)(1), out.dtype, out.shape, out.shape.map(() => 0)) : out;
  const y = record(pre, name, inputs, (g, needs0) => {
    const needs = bias === null ? [needs0[0]!, needs0[1]!, false] : [needs0[1]!, needs0[2]!, needs0[0]!];
    if (isGradEnabled()) {
      const [gx, gw, gb] = linearGradsRecorded(g, x, weight, needs);
      return bias === null ? [gx, gw] : [gb, gx, gw];
    }
    const gs = denseData(g) as Float32Array | Float64Array;
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (needs[0]) {
      gx = freshOutput(x.shape, x.dtype);
      k.gemm(false, false, rows, inF, outF, 1, gs, 0, outF, ws, 0, inF, 0, gx.storage as Float32Array | Float64Array, 0, inF);
    }
    if (needs[1]) {
      gw = freshOutput([outF, inF], weight.dtype);
      k.gemm(true, false, outF, inF, rows, 1, gs, 0, outF, xs, 0, inF, 0, gw.storage as Float32Array | Float64Array, 0, inF);
    }
    if (needs[2] && bias !== null) gb = reduceRows(gs, rows, outF, bias.dtype);
    return bias === null ? [gx, gw] : [gb, gx, gw];
  }, [x, weight]);
  if (!relu) return y;
  const saved = out.detach();
  return record(out, "ReluBackward0", [pre], (g) => [isGradEnabled() ? reluGradRecorded(g, saved) : binaryRaw("reluGrad", saved, g)], [saved]);
}

/** createGraph: dx = g W, dW = g^T x, db = column sums of g, as recorded ops over x and W themselves. */
function linearGradsRecorded(g: Tensor, x: Tensor, weight: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const [outF, inF] = weight.shape as [number, number];
  const g2 = reshape(g, [-1, outF]);
  return [
    needs[0] ? reshape(matmul(g2, weight), x.shape) : null,
    needs[1] ? matmul(transpose(g2, 0, 1), reshape(x, [-1, inF])) : null,
    needs[2] ? sum(g2, 0) : null,
  ];
}
