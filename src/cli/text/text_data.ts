import { readTextFileChecked } from "../../io/file.ts";
import type { Generator as RandomGenerator } from "../../tensor/random.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { ConfigError, type ResolvedConfig } from "../config.ts";
import { loadBrown } from "./corpus.ts";
import { CharVocab } from "./vocab.ts";

/**
 * A text task's data: the corpus as character ids, split 9:1 by position (the last tenth is the
 * validation text, so no window of it was seen in training), and random training windows.
 */

export interface TextData {
  vocab: CharVocab;
  train: Int32Array;
  valid: Int32Array;
  seqLen: number;
  /** The validation characters evaluated each epoch (a prefix of the validation text). */
  validChars: number;
  description: string;
}

/** Text files beyond this are not a corpus a character model trains on in minutes. */
const MAX_TEXT_BYTES = 1 << 30;
const DEFAULT_VALID_CHARS = 1 << 17;

type TextSource = Extract<ResolvedConfig["data"], { source: "brown" | "text" }>;

export function loadTextData(config: ResolvedConfig): TextData {
  const d = config.data as TextSource;
  const text = d.source === "brown" ? loadBrown(d.genres) : readTextFileChecked(d.path, { what: "text file", maxBytes: MAX_TEXT_BYTES });
  const vocab = CharVocab.fromText(text);
  const ids = vocab.encode(text);
  const cut = Math.floor(ids.length * 0.9);
  const train = ids.subarray(0, cut);
  const valid = ids.subarray(cut);
  for (const [name, part] of [["training", train], ["validation", valid]] as const) {
    if (part.length < d.seqLen + 1) {
      throw new ConfigError(`${config.source}: data.seqLen: the ${name} text has ${part.length} characters, fewer than seqLen + 1 = ${d.seqLen + 1}; use a shorter seqLen or more text`);
    }
  }
  const validChars = Math.min(valid.length, d.validChars ?? DEFAULT_VALID_CHARS);
  const from = d.source === "brown" ? `Brown corpus${d.genres ? ` (genres ${d.genres.join("")})` : ""}` : d.path;
  return {
    vocab, train, valid, seqLen: d.seqLen, validChars,
    description: `${from}: ${ids.length} characters, vocabulary ${vocab.size}, split 9:1 by position (${train.length} train, ${valid.length} valid; ${validChars} evaluated)`,
  };
}

function ids(values: Float64Array, shape: number[]): Tensor {
  return Tensor.fromStorage(values, "int64", shape);
}

/** `batch` windows of seqLen + 1 characters at random offsets: inputs and next-character targets. */
export function randomBatch(text: Int32Array, batch: number, seqLen: number, g: RandomGenerator): [Tensor, Tensor] {
  const x = new Float64Array(batch * seqLen);
  const y = new Float64Array(batch * seqLen);
  const starts = text.length - seqLen;
  for (let b = 0; b < batch; b++) {
    const s = g.randomInt(starts);
    for (let t = 0; t < seqLen; t++) {
      x[b * seqLen + t] = text[s + t]!;
      y[b * seqLen + t] = text[s + t + 1]!;
    }
  }
  return [ids(x, [batch, seqLen]), ids(y, [batch, seqLen])];
}

/** Consecutive non-overlapping windows over the first `chars` characters, `batch` at a time. */
export function* sequentialBatches(text: Int32Array, chars: number, batch: number, seqLen: number): Generator<[Tensor, Tensor]> {
  const windows = Math.floor((Math.min(chars, text.length) - 1) / seqLen);
  for (let w0 = 0; w0 < windows; w0 += batch) {
    const n = Math.min(batch, windows - w0);
    const x = new Float64Array(n * seqLen);
    const y = new Float64Array(n * seqLen);
    for (let b = 0; b < n; b++) {
      const s = (w0 + b) * seqLen;
      for (let t = 0; t < seqLen; t++) {
        x[b * seqLen + t] = text[s + t]!;
        y[b * seqLen + t] = text[s + t + 1]!;
      }
    }
    yield [ids(x, [n, seqLen]), ids(y, [n, seqLen])];
  }
}
