/** Embedding and recurrent layers (RNN, LSTM, GRU and their cells). */
export {};
