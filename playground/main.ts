/**
 * The playground page: trains in a Worker (playground/worker.ts) and keeps its own copy of the latest
 * weights on the main thread to classify the drawing pad as you draw (one small forward pass per frame,
 * single-threaded: a page's main thread never waits on worker threads).
 *
 * Test hooks are plain DOM: #train-status[data-state] (idle, loading, training, done, stopped, error)
 * with data-accuracy once done, #predictions li[data-digit][data-prob], body[data-ready].
 */
import * as torch from "../src/index.browser.ts";
import { Chart } from "./chart.ts";
import { PRESETS, describeSpec, loadModel, saveModel, type ModelSpec } from "./models.ts";
import { DrawPad, PAD_SIZE } from "./pad.ts";
import { SIZE, toMnist, type Digit } from "./preprocess.ts";
import type { PlaygroundApi, Report } from "./worker.ts";

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: #${id} missing from index.html`);
  return el as T;
};
const pct = (v: number, digits = 2) => `${(100 * v).toFixed(digits)}%`;

const ui = {
  env: $("env"), preset: $<HTMLSelectElement>("preset"), train: $<HTMLButtonElement>("train"),
  progress: $<HTMLProgressElement>("progress"), status: $("train-status"), chart: $<HTMLCanvasElement>("chart"),
  pad: $<HTMLCanvasElement>("pad"), clear: $<HTMLButtonElement>("clear"), preview: $<HTMLCanvasElement>("preview"),
  predictions: $<HTMLOListElement>("predictions"), modelName: $("model-name"), save: $<HTMLButtonElement>("save"),
  load: $<HTMLInputElement>("load"),
};

let current: { model: torch.nn.Sequential; spec: ModelSpec; source: string } | null = null;
let training = false;
/** Stop pressed while MNIST was still loading: the worker has no run to stop yet, so none is started. */
let stopRequested = false;
const chart = new Chart(ui.chart);
const pad = new DrawPad(ui.pad, schedulePredict);

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const remote = torch.wrapWorker<PlaygroundApi>(worker, { onReport: (_method, value) => onReport(value as Report) });

function setStatus(state: string, text: string, data: Record<string, string> = {}): void {
  ui.status.dataset.state = state;
  for (const [k, v] of Object.entries(data)) ui.status.dataset[k] = v;
  ui.status.textContent = text;
}

function useModel(model: torch.nn.Sequential, spec: ModelSpec, source: string): void {
  current = { model, spec, source };
  ui.modelName.textContent = `${describeSpec(spec)}, ${source}`;
  ui.save.disabled = false;
  schedulePredict();
}

function onReport(r: Report): void {
  if (r.kind === "data") {
    setStatus("loading", `Loading MNIST: ${r.loaded}/${r.total} splits`);
  } else if (r.kind === "progress") {
    ui.progress.value = r.step / r.totalSteps;
    chart.addTraining(r.epoch, r.loss, r.accuracy);
    chart.draw();
    const rate = r.step / Math.max(r.seconds, 1e-3);
    setStatus("training", `Epoch ${r.epoch.toFixed(2)} · step ${r.step}/${r.totalSteps} · loss ${r.loss.toFixed(3)} · ` +
      `batch acc ${pct(r.accuracy, 1)} · ${r.seconds.toFixed(1)} s (${rate.toFixed(0)} steps/s, ${r.threads} thread${r.threads > 1 ? "s" : ""})`);
  } else {
    chart.addTest(r.epoch, r.accuracy);
    chart.draw();
    void loadModel(r.weights).then(({ model, spec }) => {
      if (training) useModel(model, spec, `training: ${pct(r.accuracy)} test accuracy at epoch ${r.epoch.toFixed(2)}`);
    });
  }
}

