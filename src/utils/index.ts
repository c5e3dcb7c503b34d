/** torch.utils */
export * as data from "./data/index.ts";
export * from "./vision/index.ts";
