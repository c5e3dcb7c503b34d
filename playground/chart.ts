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
    // Loss on a log scale (it falls by two orders of magnitude); accuracy from just under the lowest
    // test evaluation to 100%, so the last tenths of a percent stay visible.
    const LOSS_LO = 0.01, LOSS_HI = 3;
    const tests = this.testAcc.map((p) => p.y);
    const accMin = Math.min(0.9, Math.floor(Math.min(1, ...tests) * 20) / 20);
    const X = (x: number) => pad.l + (x / this.epochs) * (W - pad.l - pad.r);
    const top = pad.t, bottom = H - pad.b;
    const YL = (y: number) => {
      const f = Math.log(Math.min(LOSS_HI, Math.max(LOSS_LO, y)) / LOSS_LO) / Math.log(LOSS_HI / LOSS_LO);
      return bottom - f * (bottom - top);
    };
    const YA = (y: number) => bottom - ((Math.max(y, accMin) - accMin) / (1 - accMin)) * (bottom - top);

    g.strokeStyle = COLORS.grid;
    g.fillStyle = COLORS.text;
    g.lineWidth = 1;
    for (const v of [2, 1, 0.5, 0.2, 0.1, 0.05, 0.02]) {
      g.beginPath();
      g.moveTo(pad.l, YL(v));
      g.lineTo(W - pad.r, YL(v));
      g.stroke();
      g.textAlign = "right";
      g.fillText(String(v), pad.l - 4, YL(v) + 4);
    }
    g.textAlign = "left";
    for (let i = 0; i <= 4; i++) {
      const a = accMin + (i / 4) * (1 - accMin);
      g.fillText(`${(100 * a).toFixed(accMin > 0.8 ? 1 : 0)}%`, W - pad.r + 4, YA(a) + 4);
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
