/**
 * Builds the kindling module of a fixture case (scripts/fixtures/gen_attention.py writes the specs) and
 * runs its forward the way the generator ran PyTorch's.
 */
import { readFileSync } from "node:fs";
import * as torch from "../../../src/index.ts";
import { type TensJson, fromJson } from "../../helpers/fixture.ts";

const { nn } = torch;
type Tensor = torch.Tensor;

export interface AttnCase {
  name: string;
  kind: "sdpa" | "mha" | "encoderLayer" | "encoder" | "decoderLayer" | "decoder" | "transformer";
  dtype: "float32" | "float64";
  spec: { embedDim?: number; numHeads?: number; dModel?: number; nhead?: number; numLayers?: number; norm?: boolean; opts?: Record<string, unknown> };
  state: Record<string, TensJson>;
  inputs: Record<string, TensJson>;
  same: Record<string, string>;
  transposed: string[];
  forward: Record<string, TensJson | boolean | number>;
  gradMasks: string[];
  output: TensJson;
  weights: TensJson | null;
  gradOutput: TensJson;
  gradWeights: TensJson | null;
  inputGrads: Record<string, TensJson>;
  maskGrads: Record<string, TensJson>;
  paramGrads: Record<string, TensJson>;
  repr: string | null;
}

const ACTIVATIONS: Record<string, (x: Tensor) => Tensor> = { "fn:tanh": (x) => torch.tanh(x) };

function layerOpts(o: Record<string, unknown> = {}): Record<string, unknown> {
  const a = o.activation;
  return typeof a === "string" && a in ACTIVATIONS ? { ...o, activation: ACTIVATIONS[a] } : { ...o };
}

export function buildModule(c: AttnCase): torch.nn.AnyModule | null {
  const s = c.spec;
  const o = layerOpts(s.opts) as never;
  switch (c.kind) {
    case "sdpa":
      return null;
    case "mha":
      return new nn.MultiheadAttention(s.embedDim!, s.numHeads!, o) as unknown as torch.nn.AnyModule;
    case "encoderLayer":
      return new nn.TransformerEncoderLayer(s.dModel!, s.nhead!, o) as unknown as torch.nn.AnyModule;
    case "decoderLayer":
      return new nn.TransformerDecoderLayer(s.dModel!, s.nhead!, o) as unknown as torch.nn.AnyModule;
    case "encoder": {
      const layer = new nn.TransformerEncoderLayer(s.dModel!, s.nhead!, o) as unknown as torch.nn.AnyModule;
      return new nn.TransformerEncoder(layer, s.numLayers!, { norm: s.norm ? new nn.LayerNorm(s.dModel!) : null }) as unknown as torch.nn.AnyModule;
    }
    case "decoder": {
      const layer = new nn.TransformerDecoderLayer(s.dModel!, s.nhead!, o) as unknown as torch.nn.AnyModule;
      return new nn.TransformerDecoder(layer, s.numLayers!, { norm: s.norm ? new nn.LayerNorm(s.dModel!) : null }) as unknown as torch.nn.AnyModule;
    }
    case "transformer":
      return new nn.Transformer(o) as unknown as torch.nn.AnyModule;
  }
}

export interface Ran {
  out: Tensor;
  weights: Tensor | null;
  leaves: Record<string, Tensor>;
  masks: Record<string, Tensor>;
}

const ORDER: Record<AttnCase["kind"], string[]> = {
  sdpa: ["query", "key", "value"],
  mha: ["query", "key", "value"],
  encoderLayer: ["src"],
  encoder: ["src"],
  decoderLayer: ["tgt", "memory"],
  decoder: ["tgt", "memory"],
  transformer: ["src", "tgt"],
};

/** Forward of the case's inputs (leaves requiring grad; `same` ones passed as one tensor). */
export function runForward(c: AttnCase, module: torch.nn.AnyModule | null): Ran {
  const leaves: Record<string, Tensor> = {};
  const args: Record<string, Tensor> = {};
  for (const [n, t] of Object.entries(c.inputs)) {
    leaves[n] = fromJson(t, true);
    args[n] = c.transposed.includes(n) ? leaves[n].transpose(0, 1) : leaves[n];
  }
  for (const [n, other] of Object.entries(c.same)) args[n] = args[other]!;
  const masks: Record<string, Tensor> = {};
  const fwd: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.forward)) {
    if (typeof v === "object") {
      const t = fromJson(v, c.gradMasks.includes(k));
      masks[k] = t;
      fwd[k] = t;
    } else {
      fwd[k] = v;
    }
  }
  const pos = ORDER[c.kind].map((n) => args[n]!);
  if (c.kind === "sdpa") {
    return { out: nn.F.scaledDotProductAttention(pos[0]!, pos[1]!, pos[2]!, fwd), weights: null, leaves, masks };
  }
  const res = module!.forward(...pos, fwd) as Tensor | [Tensor, Tensor | null];
  if (Array.isArray(res)) return { out: res[0], weights: res[1], leaves, masks };
  return { out: res, weights: null, leaves, masks };
}

export function loadState(c: AttnCase): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)]));
}

const SPECIAL: Record<string, number> = { inf: Infinity, "-inf": -Infinity, nan: NaN };

/** A fixture file, with the "inf" / "-inf" / "nan" that fixture_json.py writes for JSON's missing numbers. */
export function readCases(file: string): AttnCase[] {
  const text = readFileSync(new URL(`../../fixtures/${file}`, import.meta.url), "utf8");
  const parsed = JSON.parse(text, (_k, v: unknown) => (typeof v === "string" && v in SPECIAL ? SPECIAL[v] : v)) as { cases: AttnCase[] };
  return parsed.cases;
}
