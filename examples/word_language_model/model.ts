/**
 * pytorch/examples word_language_model/model.py: RNNModel (Embedding -> dropout -> LSTM/GRU/RNN ->
 * dropout -> Linear -> log_softmax, optionally with tied encoder/decoder weights) and TransformerModel
 * (nn.Transformer's encoder stack over embeddings plus sinusoidal positions, causally masked).
 */
import * as torch from "../../src/index.ts";
import type { Tensor } from "../../src/index.ts";

const { nn } = torch;
const F = torch.nn.functional;

/** An LSTM's state is the pair (h, c); a GRU's or RNN's is h alone. */
export type Hidden = Tensor | Tensor[];

export class RNNModel extends nn.Module<[Tensor, Hidden], [Tensor, Hidden]> {
  ntoken: number;
  drop: torch.nn.Dropout;
  encoder: torch.nn.Embedding;
  rnn: torch.nn.RNNBase<Hidden>;
  decoder: torch.nn.Linear;
  rnnType: string;
  nhid: number;
  nlayers: number;

  /** Container module with an encoder, a recurrent module, and a decoder. */
  constructor(rnnType: string, ntoken: number, ninp: number, nhid: number, nlayers: number, dropout = 0.5, tieWeights = false) {
    super();
    this.ntoken = ntoken;
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    if (rnnType === "LSTM" || rnnType === "GRU") {
      this.rnn = new nn[rnnType](ninp, nhid, { numLayers: nlayers, dropout }) as torch.nn.RNNBase<Hidden>;
    } else {
      const nonlinearity = ({ RNN_TANH: "tanh", RNN_RELU: "relu" } as const)[rnnType];
      if (nonlinearity === undefined) {
        throw new Error(`An invalid option for \`--model\` was supplied,
                                 options are ['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU']`);
      }
      this.rnn = new nn.RNN(ninp, nhid, { numLayers: nlayers, nonlinearity, dropout });
    }
    this.decoder = new nn.Linear(nhid, ntoken);

    // Optionally tie weights as in:
    // "Using the Output Embedding to Improve Language Models" (Press & Wolf 2016)
    // https://arxiv.org/abs/1608.05859
    // and
    // "Tying Word Vectors and Word Classifiers: A Loss Framework for Language Modeling" (Inan et al. 2016)
    // https://arxiv.org/abs/1611.01462
    if (tieWeights) {
      if (nhid !== ninp) throw new Error("When using the tied flag, nhid must be equal to emsize");
      this.decoder.weight = this.encoder.weight;
    }

    this.initWeights();

    this.rnnType = rnnType;
    this.nhid = nhid;
    this.nlayers = nlayers;
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  override forward(input: Tensor, hidden: Hidden): [Tensor, Hidden] {
    const emb = this.drop.forward(this.encoder.forward(input));
    let output: Tensor;
    [output, hidden] = this.rnn.forward(emb, hidden);
    output = this.drop.forward(output);
    let decoded = this.decoder.forward(output);
    decoded = decoded.view(-1, this.ntoken);
    return [F.logSoftmax(decoded, 1), hidden];
  }

  initHidden(bsz: number): Hidden {
    const weight = this.parameters()[0]!;
    if (this.rnnType === "LSTM") {
      return [weight.newZeros(this.nlayers, bsz, this.nhid), weight.newZeros(this.nlayers, bsz, this.nhid)];
    } else {
      return weight.newZeros(this.nlayers, bsz, this.nhid);
    }
  }
}

/**
 * Inject some information about the relative or absolute position of the tokens in the sequence.
 * The positional encodings have the same dimension as the embeddings, so that the two can be summed.
 * Here, we use sine and cosine functions of different frequencies:
 * PosEncoder(pos, 2i) = sin(pos/10000^(2i/d_model)), PosEncoder(pos, 2i+1) = cos(pos/10000^(2i/d_model)).
 */
export class PositionalEncoding extends nn.Module {
  dropout: torch.nn.Dropout;
  declare pe: Tensor;

  constructor(dModel: number, dropout = 0.1, maxLen = 5000) {
    super();
    this.dropout = new nn.Dropout(dropout);

    let pe = torch.zeros(maxLen, dModel);
    const position = torch.arange(0, maxLen, { dtype: "float32" }).unsqueeze(1);
    const divTerm = torch.exp(torch.arange(0, dModel, 2).float().mul(-Math.log(10000.0) / dModel));
    pe.indexPut_(":, 0::2", torch.sin(position.mul(divTerm)));
    pe.indexPut_(":, 1::2", torch.cos(position.mul(divTerm)));
    pe = pe.unsqueeze(0).transpose(0, 1);
    this.registerBuffer("pe", pe);
  }

  /** x: [sequence length, batch size, embed dim] -> the same shape. */
  override forward(x: Tensor): Tensor {
    x = x.add(this.pe.index([torch.Slice(null, x.size(0)), torch.Slice()]));
    return this.dropout.forward(x);
  }
}

/** Container module with an encoder, a recurrent or transformer module, and a decoder. */
export class TransformerModel extends nn.Transformer<[src: Tensor, hasMask?: boolean]> {
  modelType: string;
  srcMask: Tensor | null;
  posEncoder: PositionalEncoding;
  inputEmb: torch.nn.Embedding;
  ninp: number;
  declare decoder: torch.nn.Linear;

  constructor(ntoken: number, ninp: number, nhead: number, nhid: number, nlayers: number, dropout = 0.5) {
    super({ dModel: ninp, nhead, dimFeedforward: nhid, numEncoderLayers: nlayers });
    this.modelType = "Transformer";
    this.srcMask = null;
    this.posEncoder = new PositionalEncoding(ninp, dropout);

    this.inputEmb = new nn.Embedding(ntoken, ninp);
    this.ninp = ninp;
    this.decoder = new nn.Linear(ninp, ntoken);

    this.initWeights();
  }

  private generateSquareSubsequentMask(sz: number): Tensor {
    let mask = torch.triu(torch.ones(sz, sz)).eq(1).transpose(0, 1);
    mask = mask.float().maskedFill(mask.eq(0), -Infinity).maskedFill(mask.eq(1), 0.0);
    return mask;
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.inputEmb.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  override forward(src: Tensor, hasMask = true): Tensor {
    if (hasMask) {
      const device = src.device;
      if (this.srcMask === null || this.srcMask.size(0) !== src.size(0)) {
        const mask = this.generateSquareSubsequentMask(src.size(0)).to(device);
        this.srcMask = mask;
      }
    } else {
      this.srcMask = null;
    }

    src = this.inputEmb.forward(src).mul(Math.sqrt(this.ninp));
    src = this.posEncoder.forward(src);
    let output = this.encoder.forward(src, { mask: this.srcMask }) as Tensor;
    output = this.decoder.forward(output);
    return F.logSoftmax(output, -1);
  }
}
