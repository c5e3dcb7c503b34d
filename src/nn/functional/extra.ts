/** Functional forms of nn/extra (F.interpolate, F.groupNorm, ...). */
export {};
