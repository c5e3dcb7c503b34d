/** Functional forms of the embedding and recurrent layers (F.embedding). */
export {};
