/** F.scaledDotProductAttention and friends. */
export {};
