import { ArgumentError } from "../../errors.ts";

/**
 * A character vocabulary: the distinct characters of the training text in code-point order, so that the
 * same text always gives the same ids. Saved with the model (as its "classes") to decode its samples.
 */
export class CharVocab {
  private readonly ids: Map<string, number>;

  constructor(readonly chars: readonly string[]) {
    this.ids = new Map(chars.map((c, i) => [c, i]));
    if (this.ids.size !== chars.length) throw new ArgumentError("a vocabulary cannot list a character twice");
  }

  static fromText(text: string): CharVocab {
    return new CharVocab([...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  get size(): number {
    return this.chars.length;
  }

  has(c: string): boolean {
    return this.ids.has(c);
  }

  /** Ids of the text's characters; a character outside the vocabulary is an error naming it. */
  encode(text: string, what = "text"): Int32Array {
    const chars = [...text];
    const out = new Int32Array(chars.length);
    chars.forEach((c, i) => {
      const id = this.ids.get(c);
      if (id === undefined) throw new ArgumentError(`${what}: character ${JSON.stringify(c)} (position ${i}) is not in the model's vocabulary of ${this.size} characters`);
      out[i] = id;
    });
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]!] ?? "";
    return s;
  }
}
