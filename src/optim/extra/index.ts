/** Adadelta, NAdam, RAdam, LBFGS. */
export {};
