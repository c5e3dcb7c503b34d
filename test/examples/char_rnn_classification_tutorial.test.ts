import { deepStrictEqual } from "node:assert/strict";
import { test } from "node:test";
import { main } from "../../examples/char_rnn_classification_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("char_rnn_classification_tutorial: outputs, losses, guesses and predictions match PyTorch (1000 iterations)", async () => {
  const fx = loadFixture("char_rnn_classification_tutorial");
  const args = fx.args as { names: Record<string, string[]>; n_iters: number; print_every: number; plot_every: number };
  // Linear's initialization and every random.randint of randomChoice are the original's own draws.
  const undo = installReplay(fx);
  let lines: string[] = [];
  let allLosses: number[] = [];
  try {
    lines = await captureOutput(() => {
      ({ allLosses } = main({ names: args.names, nIters: args.n_iters, printEvery: args.print_every, plotEvery: args.plot_every }));
    });
  } catch (e) {
    // The run's own error is the one to report, not the replay's count of draws it left unmade.
    try {
      undo();
    } catch {}
    throw e;
  }
  undo();
  // The printed figures are rounded (losses to 4 decimals, predictions to 2), so one side may round up
  // where the other rounds down: an absolute tolerance of one last digit. Texts (guesses, ✓/✗ with the
  // right language, the order of the top 3 predictions) must be the same.
  compareLines(lines, fx.stdout, { rtol: 1e-4, atol: 1e-2, normalize: (l) => l.replace(/grad_fn=<\w+>/g, "grad_fn") });

  // The averaged losses the original would plot, printed by the generator at full precision.
  const printed = fx.stdout.find((l) => /^\[[-+\d.e, ]+\]$/.test(l))!;
  const want = printed.slice(1, -1).split(", ").map(Number);
  deepStrictEqual(allLosses.length, want.length);
  compareLines([allLosses.join(" ")], [want.join(" ")], { rtol: 1e-6, atol: 0 });
});
