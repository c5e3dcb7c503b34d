import { ArgumentError } from "../errors.ts";
import { channelShuffle, pixelShuffle, pixelUnshuffle } from "../ops/pixel_shuffle.ts";
import { checkArity, keywordArgs } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/** nn.PixelShuffle / nn.PixelUnshuffle: [*, C r^2, H, W] <-> [*, C, H r, W r], and nn.ChannelShuffle (ops/pixel_shuffle.ts). */

function factorArg(where: string, args: IArguments, name: string): number {
  checkArity(where, args, 1);
  const v = keywordArgs(where, [args[0]], [name], { [name]: "int" }, 1)[name];
  if (v === undefined) throw new ArgumentError(`${where}: missing required argument '${name}'`);
  return v as number;
}

export class PixelShuffle extends Module {
  /** @internal */ static override readonly builtinName: string = "PixelShuffle";
  readonly upscaleFactor: number;
  constructor(upscaleFactor: number | { upscaleFactor?: number }) {
    super();
    this.upscaleFactor = factorArg("nn.PixelShuffle()", arguments, "upscaleFactor");
  }

  override forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }

  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

export class PixelUnshuffle extends Module {
  /** @internal */ static override readonly builtinName: string = "PixelUnshuffle";
  readonly downscaleFactor: number;
  constructor(downscaleFactor: number | { downscaleFactor?: number }) {
    super();
    this.downscaleFactor = factorArg("nn.PixelUnshuffle()", arguments, "downscaleFactor");
  }

  override forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }

  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

export class ChannelShuffle extends Module {
  /** @internal */ static override readonly builtinName: string = "ChannelShuffle";
  readonly groups: number;
  constructor(groups: number | { groups?: number }) {
    super();
    this.groups = factorArg("nn.ChannelShuffle()", arguments, "groups");
  }

  override forward(x: Tensor): Tensor {
    return channelShuffle(x, this.groups);
  }

  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
