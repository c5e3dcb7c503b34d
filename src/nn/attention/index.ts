/** Attention and Transformer layers. */
export {};
