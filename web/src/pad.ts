/**
 * The drawing pad: strokes with the mouse, a finger or a pen (pointer events), kept in coordinates
 * relative to the pad so they survive a resize, drawn on a transparent canvas so that the alpha
 * channel is the ink.
 */
import { type Gray, inkFromRgba } from './preprocess';

/** Pen width as a fraction of the pad's width (about MNIST's stroke for a digit of 2/3 the pad). */
const PEN = 0.075;
const INK = '#1e1b4b';

type Point = [number, number];

export class DrawingPad {
  private strokes: Point[][] = [];
  private current: Point[] | null = null;
  private frame = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    /** Called (at most once a frame) whenever the drawing changes. */
    private readonly onChange: () => void,
  ) {
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', () => this.up());
    canvas.addEventListener('pointercancel', () => this.up());
    new ResizeObserver(() => this.redraw()).observe(canvas);
  }

  get isEmpty(): boolean {
    return this.strokes.length === 0;
  }

  clear(): void {
    this.strokes = [];
    this.current = null;
    this.redraw();
    this.changed();
  }

  /** The ink (alpha channel) at the canvas' resolution. */
  ink(): Gray {
    const { width, height } = this.canvas;
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
    return inkFromRgba(ctx.getImageData(0, 0, width, height).data, width, height);
  }

  private point(e: PointerEvent): Point {
    const r = this.canvas.getBoundingClientRect();
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  }

  private down(e: PointerEvent): void {
    if (e.button !== 0) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.current = [this.point(e)];
    this.strokes.push(this.current);
    this.drawSegment(this.current, 0);
    this.changed();
  }

  private move(e: PointerEvent): void {
    if (!this.current) return;
    e.preventDefault();
    const events = e.getCoalescedEvents?.() ?? [];
    for (const ev of events.length > 0 ? events : [e]) {
      this.current.push(this.point(ev));
      this.drawSegment(this.current, this.current.length - 1);
    }
    this.changed();
  }

  private up(): void {
    this.current = null;
  }

  private context(): CanvasRenderingContext2D {
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineWidth = PEN * this.canvas.width;
    return ctx;
  }

  /** Draws point `i` of a stroke: a dot for the first, else the segment from the previous point. */
  private drawSegment(stroke: Point[], i: number): void {
    const ctx = this.context();
    const { width, height } = this.canvas;
    const [x, y] = stroke[i];
    ctx.beginPath();
    if (i === 0) {
      ctx.arc(x * width, y * height, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fill();
    } else {
      const [px, py] = stroke[i - 1];
      ctx.moveTo(px * width, py * height);
      ctx.lineTo(x * width, y * height);
      ctx.stroke();
    }
  }

  /** Matches the canvas' pixels to its box and draws every stroke again. */
  private redraw(): void {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(this.canvas.clientHeight * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    this.context().clearRect(0, 0, w, h);
    for (const s of this.strokes) for (let i = 0; i < s.length; i++) this.drawSegment(s, i);
  }

  private changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.onChange();
    });
  }
}
