/**
 * PyTorch "Learn the Basics": Automatic Differentiation with torch.autograd, ported line by line from
 * pytorch/tutorials beginner_source/basics/autogradqs_tutorial.py
 * (https://github.com/pytorch/tutorials/blob/main/beginner_source/basics/autogradqs_tutorial.py):
 * a one-layer network's binary cross-entropy, its gradients, turning tracking off (noGrad, detach), and
 * Jacobian-vector products with retainGraph showing that gradients accumulate.
 *
 * Run: npx tsx examples/autogradqs_tutorial.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";

export function main(): void {
  const x = torch.ones(5); // input tensor
  const y = torch.zeros(3); // expected output
  const w = torch.randn([5, 3], { requiresGrad: true });
  const b = torch.randn([3], { requiresGrad: true });
  let z = torch.matmul(x, w).add(b);
  const loss = torch.nn.functional.binaryCrossEntropyWithLogits(z, y);

  console.log(`Gradient function for z = ${z.gradFn}`);
  console.log(`Gradient function for loss = ${loss.gradFn}`);

  loss.backward();
  console.log(w.grad);
  console.log(b.grad);

  z = torch.matmul(x, w).add(b);
  console.log(z.requiresGrad);

  torch.noGrad(() => {
    z = torch.matmul(x, w).add(b);
  });
  console.log(z.requiresGrad);

  z = torch.matmul(x, w).add(b);
  const zDet = z.detach();
  console.log(zDet.requiresGrad);

  const inp = torch.eye(4, 5, { requiresGrad: true });
  const out = inp.add(1).pow(2).t();
  out.backward(torch.onesLike(out), { retainGraph: true });
  console.log(`First call\n${inp.grad}`);
  out.backward(torch.onesLike(out), { retainGraph: true });
  console.log(`\nSecond call\n${inp.grad}`);
  inp.grad!.zero_();
  out.backward(torch.onesLike(out), { retainGraph: true });
  console.log(`\nCall after zeroing gradients\n${inp.grad}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
