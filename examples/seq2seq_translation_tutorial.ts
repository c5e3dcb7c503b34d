/**
 * NLP From Scratch: Translation with a Sequence to Sequence Network and Attention (PyTorch tutorials,
 * intermediate_source/seq2seq_translation_tutorial.py, by Sean Robertson), ported line by line: an EncoderRNN
 * (Embedding + GRU) reads a French sentence word by word; an AttnDecoderRNN attends over the encoder's
 * outputs (softmax weights from a Linear layer, applied with bmm) and writes the English one, trained with
 * SGD and teacher forcing half of the time (Python's random.random, examples/py_random.ts).
 *
 * The tutorial reads data/eng-fra.txt (a download, not shipped): run this from a folder with one, lines of
 * "english<TAB>french". The plots (showPlot, showAttention's matplotlib figures) are left out: the port
 * prints the attention matrix's shape and sum in their place.
 *
 * Run: npx tsx examples/seq2seq_translation_tutorial.ts
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import type { Tensor } from "../src/index.ts";
import { random } from "./py_random.ts";

const { nn, optim } = torch;
const F = torch.nn.functional;

/** Not in the tutorial, for quick runs (the tests): its sizes and counts, and the sentences it shows attention for. */
export interface Limits {
  hiddenSize?: number;
  nIters?: number;
  printEvery?: number;
  nEvaluate?: number;
  sentences?: string[];
}

