/**
 * The playground (issue 15) in headless Chromium, built and served exactly as `npm run playground` does:
 * the page is cross-origin isolated and trains in its Worker (briefly here, then stopped); a checkpoint
 * made in Node by the playground's own training loop (784-64-10, 97.2% test accuracy, see
 * playground/train_node.ts) loads through the file input; a "7" drawn with pointer events (a horizontal
 * stroke, then a diagonal one) is classified as 7 and a vertical stroke as 1; Save gives back the same
 * weights. The drawing runs at a phone's viewport, and its screenshot goes to test-output/.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { browserUnavailable } from "./harness.ts";
import { OUTPUT, type PlaygroundSession, SEVEN, drawStrokes, startPlayground, topPredictions } from "./playground_harness.ts";

const skip = browserUnavailable();
const CHECKPOINT = fileURLToPath(new URL("../fixtures/playground/mlp-64.safetensors", import.meta.url));
const ONE: [number, number][][] = [[[0.5, 0.15], [0.5, 0.85]]];

describe("the playground in headless Chromium", { skip: skip ?? false }, () => {
  let s: PlaygroundSession;
  before(async () => {
    s = await startPlayground();
  });
  after(async () => {
    await s?.close();
  });

  test("cross-origin isolated; Train starts the Worker on MNIST, draws the chart, and Stop ends it with a usable model", async () => {
    const page = await s.open({ width: 1100, height: 800 });
    assert.equal(await page.evaluate("crossOriginIsolated"), true);
    assert.match(await page.textContent("#env") ?? "", /kindling on wasm .* cross-origin isolated/);
    assert.deepEqual(await page.locator("#preset option").evaluateAll((os) => os.map((o) => o.getAttribute("value"))), ["mlp-small", "cnn", "mlp-seed"]);
    await page.click("#train");
    await page.waitForFunction("document.querySelector('#progress').value > 0.01", undefined, { timeout: 60_000 });
    const status = await page.textContent("#train-status");
    assert.match(status ?? "", /^Epoch [\d.]+ · step \d+\/2814 · loss [\d.]+ .* \d threads?\)$/, s.logs.join("\n"));
    await page.click("#train");
    await page.waitForSelector('#train-status[data-state="stopped"]', { timeout: 30_000 });
    const steps = Number(await page.getAttribute("#train-status", "data-steps"));
    const acc = Number(await page.getAttribute("#train-status", "data-accuracy"));
    assert.ok(steps > 20 && steps < 2814, `stopped after ${steps} steps`);
    assert.ok(acc > 0.5, `a model trained for ${steps} steps is better than chance (${acc})`);
    assert.match(await page.textContent("#model-name") ?? "", /^MLP 784-128-10, trained here: [\d.]+% test accuracy$/);
    // The chart drew something: the canvas is not blank.
    const inked = await page.evaluate<number>(`(() => {
      const c = document.querySelector("#chart"), d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    })()`);
    assert.ok(inked > 1000, `chart pixels drawn: ${inked}`);
    await page.close();
  });

  test("at a phone's size: load a Node-trained checkpoint, draw a 7 and a 1 with pointer events, save the model", async () => {
    const page = await s.open({ width: 390, height: 844 });
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - innerWidth");
    assert.ok(overflow <= 0, `no sideways scrolling on a phone (overflow ${overflow}px)`);
    await page.setInputFiles("#load", CHECKPOINT);
    await page.waitForSelector("#model-name:has-text('loaded from')");
    assert.equal(await page.textContent("#model-name"), "MLP 784-64-10, loaded from mlp-64.safetensors");

    await page.locator("#pad").scrollIntoViewIfNeeded();
    await drawStrokes(page, SEVEN);
    const seven = await topPredictions(page);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, "playground.png"), fullPage: true });
    assert.equal(seven.length, 3);
    assert.equal(seven[0]!.digit, 7, `a drawn 7 read as ${JSON.stringify(seven)}`);
    assert.ok(seven[0]!.prob > seven[1]!.prob && seven[1]!.prob >= seven[2]!.prob);

    await page.click("#clear");
    await page.waitForSelector("#predictions li.hint");
    await drawStrokes(page, ONE);
    const one = await topPredictions(page);
    assert.equal(one[0]!.digit, 1, `a vertical stroke read as ${JSON.stringify(one)}`);

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
    const saved = await torch.loadWithMetadata(readFileSync((await download.path())!));
    const original = await torch.load(readFileSync(CHECKPOINT));
    assert.deepEqual(Object.keys(saved.tensors).sort(), Object.keys(original).sort());
    for (const [k, t] of Object.entries(original)) assert.deepEqual([...saved.tensors[k]!.toTypedArray()], [...t.toTypedArray()], k);
    assert.deepEqual(JSON.parse(saved.metadata["kindling.model"]!).model, { type: "mlp", hidden: [64], activation: "relu" });
    assert.ok(!s.logs.some((l) => l.startsWith("[pageerror]")), s.logs.join("\n"));
    await page.close();
  });
});
