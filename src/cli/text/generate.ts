import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError, FormatError } from "../../errors.ts";
import { multinomial } from "../../ops/multinomial.ts";
import { softmax } from "../../ops/softmax.ts";
import { Generator } from "../../tensor/random.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { loadBest } from "../checkpoint.ts";
import { buildTextModel, textModelSize, type TextModel, type TextModelConfig } from "./text_models.ts";
import { CharVocab } from "./vocab.ts";

/** Sampling text from a character model, and `kindling generate` on a saved one. */

export interface SampleOptions {
  prompt: string;
  tokens: number;
  /** Divides the logits; 0 takes the most likely character every time. */
  temperature: number;
  /** Sample among the k most likely characters only (0: all). */
  topK: number;
  generator?: Generator;
}

/** The next id from one row of logits, after temperature and top-k. */
function pick(logits: Float32Array | Float64Array, temperature: number, topK: number, g: Generator): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  const scaled = Float32Array.from(logits, (v) => v / temperature);
  if (topK > 0 && topK < scaled.length) {
    const kth = [...scaled].sort((a, b) => b - a)[topK - 1]!;
    for (let i = 0; i < scaled.length; i++) if (scaled[i]! < kth) scaled[i] = -Infinity;
  }
  const p = softmax(Tensor.fromStorage(scaled, "float32", [scaled.length]), 0);
  return multinomial(p, 1, { generator: g }).item();
}

/** The prompt followed by `tokens` sampled characters. The model sees at most its training window. */
export function sampleText(model: TextModel, vocab: CharVocab, o: SampleOptions): string {
  if (o.prompt.length === 0) throw new ArgumentError("--prompt: give at least one character to start from");
  const ids = Array.from(vocab.encode(o.prompt, "--prompt"));
  const g = o.generator ?? new Generator(0);
  const window = model.maxContext ?? 256;
  const was = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let n = 0; n < o.tokens; n++) {
        const ctx = ids.slice(-window);
        const x = Tensor.fromStorage(Float64Array.from(ctx), "int64", [1, ctx.length]);
        const logits = model.forward(x);
        const v = logits.shape[2]!;
        const last = logits.reshape(-1, v).select(0, ctx.length - 1).toTypedArray() as Float32Array | Float64Array;
        ids.push(pick(last, o.temperature, o.topK, g));
      }
    });
  } finally {
    model.train(was);
  }
  return vocab.decode(ids);
}

/** `kindling generate`: the model a charlm run saved as best, with its vocabulary. */
export async function generateFromCheckpoint(path: string, o: SampleOptions & { allowNonfinite?: boolean }): Promise<string> {
  const { tensors, meta } = await loadBest(path, { allowNonfinite: o.allowNonfinite ?? false });
  if (meta.task !== "charlm" || (meta.model.type !== "lstm" && meta.model.type !== "transformer")) {
    throw new ArgumentError(`${path}: generate needs a character language model (task "charlm"); this one is ${meta.task}`);
  }
  const model = meta.model as TextModelConfig;
  const context = meta.inputShape[0]!;
  const vocab = new CharVocab(meta.classes);
  const expected = textModelSize(model, context, vocab.size).parameters;
  const held = Object.values(tensors).reduce((n, t) => n + t.numel(), 0);
  if (expected !== held) throw new FormatError(`${path}: its kindling.model metadata describes ${expected} weights but the file holds ${held} (a damaged checkpoint)`);
  const net = buildTextModel(model, vocab.size, context);
  net.loadStateDict(tensors);
  return sampleText(net, vocab, o);
}