export async function main(limits: Limits = {}): Promise<void> {
  const device = torch.device(torch.cuda.isAvailable() ? "cuda" : "cpu");

  const SOS_token = 0;
  const EOS_token = 1;

  class Lang {
    name: string;
    word2index = new Map<string, number>();
    word2count = new Map<string, number>();
    index2word = new Map<number, string>([
      [0, "SOS"],
      [1, "EOS"],
    ]);
    n_words = 2; // Count SOS and EOS

    constructor(name: string) {
      this.name = name;
    }

    addSentence(sentence: string): void {
      for (const word of sentence.split(" ")) this.addWord(word);
    }

    addWord(word: string): void {
      if (!this.word2index.has(word)) {
        this.word2index.set(word, this.n_words);
        this.word2count.set(word, 1);
        this.index2word.set(this.n_words, word);
        this.n_words += 1;
      } else {
        this.word2count.set(word, this.word2count.get(word)! + 1);
      }
    }
  }

  // Turn a Unicode string to plain ASCII, thanks to
  // https://stackoverflow.com/a/518232/2809427
  function unicodeToAscii(s: string): string {
    return [...s.normalize("NFD")].filter((c) => !/\p{Mn}/u.test(c)).join("");
  }

  // Lowercase, trim, and remove non-letter characters
  function normalizeString(s: string): string {
    s = unicodeToAscii(s.toLowerCase().trim());
    s = s.replace(/([.!?])/g, " $1");
    s = s.replace(/[^a-zA-Z.!?]+/g, " ");
    return s;
  }

  function readLangs(lang1: string, lang2: string, reverse = false): [Lang, Lang, string[][]] {
    console.log("Reading lines...");

    // Read the file and split into lines
    const lines = readFileSync(`data/${lang1}-${lang2}.txt`, "utf8").trim().split("\n");

    // Split every line into pairs and normalize
    let pairs = lines.map((l) => l.split("\t").map((s) => normalizeString(s)));

    // Reverse pairs, make Lang instances
    let inputLang: Lang;
    let outputLang: Lang;
    if (reverse) {
      pairs = pairs.map((p) => [...p].reverse());
      inputLang = new Lang(lang2);
      outputLang = new Lang(lang1);
    } else {
      inputLang = new Lang(lang1);
      outputLang = new Lang(lang2);
    }

    return [inputLang, outputLang, pairs];
  }

  const MAX_LENGTH = 10;

  const engPrefixes = ["i am ", "i m ", "he is", "he s ", "she is", "she s ", "you are", "you re ", "we are", "we re ", "they are", "they re "];

  function filterPair(p: string[]): boolean {
    return p[0]!.split(" ").length < MAX_LENGTH && p[1]!.split(" ").length < MAX_LENGTH && engPrefixes.some((e) => p[1]!.startsWith(e));
  }

  function filterPairs(pairs: string[][]): string[][] {
    return pairs.filter((pair) => filterPair(pair));
  }

  function prepareData(lang1: string, lang2: string, reverse = false): [Lang, Lang, string[][]] {
    let [inputLang, outputLang, pairs] = readLangs(lang1, lang2, reverse);
    console.log(`Read ${pairs.length} sentence pairs`);
    pairs = filterPairs(pairs);
    console.log(`Trimmed to ${pairs.length} sentence pairs`);
    console.log("Counting words...");
    for (const pair of pairs) {
      inputLang.addSentence(pair[0]!);
      outputLang.addSentence(pair[1]!);
    }
    console.log("Counted words:");
    console.log(inputLang.name, inputLang.n_words);
    console.log(outputLang.name, outputLang.n_words);
    return [inputLang, outputLang, pairs];
  }

  const [inputLang, outputLang, pairs] = prepareData("eng", "fra", true);
  console.log(random.choice(pairs));

  class EncoderRNN extends nn.Module<[Tensor, Tensor], [Tensor, Tensor]> {
    hiddenSize: number;
    embedding: torch.nn.Embedding;
    gru: torch.nn.GRU;

    constructor(inputSize: number, hiddenSize: number) {
      super();
      this.hiddenSize = hiddenSize;

      this.embedding = new nn.Embedding(inputSize, hiddenSize);
      this.gru = new nn.GRU(hiddenSize, hiddenSize);
    }

    override forward(input: Tensor, hidden: Tensor): [Tensor, Tensor] {
      const embedded = this.embedding.forward(input).view(1, 1, -1);
      let output = embedded;
      [output, hidden] = this.gru.forward(output, hidden);
      return [output, hidden];
    }

    initHidden(): Tensor {
      return torch.zeros([1, 1, this.hiddenSize], { device });
    }
  }

  class AttnDecoderRNN extends nn.Module<[Tensor, Tensor, Tensor], [Tensor, Tensor, Tensor]> {
    hiddenSize: number;
    outputSize: number;
    dropoutP: number;
    maxLength: number;
    embedding: torch.nn.Embedding;
    attn: torch.nn.Linear;
    attnCombine: torch.nn.Linear;
    dropout: torch.nn.Dropout;
    gru: torch.nn.GRU;
    out: torch.nn.Linear;

    constructor(hiddenSize: number, outputSize: number, dropoutP = 0.1, maxLength = MAX_LENGTH) {
      super();
      this.hiddenSize = hiddenSize;
      this.outputSize = outputSize;
      this.dropoutP = dropoutP;
      this.maxLength = maxLength;

      this.embedding = new nn.Embedding(this.outputSize, this.hiddenSize);
      this.attn = new nn.Linear(this.hiddenSize * 2, this.maxLength);
      this.attnCombine = new nn.Linear(this.hiddenSize * 2, this.hiddenSize);
      this.dropout = new nn.Dropout(this.dropoutP);
      this.gru = new nn.GRU(this.hiddenSize, this.hiddenSize);
      this.out = new nn.Linear(this.hiddenSize, this.outputSize);
    }

    override forward(input: Tensor, hidden: Tensor, encoderOutputs: Tensor): [Tensor, Tensor, Tensor] {
      let embedded = this.embedding.forward(input).view(1, 1, -1);
      embedded = this.dropout.forward(embedded);

      const attnWeights = F.softmax(this.attn.forward(torch.cat([embedded.index([0]), hidden.index([0])], 1)), 1);
      const attnApplied = torch.bmm(attnWeights.unsqueeze(0), encoderOutputs.unsqueeze(0));

      let output = torch.cat([embedded.index([0]), attnApplied.index([0])], 1);
      output = this.attnCombine.forward(output).unsqueeze(0);

      output = F.relu(output);
      [output, hidden] = this.gru.forward(output, hidden);

      output = F.logSoftmax(this.out.forward(output.index([0])), 1);
      return [output, hidden, attnWeights];
    }

    initHidden(): Tensor {
      return torch.zeros([1, 1, this.hiddenSize], { device });
    }
  }

  function indexesFromSentence(lang: Lang, sentence: string): number[] {
    return sentence.split(" ").map((word) => lang.word2index.get(word)!);
  }

  function tensorFromSentence(lang: Lang, sentence: string): Tensor {
    const indexes = indexesFromSentence(lang, sentence);
    indexes.push(EOS_token);
    return torch.tensor(indexes, { dtype: "int64", device }).view(-1, 1);
  }

  function tensorsFromPair(pair: string[]): [Tensor, Tensor] {
    const inputTensor = tensorFromSentence(inputLang, pair[0]!);
    const targetTensor = tensorFromSentence(outputLang, pair[1]!);
    return [inputTensor, targetTensor];
  }

  const teacherForcingRatio = 0.5;

  function train(
    inputTensor: Tensor, targetTensor: Tensor, encoder: EncoderRNN, decoder: AttnDecoderRNN,
    encoderOptimizer: torch.optim.Optimizer, decoderOptimizer: torch.optim.Optimizer, criterion: torch.nn.NLLLoss, maxLength = MAX_LENGTH,
  ): number {
    let encoderHidden = encoder.initHidden();

    encoderOptimizer.zeroGrad();
    decoderOptimizer.zeroGrad();

    const inputLength = inputTensor.size(0);
    const targetLength = targetTensor.size(0);

    const encoderOutputs = torch.zeros([maxLength, encoder.hiddenSize], { device });

    let loss = torch.tensor(0.0);

    for (let ei = 0; ei < inputLength; ei++) {
      let encoderOutput: Tensor;
      [encoderOutput, encoderHidden] = encoder.forward(inputTensor.index([ei]), encoderHidden);
      encoderOutputs.indexPut_([ei], encoderOutput.index([0, 0]));
    }

    let decoderInput = torch.tensor([[SOS_token]], { device });

    let decoderHidden = encoderHidden;

    const useTeacherForcing = random.random() < teacherForcingRatio ? true : false;

    if (useTeacherForcing) {
      // Teacher forcing: Feed the target as the next input
      for (let di = 0; di < targetLength; di++) {
        let decoderOutput: Tensor;
        [decoderOutput, decoderHidden] = decoder.forward(decoderInput, decoderHidden, encoderOutputs);
        loss = loss.add(criterion.forward(decoderOutput, targetTensor.index([di])));
        decoderInput = targetTensor.index([di]); // Teacher forcing
      }
    } else {
      // Without teacher forcing: use its own predictions as the next input
      for (let di = 0; di < targetLength; di++) {
        let decoderOutput: Tensor;
        [decoderOutput, decoderHidden] = decoder.forward(decoderInput, decoderHidden, encoderOutputs);
        const [, topi] = decoderOutput.topk(1);
        decoderInput = topi!.squeeze().detach(); // detach from history as input

        loss = loss.add(criterion.forward(decoderOutput, targetTensor.index([di])));
        if (decoderInput.item() === EOS_token) break;
      }
    }

    loss.backward();

    encoderOptimizer.step();
    decoderOptimizer.step();

    return loss.item() / targetLength;
  }

  function asMinutes(s: number): string {
    const m = Math.floor(s / 60);
    s -= m * 60;
    return `${Math.trunc(m)}m ${Math.trunc(s)}s`;
  }

  function timeSince(since: number, percent: number): string {
    const now = Date.now() / 1000;
    const s = now - since;
    const es = s / percent;
    const rs = es - s;
    return `${asMinutes(s)} (- ${asMinutes(rs)})`;
  }

  function trainIters(encoder: EncoderRNN, decoder: AttnDecoderRNN, nIters: number, printEvery = 1000, plotEvery = 100, learningRate = 0.01): void {
    const start = Date.now() / 1000;
    const plotLosses: number[] = [];
    let printLossTotal = 0; // Reset every print_every
    let plotLossTotal = 0; // Reset every plot_every

    const encoderOptimizer = new optim.SGD(encoder.parameters(), { lr: learningRate });
    const decoderOptimizer = new optim.SGD(decoder.parameters(), { lr: learningRate });
    const trainingPairs = Array.from({ length: nIters }, () => tensorsFromPair(random.choice(pairs)));
    const criterion = new nn.NLLLoss();

    for (let iter = 1; iter <= nIters; iter++) {
      const trainingPair = trainingPairs[iter - 1]!;
      const inputTensor = trainingPair[0];
      const targetTensor = trainingPair[1];

      const loss = train(inputTensor, targetTensor, encoder, decoder, encoderOptimizer, decoderOptimizer, criterion);
      printLossTotal += loss;
      plotLossTotal += loss;

      if (iter % printEvery === 0) {
        const printLossAvg = printLossTotal / printEvery;
        printLossTotal = 0;
        console.log(`${timeSince(start, iter / nIters)} (${iter} ${Math.trunc((iter / nIters) * 100)}%) ${printLossAvg.toFixed(4)}`);
      }

      if (iter % plotEvery === 0) {
        const plotLossAvg = plotLossTotal / plotEvery;
        plotLosses.push(plotLossAvg);
        plotLossTotal = 0;
      }
    }

    // showPlot(plotLosses): matplotlib, left out.
  }

  function evaluate(encoder: EncoderRNN, decoder: AttnDecoderRNN, sentence: string, maxLength = MAX_LENGTH): [string[], Tensor] {
    return torch.noGrad(() => {
      const inputTensor = tensorFromSentence(inputLang, sentence);
      const inputLength = inputTensor.size()[0]!;
      let encoderHidden = encoder.initHidden();

      const encoderOutputs = torch.zeros([maxLength, encoder.hiddenSize], { device });

      for (let ei = 0; ei < inputLength; ei++) {
        let encoderOutput: Tensor;
        [encoderOutput, encoderHidden] = encoder.forward(inputTensor.index([ei]), encoderHidden);
        encoderOutputs.index([ei]).add_(encoderOutput.index([0, 0]));
      }

      let decoderInput = torch.tensor([[SOS_token]], { device }); // SOS

      let decoderHidden = encoderHidden;

      const decodedWords: string[] = [];
      const decoderAttentions = torch.zeros([maxLength, maxLength]);

      let di = 0;
      for (; di < maxLength; di++) {
        let decoderOutput: Tensor;
        let decoderAttention: Tensor;
        [decoderOutput, decoderHidden, decoderAttention] = decoder.forward(decoderInput, decoderHidden, encoderOutputs);
        decoderAttentions.indexPut_([di], decoderAttention.data);
        const [, topi] = decoderOutput.data.topk(1);
        if (topi!.item() === EOS_token) {
          decodedWords.push("<EOS>");
          break;
        } else {
          decodedWords.push(outputLang.index2word.get(topi!.item())!);
        }

        decoderInput = topi!.squeeze().detach();
      }

      return [decodedWords, decoderAttentions.index([torch.Slice(null, di + 1)])];
    });
  }

  function evaluateRandomly(encoder: EncoderRNN, decoder: AttnDecoderRNN, n = 10): void {
    for (let i = 0; i < n; i++) {
      const pair = random.choice(pairs);
      console.log(">", pair[0]);
      console.log("=", pair[1]);
      const [outputWords] = evaluate(encoder, decoder, pair[0]!);
      const outputSentence = outputWords.join(" ");
      console.log("<", outputSentence);
      console.log("");
    }
  }

  const hiddenSize = limits.hiddenSize ?? 256;
  const encoder1 = new EncoderRNN(inputLang.n_words, hiddenSize).to(device);
  const attnDecoder1 = new AttnDecoderRNN(hiddenSize, outputLang.n_words, 0.1).to(device);

  trainIters(encoder1, attnDecoder1, limits.nIters ?? 75000, limits.printEvery ?? 5000);

  evaluateRandomly(encoder1, attnDecoder1, limits.nEvaluate ?? 10);

  function evaluateAndShowAttention(inputSentence: string): void {
    const [outputWords, attentions] = evaluate(encoder1, attnDecoder1, inputSentence);
    console.log("input =", inputSentence);
    console.log("output =", outputWords.join(" "));
    // showAttention(inputSentence, outputWords, attentions): matplotlib, left out; its matrix instead.
    console.log("attentions", attentions.shape, attentions.sum().item().toFixed(4));
  }

  for (const sentence of limits.sentences ?? ["elle a cinq ans de moins que moi .", "elle est trop petit .", "je ne crains pas de mourir .", "c est un jeune directeur plein de talent ."]) {
    evaluateAndShowAttention(sentence);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
