import type { DType, Storage } from "../tensor/dtype.ts";
import { stdSort } from "./std_algorithms.ts";

/**
 * torch.unique without dim as PyTorch 1.13's CPU kernel computes it: the values go one by one into a GCC
 * libstdc++ std::unordered_set (prime bucket counts, 13 at first, then at least doubled when full; std::hash:
 * the integer itself, or the murmur _Hash_bytes of a float's bytes with 0 for ±0; a new element goes first
 * in its bucket, an empty bucket's first at the list head), whose iteration order is the output when sorted is false;
 * sorted sorts that with std::sort. NaN equals nothing, so every NaN is its own element, and the
 * inverse/count maps never find one: a NaN input gets inverse 0 and a NaN output count 0.
 */

/** libstdc++'s bucket counts (hashtable-aux.cc __prime_list, from index 6 on, up to 2^32). */
const PRIMES = [
  17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 103, 109, 113, 127, 137, 139, 149, 157,
  167, 179, 193, 199, 211, 227, 241, 257, 277, 293, 313, 337, 359, 383, 409, 439, 467, 503, 541, 577, 619, 661, 709,
  761, 823, 887, 953, 1031, 1109, 1193, 1289, 1381, 1493, 1613, 1741, 1879, 2029, 2179, 2357, 2549, 2753, 2971, 3209,
  3469, 3739, 4027, 4349, 4703, 5087, 5503, 5953, 6427, 6949, 7517, 8123, 8783, 9497, 10273, 11113, 12011, 12983,
  14033, 15173, 16411, 17749, 19183, 20753, 22447, 24281, 26267, 28411, 30727, 33223, 35933, 38873, 42043, 45481,
  49201, 53201, 57557, 62233, 67307, 72817, 78779, 85229, 92203, 99733, 107897, 116731, 126271, 136607, 147793,
  159871, 172933, 187091, 202409, 218971, 236897, 256279, 277261, 299951, 324503, 351061, 379787, 410857, 444487,
  480881, 520241, 562841, 608903, 658753, 712697, 771049, 834181, 902483, 976369, 1056323, 1142821, 1236397, 1337629,
  1447153, 1565659, 1693859, 1832561, 1982627, 2144977, 2320627, 2510653, 2716249, 2938679, 3179303, 3439651, 3721303,
  4026031, 4355707, 4712381, 5098259, 5515729, 5967347, 6456007, 6984629, 7556579, 8175383, 8844859, 9569143,
  10352717, 11200489, 12117689, 13109983, 14183539, 15345007, 16601593, 17961079, 19431899, 21023161, 22744717,
  24607243, 26622317, 28802401, 31160981, 33712729, 36473443, 39460231, 42691603, 46187573, 49969847, 54061849,
  58488943, 63278561, 68460391, 74066549, 80131819, 86693767, 93793069, 101473717, 109783337, 118773397, 128499677,
  139022417, 150406843, 162723577, 176048909, 190465427, 206062531, 222936881, 241193053, 260944219, 282312799,
  305431229, 330442829, 357502601, 386778277, 418451333, 452718089, 489790921, 529899637, 573292817, 620239453,
  671030513, 725980837, 785430967, 849749479, 919334987, 994618837, 1076067617, 1164186217, 1259520799, 1362662261,
  1474249943, 1594975441, 1725587117, 1866894511, 2019773507, 2185171673, 2364114217, 2557710269, 2767159799,
  2993761039, 3238918481, 3504151727, 3791104843, 4101556399, 4294967291,
];
const FAST = [1, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13];

/** _Prime_rehash_policy::_M_next_bkt(n) with max load factor 1: a bucket count, which is also the next resize point. */
function nextBucketCount(n: number): number {
  if (n < FAST.length) return FAST[n]!;
  let lo = 0;
  let hi = PRIMES.length - 1;
  while (lo < hi) { const m = (lo + hi) >> 1; if (PRIMES[m]! < n) lo = m + 1; else hi = m; }
  return PRIMES[lo]!;
}

// 64-bit words as (hi, lo) uint32 halves, results left in RH/RL: the hash's arithmetic is modulo 2^64
const TWO32 = 4294967296;
const MUL_HI = 0xc6a4a793;
const MUL_LO = 0x5bd1e995;
let RH = 0;
let RL = 0;

/** (aH, aL) * (bH, bL) mod 2^64, exactly, with 16-bit limbs for the low halves' full product. */
function mul(aH: number, aL: number, bH: number, bL: number): void {
  const a0 = aL & 0xffff, a1 = aL >>> 16, b0 = bL & 0xffff, b1 = bL >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const t = a0 * b0 + (mid % 65536) * 65536;
  RH = (a1 * b1 + Math.floor(mid / 65536) + Math.floor(t / TWO32) + (Math.imul(aH, bL) >>> 0) + (Math.imul(aL, bH) >>> 0)) % TWO32;
  RL = t % TWO32;
}

/** (RH, RL) * mul after v ^= v >> 47, the murmur finishing step. */
function mixMul(): void {
  mul(RH, (RL ^ (RH >>> 15)) >>> 0, MUL_HI, MUL_LO);
}

const VIEW = new DataView(new ArrayBuffer(8));
/** libstdc++'s seed 0xc70f6907 xor len * mul, for len 4 and 8. */
const START = [4, 8].map((len) => { mul(0, len, MUL_HI, MUL_LO); return [RH, (RL ^ 0xc70f6907) >>> 0]; });

