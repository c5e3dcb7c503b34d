import { test } from "node:test";
import { main } from "../../examples/nn_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("nn_tutorial: every refactoring step's losses and accuracies match PyTorch (640 training rows, 256 validation, 2 epochs)", async () => {
  const fx = loadFixture("nn_tutorial");
  const { n_train: nTrain, n_valid: nValid, epochs } = fx.args as { n_train: number; n_valid: number; epochs: number };
  // Weights (randn and layer initialization) and every DataLoader shuffle are PyTorch's draws.
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => main({ nTrain, nValid, epochs }));
  } finally {
    undo();
  }
  compareLines(lines, fx.stdout, {
    rtol: 1e-3,
    atol: 1e-4,
    // kindling's node names are its own (cross_entropy is one CrossEntropyLossBackward node, x[0] a view).
    normalize: (l) => l.replace(/grad_fn=<\w+>/g, "grad_fn"),
  });
});
