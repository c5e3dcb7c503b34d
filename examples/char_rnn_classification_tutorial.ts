/**
 * Classifying Names with a Character-Level RNN, ported line by line from pytorch/tutorials
 * intermediate_source/char_rnn_classification_tutorial.py (as of PyTorch 1.13; author Sean Robertson).
 *
 * A character-level RNN reads a name one letter at a time, each step producing a prediction and a hidden
 * state fed into the next step; the last step's prediction is the language the name belongs to.
 *
 * The tutorial reads data/names/[Language].txt (one name per line); here the names come in as
 * `{ language: [names...] }` (main's `names`, in the files' place), through the same unicodeToAscii.
 * Left out, as in scripts/fixtures/examples/char_rnn_classification_tutorial.py: printing the file list,
 * the matplotlib loss plot and the confusion matrix.
 *
 * Run: npx tsx examples/char_rnn_classification_tutorial.ts [n_iters]   (the original runs 100000)
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";
import { random } from "./py_random.ts";
const nn = torch.nn;

export interface CharRnnOptions {
  /** Names per language, in place of data/names/*.txt (category order = key order). */
  names: Record<string, string[]>;
  nIters?: number;
  printEvery?: number;
  plotEvery?: number;
}

/** A few names of each language, when run from the command line. */
const SAMPLE_NAMES: Record<string, string[]> = {
  English: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Taylor", "Davies", "Wilson", "Evans", "Thomas"],
  German: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann"],
  Italian: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"],
  Japanese: ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato"],
  Polish: ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak"],
};

