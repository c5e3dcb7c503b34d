/**
 * "Learning PyTorch with Examples" (pytorch/tutorials beginner_source/examples_*): the six polynomial ports
 * against what PyTorch 1.13 printed running the originals (scripts/fixtures/examples/<name>.py), shortened.
 * Weights (randn, Linear's init) and dynamic_net's Python random.randint draws are the originals' own.
 */
import { test } from "node:test";
import { main as dynamicNet } from "../../examples/dynamic_net.ts";
import { main as polynomialAutograd } from "../../examples/polynomial_autograd.ts";
import { main as polynomialModule } from "../../examples/polynomial_module.ts";
import { main as polynomialNn } from "../../examples/polynomial_nn.ts";
import { main as polynomialOptim } from "../../examples/polynomial_optim.ts";
import { main as polynomialTensor } from "../../examples/polynomial_tensor.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

async function runAgainstPyTorch(name: string, main: (steps: number) => void): Promise<void> {
  const fx = loadFixture(name);
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => main(fx.args.steps as number));
  } catch (e) {
    // The run's own error is the one to report, not the replay's count of draws it left unmade.
    try {
      undo();
    } catch {}
    throw e;
  }
  undo();
  // Float32 sums over 2000 points add in another order than PyTorch's: the figures agree to ~3e-6.
  compareLines(lines, fx.stdout, { rtol: 2e-5, atol: 1e-6 });
}

test("polynomial_tensor: hand-written gradients print PyTorch's losses and coefficients (500 steps)", () =>
  runAgainstPyTorch("polynomial_tensor", polynomialTensor));

test("polynomial_autograd: 0-d leaves updated in place under noGrad match PyTorch (500 steps)", () =>
  runAgainstPyTorch("polynomial_autograd", polynomialAutograd));

test("polynomial_nn: pow by a tensor of exponents, Linear + Flatten(0, 1), MSELoss(sum) match PyTorch (500 steps)", () =>
  runAgainstPyTorch("polynomial_nn", polynomialNn));

test("polynomial_optim: RMSprop(lr=1e-3) matches PyTorch (500 steps)", () => runAgainstPyTorch("polynomial_optim", polynomialOptim));

test("polynomial_module: a Module of four 0-d Parameters trained by SGD matches PyTorch (500 steps)", () =>
  runAgainstPyTorch("polynomial_module", polynomialModule));

test("dynamic_net: random depth (Python's randint replayed) and a shared weight with SGD momentum match PyTorch (4000 steps)", () =>
  runAgainstPyTorch("dynamic_net", dynamicNet));
