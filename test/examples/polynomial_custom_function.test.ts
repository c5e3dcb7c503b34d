import { test } from "node:test";
import { main } from "../../examples/polynomial_custom_function.ts";
import { captureOutput, compareLines, loadFixture } from "./harness.ts";

test("polynomial_custom_function prints PyTorch's losses and fitted coefficients (300 steps)", async () => {
  const fx = loadFixture("polynomial_custom_function");
  const lines = await captureOutput(() => main(fx.args.steps as number));
  // a and c stay near 0 (the data is odd): PyTorch ends at ~1e-9 from float32 rounding, so an absolute tolerance.
  compareLines(lines, fx.stdout, { rtol: 1e-4, atol: 1e-6 });
});
