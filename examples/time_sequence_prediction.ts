/**
 * Time sequence prediction, ported line by line from pytorch/examples time_sequence_prediction
 * (generate_sine_wave.py, then train.py: https://github.com/pytorch/examples/tree/main/time_sequence_prediction).
 *
 * Two stacked LSTM cells learn sine waves, one value at a time, in double precision, trained with
 * L-BFGS on the whole training set at once; then the model predicts `future` values past the end of
 * three test waves, each fed its own last output.
 *
 * generate_sine_wave.py draws each wave's phase with NumPy (np.random.seed(2), np.random.randint); NumPy
 * is not here, so `generateSineWave` takes those offsets. The data stays in memory rather than going
 * through traindata.pt, and train.py's plots (matplotlib) are left out.
 *
 * Run: npx tsx examples/time_sequence_prediction.ts --device cpu [--steps 15]   (100 waves of 1000 values
 * and 1000 future values, as the original)
 */
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";

const nn = torch.nn;
const optim = torch.optim;

export const T = 20;

/** generate_sine_wave.py: wave i is sin((t + offsets[i]) / T) for t < L. */
export function generateSineWave(offsets: readonly number[], L = 1000): Tensor {
  const N = offsets.length;
  const x = new Float64Array(N * L);
  for (let i = 0; i < N; i++) for (let t = 0; t < L; t++) x[i * L + t] = t + offsets[i]!;
  const data = x.map((v) => Math.sin(v / 1.0 / T));
  return torch.fromNumpy(data).view(N, L);
}

export class Sequence extends nn.Module {
  lstm1 = new nn.LSTMCell(1, 51);
  lstm2 = new nn.LSTMCell(51, 51);
  linear = new nn.Linear(51, 1);
  dummyParam = new nn.Parameter(torch.empty(0));

  override forward(input: Tensor, future = 0): Tensor {
    const outputs: Tensor[] = [];
    const device = this.dummyParam.device;
    let hT = torch.zeros(input.size(0), 51, { dtype: torch.double }).to(device);
    let cT = torch.zeros(input.size(0), 51, { dtype: torch.double }).to(device);
    let hT2 = torch.zeros(input.size(0), 51, { dtype: torch.double }).to(device);
    let cT2 = torch.zeros(input.size(0), 51, { dtype: torch.double }).to(device);

    let output!: Tensor;
    for (const inputT of input.split(1, 1)) {
      [hT, cT] = this.lstm1.forward(inputT, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output);
    }
    for (let i = 0; i < future; i++) { // if we should predict the future
      [hT, cT] = this.lstm1.forward(output, [hT, cT]);
      [hT2, cT2] = this.lstm2.forward(hT, [hT2, cT2]);
      output = this.linear.forward(hT2);
      outputs.push(output);
    }
    return torch.cat(outputs, 1);
  }
}

/** Not in the original, for quick runs (the tests): the data's size and how far to predict. */
export interface Limits {
  /** The phase offsets generate_sine_wave.py draws (np.random.randint(-4 * T, 4 * T, N) after np.random.seed(2)). */
  offsets: readonly number[];
  /** Values per wave (the original: 1000). */
  L?: number;
  /** Values predicted past each test wave (the original: 1000). */
  future?: number;
}

interface Args {
  steps: number;
  device: string;
}

export function main(argv: readonly string[], { offsets, L = 1000, future: futureLimit = 1000 }: Limits): void {
  const generated = generateSineWave(offsets, L);

  const parser = new Command()
    .option("--steps <N>", "steps to run", (v: string) => Number.parseInt(v, 10), 15)
    .option("--device <NAME>", "training device. cuda, mps, or cpu.", "cuda");
  const opt = parser.parse([...argv], { from: "user" }).opts<Args>();
  // training device
  const deviceName = opt.device;
  if (deviceName === "cuda" && !torch.cuda.isAvailable()) {
    console.log("cuda is not available");
    process.exit(-1);
  } else if (deviceName === "mps" && !torch.backends.mps.isAvailable()) {
    console.log("mps is not available");
    process.exit(-1);
  }
  const device = torch.device(deviceName);
  // set random seed to 0 (the original seeds NumPy too, which it draws nothing more from)
  torch.manualSeed(0);
  // load data and make training set
  const data = generated.to(device);
  const input = data.index("3:, :-1");
  const target = data.index("3:, 1:");
  const testInput = data.index(":3, :-1");
  const testTarget = data.index(":3, 1:");
  // build the model
  const seq = new Sequence().to(device).double();
  const criterion = new nn.MSELoss().to(device);
  // use LBFGS as optimizer since we can load the whole data to train
  const optimizer = new optim.LBFGS(seq.parameters(), { lr: 0.8 });
  // begin to train
  for (let i = 0; i < opt.steps; i++) {
    console.log("STEP: ", i);
    const closure = (): Tensor => {
      optimizer.zeroGrad();
      const out = seq.forward(input);
      const loss = criterion.forward(out, target);
      console.log("loss:", loss.item());
      loss.backward();
      return loss;
    };
    optimizer.step(closure);
    // begin to predict, no need to track gradient here
    const y = torch.noGrad(() => {
      const future = futureLimit;
      const pred = seq.forward(testInput, future);
      const loss = criterion.forward(pred.index([torch.Slice(), torch.Slice(null, -future)]), testTarget);
      console.log("test loss:", loss.item());
      return pred.cpu().detach();
    });
    // Instead of the original's plot of y: the last predicted value of each test wave.
    console.log("last predictions:", y.index([torch.Slice(), -1]).tolist());
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // generate_sine_wave.py's offsets for N = 100 (np.random.seed(2); np.random.randint(-80, 80, 100)) are
  // NumPy's draws: this demo uses a fixed spread of its own instead.
  const offsets = Array.from({ length: 100 }, (_, i) => ((i * 37) % 160) - 80);
  main(process.argv.slice(2), { offsets });
}
