import * as vega from "vega";
import * as vl from "vega-lite";
import { writeFileAtomic } from "../io/atomic.ts";
import { describeFsError } from "../io/file.ts";
import type { EpochMetrics } from "./records.ts";

/** Training pictures as SVG, drawn by Vega-Lite (rendered headless, no browser or canvas needed). */

type Spec = vl.TopLevelSpec;

async function render(spec: Spec, path: string): Promise<void> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  await writeFileAtomic(path, svg).catch((e: unknown) => {
    throw (e as NodeJS.ErrnoException | null)?.code ? describeFsError(path, e, "plot") : e;
  });
}

export async function plotCurves(metrics: readonly EpochMetrics[], task: "classification" | "regression" | "charlm", dir: string): Promise<string[]> {
  const loss = metrics.flatMap((m) => [
    { epoch: m.epoch, value: m.trainLoss, split: "train" },
    { epoch: m.epoch, value: m.validLoss, split: "valid" },
  ]);
  const files = [`${dir}/loss.svg`];
  await render(
    {
      title: "Loss",
      width: 480,
      height: 280,
      data: { values: loss },
      mark: { type: "line", point: metrics.length < 40 },
      encoding: {
        x: { field: "epoch", type: "quantitative", axis: { tickMinStep: 1, format: "d" } },
        y: { field: "value", type: "quantitative", title: "loss", scale: { type: "log" } },
        color: { field: "split", type: "nominal" },
      },
    },
    files[0]!,
  );
  const key = task === "classification" ? "validAccuracy" : task === "charlm" ? "validBpc" : "validMae";
  const values = metrics.filter((m) => m[key] !== undefined).map((m) => ({ epoch: m.epoch, value: m[key]! }));
  const name = task === "classification" ? "accuracy" : task === "charlm" ? "bpc" : "mae";
  files.push(`${dir}/${name}.svg`);
  await render(
    {
      title: task === "classification" ? "Validation accuracy" : task === "charlm" ? "Validation bits per character" : "Validation mean absolute error",
      width: 480,
      height: 280,
      data: { values },
      mark: { type: "line", point: metrics.length < 40 },
      encoding: {
        x: { field: "epoch", type: "quantitative", axis: { tickMinStep: 1, format: "d" } },
        y: { field: "value", type: "quantitative", title: name, scale: { zero: false } },
      },
    },
    files[1]!,
  );
  return files;
}

/** counts[t][p] = samples of true class t predicted as p. */
export async function plotConfusion(counts: readonly (readonly number[])[], classes: readonly string[], path: string): Promise<void> {
  const values = counts.flatMap((row, t) => row.map((n, p) => ({ truth: classes[t], predicted: classes[p], n })));
  await render(
    {
      title: "Confusion matrix (test)",
      data: { values },
      width: Math.max(200, 28 * classes.length),
      height: Math.max(200, 28 * classes.length),
      encoding: {
        x: { field: "predicted", type: "ordinal", sort: [...classes] },
        y: { field: "truth", type: "ordinal", sort: [...classes] },
      },
      layer: [
        { mark: "rect", encoding: { color: { field: "n", type: "quantitative", scale: { type: "sqrt" } } } },
        { mark: { type: "text", fontSize: 9 }, encoding: { text: { field: "n", type: "quantitative" } } },
      ],
    },
    path,
  );
}

/** The sin task: prediction and truth over the evaluation grid. */
export async function plotFit(xs: ArrayLike<number>, pred: ArrayLike<number>, truth: ArrayLike<number>, path: string): Promise<void> {
  const values: { x: number; y: number; series: string }[] = [];
  for (let i = 0; i < xs.length; i++) {
    values.push({ x: xs[i]!, y: truth[i]!, series: "sin(x)" }, { x: xs[i]!, y: pred[i]!, series: "prediction" });
  }
  await render(
    {
      title: "Prediction vs sin(x)",
      width: 480,
      height: 280,
      data: { values },
      mark: "line",
      encoding: {
        x: { field: "x", type: "quantitative" },
        y: { field: "y", type: "quantitative" },
        color: { field: "series", type: "nominal" },
        strokeDash: { field: "series", type: "nominal" },
      },
    },
    path,
  );
}
