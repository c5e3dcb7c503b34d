/**
 * Drives the browser build in a real Chromium: bundles test/browser/app with esbuild (the browser
 * entry, exactly as a user's bundler would see it), serves it from 127.0.0.1 with the COOP/COEP headers
 * that make a page cross-origin isolated (shared memory, hence wasm threads), and opens it headless
 * through playwright-core pointed at the system's chromium (no browser download).
 *
 * Bundles are minified, as a deploy would be (error class names must survive that).
 *
 * No browser: in CI (CI set) that is a failure; locally the browser tests skip with the reason.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type Browser, type Page, chromium } from "playwright-core";

export const CHROMIUM = process.env["KINDLING_CHROMIUM"] ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or null when they can; throws in CI (a missing browser fails CI). */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set KINDLING_CHROMIUM)`;
  if (process.env["CI"]) throw new Error(`browser tests must run in CI: ${why}`);
  return why;
}

const TYPES: Record<string, string> = {
  ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".map": "application/json",
  ".safetensors": "application/octet-stream", ".gz": "application/gzip",
};

export interface Harness {
  page: Page;
  origin: string;
  /** Extra files served at /files/<name>. */
  files: Map<string, Uint8Array>;
  /** Messages the page logged (console and page errors), for failure reports. */
  logs: string[];
  /** A second page of the same server (e.g. one that is not cross-origin isolated). */
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

/** Builds the app bundles into `dir` with the .wasm files beside them, as a user's deploy would. */
export async function buildApp(dir: string, minify = true): Promise<void> {
  const app = fileURLToPath(new URL("./app/", import.meta.url));
  await build({
    entryPoints: { page: join(app, "page.ts"), worker: join(app, "worker.ts") },
    bundle: true, platform: "browser", format: "esm", outdir: dir, minify, sourcemap: false, logLevel: "error",
  });
  const wasmDir = fileURLToPath(new URL("../../src/backend/wasm/", import.meta.url));
  for (const f of readdirSync(wasmDir)) if (f.endsWith(".wasm")) copyFileSync(join(wasmDir, f), join(dir, f));
  writeFileSync(join(dir, "index.html"), '<!doctype html><meta charset="utf-8"><title>kindling test</title><script type="module" src="./page.js"></script>\n');
}

/**
 * Serves `dir` flat, `files` at /files/<name>, and each mount's folder under its prefix ("/fixtures/":
 * a folder), where `?list` on a folder gives its entries as JSON (readdirSync in the op-suite runner).
 */
export function serve(dir: string, files: Map<string, Uint8Array>, mounts: Record<string, string> = {}): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const isolate = !url.searchParams.has("noisolate");
    const headers: Record<string, string> = isolate
      ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
      : {};
    let body: Uint8Array | undefined;
    const name = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
    const mount = Object.keys(mounts).find((m) => url.pathname.startsWith(m));
    if (mount !== undefined) {
      const rel = decodeURIComponent(url.pathname.slice(mount.length));
      const path = join(mounts[mount]!, rel);
      if (!rel.split("/").includes("..") && existsSync(path)) {
        body = statSync(path).isDirectory()
          ? (url.searchParams.has("list") ? new TextEncoder().encode(JSON.stringify(readdirSync(path))) : undefined)
          : readFileSync(path);
      }
    } else if (name.startsWith("files/")) body = files.get(name.slice(6));
    else if (/^[\w.-]+$/.test(name) && existsSync(join(dir, name))) body = readFileSync(join(dir, name));
    if (!body) {
      res.writeHead(404, headers).end("not found");
      return;
    }
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(name)] ?? "application/octet-stream", "Content-Length": body.byteLength });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    const addr = server.address() as { port: number };
    resolve({ server, origin: `http://127.0.0.1:${addr.port}` });
  }));
}

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "kindling-browser-"));
  await buildApp(dir);
  const files = new Map<string, Uint8Array>();
  const { server, origin } = await serve(dir, files);
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  } catch (e) {
    server.close();
    throw e;
  }
  const logs: string[] = [];
  const open = async (path: string): Promise<Page> => {
    const p = await browser.newPage();
    p.on("console", (m) => logs.push(`[${m.type()}] ${m.text()}`));
    p.on("pageerror", (e) => logs.push(`[pageerror] ${e.message}`));
    await p.goto(origin + path);
    await p.waitForFunction(() => (globalThis as { ktLoaded?: boolean }).ktLoaded === true, undefined, { timeout: 20000 });
    return p;
  };
  const page = await open("/");
  return {
    page, origin, files, logs, open,
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
