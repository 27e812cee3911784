/**
 * The page: controls, charts and the drawing pad. Training runs in `worker.ts`; the page keeps a copy
 * of the latest weights (sent a few times a second) to read the person's digit at once, on this
 * thread, without waiting for a training step.
 */
import { LineChart } from './chart';
import {
  classify,
  type DemoNet,
  MODEL_CHOICES,
  type ModelKey,
  type NetSnapshot,
  netFromSnapshot,
  type TensorData,
} from './models';
import { DrawingPad } from './pad';
import { toMnist } from './preprocess';
import { type FromWorker, OPTIMIZERS, type OptimizerKey, type ToWorker } from './protocol';
import { drawWeights } from './weights';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const el = {
  dataStatus: $('data-status'),
  model: $<HTMLSelectElement>('model'),
  optimizer: $<HTMLSelectElement>('optimizer'),
  start: $<HTMLButtonElement>('start'),
  reset: $<HTMLButtonElement>('reset'),
  epoch: $('stat-epoch'),
  step: $('stat-step'),
  loss: $('stat-loss'),
  testAcc: $('stat-test-acc'),
  speed: $('stat-speed'),
  pad: $<HTMLCanvasElement>('pad'),
  padHint: $('pad-hint'),
  clear: $<HTMLButtonElement>('clear'),
  guess: $('guess'),
  guessConf: $('guess-conf'),
  seen: $<HTMLCanvasElement>('seen'),
  bars: $('bars'),
  weights: $<HTMLCanvasElement>('weights'),
  weightsHint: $('weights-hint'),
  netName: $('net-name'),
  netInfo: $('net-info'),
  file: $<HTMLInputElement>('model-file'),
  save: $<HTMLButtonElement>('save'),
  toast: $('toast'),
};

// ---- Worker -------------------------------------------------------------------------------------

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);

// ---- Menus --------------------------------------------------------------------------------------

for (const [key, m] of Object.entries(MODEL_CHOICES)) el.model.add(new Option(m.label, key));
for (const [key, o] of Object.entries(OPTIMIZERS))
  el.optimizer.add(new Option(`${o.label} · lr ${o.lr}`, key));
el.model.value = 'mlp';
el.optimizer.value = 'adam';

function resetRun(): void {
  send({ type: 'reset', model: el.model.value as ModelKey, optimizer: el.optimizer.value as OptimizerKey });
  clearCharts();
  source = 'trained';
  showNet(MODEL_CHOICES[el.model.value as ModelKey].label, 'Untrained: press Start, or load a model file.');
}
el.model.addEventListener('change', resetRun);
el.optimizer.addEventListener('change', resetRun);
el.reset.addEventListener('click', resetRun);

// ---- Training: controls, stats and charts -------------------------------------------------------

let running = false;
let dataReady = false;
let source: 'trained' | 'loaded' = 'trained';
let lastEpoch = 0;
let lastTestAcc: number | null = null;
let ema = 0;
let emaCount = 0;

el.start.addEventListener('click', () => send({ type: running ? 'pause' : 'start' }));

const lossChart = new LineChart(
  $<HTMLCanvasElement>('loss-chart'),
  [
    { color: 'rgba(99, 102, 241, 0.28)', width: 1 },
    { color: '#4f46e5', width: 2.2 },
  ],
  { yCap: 2.5, formatY: (y) => y.toFixed(1), empty: 'Press Start to train' },
);
const accChart = new LineChart(
  $<HTMLCanvasElement>('acc-chart'),
  [
    { color: '#a5b4fc', width: 2, dots: true, dash: [5, 4] },
    { color: '#0d9488', width: 2.4, dots: true },
  ],
  { yMin: 0, yMax: 1, formatY: (y) => `${Math.round(y * 100)}%`, empty: 'Measured every epoch' },
);

/**
 * Puts a chart's first and last values (of series `index`) in its label and data attributes, for
 * screen readers and for the end-to-end test.
 */
function summarize(chart: LineChart, what: string, index: number, format: (y: number) => string): void {
  const pts = chart.series[index].points;
  const canvas = chart.canvas;
  if (pts.length === 0) {
    delete canvas.dataset.first;
    delete canvas.dataset.last;
    canvas.setAttribute('aria-label', `${what}: no data yet`);
    return;
  }
  const [first, last] = [pts[0], pts[pts.length - 1]];
  // The loss chart's first value is the first batch's own loss (series 0), not the running average.
  const firstY = chart === lossChart ? chart.series[0].points[0].y : first.y;
  canvas.dataset.first = String(firstY);
  canvas.dataset.last = String(last.y);
  canvas.dataset.count = String(pts.length);
  canvas.setAttribute(
    'aria-label',
    `${what}: ${format(firstY)} at step ${first.x}, ${format(last.y)} at step ${last.x}`,
  );
}

