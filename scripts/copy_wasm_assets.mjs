// `npm run build` step after tsc: the wasm backend's binary modules sit beside its compiled JS in dist/,
// where assets.ts looks for them (tsc copies only what it compiles).
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";

const from = new URL("../src/backend/wasm/", import.meta.url);
const to = new URL("../dist/backend/wasm/", import.meta.url);
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from)) {
  if (name.endsWith(".wasm")) copyFileSync(new URL(name, from), new URL(name, to));
}
