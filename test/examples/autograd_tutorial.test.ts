import { test } from "node:test";
import { main } from "../../examples/autograd_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("autograd_tutorial: the gradient checks and requires-grad flags print as in PyTorch", async () => {
  const fx = loadFixture("autograd_tutorial");
  // Replays the draws of both resnet18s, the data and labels, and x/y/z (so the port draws exactly what
  // the original does, in order); resnet18's own numbers are checked in test/models/resnet.test.ts.
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => main());
  } finally {
    undo();
  }
  compareLines(lines, fx.stdout);
});
