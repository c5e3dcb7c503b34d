/** torch.nn.utils.rnn: padSequence, packSequence, PackedSequence. */
export {};