/** libstdc++ _Hash_bytes (64-bit murmur) of a 4- or 8-byte little-endian word, into (RH, RL). */
function hashBytes(wH: number, wL: number, eight: boolean): void {
  const [sH, sL] = START[eight ? 1 : 0]!;
  if (eight) {
    mul(wH, wL, MUL_HI, MUL_LO);
    mixMul();
    mul((sH! ^ RH) >>> 0, (sL! ^ RL) >>> 0, MUL_HI, MUL_LO);
  } else mul(sH!, (sL! ^ wL) >>> 0, MUL_HI, MUL_LO);
  mixMul();
  RL = (RL ^ (RH >>> 15)) >>> 0;
}

/** std::hash of a value into (RH, RL): the integer itself (two's complement), or the float's bytes hashed (0 for ±0). */
function hashOf(v: number, dtype: DType): void {
  if (dtype !== "float32" && dtype !== "float64") {
    RH = v >= 0 ? Math.floor(v / TWO32) : Math.floor(v / TWO32) + TWO32;
    RL = ((v % TWO32) + TWO32) % TWO32;
  } else if (v === 0) {
    RH = 0; RL = 0;
  } else if (dtype === "float64") {
    VIEW.setFloat64(0, v, true);
    hashBytes(VIEW.getUint32(4, true), VIEW.getUint32(0, true), true);
  } else {
    VIEW.setFloat32(0, v, true);
    hashBytes(0, VIEW.getUint32(0, true), false);
  }
}

export interface UniqueFlat { values: Float64Array; inverse: Float64Array; counts: Float64Array }

const EMPTY = -3;
const HEAD = -2;

interface HashSet { val: number[]; order: number[]; nodeOf: Int32Array }

/**
 * The set after inserting data one by one, growing (and relinking) as _M_need_rehash decides: its nodes'
 * values, the nodes in iteration order, and each input's node (-1 for NaN, which no lookup finds).
 */
function buildSet(data: Storage, dtype: DType): HashSet {
  const n = data.length;
  const val: number[] = [];
  const hashHi: number[] = [];
  const hashLo: number[] = [];
  const next: number[] = [];
  const bkt: number[] = [];
  const nodeOf = new Int32Array(n);
  let nb = 1;
  let nextResize = 0;
  let buckets = new Int32Array(1).fill(EMPTY);
  let head = -1;
  const bucketOf = (k: number): number => ((((hashHi[k]! % nb) * 65536) % nb) * 65536 + hashLo[k]!) % nb;
  const link = (k: number): void => {
    const b = (bkt[k] = bucketOf(k));
    const prev = buckets[b]!;
    if (prev !== EMPTY) {
      const after = prev === HEAD ? head : next[prev]!;
      next[k] = after;
      if (prev === HEAD) head = k; else next[prev] = k;
      return;
    }
    next[k] = head;
    if (head >= 0) buckets[bkt[head]!] = k;
    head = k;
    buckets[b] = HEAD;
  };
  /** The node holding v, walking its bucket as the table's find does. */
  const find = (v: number, b: number): number => {
    const prev = buckets[b]!;
    if (prev === EMPTY) return -1;
    for (let p = prev === HEAD ? head : next[prev]!; p >= 0 && bkt[p] === b; p = next[p]!) if (val[p] === v) return p;
    return -1;
  };
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    hashOf(v, dtype);
    const k = val.length;
    hashHi.push(RH);
    hashLo.push(RL);
    const found = v === v ? find(v, bucketOf(k)) : -1;
    if (found >= 0) {
      hashHi.pop();
      hashLo.pop();
      nodeOf[i] = found;
      continue;
    }
    nodeOf[i] = v === v ? k : -1;
    if (k + 1 > nextResize) {
      // the first insertion sizes the table for 11 elements; later ones double it
      const minBuckets = Math.max(k + 1, nextResize ? 0 : 11);
      if (minBuckets >= nb) {
        const old: number[] = [];
        for (let p = head; p >= 0; p = next[p]!) old.push(p);
        nb = nextBucketCount(Math.max(minBuckets + 1, nb * 2));
        nextResize = nb;
        buckets = new Int32Array(nb).fill(EMPTY);
        head = -1;
        for (const p of old) link(p);
      } else nextResize = nb;
    }
    val.push(v);
    next.push(-1);
    bkt.push(0);
    link(k);
  }
  const order: number[] = [];
  for (let p = head; p >= 0; p = next[p]!) order.push(p);
  return { val, order, nodeOf };
}

export function uniqueFlat(data: Storage, dtype: DType, sorted: boolean): UniqueFlat {
  const n = data.length;
  const set = buildSet(data, dtype);
  const m = set.order.length;
  const values = Float64Array.from(set.order, (k) => set.val[k]!);
  const nodes = Int32Array.from(set.order);
  if (sorted) stdSort(values, nodes, 0, m);
  const place = new Int32Array(m);
  nodes.forEach((k, p) => { place[k] = p; });
  const inverse = new Float64Array(n);
  const counts = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const k = set.nodeOf[i]!;
    if (k < 0) continue;
    inverse[i] = place[k]!;
    counts[place[k]!]++;
  }
  return { values, inverse, counts };
}
