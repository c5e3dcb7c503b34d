import { test } from "node:test";
import { main } from "../../examples/buildmodel_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("basics/buildmodel_tutorial.py: the printed model, Softmax prediction, layer walk and named parameters match PyTorch's", async () => {
  const fx = loadFixture("buildmodel_tutorial");
  // Every Linear's weights and the three torch.rand inputs are PyTorch's draws.
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => main());
  } finally {
    undo();
  }
  // Printed to 4 decimals (a value on a rounding edge may print one unit off in the last place).
  compareLines(lines, fx.stdout, { rtol: 0, atol: 1.01e-4 });
});
