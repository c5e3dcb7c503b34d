import { availableBackends } from "../backend/registry.ts";
import { ArgumentError, DTypeError } from "../errors.ts";
import { checkOptions, isPlainObject, isTensorLike } from "../options.ts";
import { type DType, DTYPES } from "./dtype.ts";
import { INSPECT } from "../platform/inspect.ts";

/**
 * Devices, PyTorch's `torch.device`: WHERE a tensor's memory lives. kindling keeps every tensor in
 * host memory, so "cpu" is the only device that exists. That is a different question from the
 * backend (`torch.setBackend`), which picks WHICH kernels (native, wasm, js) compute on that cpu
 * memory. A GPU backend would add a device (its own memory) and plug in here: `checkDevice` is the
 * one place that says which devices exist.
 */

/** The device types PyTorch's parser knows, in its order (its error lists them). */
const DEVICE_TYPES = [
  "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "ort", "xla", "lazy", "vulkan",
  "mps", "meta", "hpu", "privateuseone",
] as const;

export type DeviceType = (typeof DEVICE_TYPES)[number];

/** A device, as `torch.device(...)` makes it: frozen, and one object per spelling, so `===` compares. */
export class Device {
  private constructor(
    readonly type: DeviceType,
    /** The device ordinal; null when not given ("cpu" rather than "cpu:0"), as in PyTorch. */
    readonly index: number | null,
  ) {
    Object.freeze(this);
  }

  /** "cpu", "cuda:1": what `str(torch.device(...))` prints, and what `device()` parses back. */
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }

  toJSON(): string {
    return this.toString();
  }

  private static readonly made = new Map<string, Device>();

  /** @internal The one Device for a type and index. */
  static of(type: DeviceType, index: number | null): Device {
    const key = index === null ? type : `${type}:${index}`;
    let d = Device.made.get(key);
    if (d === undefined) {
      d = new Device(type, index);
      Device.made.set(key, d);
    }
    return d;
  }
}

// console.log(x.device) prints device(type='cpu'), as Python's repr.
Object.defineProperty(Device.prototype, INSPECT, {
  value(this: Device) {
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  },
});

/** What `device` options and `.to(...)` accept: a Device or its string ("cpu", "cuda:0"). */
export type DeviceLike = Device | string;

/** The device every kindling tensor lives on. */
export const CPU: Device = Device.of("cpu", null);

/**
 * `torch.device("cpu")`, `torch.device("cuda:1")`, `torch.device("cuda", 1)`. Any device PyTorch can
 * name can be constructed (a program may build one before choosing); using one that is not "cpu"
 * is an error (see checkDevice).
 */
export function device(spec: DeviceLike, index?: number): Device {
  if (spec instanceof Device) {
    if (index !== undefined) throw new ArgumentError("device(): an index can only be given with a device type string");
    return spec;
  }
  if (typeof spec !== "string") {
    throw new ArgumentError(`device(): expected a device string such as "cpu" or a Device, got ${spec === null ? "null" : typeof spec}`);
  }
  const m = /^([a-z_]+)(?::(\d+))?$/.exec(spec);
  const colon = spec.indexOf(":");
  const type = colon < 0 ? spec : spec.slice(0, colon);
  if (!(DEVICE_TYPES as readonly string[]).includes(type)) {
    throw new ArgumentError(`Expected one of ${DEVICE_TYPES.join(", ")} device type at start of device string: ${spec}`);
  }
  if (m === null || (m[2] !== undefined && m[2].length > 1 && m[2].startsWith("0"))) {
    throw new ArgumentError(`Invalid device string: '${spec}'`);
  }
  let idx: number | null = m[2] === undefined ? null : Number(m[2]);
  if (index !== undefined && index !== null) {
    if (idx !== null) throw new ArgumentError(`type (string) must not include an index because index was passed explicitly: ${spec}`);
    if (!Number.isInteger(index)) throw new ArgumentError(`device(): index must be an int, got ${String(index)}`);
    if (index < 0) throw new ArgumentError("Device index must not be negative");
    idx = index;
  }
  return Device.of(type as DeviceType, idx);
}