function clearCharts(): void {
  lossChart.clear();
  accChart.clear();
  summarize(lossChart, 'Loss', 1, String);
  summarize(accChart, 'Test accuracy', 1, String);
  ema = 0;
  emaCount = 0;
  lastEpoch = 0;
  lastTestAcc = null;
  setStat(el.epoch, 0, '0');
  setStat(el.step, 0, '0');
  setStat(el.loss, null, '–');
  setStat(el.testAcc, null, '–');
  setStat(el.speed, null, '–');
}

function setStat(node: HTMLElement, value: number | null, text: string): void {
  node.textContent = text;
  if (value === null) delete node.dataset.value;
  else node.dataset.value = String(value);
}

const pct = (p: number, digits = 1) => `${(p * 100).toFixed(digits)}%`;

function setRunning(r: boolean): void {
  running = r;
  pace = [];
  el.start.classList.toggle('running', r);
  el.start.querySelector('.label')!.textContent = r ? 'Pause' : emaCount > 0 ? 'Resume' : 'Start';
  el.start.setAttribute('aria-pressed', String(r));
}

/** Recent (time, step) pairs: the speed is measured over the last few seconds, evaluations included. */
let pace: { t: number; step: number }[] = [];

function stepsPerSecond(step: number): number | null {
  const t = performance.now();
  pace.push({ t, step });
  while (pace.length > 2 && t - pace[1].t > 3000) pace.shift();
  const first = pace[0];
  return t - first.t < 250 ? null : ((step - first.step) * 1000) / (t - first.t);
}

function onSteps(m: Extract<FromWorker, { type: 'steps' }>): void {
  const [raw, avg] = lossChart.series;
  m.losses.forEach((loss, i) => {
    emaCount += 1;
    ema = 0.96 * ema + 0.04 * loss;
    const step = m.firstStep + i;
    raw.points.push({ x: step, y: loss });
    avg.points.push({ x: step, y: ema / (1 - 0.96 ** emaCount) });
  });
  lossChart.request();
  summarize(lossChart, 'Loss', 1, (y) => y.toFixed(3));
  const step = m.firstStep + m.losses.length - 1;
  const smooth = avg.points[avg.points.length - 1].y;
  lastEpoch = m.epoch;
  setStat(el.epoch, m.epoch, String(m.epoch));
  setStat(el.step, step, step.toLocaleString('en-US'));
  setStat(el.loss, smooth, smooth.toFixed(3));
  const speed = stepsPerSecond(step);
  if (speed !== null) setStat(el.speed, speed, `${speed.toFixed(speed < 10 ? 1 : 0)} steps/s`);
  if (source === 'trained') describeTrained();
}

function onAccuracy(m: Extract<FromWorker, { type: 'accuracy' }>): void {
  const [train, test] = accChart.series;
  train.points.push({ x: m.step, y: m.trainAcc });
  test.points.push({ x: m.step, y: m.testAcc });
  accChart.request();
  summarize(accChart, 'Test accuracy', 1, (y) => pct(y));
  lastTestAcc = m.testAcc;
  setStat(el.testAcc, m.testAcc, pct(m.testAcc));
  el.testAcc.title = `on ${m.evalSize.toLocaleString('en-US')} test digits`;
  if (source === 'trained') describeTrained();
  else el.netInfo.textContent = `${loadedInfo} · test accuracy here ${pct(m.testAcc)}`;
}

// ---- The current network: name, info, weights and reading the drawing --------------------------

let net: DemoNet | null = null;
let loadedInfo = '';

function showNet(name: string, info: string): void {
  el.netName.textContent = name;
  el.netInfo.textContent = info;
}

function describeTrained(): void {
  const acc = lastTestAcc === null ? '' : ` · test accuracy ${pct(lastTestAcc)}`;
  el.netInfo.textContent = `Trained here: epoch ${lastEpoch}${acc}`;
}

/** The first-layer weights on show, and the width of their card (kept by a ResizeObserver). */
let shownWeights: TensorData | null = null;
let weightsWidth = 600;

function showWeights(): void {
  // A grid about as wide as the card and 220 px high (260 on a phone).
  if (shownWeights) drawWeights(el.weights, shownWeights, weightsWidth / (weightsWidth < 560 ? 260 : 220));
}

new ResizeObserver((entries) => {
  const width = Math.round(entries[0].contentRect.width);
  if (width > 0 && width !== weightsWidth) {
    weightsWidth = width;
    showWeights();
  }
}).observe(el.weights);

