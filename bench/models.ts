/**
 * The benchmark models, shared by the step benches (cnn_step.ts, mlp_step.ts) and the profiler
 * (profile.ts), so that the profile is of exactly the model the bench times.
 */
import * as torch from "../src/index.ts";

export const MLP_SIZES = [784, 1024, 2048, 512, 10] as const;
export const MLP_BATCH = 32;
export const MLP_LR = 0.03;
export const CNN_BATCH = 64;

/** 784-1024-2048-512-10 with ReLUs between the Linears. */
export function buildMlp(): torch.nn.Sequential {
  const layers: torch.nn.Module[] = [];
  for (let i = 0; i + 1 < MLP_SIZES.length; i++) {
    if (i > 0) layers.push(new torch.nn.ReLU());
    layers.push(new torch.nn.Linear(MLP_SIZES[i]!, MLP_SIZES[i + 1]!));
  }
  return new torch.nn.Sequential(...layers);
}

/** Conv2d(1,32,3)-ReLU-Conv2d(32,64,3)-ReLU-MaxPool2d(2)-Flatten-Linear(9216,128)-ReLU-Linear(128,10). */
export function buildCnn(): torch.nn.Sequential {
  const nn = torch.nn;
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 3), new nn.ReLU(),
    new nn.Conv2d(32, 64, 3), new nn.ReLU(),
    new nn.MaxPool2d(2), new nn.Flatten(),
    new nn.Linear(9216, 128), new nn.ReLU(),
    new nn.Linear(128, 10),
  );
}
