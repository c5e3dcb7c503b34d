/** torch.nn.utils: gradient clipping, and `nn.utils.rnn` for padded and packed sequences. */
export * from "./clip_grad.ts";
export * as rnn from "../recurrent/rnn_utils.ts";
