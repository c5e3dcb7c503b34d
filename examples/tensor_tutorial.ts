/**
 * Tensors, ported line by line from pytorch/tutorials beginner_source/blitz/tensor_tutorial.py
 * (https://github.com/pytorch/tutorials/blob/main/beginner_source/blitz/tensor_tutorial.py, the 2022
 * "Tensors" edition of the 60 Minute Blitz).
 *
 * Tensors are a specialized data structure that are very similar to arrays and matrices. In PyTorch (and
 * kindling) tensors encode the inputs and outputs of a model, as well as the model's parameters.
 * NumPy's ndarray has no JavaScript counterpart but the typed array: `t.numpy()` and `torch.fromNumpy()`
 * bridge to those, sharing memory as PyTorch shares it with NumPy.
 *
 * Run: npx tsx examples/tensor_tutorial.ts
 */
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";

export function main(): void {
  // ---- Tensor Initialization ------------------------------------------------------------------------
  // Directly from data: the data type is automatically inferred.
  const data = [[1, 2], [3, 4]];
  const xData = torch.tensor(data);

  // From a NumPy array (here a typed array, which is flat: view() gives it the shape back).
  const npArray = Int32Array.from(data.flat());
  const xNp = torch.fromNumpy(npArray).view(2, 2);
  void xNp;

  // From another tensor: the new tensor retains the properties (shape, datatype) of the argument
  // tensor, unless explicitly overridden.
  const xOnes = torch.onesLike(xData); // retains the properties of xData
  console.log(`Ones Tensor: \n ${xOnes} \n`);

  const xRand = torch.randLike(xData, { dtype: torch.float }); // overrides the datatype of xData
  console.log(`Random Tensor: \n ${xRand} \n`);

  // With random or constant values: `shape` is an array of tensor dimensions.
  const shape = [2, 3];
  const randTensor = torch.rand(shape);
  const onesTensor = torch.ones(shape);
  const zerosTensor = torch.zeros(shape);

  console.log(`Random Tensor: \n ${randTensor} \n`);
  console.log(`Ones Tensor: \n ${onesTensor} \n`);
  console.log(`Zeros Tensor: \n ${zerosTensor}`);

  // ---- Tensor Attributes: shape, datatype, and the device on which they are stored ------------------
  let tensor = torch.rand(3, 4);

  console.log(`Shape of tensor: ${tensor.shape}`);
  console.log(`Datatype of tensor: ${tensor.dtype}`);
  console.log(`Device tensor is stored on: ${tensor.device}`);

  // ---- Tensor Operations -----------------------------------------------------------------------------
  // We move our tensor to the GPU if available
  if (torch.cuda.isAvailable()) {
    tensor = tensor.to("cuda");
    console.log(`Device tensor is stored on: ${tensor.device}`);
  }

  // Standard numpy-like indexing and slicing: tensor[:,1] = 0
  tensor = torch.ones(4, 4);
  tensor.indexPut_(":, 1", 0);
  console.log(tensor);

  // Joining tensors: torch.cat concatenates a sequence of tensors along a given dimension.
  const t1 = torch.cat([tensor, tensor, tensor], 1);
  console.log(t1);

  // Multiplying tensors: this computes the element-wise product
  console.log(`tensor.mul(tensor) \n ${tensor.mul(tensor)} \n`);
  // Alternative syntax (tensor * tensor in Python):
  console.log(`tensor * tensor \n ${tensor.mul(tensor)}`);

  // This computes the matrix multiplication between two tensors
  console.log(`tensor.matmul(tensor.T) \n ${tensor.matmul(tensor.T)} \n`);
  // Alternative syntax (tensor @ tensor.T in Python):
  console.log(`tensor @ tensor.T \n ${tensor.matmul(tensor.T)}`);

  // In-place operations: operations that have a _ suffix are in-place.
  console.log(tensor, "\n");
  tensor.add_(5);
  console.log(tensor);

  // ---- Bridge with NumPy (typed arrays): CPU tensors and typed arrays can share their memory ---------
  // Tensor to NumPy array
  let t = torch.ones(5);
  console.log(`t: ${t}`);
  let n: Float32Array | Float64Array = t.numpy() as Float32Array;
  console.log(`n: ${n}`);

  // A change in the tensor reflects in the NumPy array.
  t.add_(1);
  console.log(`t: ${t}`);
  console.log(`n: ${n}`);

  // NumPy array to Tensor
  n = new Float64Array(5).fill(1); // np.ones(5)
  t = torch.fromNumpy(n);

  // Changes in the NumPy array reflect in the tensor: np.add(n, 1, out=n)
  n.forEach((v, i) => (n[i] = v + 1));
  console.log(`t: ${t}`);
  console.log(`n: ${n}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
