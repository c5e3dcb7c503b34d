/**
 * A strict walk over a JPEG's marker segments and entropy-coded scans, done before jpeg-js sees the file.
 * jpeg-js sizes its coefficient buffers from the frame header and, when a scan's data runs out, keeps
 * decoding zero bits to the end of the image before it notices (a 618-byte file cost 2 GB and 13 s). The
 * walk finds the frame and every scan, so the declared size can be checked against the limits and against
 * the bits the file actually holds before anything is allocated.
 *
 * The walk accepts only well-formed structure (jpeg-js's recovery from malformed APP segments is not
 * offered): SOI, length-prefixed segments, scans ending at a marker, EOI.
 */

export interface FrameComponent {
  id: number;
  h: number;
  v: number;
  quantTable: number;
}

export interface JpegFrame {
  /** The SOF marker's low byte: 0xc0 baseline, 0xc1 extended sequential, 0xc2 progressive. */
  marker: number;
  precision: number;
  width: number;
  height: number;
  components: FrameComponent[];
}

export interface JpegScan {
  /** Indexes into the frame's components. */
  components: number[];
  spectralStart: number;
  spectralEnd: number;
  approxHigh: number;
  /** Entropy-coded bits in the scan, stuffing bytes and restart markers excluded. */
  bits: number;
  /** Restart markers inside the scan, and the restart interval (DRI; 0 = none) in force for it. */
  restarts: number;
  restartInterval: number;
}

export interface JpegStructure {
  frame: JpegFrame;
  scans: JpegScan[];
  quantTables: Set<number>;
}

const SOF_NAMES: Record<number, string> = {
  0xc3: "lossless",
  0xc5: "differential sequential",
  0xc6: "differential progressive",
  0xc7: "differential lossless",
  0xc9: "arithmetic-coded sequential",
  0xca: "arithmetic-coded progressive",
  0xcb: "arithmetic-coded lossless",
  0xcd: "arithmetic-coded differential sequential",
  0xce: "arithmetic-coded differential progressive",
  0xcf: "arithmetic-coded differential lossless",
};

function readFrame(marker: number, seg: Uint8Array, fail: (w: string) => Error): JpegFrame {
  if (SOF_NAMES[marker] !== undefined) throw fail(`${SOF_NAMES[marker]} JPEG is not supported`);
  if (seg.length < 6) throw fail("frame header is too short");
  const precision = seg[0];
  const height = (seg[1] << 8) | seg[2];
  const width = (seg[3] << 8) | seg[4];
  const n = seg[5];
  if (precision !== 8) throw fail(`${precision}-bit samples are not supported (only 8-bit)`);
  if (width === 0 || height === 0) {
    throw fail(`frame declares size ${width}x${height} (a height set later by a DNL marker is not supported)`);
  }
  if (n === 0 || seg.length !== 6 + 3 * n) throw fail(`frame header of ${seg.length} bytes for ${n} components`);
  const components: FrameComponent[] = [];
  for (let i = 0; i < n; i++) {
    const o = 6 + 3 * i;
    const c = { id: seg[o], h: seg[o + 1] >> 4, v: seg[o + 1] & 15, quantTable: seg[o + 2] };
    if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4) throw fail(`component ${c.id} has sampling factors ${c.h}x${c.v}`);
    if (c.quantTable > 3) throw fail(`component ${c.id} uses quantization table ${c.quantTable}`);
    if (components.some((d) => d.id === c.id)) throw fail(`component id ${c.id} appears twice in the frame`);
    components.push(c);
  }
  return { marker, precision, width, height, components };
}

/** Records which tables a DHT segment defines: keys 0..3 DC, 16..19 AC. */
function readHuffmanTables(seg: Uint8Array, defined: Set<number>, fail: (w: string) => Error): void {
  let i = 0;
  while (i < seg.length) {
    if (i + 17 > seg.length) throw fail("Huffman table segment is truncated");
    const cls = seg[i] >> 4;
    const id = seg[i] & 15;
    if (cls > 1 || id > 3) throw fail(`Huffman table class ${cls} id ${id} is invalid`);
    let count = 0;
    for (let k = 1; k <= 16; k++) count += seg[i + k];
    if (count === 0 || count > 256) throw fail(`Huffman table with ${count} codes`);
    i += 17 + count;
    if (i > seg.length) throw fail("Huffman table segment is truncated");
    defined.add(cls * 16 + id);
  }
}

function readQuantTables(seg: Uint8Array, defined: Set<number>, fail: (w: string) => Error): void {
  let i = 0;
  while (i < seg.length) {
    const pq = seg[i] >> 4;
    const id = seg[i] & 15;
    if (pq > 1 || id > 3) throw fail(`quantization table precision ${pq} id ${id} is invalid`);
    i += 1 + 64 * (pq + 1);
    if (i > seg.length) throw fail("quantization table segment is truncated");
    defined.add(id);
  }
}