function onSnapshot(s: NetSnapshot): void {
  try {
    net = netFromSnapshot(s);
  } catch (e) {
    toast(`Could not use the new weights: ${(e as Error).message}`, true);
    return;
  }
  el.netName.textContent = s.label;
  el.save.disabled = false;
  const w1 = s.tensors.W1;
  shownWeights = w1;
  showWeights();
  el.weightsHint.textContent =
    w1.shape.length === 2
      ? `Each tile: one hidden unit's ${w1.shape[0]} input weights${w1.shape[1] > 100 ? ' (first 100 units)' : ''}`
      : `Each tile: one of the ${w1.shape[0]} convolution filters (${w1.shape[2]} × ${w1.shape[3]})`;
  read();
}

// ---- Drawing ------------------------------------------------------------------------------------

const pad = new DrawingPad(el.pad, () => read());
el.clear.addEventListener('click', () => pad.clear());

const barNodes: { li: HTMLLIElement; fill: HTMLElement; value: HTMLElement }[] = [];
for (let d = 0; d < 10; d++) {
  const li = document.createElement('li');
  li.innerHTML = `<span class="digit">${d}</span><span class="track"><span class="fill"></span></span><span class="value">–</span>`;
  el.bars.append(li);
  barNodes.push({ li, fill: li.querySelector('.fill')!, value: li.querySelector('.value')! });
}

function showProbabilities(p: number[] | null): void {
  const best = p ? p.indexOf(Math.max(...p)) : -1;
  barNodes.forEach((b, d) => {
    const v = p ? p[d] : 0;
    b.fill.style.transform = `scaleX(${v})`;
    b.value.textContent = p ? (v >= 0.995 ? '100%' : v < 0.005 ? '0%' : `${Math.round(v * 100)}%`) : '–';
    b.li.classList.toggle('best', d === best);
    b.li.dataset.p = p ? v.toFixed(4) : '';
  });
  el.guess.textContent = best >= 0 ? String(best) : '?';
  el.guess.dataset.digit = best >= 0 ? String(best) : '';
  el.guess.classList.toggle('empty', best < 0);
  el.guessConf.textContent = p ? `${pct(p[best], 0)} sure` : pad.isEmpty ? 'Draw a digit' : 'No network yet';
}

function drawSeen(pixels: Float32Array | null): void {
  const ctx = el.seen.getContext('2d')!;
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round((pixels ? pixels[i] : 0) * 255);
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

function read(): void {
  el.padHint.hidden = !pad.isEmpty;
  const pixels = pad.isEmpty ? null : toMnist(pad.ink());
  drawSeen(pixels);
  showProbabilities(pixels && net ? classify(net, pixels) : null);
}

// ---- Model files --------------------------------------------------------------------------------

el.file.addEventListener('change', async () => {
  const file = el.file.files?.[0];
  el.file.value = '';
  if (!file) return;
  const bytes = await file.arrayBuffer();
  send({ type: 'load', name: file.name, bytes }, [bytes]);
});

el.save.addEventListener('click', () => send({ type: 'save' }));

function download(bytes: ArrayBuffer, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- Messages -----------------------------------------------------------------------------------

let toastTimer = 0;
function toast(text: string, error = false): void {
  el.toast.textContent = text;
  el.toast.classList.toggle('error', error);
  el.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (el.toast.hidden = true), error ? 7000 : 2500);
}

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'data':
      dataReady = m.phase === 'ready';
      el.dataStatus.dataset.phase = m.phase;
      el.dataStatus.querySelector('.text')!.textContent = dataReady
        ? `${((m.trainSize ?? 0) + (m.testSize ?? 0)).toLocaleString('en-US')} digits ready`
        : 'Loading 10,000 digits…';
      el.start.disabled = !dataReady;
      break;
    case 'state':
      setRunning(m.running);
      break;
    case 'steps':
      onSteps(m);
      break;
    case 'accuracy':
      onAccuracy(m);
      break;
    case 'snapshot':
      onSnapshot(m.snapshot);
      break;
    case 'loaded':
      clearCharts();
      setRunning(false);
      source = 'loaded';
      loadedInfo = `Loaded ${m.name} · ${m.info}`;
      showNet(m.label, loadedInfo);
      toast(`Loaded ${m.name}: ${m.label}`);
      break;
    case 'file':
      download(m.bytes, m.name);
      toast(`Saved ${m.name}`);
      break;
    case 'error':
      toast(m.message, true);
      break;
  }
});

worker.addEventListener('error', (e) => toast(`The training worker failed: ${e.message}`, true));

clearCharts();
showProbabilities(null);
drawSeen(null);
