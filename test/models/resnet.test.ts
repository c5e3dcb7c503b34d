import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { resnet18 } from "../../src/models/index.ts";

interface ResnetFixture {
  state_dict: [string, number[]][];
  eval: number[];
  train: number[];
  conv1_grad_sum: number;
  fc_bias_grad: number[];
  running_mean_bn1: number[];
}

const fx = JSON.parse(readFileSync(new URL("../fixtures/examples/resnet18.json", import.meta.url), "utf8")) as ResnetFixture;

/** scripts/fixtures/gen_examples.py's formula_fill: the same deterministic values, no RNG. */
function formulaFill(model: torch.nn.Module): void {
  const sd = model.stateDict();
  Object.entries(sd).forEach(([name, t], k) => {
    if (t.dtype !== "float32") return;
    const n = t.numel();
    const perRow = t.ndim > 1 ? n / t.shape[0]! : n;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (name.endsWith("running_var")) v[i] = 1 + 0.5 * Math.sin(0.3 * i + k) ** 2;
      else if (name.endsWith("running_mean")) v[i] = 0.1 * Math.cos(0.7 * i + k);
      else v[i] = (0.5 / Math.sqrt(perRow)) * Math.sin(0.37 * i + k);
    }
    torch.noGrad(() => t.copy_(torch.tensor(Array.from(v), { dtype: "float32" }).view(t.shape)));
  });
}

function close(got: number[], want: number[], tol: number, what: string): void {
  assert.equal(got.length, want.length, what);
  const scale = Math.max(...want.map(Math.abs));
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) <= tol * scale, `${what}[${i}]: ${g} vs PyTorch ${want[i]}`));
}

test("resnet18 has torchvision's state-dict keys and shapes, in order", () => {
  const sd = resnet18().stateDict();
  assert.deepEqual(Object.entries(sd).map(([k, v]) => [k, v.shape]), fx.state_dict);
  assert.equal(resnet18().parameters().reduce((s, p) => s + p.numel(), 0), 11689512);
});

test("resnet18 from the same weights computes PyTorch's logits (eval and train mode) and gradients", () => {
  const model = resnet18();
  formulaFill(model);
  const x = torch.sin(torch.arange(2 * 3 * 64 * 64, { dtype: "float64" }).mul(0.011)).float().view(2, 3, 64, 64);
  model.eval();
  const outEval = torch.noGrad(() => model.forward(x));
  close([...outEval.numpy()], fx.eval, 1e-4, "eval logits");
  model.train();
  const outTrain = model.forward(x);
  close([...outTrain.detach().numpy()], fx.train, 1e-4, "train logits");
  outTrain.sum().backward();
  close([model.conv1.weight.grad!.sum().item()], [fx.conv1_grad_sum], 1e-3, "conv1 weight grad sum");
  close((model.fc.bias!.grad!.tolist() as number[]).slice(0, 10), fx.fc_bias_grad, 1e-5, "fc bias grad");
  close((model.bn1.getBuffer("running_mean")!.tolist() as number[]).slice(0, 8), fx.running_mean_bn1, 1e-4, "bn1 running mean");
});

test("resnet18 refuses pretrained weights and unknown options", () => {
  assert.throws(() => resnet18({ weights: "DEFAULT" as unknown as null }), (e: Error) => e instanceof torch.ArgumentError && /downloads no pretrained weights/.test(e.message));
  assert.throws(() => resnet18({ numClass: 10 } as unknown as {}), torch.ArgumentError);
  assert.deepEqual(resnet18({ numClasses: 10 }).fc.weight.shape, [10, 512]);
});
