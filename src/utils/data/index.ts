/** torch.utils.data */

export { Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, randomSplit, type MapDataset, type SampleContext } from "./dataset.ts";
export { DataLoader, type DataLoaderOptions } from "./dataloader.ts";
export { defaultCollate, type Collated, type TypedArray } from "./collate.ts";
export {
  Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler,
  randomSplitLengths, setDefaultRandomSource, getDefaultRandomSource,
  type RandomSource, type RandomSamplerOptions, type Sized,
} from "./samplers.ts";
export { datasetFromRecipe, type DatasetRecipe, type JsonValue } from "./recipe.ts";
export { drawSeed, sampleSeed, sampleGenerator } from "./seeding.ts";
