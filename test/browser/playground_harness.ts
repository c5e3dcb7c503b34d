/**
 * Opens the playground in headless Chromium for the playground tests: builds it into a temporary
 * folder with playground/serve.ts (as `npm run playground` does), serves it with its COOP/COEP headers,
 * and drives the system Chromium (harness.ts's CHROMIUM) through playwright-core.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { buildPlayground, servePlayground } from "../../playground/serve.ts";
import { CHROMIUM } from "./harness.ts";

/** Screenshots land here (gitignored). */
export const OUTPUT = fileURLToPath(new URL("../../test-output/", import.meta.url));

export interface PlaygroundSession {
  browser: Browser;
  origin: string;
  logs: string[];
  open(viewport: { width: number; height: number }, query?: string): Promise<Page>;
  close(): Promise<void>;
}

/** Builds the playground into a temporary folder, serves it, and launches the system Chromium. */
export async function startPlayground(): Promise<PlaygroundSession> {
  const dir = mkdtempSync(join(tmpdir(), "kindling-playground-"));
  await buildPlayground(dir);
  const { server, origin } = await servePlayground({ root: dir });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  } catch (e) {
    server.close();
    throw e;
  }
  const logs: string[] = [];
  return {
    browser, origin, logs,
    async open(viewport, query = "") {
      const page = await browser.newPage({ viewport, acceptDownloads: true });
      page.on("console", (m) => logs.push(`[${m.type()}] ${m.text()}`));
      page.on("pageerror", (e) => logs.push(`[pageerror] ${e.message}`));
      await page.goto(`${origin}/${query}`);
      await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
      return page;
    },
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Strokes drawn with the mouse (pointer events), in fractions of the pad's size. */
export async function drawStrokes(page: Page, strokes: [number, number][][]): Promise<void> {
  const box = (await page.locator("#pad").boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]!));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 12 });
    await page.mouse.up();
  }
}

export async function topPredictions(page: Page): Promise<{ digit: number; prob: number }[]> {
  await page.waitForSelector("#predictions li[data-digit]");
  // One animation frame after the last stroke, so the list is the final drawing's.
  await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
  return page.locator("#predictions li[data-digit]").evaluateAll((lis) => lis.map((li) => ({
    digit: Number(li.getAttribute("data-digit")), prob: Number(li.getAttribute("data-prob")),
  })));
}

export const SEVEN: [number, number][][] = [[[0.25, 0.2], [0.75, 0.2]], [[0.75, 0.2], [0.42, 0.85]]];
