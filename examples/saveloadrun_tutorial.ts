/**
 * PyTorch "Learn the Basics": Save and Load the Model, ported line by line from pytorch/tutorials
 * beginner_source/basics/saveloadrun_tutorial.py
 * (https://github.com/pytorch/tutorials/blob/main/beginner_source/basics/saveloadrun_tutorial.py):
 * a model's state dict saved with torch.save, loaded into a fresh instance with loadStateDict, then eval().
 *
 * Differences from the original, each for want of the thing in kindling:
 * - models.vgg16(pretrained=True) is models.resnet18({ weights: null }): kindling has no VGG and downloads no
 *   pretrained weights; resnet18 is the torchvision model it has (randomly initialized);
 * - torch.save(model, 'model.pth') / torch.load('model.pth') (the whole module, pickled) is left out:
 *   kindling's checkpoints are safetensors files, which hold tensors only;
 * - the ONNX export is left out: kindling has no ONNX exporter.
 * The original prints nothing; the reloaded state dict's keys and shapes and model.training are printed.
 *
 * Run: npx tsx examples/saveloadrun_tutorial.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";

const { models } = torch;

export async function main(): Promise<torch.models.ResNet> {
  let model = models.resnet18({ weights: null });
  await torch.save(model.stateDict(), "model_weights.pth");

  model = models.resnet18({ weights: null }); // no pretrained weights: kindling downloads none
  model.loadStateDict(await torch.load("model_weights.pth"));
  model.eval();

  // Not in the original: what the reloaded model holds.
  for (const [name, tensor] of Object.entries(model.stateDict())) console.log(name, tensor.shape);
  console.log("training:", model.training);
  return model;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
