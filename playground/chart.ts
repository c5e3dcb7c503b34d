/**
 * A small live chart on a plain canvas: training loss (left axis) and accuracy (right axis: the running
 * training accuracy as a thin line, test-set evaluations as dots) against epochs. Redraws at the canvas's
 * CSS size times devicePixelRatio, so it stays sharp on phones.
 */

interface Point {
  x: number;
  y: number;
}

const COLORS = { loss: "#e4572e", train: "#9bb7d4", test: "#17609a", grid: "#d8dde3", text: "#555" };

export class Chart {
  private loss: Point[] = [];
  private trainAcc: Point[] = [];
  private testAcc: Point[] = [];
  private epochs = 1;

  constructor(private readonly canvas: HTMLCanvasElement) {
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  reset(epochs: number): void {
    this.epochs = epochs;
    this.loss = [];
    this.trainAcc = [];
    this.testAcc = [];
    this.draw();
  }

  addTraining(epoch: number, loss: number, accuracy: number): void {
    this.loss.push({ x: epoch, y: loss });
    this.trainAcc.push({ x: epoch, y: accuracy });
  }

  addTest(epoch: number, accuracy: number): void {
    this.testAcc.push({ x: epoch, y: accuracy });
  }

  draw(): void {
    const c = this.canvas, dpr = globalThis.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(c.clientWidth * dpr)), h = Math.max(1, Math.round(c.clientHeight * dpr));
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const g = c.getContext("2d");
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const W = c.clientWidth, H = c.clientHeight;
    const pad = { l: 38, r: 42, t: 10, b: 24 };
    g.clearRect(0, 0, W, H);
    g.font = "11px system-ui, sans-serif";
    const lossMax = Math.max(0.5, Math.min(2.5, Math.ceil(Math.max(0, ...this.loss.map((p) => p.y)) * 2) / 2));
    const accs = [...this.trainAcc, ...this.testAcc].map((p) => p.y);
    const accMin = Math.min(0.9, Math.floor(Math.min(1, ...accs) * 10) / 10);
    const X = (x: number) => pad.l + (x / this.epochs) * (W - pad.l - pad.r);
    const YL = (y: number) => H - pad.b - (Math.min(y, lossMax) / lossMax) * (H - pad.t - pad.b);
    const YA = (y: number) => H - pad.b - ((Math.max(y, accMin) - accMin) / (1 - accMin)) * (H - pad.t - pad.b);

    g.strokeStyle = COLORS.grid;
    g.fillStyle = COLORS.text;
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = pad.t + (i / 4) * (H - pad.t - pad.b);
      g.beginPath();
      g.moveTo(pad.l, y);
      g.lineTo(W - pad.r, y);
      g.stroke();
      g.textAlign = "right";
      g.fillText((lossMax * (1 - i / 4)).toFixed(2), pad.l - 4, y + 4);
      g.textAlign = "left";
      g.fillText(`${(100 * (1 - (i / 4) * (1 - accMin))).toFixed(0)}%`, W - pad.r + 4, y + 4);
    }
    g.textAlign = "center";
    for (let e = 0; e <= this.epochs; e++) g.fillText(e === 0 ? "epoch 0" : String(e), X(e), H - 6);

    const line = (pts: Point[], Y: (y: number) => number, color: string, width: number) => {
      if (pts.length === 0) return;
      g.strokeStyle = color;
      g.lineWidth = width;
      g.beginPath();
      pts.forEach((p, i) => (i === 0 ? g.moveTo(X(p.x), Y(p.y)) : g.lineTo(X(p.x), Y(p.y))));
      g.stroke();
    };
    line(this.trainAcc, YA, COLORS.train, 1);
    line(this.loss, YL, COLORS.loss, 1.5);
    line(this.testAcc, YA, COLORS.test, 2);
    g.fillStyle = COLORS.test;
    for (const p of this.testAcc) {
      g.beginPath();
      g.arc(X(p.x), YA(p.y), 3, 0, 2 * Math.PI);
      g.fill();
    }
    const last = this.testAcc[this.testAcc.length - 1];
    if (last) {
      g.textAlign = "right";
      g.fillText(`${(100 * last.y).toFixed(2)}%`, Math.min(X(last.x), W - pad.r) - 4, YA(last.y) + 14);
    }
  }
}
