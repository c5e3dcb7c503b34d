/**
 * Library logging, off by default: `KINDLING_LOG=debug` (or info, warn) prints to stderr. A library
 * must not chatter on stdout, which belongs to the program using it.
 */
const LEVELS = { debug: 10, info: 20, warn: 30, silent: 100 } as const;
type Level = keyof typeof LEVELS;

function threshold(): number {
  const env = typeof process !== "undefined" ? process.env?.["KINDLING_LOG"] : undefined;
  return env && env in LEVELS ? LEVELS[env as Level] : LEVELS.warn;
}

export function log(level: Exclude<Level, "silent">, message: string): void {
  if (LEVELS[level] >= threshold()) console.error(`kindling ${level}: ${message}`);
}
