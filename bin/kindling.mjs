#!/usr/bin/env node
// The `kindling` command. Runs the compiled CLI from dist/ when built, else the TypeScript sources via tsx.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url);
const built = fileURLToPath(new URL("dist/cli/main.js", root));
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("src/cli/main.ts", root).href);
}