/** Returns the averaged losses (what the original plots), which the test compares at full precision. */
export function main({ names, nIters = 100000, printEvery = 5000, plotEvery = 1000 }: CharRnnOptions): { allLosses: number[] } {
  const allLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + " .,;'";
  const nLetters = allLetters.length;

  // Turn a Unicode string to plain ASCII, thanks to https://stackoverflow.com/a/518232/2809427
  function unicodeToAscii(s: string): string {
    return [...s.normalize("NFD")].filter((c) => !/\p{Mn}/u.test(c) && allLetters.includes(c)).join("");
  }

  console.log(unicodeToAscii("Ślusàrski"));

  // Build the categoryLines dictionary, a list of names per language
  const categoryLines: Record<string, string[]> = {};
  const allCategories: string[] = [];

  // Read a file and split into lines (here: the names given for one language)
  function readLines(lines: string[]): string[] {
    return lines.map((line) => unicodeToAscii(line));
  }

  for (const category of Object.keys(names)) {
    allCategories.push(category);
    const lines = readLines(names[category]!);
    categoryLines[category] = lines;
  }

  const nCategories = allCategories.length;

  console.log(categoryLines["Italian"]?.slice(0, 5));

  // ---- Turning Names into Tensors ----------------------------------------------------------------------
  // A letter is a one-hot vector of size <1 x nLetters>; a word is a <lineLength x 1 x nLetters> matrix
  // of them (the extra 1 is the batch dimension: a batch size of 1 here).

  // Find letter index from allLetters, e.g. "a" = 0
  function letterToIndex(letter: string): number {
    return allLetters.indexOf(letter);
  }

  // Just for demonstration, turn a letter into a <1 x nLetters> Tensor
  function letterToTensor(letter: string): Tensor {
    const tensor = torch.zeros(1, nLetters);
    tensor.index([0]).indexPut_([letterToIndex(letter)], 1);
    return tensor;
  }

  // Turn a line into a <lineLength x 1 x nLetters>, or an array of one-hot letter vectors
  function lineToTensor(line: string): Tensor {
    const tensor = torch.zeros(line.length, 1, nLetters);
    [...line].forEach((letter, li) => {
      tensor.index([li]).index([0]).indexPut_([letterToIndex(letter)], 1);
    });
    return tensor;
  }

  console.log(letterToTensor("J"));

  console.log(lineToTensor("Jones").size());

  // ---- Creating the Network ----------------------------------------------------------------------------
  // Two linear layers over the input and the hidden state, with a LogSoftmax layer after the output.

  class RNN extends nn.Module<[Tensor, Tensor], [Tensor, Tensor]> {
    readonly hiddenSize: number;
    i2h: torch.nn.Linear;
    h2o: torch.nn.Linear;
    softmax: torch.nn.LogSoftmax;

    constructor(inputSize: number, hiddenSize: number, outputSize: number) {
      super();

      this.hiddenSize = hiddenSize;

      this.i2h = new nn.Linear(inputSize + hiddenSize, hiddenSize);
      this.h2o = new nn.Linear(hiddenSize, outputSize);
      this.softmax = new nn.LogSoftmax(1);
    }

    override forward(input: Tensor, hidden: Tensor): [Tensor, Tensor] {
      const combined = torch.cat([input, hidden], 1);
      hidden = this.i2h.forward(combined);
      let output = this.h2o.forward(hidden);
      output = this.softmax.forward(output);
      return [output, hidden];
    }

    initHidden(): Tensor {
      return torch.zeros(1, this.hiddenSize);
    }
  }

  const nHidden = 128;
  const rnn = new RNN(nLetters, nHidden, nCategories);

  // One step of the network: the input (the tensor of the current letter) and the previous hidden state
  // (zeros at first) give the output (the log-probability of each language) and the next hidden state.
  let input = letterToTensor("A");
  let hidden = torch.zeros(1, nHidden);

  let [output, nextHidden] = rnn.forward(input, hidden);

  // For efficiency, lineToTensor once and slices of it rather than a new tensor per letter.
  input = lineToTensor("Albert");
  hidden = torch.zeros(1, nHidden);

  [output, nextHidden] = rnn.forward(input.index([0]), hidden);
  console.log(output);
  void nextHidden;

  // ---- Training ----------------------------------------------------------------------------------------
  // The network's output is a likelihood per category: Tensor.topk gives the index of the greatest value.
  function categoryFromOutput(output: Tensor): [string, number] {
    const [topN, topI] = output.topk(1);
    void topN;
    const categoryI = topI.index([0]).item();
    return [allCategories[categoryI]!, categoryI];
  }

  console.log(categoryFromOutput(output));

  // A quick way to get a training example (a name and its language):
  function randomChoice<T>(l: T[]): T {
    return l[random.randint(0, l.length - 1)]!;
  }

  function randomTrainingExample(): [string, string, Tensor, Tensor] {
    const category = randomChoice(allCategories);
    const line = randomChoice(categoryLines[category]!);
    const categoryTensor = torch.tensor([allCategories.indexOf(category)], { dtype: torch.long });
    const lineTensor = lineToTensor(line);
    return [category, line, categoryTensor, lineTensor];
  }

  for (let i = 0; i < 10; i++) {
    const [category, line] = randomTrainingExample();
    console.log("category =", category, "/ line =", line);
  }

  // nn.NLLLoss suits a network whose last layer is nn.LogSoftmax.
  const criterion = new nn.NLLLoss();

  const learningRate = 0.005; // If you set this too high, it might explode. If too low, it might not learn

  function train(categoryTensor: Tensor, lineTensor: Tensor): [Tensor, number] {
    let hidden = rnn.initHidden();

    rnn.zeroGrad();

    let output!: Tensor;
    for (let i = 0; i < lineTensor.size()[0]!; i++) {
      [output, hidden] = rnn.forward(lineTensor.index([i]), hidden);
    }

    const loss = criterion.forward(output, categoryTensor);
    loss.backward();

    // Add parameters' gradients to their values, multiplied by learning rate
    for (const p of rnn.parameters()) {
      p.data.add_(p.grad!.data, { alpha: -learningRate });
    }

    return [output, loss.item()];
  }

  // Keep track of losses for plotting
  let currentLoss = 0;
  const allLosses: number[] = [];

  function timeSince(since: number): string {
    const now = Date.now() / 1000;
    let s = now - since;
    const m = Math.floor(s / 60);
    s -= m * 60;
    return `${m}m ${Math.trunc(s)}s`;
  }

  const start = Date.now() / 1000;

  for (let iter = 1; iter <= nIters; iter++) {
    const [category, line, categoryTensor, lineTensor] = randomTrainingExample();
    const [output, loss] = train(categoryTensor, lineTensor);
    currentLoss += loss;

    // Print iter number, loss, name and guess
    if (iter % printEvery === 0) {
      const [guess] = categoryFromOutput(output);
      const correct = guess === category ? "✓" : `✗ (${category})`;
      console.log(`${iter} ${Math.trunc((iter / nIters) * 100)}% (${timeSince(start)}) ${loss.toFixed(4)} ${line} / ${guess} ${correct}`);
    }

    // Add current loss avg to list of losses
    if (iter % plotEvery === 0) {
      allLosses.push(currentLoss / plotEvery);
      currentLoss = 0;
    }
  }

  // Not in the original (it plots them): the averaged losses.
  console.log(allLosses);

  // ---- Running on User Input ---------------------------------------------------------------------------
  // Just return an output given a line
  function evaluate(lineTensor: Tensor): Tensor {
    let hidden = rnn.initHidden();

    let output!: Tensor;
    for (let i = 0; i < lineTensor.size()[0]!; i++) {
      [output, hidden] = rnn.forward(lineTensor.index([i]), hidden);
    }

    return output;
  }

  function predict(inputLine: string, nPredictions = 3): void {
    console.log(`\n> ${inputLine}`);
    torch.noGrad(() => {
      const output = evaluate(lineToTensor(inputLine));

      // Get top N categories
      const [topv, topi] = output.topk(nPredictions, 1, true);
      const predictions: [number, string][] = [];

      for (let i = 0; i < nPredictions; i++) {
        const value = topv.index([0]).index([i]).item();
        const categoryIndex = topi.index([0]).index([i]).item();
        console.log(`(${value.toFixed(2)}) ${allCategories[categoryIndex]}`);
        predictions.push([value, allCategories[categoryIndex]!]);
      }
    });
  }

  predict("Dovesky");
  predict("Jackson");
  predict("Satoshi");

  return { allLosses };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const nIters = process.argv[2] !== undefined ? Number(process.argv[2]) : undefined;
  main({ names: SAMPLE_NAMES, nIters, printEvery: nIters !== undefined ? Math.max(1, Math.floor(nIters / 20)) : undefined });
}