function readScanHeader(
  seg: Uint8Array,
  frame: JpegFrame | null,
  huffman: Set<number>,
  fail: (w: string) => Error,
): Omit<JpegScan, "bits" | "restarts" | "restartInterval"> {
  if (frame === null) throw fail("scan before the frame header");
  const n = seg[0];
  if (n < 1 || n > 4 || seg.length !== 4 + 2 * n) throw fail(`scan header of ${seg.length} bytes for ${n} components`);
  const spectralStart = seg[1 + 2 * n];
  const spectralEnd = seg[2 + 2 * n];
  const approxHigh = seg[3 + 2 * n] >> 4;
  const approxLow = seg[3 + 2 * n] & 15;
  if (frame.marker !== 0xc2) {
    // Sequential: jpeg-js decodes every sequential scan as full-spectrum, so anything else is corrupt.
    if (spectralStart !== 0 || spectralEnd !== 63 || approxHigh !== 0 || approxLow !== 0) {
      throw fail(`sequential scan has spectral selection ${spectralStart}..${spectralEnd}, approximation ${approxHigh}/${approxLow}`);
    }
  } else if (spectralStart > spectralEnd || spectralEnd > 63 || (spectralStart === 0) !== (spectralEnd === 0)) {
    throw fail(`progressive scan has spectral selection ${spectralStart}..${spectralEnd}`);
  }
  if (frame.marker === 0xc2 && spectralStart > 0 && n !== 1) throw fail("a progressive AC scan must hold one component");
  const needsDC = spectralStart === 0 && approxHigh === 0;
  const needsAC = spectralEnd > 0;
  const components: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = seg[1 + 2 * i];
    const k = frame.components.findIndex((c) => c.id === id);
    if (k < 0) throw fail(`scan refers to component ${id}, which the frame does not have`);
    if (components.includes(k)) throw fail(`component ${id} appears twice in one scan`);
    const dc = seg[2 + 2 * i] >> 4;
    const ac = seg[2 + 2 * i] & 15;
    if (needsDC && !huffman.has(dc)) throw fail(`scan uses DC Huffman table ${dc}, which is not defined`);
    if (needsAC && !huffman.has(16 + ac)) throw fail(`scan uses AC Huffman table ${ac}, which is not defined`);
    components.push(k);
  }
  return { components, spectralStart, spectralEnd, approxHigh };
}

/**
 * Walks SOI .. EOI. Returns the frame, the scans with their entropy-coded sizes, and the quantization
 * tables defined; throws `fail(...)` for anything out of place, and for a file that ends before EOI.
 */
export function readJpegStructure(bytes: Uint8Array, fail: (w: string) => Error): JpegStructure {
  const len = bytes.length;
  if (len < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw fail("missing start-of-image marker");
  let frame: JpegFrame | null = null;
  const scans: JpegScan[] = [];
  const huffman = new Set<number>();
  const quantTables = new Set<number>();
  let restartInterval = 0;
  let i = 2;
  for (;;) {
    if (i >= len) throw fail(`file is truncated at byte ${len} (no end-of-image marker)`);
    if (bytes[i] !== 0xff) throw fail(`expected a marker at byte ${i}, found 0x${bytes[i].toString(16)}`);
    // Any number of 0xff fill bytes may precede a marker.
    while (i + 1 < len && bytes[i + 1] === 0xff) i++;
    if (i + 1 >= len) throw fail(`file is truncated at byte ${len} (no end-of-image marker)`);
    const m = bytes[i + 1];
    if (m === 0xd9) break;
    if (m === 0x00 || m === 0x01 || m === 0xd8 || (m >= 0xd0 && m <= 0xd7)) {
      throw fail(`unexpected marker 0xff${m.toString(16)} at byte ${i}`);
    }
    if (i + 4 > len) throw fail(`file is truncated inside the marker at byte ${i}`);
    const segLen = (bytes[i + 2] << 8) | bytes[i + 3];
    if (segLen < 2 || i + 2 + segLen > len) {
      throw fail(`segment 0xff${m.toString(16)} at byte ${i} declares ${segLen} bytes; the file is truncated or corrupt`);
    }
    const seg = bytes.subarray(i + 4, i + 2 + segLen);
    i += 2 + segLen;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (frame !== null) throw fail("more than one frame (only single-frame JPEGs are supported)");
      frame = readFrame(m, seg, fail);
    } else if (m === 0xc4) {
      readHuffmanTables(seg, huffman, fail);
    } else if (m === 0xdb) {
      readQuantTables(seg, quantTables, fail);
    } else if (m === 0xdd) {
      // jpeg-js reads the interval without looking at the length, so any other length would desynchronise it.
      if (seg.length !== 2) throw fail(`restart interval segment of ${segLen} bytes, expected 4`);
      restartInterval = (seg[0] << 8) | seg[1];
    } else if (m === 0xda) {
      const header = readScanHeader(seg, frame, huffman, fail);
      const end = scanEnd(bytes, i);
      scans.push({ ...header, bits: end.bits, restarts: end.restarts, restartInterval });
      i = end.next;
    } else if (!((m >= 0xe0 && m <= 0xef) || m === 0xfe)) {
      // jpeg-js knows no other marker (DNL, DAC, JPGn, reserved); letting one through would make it guess.
      throw fail(`unsupported marker 0xff${m.toString(16)} at byte ${i - 2 - segLen}`);
    }
  }
  if (frame === null) throw fail("no frame header before the end-of-image marker");
  return { frame, scans, quantTables };
}

/** Scans entropy-coded data from `start` to the next marker that is not a stuffed 0x00 or a restart. */
function scanEnd(bytes: Uint8Array, start: number): { next: number; bits: number; restarts: number } {
  let i = start;
  let count = 0;
  let restarts = 0;
  const len = bytes.length;
  while (i < len) {
    if (bytes[i] !== 0xff) {
      count++;
      i++;
      continue;
    }
    const next = i + 1 < len ? bytes[i + 1] : -1;
    if (next === 0x00) {
      count++;
      i += 2;
    } else if (next >= 0xd0 && next <= 0xd7) {
      restarts++;
      i += 2;
    } else {
      break;
    }
  }
  return { next: i, bits: count * 8, restarts };
}
