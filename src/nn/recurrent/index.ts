/** Embedding and recurrent layers (RNN, LSTM, GRU and their cells). */
export { Embedding, type EmbeddingModuleOptions } from "./embedding.ts";
export { RNN, LSTM, GRU, type RNNOptions, type LSTMOptions } from "./rnn.ts";
export { RNNBase, type RNNBaseOptions, type RNNInput } from "./rnn_base.ts";
export { RNNCell, LSTMCell, GRUCell, type RNNCellBaseOptions } from "./cells.ts";
export { PackedSequence } from "./packed.ts";
