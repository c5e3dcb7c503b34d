/**
 * torchvision's ResNet (torchvision/models/resnet.py, 0.14): the same modules, registered in the same
 * order under the same names, so `stateDict()` keys and layouts are torchvision's and a PyTorch checkpoint
 * loads unchanged. kindling downloads nothing: weights start as torchvision initializes them (kaiming-normal
 * convolutions, unit batch norms), and pretrained ones come from a state dict saved by PyTorch.
 */
import { ArgumentError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { flatten } from "../ops/views.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Sequential } from "../nn/container.ts";
import { Conv2d } from "../nn/conv.ts";
import { Linear } from "../nn/linear.ts";
import { BatchNorm2d } from "../nn/normalization.ts";
import { AdaptiveAvgPool2d, MaxPool2d } from "../nn/pooling.ts";
import { ReLU } from "../nn/activation.ts";
import { Module } from "../nn/module.ts";
import { constant_, kaimingNormal_ } from "../nn/init.ts";

/** 3x3 convolution with padding (torchvision's conv3x3). */
function conv3x3(inPlanes: number, outPlanes: number, stride = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false });
}

/** 1x1 convolution (torchvision's conv1x1). */
function conv1x1(inPlanes: number, outPlanes: number, stride = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

/** Two 3x3 convolutions with a shortcut: ResNet-18/34's block. */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: ReLU;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Module | null;
  readonly stride: number;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: Module | null = null) {
    super();
    this.conv1 = conv3x3(inPlanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.relu = new ReLU();
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = downsample;
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    let identity = x;
    let out = this.conv1.forward(x);
    out = this.bn1.forward(out);
    out = this.relu.forward(out);
    out = this.conv2.forward(out);
    out = this.bn2.forward(out);
    if (this.downsample !== null) identity = this.downsample.forward(x);
    out = out.add(identity);
    return this.relu.forward(out);
  }
}

export interface ResNetOptions {
  /** Output classes of the final Linear (default 1000, ImageNet's). */
  numClasses?: number;
}

/** ResNet with BasicBlocks, `layers` blocks per stage (resnet18: [2, 2, 2, 2]). */
export class ResNet extends Module {
  private inplanes = 64;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: ReLU;
  maxpool: MaxPool2d;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool: AdaptiveAvgPool2d;
  fc: Linear;

  constructor(layers: readonly [number, number, number, number], opts: ResNetOptions = {}) {
    super();
    checkOptions("models.ResNet()", opts, { numClasses: "int" }, { index: 2 });
    const numClasses = opts.numClasses ?? 1000;
    this.conv1 = new Conv2d(3, this.inplanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(this.inplanes);
    this.relu = new ReLU();
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.makeLayer(64, layers[0]);
    this.layer2 = this.makeLayer(128, layers[1], 2);
    this.layer3 = this.makeLayer(256, layers[2], 2);
    this.layer4 = this.makeLayer(512, layers[3], 2);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.fc = new Linear(512 * BasicBlock.expansion, numClasses);

    for (const m of this.modules()) {
      if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: "fan_out", nonlinearity: "relu" });
      else if (m instanceof BatchNorm2d) {
        constant_(m.weight!, 1);
        constant_(m.bias!, 0);
      }
    }
  }

  private makeLayer(planes: number, blocks: number, stride = 1): Sequential {
    let downsample: Module | null = null;
    if (stride !== 1 || this.inplanes !== planes * BasicBlock.expansion) {
      downsample = new Sequential(conv1x1(this.inplanes, planes * BasicBlock.expansion, stride), new BatchNorm2d(planes * BasicBlock.expansion));
    }
    const layers: Module[] = [new BasicBlock(this.inplanes, planes, stride, downsample)];
    this.inplanes = planes * BasicBlock.expansion;
    for (let i = 1; i < blocks; i++) layers.push(new BasicBlock(this.inplanes, planes));
    return new Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    x = this.conv1.forward(x);
    x = this.bn1.forward(x);
    x = this.relu.forward(x);
    x = this.maxpool.forward(x);
    x = this.layer1.forward(x);
    x = this.layer2.forward(x);
    x = this.layer3.forward(x);
    x = this.layer4.forward(x);
    x = this.avgpool.forward(x);
    x = flatten(x, 1);
    return this.fc.forward(x);
  }
}

export interface ResNet18Options extends ResNetOptions {
  /** Only null: kindling has no pretrained weights to download (load PyTorch's with loadStateDict). */
  weights?: null;
}

/** torchvision's `resnet18(weights=None)`: 11.7M parameters, randomly initialized. */
export function resnet18(opts: ResNet18Options = {}): ResNet {
  checkOptions("models.resnet18()", opts, { weights: "any", numClasses: "int" }, { index: 1 });
  if (opts.weights !== undefined && opts.weights !== null) {
    throw new ArgumentError(
      "models.resnet18(): kindling downloads no pretrained weights; pass weights: null and load a state dict saved by PyTorch (model.loadStateDict(torch.load(path)))",
    );
  }
  return new ResNet([2, 2, 2, 2], { numClasses: opts.numClasses });
}
