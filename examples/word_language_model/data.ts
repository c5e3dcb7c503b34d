/**
 * pytorch/examples word_language_model/data.py: the word-level tokenizer. Every line's words plus an
 * `<eos>` become ids of one Dictionary shared by the train, valid and test files.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../../src/index.ts";
import type { Tensor } from "../../src/index.ts";

export class Dictionary {
  word2idx = new Map<string, number>();
  idx2word: string[] = [];

  addWord(word: string): number {
    if (!this.word2idx.has(word)) {
      this.idx2word.push(word);
      this.word2idx.set(word, this.idx2word.length - 1);
    }
    return this.word2idx.get(word)!;
  }

  /** Python's `len(dictionary)`. */
  get length(): number {
    return this.idx2word.length;
  }
}

/**
 * Python's `for line in f` (lines keep their "\n"; no empty piece after a final newline) then
 * `line.split()` (runs of whitespace, no empty words).
 */
function lines(path: string): string[][] {
  const text = readFileSync(path, "utf8");
  const raw = text.split(/(?<=\n)/).filter((l) => l !== "");
  return raw.map((line) => line.split(/\s+/).filter((w) => w !== ""));
}

export class Corpus {
  dictionary = new Dictionary();
  train: Tensor;
  valid: Tensor;
  test: Tensor;

  constructor(path: string) {
    this.train = this.tokenize(join(path, "train.txt"));
    this.valid = this.tokenize(join(path, "valid.txt"));
    this.test = this.tokenize(join(path, "test.txt"));
  }

  /** Tokenizes a text file. */
  tokenize(path: string): Tensor {
    if (!existsSync(path)) throw new Error(`AssertionError: ${path} does not exist`);
    // Add words to the dictionary
    for (const line of lines(path)) {
      const words = [...line, "<eos>"];
      for (const word of words) this.dictionary.addWord(word);
    }

    // Tokenize file content
    const idss: Tensor[] = [];
    for (const line of lines(path)) {
      const words = [...line, "<eos>"];
      const ids: number[] = [];
      for (const word of words) ids.push(this.dictionary.word2idx.get(word)!);
      idss.push(torch.tensor(ids).type("int64"));
    }
    const ids = torch.cat(idss);

    return ids;
  }
}
