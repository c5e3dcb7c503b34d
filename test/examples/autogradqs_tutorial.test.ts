import { test } from "node:test";
import { main } from "../../examples/autogradqs_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("basics/autogradqs_tutorial.py: grad_fn names, gradients, no_grad/detach and accumulated Jacobian products match PyTorch's", async () => {
  const fx = loadFixture("autogradqs_tutorial");
  // w and b are PyTorch's randn draws.
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => main());
  } finally {
    undo();
  }
  // gen_examples drops the nodes' addresses (<AddBackward0 object at 0x...>); so does this.
  compareLines(lines, fx.stdout, { rtol: 0, atol: 1.01e-4, normalize: (l) => l.replace(/ at 0x[0-9a-f]+/g, "") });
});
