import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("the replay hands kindling PyTorch's exact uniform draws: float32 init.uniform_ and Tensor.uniform_ with any bounds, float64 rand and init.uniform_", async () => {
  const fx = loadFixture("replay_draws");
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => {
      const b = 1 / Math.sqrt(51);
      const list = (t: torch.Tensor) => `[${(t.tolist() as number[]).join(", ")}]`;
      console.log(list(torch.nn.init.uniform_(torch.empty([64]), -b, b)));
      console.log(list(torch.nn.init.uniform_(torch.empty([8]), 0.25, 3.5)));
      console.log(list(torch.rand([6], { dtype: "float64" })));
      console.log(list(torch.nn.init.uniform_(torch.empty([6], { dtype: "float64" }), -0.3, 0.7)));
      console.log(list(torch.rand([4])));
      console.log(list(torch.empty([16]).uniform_(-b, b)));
    });
  } finally {
    undo();
  }
  compareLines(lines, fx.stdout, { rtol: 0, atol: 0 });
});
