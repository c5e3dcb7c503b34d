/**
 * node:fs for the op suites bundled into a browser Worker: the fixtures are read by synchronous
 * requests to the test server (allowed in a Worker), which serves test/fixtures at /fixtures/ and lists
 * a folder as JSON when asked with ?list.
 */
interface Xhr {
  open(method: string, url: string, async: boolean): void;
  send(): void;
  readonly status: number;
  readonly responseText: string;
}

function get(url: string): string {
  const xhr = new (globalThis as unknown as { XMLHttpRequest: new () => Xhr }).XMLHttpRequest();
  xhr.open("GET", url, false);
  xhr.send();
  if (xhr.status !== 200) {
    const e = new Error(`ENOENT: no such file or directory, open '${url}' (HTTP ${xhr.status})`) as Error & { code: string };
    e.code = "ENOENT";
    throw e;
  }
  return xhr.responseText;
}

const href = (p: string | URL): string => (typeof p === "string" ? p : p.href);

/** Text with an encoding; otherwise bytes that print as the text, as JSON.parse(buffer) expects. */
export function readFileSync(p: string | URL, enc?: string | { encoding?: string }): string | Uint8Array {
  const text = get(href(p));
  if (enc) return text;
  const bytes = new TextEncoder().encode(text);
  return Object.assign(bytes, { toString: () => text });
}

export function readdirSync(p: string | URL): string[] {
  const url = new URL(href(p));
  url.search = "?list";
  return JSON.parse(get(url.href)) as string[];
}

export function existsSync(p: string | URL): boolean {
  try {
    get(href(p));
    return true;
  } catch {
    return false;
  }
}

export default { readFileSync, readdirSync, existsSync };
