/**
 * The drawing pad: pointer events (mouse, pen and touch alike) draw round strokes on a canvas whose
 * bitmap is a fixed 280x280 whatever its CSS size, so the stroke width relative to the digit is the
 * same on a phone and a desktop. The ink is the canvas's alpha channel (the paper is the CSS background).
 */

export const PAD_SIZE = 280;
/** About MNIST's stroke width once a digit's box is scaled to 20 px (2-3 px of 28). */
const LINE_WIDTH = 22;

export class DrawPad {
  private readonly g: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;
  private active: number | null = null;
  empty = true;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly onChange: () => void) {
    canvas.width = PAD_SIZE;
    canvas.height = PAD_SIZE;
    this.g = canvas.getContext("2d", { willReadFrequently: true })!;
    canvas.addEventListener("pointerdown", (e) => this.down(e));
    canvas.addEventListener("pointermove", (e) => this.move(e));
    for (const type of ["pointerup", "pointercancel"] as const) canvas.addEventListener(type, (e) => this.up(e));
  }

  /** The pointer's position in bitmap pixels. */
  private at(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * PAD_SIZE, y: ((e.clientY - r.top) / r.height) * PAD_SIZE };
  }

  private down(e: PointerEvent): void {
    if (this.active !== null) return;
    e.preventDefault();
    this.active = e.pointerId;
    this.canvas.setPointerCapture?.(e.pointerId);
    this.last = this.at(e);
    this.segment(this.last, this.last);
  }

  private move(e: PointerEvent): void {
    if (e.pointerId !== this.active || !this.last) return;
    e.preventDefault();
    const events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = this.at(ev);
      this.segment(this.last, p);
      this.last = p;
    }
  }

  private up(e: PointerEvent): void {
    if (e.pointerId !== this.active) return;
    this.active = null;
    this.last = null;
  }

  private segment(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const g = this.g;
    g.strokeStyle = "#000";
    g.lineWidth = LINE_WIDTH;
    g.lineCap = "round";
    g.lineJoin = "round";
    g.beginPath();
    g.moveTo(a.x, a.y);
    g.lineTo(b.x, b.y);
    g.stroke();
    this.empty = false;
    this.onChange();
  }

  clear(): void {
    this.g.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
    this.empty = true;
    this.onChange();
  }

  /** Ink per pixel in [0, 1] (the alpha channel), row-major PAD_SIZE x PAD_SIZE. */
  ink(): Float32Array {
    const rgba = this.g.getImageData(0, 0, PAD_SIZE, PAD_SIZE).data;
    const out = new Float32Array(PAD_SIZE * PAD_SIZE);
    for (let i = 0; i < out.length; i++) out[i] = rgba[4 * i + 3]! / 255;
    return out;
  }
}
