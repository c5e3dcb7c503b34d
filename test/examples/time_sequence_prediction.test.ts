import { test } from "node:test";
import { main } from "../../examples/time_sequence_prediction.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("time_sequence_prediction: every L-BFGS closure loss, the test losses and predictions match PyTorch (6 waves of 60, 2 steps, 20 future values)", async () => {
  const fx = loadFixture("time_sequence_prediction");
  const { argv, offsets, L, future } = fx.args as { argv: string[]; offsets: number[]; L: number; future: number };
  // The LSTMCell and Linear initialisations are PyTorch's uniform draws.
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => main(argv, { offsets, L, future }));
  } finally {
    undo();
  }
  // Double precision throughout: 40 L-BFGS evaluations later the losses still agree to ~1e-10 relative.
  compareLines(lines, fx.stdout, { rtol: 1e-8, atol: 1e-12 });
});
