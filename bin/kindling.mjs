#!/usr/bin/env node
// The `kindling` command. In a checkout (tsx installed) it runs the TypeScript sources, so edits take
// effect without a build; an installed package without tsx runs the compiled dist/.
import { fileURLToPath, pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url);
let tsx = null;
try {
  tsx = await import("tsx/esm/api");
} catch {
  // No tsx: a published install, which ships dist/.
}
try {
  if (tsx) {
    tsx.register();
    await import(new URL("src/cli/main.ts", root).href);
  } else {
    await import(pathToFileURL(fileURLToPath(new URL("dist/cli/main.js", root))).href);
  }
} catch (e) {
  // Only a broken install gets here (the CLI reports its own errors): still one line unless --debug.
  if (process.argv.includes("--debug")) console.error(e);
  else console.error(`kindling: internal error: cannot load kindling: ${String(e?.message ?? e).split("\n")[0]} (rerun with --debug for the stack trace)`);
  process.exit(1);
}
