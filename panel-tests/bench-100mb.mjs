// Benchmark (not a test): the panel with a 100 MB build log, in headless Debian Chromium.
//
//   cd panel-tests && node bench-100mb.mjs [megabytes=100]
//
// Serves a finished build whose log is ~100 MB (1,048,576 lines of 100 bytes, each with ANSI colour and a
// link) from the fixture server and opens its page twice:
//   1. default panel (`?tail=2000`): what a person sees opening a huge build;
//   2. `data-tail="all"`: the whole 100 MB goes through EventSource and the panel (worst case).
// Prints time to first paint (first contentful paint, and first console lines on screen), time until
// the end event was handled, the longest gap between animation frames (page responsiveness), DOM size,
// and JS heap via CDP Performance.getMetrics (peak while streaming, and after a forced GC).

import { startFixture, BulkBuild } from './fixture-server.mjs';
import { launch } from './test/helpers.mjs';

const MB = Number(process.argv[2] || 100);
const LINE_BYTES = 100;
const lines = Math.round((MB * 1024 * 1024) / LINE_BYTES);
const build = new BulkBuild({ job: 'huge', number: 1, startAt: Date.now() - 600000, lines, lineBytes: LINE_BYTES, durationMs: 600000 });
const fx = await startFixture({ builds: [build] });
const browser = await launch();

const mib = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

async function run(label, path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.__maxFrameGap = 0;
    window.__frames = 0;
    let last = performance.now();
    const loop = (t) => {
      window.__maxFrameGap = Math.max(window.__maxFrameGap, t - last);
      window.__frames++;
      last = t;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  let peakHeap = 0;
  const sampler = setInterval(async () => {
    try {
      peakHeap = Math.max(peakHeap, (await metric()).JSHeapUsedSize);
    } catch {
      // page closing
    }
  }, 200);

  const t0 = Date.now();
  await page.goto(`${fx.url}${path}`);
  await page.waitForSelector('.build-stream-panel[data-connection="finished"]', { timeout: 600000 });
  await page.waitForFunction(() => document.querySelector('.build-stream-panel').__buildStream.console.pending.length === 0, null, { timeout: 600000 });
  const wall = Date.now() - t0;
  clearInterval(sampler);
  const timing = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    firstLines: performance.getEntriesByName('build-stream:first-lines')[0]?.startTime,
    maxGap: window.__maxFrameGap,
    frames: window.__frames,
    domLines: document.querySelectorAll('.bs-line').length,
    elements: document.getElementsByTagName('*').length,
    lastLine: document.querySelector('.bs-line:last-child')?.dataset.n,
    notice: document.querySelector('.bs-console-notice')?.textContent,
  }));
  const m = await metric();
  peakHeap = Math.max(peakHeap, m.JSHeapUsedSize);
  await cdp.send('HeapProfiler.collectGarbage');
  const after = await metric();
  // responsiveness after the load: a click on the filter and typing
  const t1 = Date.now();
  await page.fill('.bs-filter-input', '00999');
  await page.waitForFunction(() => document.querySelector('.bs-filter-status').textContent.includes('match'));
  const filterMs = Date.now() - t1;

  console.log(`\n== ${label}  (${path})`);
  console.log(`first contentful paint        ${timing.fcp?.toFixed(0)} ms`);
  console.log(`first console lines painted   ${timing.firstLines?.toFixed(0)} ms after navigation start`);
  console.log(`end of stream handled         ${wall} ms after navigation`);
  console.log(`longest frame gap             ${timing.maxGap.toFixed(0)} ms   (${timing.frames} frames)`);
  console.log(`DOM                           ${timing.domLines} line elements, ${timing.elements} elements, last line #${timing.lastLine}`);
  console.log(`notice                        ${timing.notice}`);
  console.log(`JS heap used                  peak ${mib(peakHeap)}, at end ${mib(m.JSHeapUsedSize)}, after GC ${mib(after.JSHeapUsedSize)} (total ${mib(after.JSHeapTotalSize)})`);
  console.log(`CDP Nodes / LayoutCount       ${after.Nodes} / ${after.LayoutCount}   script ${after.ScriptDuration.toFixed(2)} s, layout ${after.LayoutDuration.toFixed(2)} s, recalc style ${after.RecalcStyleDuration.toFixed(2)} s`);
  console.log(`filter 5,000 lines            ${filterMs} ms (debounce 120 ms included)`);
  if (errors.length) console.log(`page errors: ${errors.join('; ')}`);
  await context.close();
}

console.log(`log: ${lines.toLocaleString('en')} lines x ${LINE_BYTES} bytes = ${mib(lines * LINE_BYTES)} (raw), Chromium ${browser.version()}`);
try {
  await run('default panel: tail=2000 of the 100 MB log', '/job/huge/1/');
  await run('whole log through the panel: data-tail="all"', '/job/huge/1/?tail=all');
} finally {
  await browser.close();
  await fx.close();
}