async function train(): Promise<void> {
  if (training) {
    stopRequested = true;
    ui.train.disabled = true;
    await remote.stop();
    return;
  }
  const preset = PRESETS.find((p) => p.id === ui.preset.value) ?? PRESETS[0]!;
  const epochs = Number(new URLSearchParams(location.search).get("epochs")) || undefined;
  training = true;
  ui.train.textContent = "Stop";
  ui.preset.disabled = true;
  ui.progress.value = 0;
  chart.reset(epochs ?? preset.epochs);
  try {
    setStatus("loading", "Loading MNIST…");
    stopRequested = false;
    await remote.loadData(new URL("mnist/", location.href).href);
    if (stopRequested) {
      setStatus("idle", "Stopped before training began. Pick a model and press Train.");
      return;
    }
    setStatus("training", `Training ${describeSpec(preset.spec)}…`);
    const r = await remote.train(preset.id, epochs ? { epochs } : {});
    const { model, spec } = await loadModel(r.weights);
    useModel(model, spec, `trained here: ${pct(r.accuracy)} test accuracy`);
    setStatus(r.stopped ? "stopped" : "done",
      `${r.stopped ? "Stopped" : "Done"}: ${pct(r.accuracy)} on MNIST's 10,000 test digits after ${r.steps} steps in ${r.seconds.toFixed(1)} s (${r.threads} thread${r.threads > 1 ? "s" : ""})`,
      { accuracy: String(r.accuracy), seconds: r.seconds.toFixed(1), steps: String(r.steps) });
  } catch (e) {
    setStatus("error", `Training failed: ${(e as Error).message}`);
  } finally {
    training = false;
    ui.train.textContent = "Train";
    ui.train.disabled = false;
    ui.preset.disabled = false;
  }
}

let predictQueued = false;
function schedulePredict(): void {
  if (predictQueued) return;
  predictQueued = true;
  requestAnimationFrame(() => {
    predictQueued = false;
    predict();
  });
}

function drawPreview(digit: Digit | null): void {
  const g = ui.preview.getContext("2d")!;
  const img = g.createImageData(SIZE, SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) {
    const v = 255 - Math.round(255 * (digit?.pixels[i] ?? 0));
    img.data.set([v, v, v, 255], 4 * i);
  }
  g.putImageData(img, 0, 0);
}

function predict(): void {
  const digit = pad.empty ? null : toMnist(pad.ink(), PAD_SIZE, PAD_SIZE);
  drawPreview(digit);
  ui.predictions.replaceChildren();
  if (!digit || !current) {
    const li = document.createElement("li");
    li.className = "hint";
    li.textContent = current ? "Draw a digit in the box" : "Train a model (or load one) to see predictions";
    ui.predictions.append(li);
    return;
  }
  const model = current.model;
  const probs = torch.noGrad(() => torch.softmax(model.forward(torch.tensor(digit.pixels).reshape(1, 1, SIZE, SIZE)), 1)).toTypedArray();
  const ranked = Array.from(probs, (p, d) => ({ d, p: Number(p) })).sort((a, b) => b.p - a.p).slice(0, 3);
  for (const { d, p } of ranked) {
    const li = document.createElement("li");
    li.dataset.digit = String(d);
    li.dataset.prob = p.toFixed(4);
    li.innerHTML = `<span class="digit">${d}</span><span class="bar"><span style="width:${(100 * p).toFixed(1)}%"></span></span><span class="p">${pct(p, 1)}</span>`;
    ui.predictions.append(li);
  }
}

async function loadFile(file: File): Promise<void> {
  try {
    const { model, spec } = await loadModel(file);
    useModel(model, spec, `loaded from ${file.name}`);
  } catch (e) {
    ui.modelName.textContent = `Could not load ${file.name}: ${(e as Error).message}`;
  }
}

async function download(): Promise<void> {
  if (!current) return;
  const bytes = await saveModel(current.model, current.spec);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `mnist-${describeSpec(current.spec).toLowerCase().replace(/[^a-z0-9]+/g, "-")}.safetensors`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function start(): Promise<void> {
  for (const p of PRESETS) ui.preset.append(new Option(p.label, p.id));
  ui.train.addEventListener("click", () => void train());
  ui.clear.addEventListener("click", () => pad.clear());
  ui.save.addEventListener("click", () => void download());
  ui.load.addEventListener("change", () => {
    const f = ui.load.files?.[0];
    if (f) void loadFile(f);
    ui.load.value = "";
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files[0];
    if (f) void loadFile(f);
  });
  chart.reset(PRESETS[0]!.epochs);
  predict();
  await torch.ready();
  const env = await remote.init();
  ui.env.textContent = `kindling on ${env.backend} · training Worker with up to ${env.cores} threads · ` +
    (env.isolated ? "cross-origin isolated (shared-memory threads)" : "not cross-origin isolated: one thread");
  setStatus("idle", "Pick a model and press Train.");
  document.body.dataset.ready = "1";
}

void start().catch((e: Error) => {
  ui.env.textContent = `Could not start: ${e.message}`;
});
