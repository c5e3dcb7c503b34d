/**
 * Builds kindling modules from the layer SPECs of scripts/fixtures/gen_nn_cnn.py
 * ({type, args: positional, opts: camelCase options}), the same way its `build` makes PyTorch's.
 */
import * as torch from "../../src/index.ts";

const { nn } = torch;

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };

export interface LayerSpec {
  type: string;
  args: Json[];
  opts: Record<string, Json>;
}

export type DTypeName = "float32" | "float64";

export function buildLayer(spec: LayerSpec, dtype?: DTypeName): torch.nn.AnyModule {
  const a = spec.args;
  const o = spec.opts as Record<string, never>;
  const n = (i: number) => a[i] as number;
  const ks = (i: number) => a[i] as number | number[];
  const withDtype = { ...o, dtype };
  switch (spec.type) {
    case "Sequential":
      return new nn.Sequential(...(a as unknown as LayerSpec[]).map((s) => buildLayer(s, dtype)));
    case "Conv2d":
      return new nn.Conv2d(n(0), n(1), ks(2), withDtype);
    case "Conv1d":
      return new nn.Conv1d(n(0), n(1), ks(2), withDtype);
    case "MaxPool2d":
      return new nn.MaxPool2d(ks(0), o) as torch.nn.AnyModule;
    case "AvgPool2d":
      return new nn.AvgPool2d(ks(0), o);
    case "AdaptiveAvgPool2d":
      return new nn.AdaptiveAvgPool2d(a[0] as number | (number | null)[]);
    case "BatchNorm1d":
      return new nn.BatchNorm1d(n(0), withDtype);
    case "BatchNorm2d":
      return new nn.BatchNorm2d(n(0), withDtype);
    case "LayerNorm":
      return new nn.LayerNorm(ks(0), withDtype);
    case "Dropout2d":
      return a.length > 0 ? new nn.Dropout2d(n(0)) : new nn.Dropout2d();
    case "Dropout":
      return new nn.Dropout(n(0));
    case "Linear":
      return new nn.Linear(n(0), n(1), withDtype);
    case "ReLU":
      return new nn.ReLU();
    case "Flatten":
      return new nn.Flatten();
    default:
      throw new Error(`unknown layer ${spec.type}`);
  }
}