/**
 * The device a tensor may be put on, or an error saying which exist. "cpu" and "cpu:0" are the
 * host memory every tensor uses.
 */
export function checkDevice(d: unknown): Device {
  const dev = device(d as DeviceLike);
  if (dev.type === "cpu" && (dev.index === null || dev.index === 0)) return dev;
  throw unavailable(dev.toString());
}

/** The error for `.cuda()`, `.to("mps")`, `{ device: "cuda" }`... */
export function unavailable(name: string): ArgumentError {
  // Fastest first, as the default backend is picked.
  const rank = (b: string) => ["native", "wasm", "js"].indexOf(b) >>> 0;
  const backends = availableBackends().sort((a, b) => rank(a) - rank(b));
  return new ArgumentError(
    `device '${name}' is not available: kindling runs on 'cpu' only (backends: ${backends.join(", ")}; pick one with torch.setBackend)`,
  );
}

/** The options `.to()` takes, PyTorch's keyword arguments. */
export interface ToOptions {
  device?: DeviceLike;
  dtype?: DType;
  /** Always return a new tensor, even when nothing changes. */
  copy?: boolean;
  /** Accepted for PyTorch programs; copies to the cpu are synchronous anyway. */
  nonBlocking?: boolean;
}

const TO_OPTIONS = { device: "any", dtype: "string", copy: "boolean", nonBlocking: "boolean" } as const;

/** What a `.to(...)` call asked for. */
export interface ToRequest {
  device: Device | null;
  dtype: DType | null;
  copy: boolean;
}

const isDType = (v: unknown): v is DType => typeof v === "string" && (DTYPES as readonly string[]).includes(v);
const isTensor = (v: unknown): v is { dtype: DType; device: Device } => isTensorLike(v);
const isOptions = (v: unknown): boolean => isPlainObject(v) && !isTensorLike(v);

/**
 * Reads the arguments of `tensor.to(...)` / `module.to(...)` the ways PyTorch takes them:
 * `(dtype)`, `(device)`, `(device, dtype)`, `(tensor)` (its device and dtype), each optionally followed
 * by an options object, or an options object alone (`{ device, dtype, copy, nonBlocking }`).
 * A device string is told from a dtype by name ("float64" is a dtype, "cpu" a device).
 */
export function parseTo(where: string, args: readonly unknown[]): ToRequest {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const pos = args.slice(0, n);
  let opts: ToOptions = {};
  if (pos.length > 0 && isOptions(pos[pos.length - 1])) opts = pos.pop() as ToOptions;
  checkOptions(where, opts, TO_OPTIONS);
  let dev: unknown = opts.device;
  let dtype: unknown = opts.dtype;
  const fail = (): never => {
    const got = pos.map((a) => (a instanceof Device ? "Device" : isTensor(a) ? "Tensor" : a === null ? "null" : typeof a)).join(", ");
    throw new ArgumentError(
      `${where} received an invalid combination of arguments - got (${got}), but expected one of: ` +
        "(device, dtype?, options?), (dtype, options?), (tensor, options?), (options)",
    );
  };
  if (pos.length > 2) fail();
  if (pos.length === 1 && isTensor(pos[0])) {
    dev = pos[0].device;
    dtype = pos[0].dtype;
  } else if (pos.length === 1 && isDType(pos[0])) {
    dtype = pos[0];
  } else if (pos.length >= 1) {
    if (!(pos[0] instanceof Device) && typeof pos[0] !== "string") fail();
    dev = pos[0];
    if (pos.length === 2) {
      if (!isDType(pos[1])) {
        if (typeof pos[1] === "string" && !(DTYPES as readonly string[]).includes(pos[1])) {
          throw new DTypeError(`${where}: dtype must be one of ${DTYPES.join(", ")}, got ${pos[1]}`);
        }
        fail();
      }
      dtype = pos[1];
    }
  }
  if (dtype !== undefined && !isDType(dtype)) throw new DTypeError(`${where}: dtype must be one of ${DTYPES.join(", ")}, got ${String(dtype)}`);
  return { device: dev === undefined ? null : checkDevice(dev), dtype: (dtype as DType | undefined) ?? null, copy: opts.copy ?? false };
}
