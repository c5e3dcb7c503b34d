import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { encodeBMP } from "../../src/io/image/index.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin", "kindling.mjs");

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kindling-${prefix}-`));
}

/** Runs the CLI; a run past `timeoutMs` is killed and reported with code -1 (a hang, for tests of FIFOs). */
export function runCli(args: string[], cwd: string, timeoutMs?: number): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, KINDLING_LOG: "warn" }, ...(timeoutMs ? { timeout: timeoutMs } : {}) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The sin config shrunk to a run of a second or two, with `changes` merged in at the top level. */
export function sinConfig(dir: string, name: string, changes: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.json`);
  const base = JSON.parse(readFileSync(join(ROOT, "configs/sin.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...base, data: { source: "sin", samples: 200 }, epochs: 2, recordPath: join(dir, `rec-${name}`), ...changes }));
  return file;
}

/** stderr as it must look for a failure: exactly one line, `kindling: ...`, with no stack frames. */
export function oneLineError(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  if (lines.length !== 1 || !lines[0]!.startsWith("kindling: ") || /\n\s+at /.test(stderr)) {
    throw new Error(`expected one "kindling: " line on stderr, got ${lines.length} line(s):\n${stderr}`);
  }
  return lines[0]!;
}

export { spawn };

/**
 * A class-per-folder tree of 28x28 gray BMPs whose class is easy to learn: class c lights a
 * horizontal band at rows 2c..2c+3, plus per-image noise.
 */
export function makeCharFolder(root: string, classes: number, perClass: number, seed = 1): string[] {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const files: string[] = [];
  for (let c = 0; c < classes; c++) {
    const dir = join(root, `class_${String(c).padStart(2, "0")}`);
    mkdirSync(dir, { recursive: true });
    for (let k = 0; k < perClass; k++) {
      const data = new Uint8Array(28 * 28);
      for (let i = 0; i < data.length; i++) {
        const row = Math.floor(i / 28);
        const band = row >= 2 * c && row < 2 * c + 4;
        data[i] = Math.min(255, Math.max(0, (band ? 200 : 20) + Math.floor((rnd() - 0.5) * 60)));
      }
      const file = join(dir, `img_${k}.bmp`);
      writeFileSync(file, encodeBMP({ width: 28, height: 28, channels: 1, data }));
      files.push(file);
    }
  }
  return files;
}
