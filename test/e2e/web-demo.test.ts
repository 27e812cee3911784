/**
 * End to end: the built browser demo (web/) in a real headless Chromium (Debian's `chromium`, driven
 * by playwright-core). The page is built with Vite into a temporary folder and served from 127.0.0.1
 * by a tiny static server; a model file is trained here in Node first, as `scratchnet train` would.
 *
 * The test trains in the page and watches the loss fall and the accuracy rise, saves the trained
 * model and reads it back in Node, loads the pre-trained model file, draws real test digits stroke by
 * stroke with the mouse (and a "1" with a finger on a phone-sized screen) and checks what the page
 * reads. Screenshots go to test/e2e/screenshots/ (git-ignored).
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; another binary with SCRATCHNET_CHROMIUM).
 * Without it the test fails and says so; SCRATCHNET_SKIP_BROWSER=1 skips it on purpose.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  loadMnist,
  loadParams,
  type MnistData,
  MultiLayerNet,
  RandomState,
  saveParams,
  softmax,
  Trainer,
} from '../../src/node.js';
import { type StaticServer, serveStatic } from './static-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'test/e2e/screenshots');
const CHROMIUM = process.env.SCRATCHNET_CHROMIUM ?? '/usr/bin/chromium';
const SKIP = process.env.SCRATCHNET_SKIP_BROWSER === '1';
/** The flags that work on this machine (environment notes), plus a fresh profile per run. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let tmp = '';
let server: StaticServer | null = null;
let context: BrowserContext | null = null;
let page: Page;
let data: MnistData;
let modelPath = '';
/** Test accuracy of the pre-trained model, measured in Node. */
let modelTestAcc = 0;
/** Test digits the pre-trained model reads with confidence, by label. */
const digits: { label: number; pixels: number[] }[] = [];
/** Every URL the pages requested. */
const requested: string[] = [];
/** Uncaught errors and console errors of the pages. */
const pageErrors: string[] = [];

