/**
 * Which library files do something when imported (patch Tensor.prototype, register a backend...), found
 * from their top-level statements. package.json's "sideEffects" must list exactly these, so bundlers
 * may drop every other file a page does not use (a training page then carries no datasets, transforms,
 * image decoders or zod); bundle.test.ts checks that the two agree.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/**
 * Files whose top-level code only fills a registry read through their own namespace, so dropping them
 * together with an unused namespace loses nothing, or that never reach a bundle at all.
 */
export const DROPPABLE: readonly RegExp[] = [
  // registerTransform(...): read only by transformFromJSON; datasets/image_array.ts keeps the whole
  // transforms namespace (hence every registration) wherever it decodes transforms from JSON.
  /^transforms\//,
  // Node-only programs, never imported by library code.
  /^cli\//,
  // Compile-time completeness checks (`void _complete`).
  /^platform\/[\w]+\.browser\.ts$/,
];

export function sourceFiles(dir = SRC, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(`${dir}/${e.name}`, `${prefix}${e.name}/`) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [`${prefix}${e.name}`] : []);
}

/**
 * The first top-level statement of a file that runs code for its effect, or null. A bare import
 * (`import "./methods.ts"`) counts: the file exists to bring that module's effects in.
 */
export function topLevelEffect(text: string, name = "x.ts"): string | null {
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  for (const s of sf.statements) {
    const isEffect = ts.isExpressionStatement(s) || ts.isIfStatement(s) || ts.isBlock(s) || ts.isTryStatement(s) ||
      ts.isForStatement(s) || ts.isForOfStatement(s) || ts.isForInStatement(s) || ts.isWhileStatement(s) ||
      (ts.isClassDeclaration(s) && s.members.some((m) => ts.isClassStaticBlockDeclaration(m))) ||
      (ts.isImportDeclaration(s) && s.importClause === undefined);
    if (isEffect) return s.getText(sf).slice(0, 80).replace(/\s+/g, " ");
  }
  return null;
}

/** src-relative paths of the files with top-level effects, DROPPABLE ones aside, sorted. */
export function filesWithEffects(): string[] {
  return sourceFiles().filter((rel) => !DROPPABLE.some((re) => re.test(rel)) && topLevelEffect(readFileSync(SRC + rel, "utf8"), rel) !== null).sort();
}

/** The package.json "sideEffects" entries for those files: one pattern covers src/x.ts and dist/x.js. */
export function sideEffectsEntries(): string[] {
  return filesWithEffects().map((rel) => `./*/${rel.replace(/\.ts$/, ".*")}`);
}
