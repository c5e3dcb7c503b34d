import { test } from "node:test";
import { main } from "../../examples/neural_networks_tutorial.ts";
import * as torch from "../../src/index.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("neural_networks_tutorial: LeNet's output, loss and conv1 bias gradient match PyTorch from the same weights", async () => {
  const fx = loadFixture("neural_networks_tutorial");
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => {
      const { net, input, target } = main();
      // What PyTorch printed after the original (the loss once SGD has stepped).
      console.log(new torch.nn.MSELoss().forward(net.forward(input), target));
    });
  } finally {
    undo();
  }
  compareLines(lines, fx.stdout, {
    rtol: 1e-4,
    atol: 1e-6,
    // Node names and graph shape are kindling's own (MSE is composed of ops, Linear's edges are in its
    // argument order), so the grad_fn lines are compared as "a node" only.
    normalize: (l) => l.replace(/<\w+ object( at 0x[0-9a-f]+)?>/g, "<node>").replace(/grad_fn=<\w+>/g, "grad_fn"),
  });
});