/** Builds the demo into `outDir` exactly as `npm run build:web` does. */
async function buildWeb(outDir: string): Promise<void> {
  await build({
    configFile: join(ROOT, 'web/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

/** Trains the model file the page will load: MLP 784-100-10, 2 epochs of Adam, float32. */
function trainModelFile(path: string): MultiLayerNet {
  const net = new MultiLayerNet(784, [100], 10, { dtype: 'float32', rng: new RandomState(0) });
  const trainer = new Trainer(net, data.xTrain, data.tTrain, data.xTest, data.tTest, {
    epochs: 2,
    optimizer: 'Adam',
    optimizerParam: { lr: 0.001 },
    verbose: false,
    rng: 1,
  });
  const { testAcc } = trainer.train();
  saveParams(net, path, { metadata: { training: { epochs: 2, optimizer: 'Adam', lr: 0.001, testAcc } } });
  return net;
}

/** Horizontal runs of ink (pixels >= 0.5) of a 28 × 28 digit, row by row: the strokes to draw. */
function inkRuns(pixels: ArrayLike<number>): { y: number; x0: number; x1: number }[] {
  const runs: { y: number; x0: number; x1: number }[] = [];
  for (let y = 0; y < 28; y++) {
    let x = 0;
    while (x < 28) {
      if (pixels[y * 28 + x] < 0.5) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < 28 && pixels[y * 28 + x] >= 0.5) x++;
      runs.push({ y, x0, x1: x - 1 });
    }
  }
  return runs;
}

/** The pad's box in page coordinates, scrolled into view. */
async function padBox(p: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  await p.locator('#pad').scrollIntoViewIfNeeded();
  const box = await p.locator('#pad').boundingBox();
  if (!box) throw new Error('the drawing pad is not visible');
  return box;
}

/**
 * Draws a 28 × 28 digit on the pad with the mouse, one stroke per run of ink: press at the run's
 * first pixel, drag to its last, release. The digit fills the pad as it fills its 28 × 28 field.
 */
async function drawDigit(p: Page, pixels: ArrayLike<number>): Promise<number> {
  const box = await padBox(p);
  const s = box.width / 28;
  const runs = inkRuns(pixels);
  for (const r of runs) {
    const y = box.y + (r.y + 0.5) * s;
    await p.mouse.move(box.x + (r.x0 + 0.5) * s, y);
    await p.mouse.down();
    await p.mouse.move(box.x + (r.x1 + 0.5) * s, y, { steps: Math.max(1, Math.ceil((r.x1 - r.x0) / 3)) });
    await p.mouse.up();
  }
  return runs.length;
}

/** The digit the page reads now, and its probability. */
async function reading(p: Page): Promise<{ digit: number; p: number }> {
  const digit = Number(await p.locator('#guess').getAttribute('data-digit'));
  const prob = Number(await p.locator(`#bars li:nth-child(${digit + 1})`).getAttribute('data-p'));
  return { digit, p: prob };
}

/** Waits until the page has read the drawing (the readout updates once per animation frame). */
async function waitForReading(p: Page): Promise<{ digit: number; p: number }> {
  await p.waitForFunction(() => (document.getElementById('guess')?.dataset.digit ?? '') !== '');
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return reading(p);
}

function watch(p: Page): void {
  p.on('pageerror', (e) => pageErrors.push(`${e.name}: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
}

const num = async (p: Page, selector: string, attr = 'data-value') =>
  Number(await p.locator(selector).getAttribute(attr));

describe.skipIf(SKIP)('the web demo in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: the browser tests need Debian's Chromium (as root: apt-get update && apt-get install -y chromium), or SCRATCHNET_CHROMIUM=/path/to/chromium; SCRATCHNET_SKIP_BROWSER=1 skips them`,
      );
    }
    tmp = mkdtempSync(join(tmpdir(), 'scratchnet-e2e-'));
    mkdirSync(SHOTS, { recursive: true });
    const built = buildWeb(join(tmp, 'dist'));
    data = await loadMnist();
    modelPath = join(tmp, 'model.safetensors');
    const net = trainModelFile(modelPath);
    modelTestAcc = net.accuracy(data.xTest, data.tTest);
    // Test digits the model reads with confidence: the first of each of these labels.
    const probs = softmax(net.predict(data.xTest)).toArray() as number[][];
    const labels = data.tTest.toFlatArray();
    for (const label of [3, 7, 0]) {
      const i = labels.findIndex((l, k) => l === label && probs[k][label] > 0.98);
      const row = data.xTest.slice(i).toFlatArray();
      digits.push({ label, pixels: row });
    }
    await built;
    server = await serveStatic(join(tmp, 'dist'));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1360, height: 1000 },
      acceptDownloads: true,
    });
    context.on('request', (r) => {
      requested.push(r.url());
    });
    context.on('page', watch);
    page = context.pages()[0] ?? (await context.newPage());
    if (context.pages().length === 1) watch(page);
  }, 150_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('loads the digits and trains: the loss falls and the accuracy rises', { timeout: 60_000 }, async () => {
    await page.goto(server!.url);
    await page.waitForSelector('#data-status[data-phase="ready"]', { timeout: 30_000 });
    expect(await page.locator('#data-status').textContent()).toContain('10,000 digits ready');
    await page.screenshot({ path: join(SHOTS, '0-desktop-start.png') });

    // Long tasks on the page's thread while training (there should be none: training is in the worker).
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    await page.click('#start');
    await page.waitForFunction(
      () => Number(document.querySelector('#acc-chart')?.getAttribute('data-count') ?? 0) >= 4,
      null,
      { timeout: 45_000 },
    );
    await page.click('#start'); // pause
    await page.waitForSelector('#start:not(.running)');

    const firstLoss = await num(page, '#loss-chart', 'data-first');
    const lastLoss = await num(page, '#loss-chart', 'data-last');
    const firstAcc = await num(page, '#acc-chart', 'data-first');
    const lastAcc = await num(page, '#acc-chart', 'data-last');
    expect(firstLoss, 'the first batch loss is about ln(10)').toBeGreaterThan(1.8);
    expect(lastLoss, 'the loss falls').toBeLessThan(0.6);
    expect(firstAcc, 'accuracy after the first step').toBeLessThan(0.6);
    expect(lastAcc, 'accuracy after 3 epochs').toBeGreaterThan(0.85);
    expect(lastAcc - firstAcc, 'the accuracy rises').toBeGreaterThan(0.3);
    expect(await num(page, '#stat-step')).toBeGreaterThanOrEqual(241);
    // The page stayed responsive: no task of its thread ran long (a loaded machine stretches tasks).
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    console.log(
      `long tasks on the page's thread while training: ${JSON.stringify(longTasks.map(Math.round))}`,
    );
    expect(Math.max(0, ...longTasks), 'the longest task on the page thread (ms)').toBeLessThan(300);
    expect(await num(page, '#stat-test-acc')).toBe(lastAcc);

    // The net trained here reads a test digit drawn on the pad.
    await drawDigit(page, digits[0].pixels);
    const r = await waitForReading(page);
    expect(r.digit).toBe(digits[0].label);
    await page.screenshot({ path: join(SHOTS, '1-desktop-trained.png') });
  });

  it('saves the network it trained as a model file that Node loads', { timeout: 30_000 }, async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    expect(download.suggestedFilename()).toBe('model.safetensors');
    const saved = join(tmp, 'saved.safetensors');
    await download.saveAs(saved);
    const { metadata } = decodeSafetensors(new Uint8Array(readFileSync(saved)));
    expect(metadata.format).toBe('scratchnet');
    const training = JSON.parse(metadata['scratchnet.training']);
    expect(training.testAcc).toBe(await num(page, '#stat-test-acc'));
    const net = loadParams(saved);
    expect(net.accuracy(data.xTest, data.tTest)).toBeGreaterThan(0.85);
  });

  it('loads a model trained in Node and reads digits drawn stroke by stroke', {
    timeout: 60_000,
  }, async () => {
    await page.setInputFiles('#model-file', modelPath);
    await page.waitForFunction(() => document.getElementById('net-info')?.textContent?.includes('Loaded'));
    await page.waitForSelector('#stat-test-acc[data-value]');
    expect(await page.locator('#net-name').textContent()).toBe('MLP 784 → 100 → 10');
    expect(await page.locator('#net-info').textContent()).toContain('trained 2 epochs');
    // The page measures the loaded net on the same 2,000 test digits as Node did.
    expect(Math.abs((await num(page, '#stat-test-acc')) - modelTestAcc)).toBeLessThanOrEqual(0.001);

    for (const d of digits) {
      await page.click('#clear');
      await page.waitForFunction(() => document.getElementById('guess')?.dataset.digit === '');
      const strokes = await drawDigit(page, d.pixels);
      expect(strokes).toBeGreaterThan(5);
      const r = await waitForReading(page);
      expect(r.digit, `a drawn ${d.label} (${strokes} strokes) is read as ${r.digit}`).toBe(d.label);
      expect(r.p).toBeGreaterThan(0.5);
    }
    await page.screenshot({ path: join(SHOTS, '2-desktop-loaded-model.png') });

    // A file that is not a model: a clear message, and the loaded net stays.
    await page.setInputFiles('#model-file', {
      name: 'notes.safetensors',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('not a model'),
    });
    await page.waitForSelector('#toast.error:not([hidden])');
    expect(await page.locator('#toast').textContent()).toContain('notes.safetensors');
    expect(await page.locator('#net-name').textContent()).toBe('MLP 784 → 100 → 10');
  });

  it('trains the SimpleConvNet too', { timeout: 45_000 }, async () => {
    await page.selectOption('#model', 'conv');
    // The worker builds the net and sends its weights: 30 filters of 5 × 5 on show.
    await page.waitForFunction(() =>
      document.getElementById('weights-hint')?.textContent?.includes('30 convolution filters (5 × 5)'),
    );
    expect(await page.locator('#net-name').textContent()).toBe('SimpleConvNet 30×5×5 → 100 → 10');
    await page.click('#start');
    await page.waitForFunction(
      () => Number(document.getElementById('stat-step')?.dataset.value ?? 0) >= 30,
      null,
      {
        timeout: 30_000,
      },
    );
    await page.click('#start');
    await page.waitForSelector('#start:not(.running)');
    const loss = await num(page, '#stat-loss');
    expect(loss, 'the conv net learns in 30 steps').toBeLessThan(2.0);
    // Model files hold convolutional nets too, so the trained conv net can be saved.
    expect(await page.locator('#save').isDisabled()).toBe(false);
  });

  it('reads well on a phone-sized screen and takes a finger', { timeout: 60_000 }, async () => {
    const phone = await context!.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(server!.url);
    await phone.waitForSelector('#data-status[data-phase="ready"]', { timeout: 30_000 });
    await phone.setInputFiles('#model-file', modelPath);
    await phone.waitForSelector('#stat-test-acc[data-value]');
    // Nothing sticks out sideways.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // A "1": one stroke down with a finger (touch events through the DevTools protocol).
    const box = await padBox(phone);
    const cdp = await context!.newCDPSession(phone);
    const at = (fx: number, fy: number) => [{ x: box.x + fx * box.width, y: box.y + fy * box.height }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0.55, 0.18) });
    for (let i = 1; i <= 12; i++) {
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchMove',
        touchPoints: at(0.55 - 0.06 * (i / 12), 0.18 + 0.64 * (i / 12)),
      });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    const r = await waitForReading(phone);
    expect(r.digit).toBe(1);
    await phone.waitForSelector('#toast', { state: 'hidden' }); // "Loaded ..." fades after 2.5 s
    await phone.locator('.draw').scrollIntoViewIfNeeded();
    await phone.screenshot({ path: join(SHOTS, '3-phone-draw.png') });
    await phone.evaluate(() => window.scrollTo(0, 0));
    await phone.screenshot({ path: join(SHOTS, '4-phone-top.png') });
    await phone.screenshot({ path: join(SHOTS, '5-phone-full.png'), fullPage: true });
    await phone.close();

    // Everything came from the page's own server: no CDN, nothing fetched from elsewhere.
    const foreign = requested.filter((u) => !u.startsWith(server!.url) && !/^(data|blob):/.test(u));
    expect(foreign).toEqual([]);
    expect(pageErrors, 'errors in the pages').toEqual([]);
  });
});
