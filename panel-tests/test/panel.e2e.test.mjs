// End-to-end tests of the panel in headless Debian Chromium against the Node fixture server.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, demoBuild, BulkBuild } from '../fixture-server.mjs';
import { launch, newPage, screenshot, shownLines, expectedLines, sleep } from './helpers.mjs';
import { renderLine, toHTML } from '../../plugin/src/main/webapp/ansi.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function waitFinished(page, timeout = 20000) {
  await page.waitForSelector('.build-stream-panel[data-connection="finished"]', { timeout });
  // let the last animation frames render the queued lines
  await page.waitForFunction(() => {
    const p = document.querySelector('.build-stream-panel').__buildStream;
    return p.console.pending.length === 0;
  }, null, { timeout });
}

function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'no console errors, page errors or CSP violations');
}

test('the panel follows a scripted build through its stages to the result', async () => {
  const build = demoBuild({ job: 'follow', number: 3, startAt: Date.now() + 1200, speed: 0.12 });
  const fx = await startFixture({ builds: [build] });
  const page = await newPage(browser);
  try {
    // record every state the header goes through
    await page.addInitScript(() => {
      window.__states = [];
      new MutationObserver((ms) => {
        for (const m of ms) {
          const v = m.target.getAttribute('data-state');
          if (m.target.classList.contains('build-stream-panel') && window.__states.at(-1) !== v) window.__states.push(v);
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    });
    await page.goto(`${fx.url}/job/follow/3/`);
    await page.waitForSelector('.build-stream-panel[data-connection="live"]');
    // running, with a running stage and a live timer
    await page.waitForSelector('.bs-node.bs-kind-stage.bs-st-running .bs-dur.bs-live');
    assert.equal(await page.textContent('.bs-badge'), 'Running');
    await page.waitForSelector('.bs-kind-parallel.bs-st-running');
    await screenshot(page, 'panel-midbuild.png');
    const progress = Number(await page.getAttribute('.bs-header .bs-progress', 'aria-valuenow'));
    assert.ok(progress > 0 && progress < 100, `progress while running: ${progress}`);

    await waitFinished(page);
    await screenshot(page, 'panel-finished.png');
    assert.equal(await page.getAttribute('.build-stream-panel', 'data-result'), 'FAILURE');
    assert.equal(await page.textContent('.bs-badge'), 'Failed');
    assert.equal(await page.textContent('.bs-conn-text'), 'Finished');
    assert.equal(await page.getAttribute('.bs-header .bs-progress', 'aria-valuenow'), '100');
    assert.deepEqual(await page.evaluate(() => window.__states), ['unknown', 'queued', 'running', 'completed']);

    // tree: stages in order, parallel branches grouped under Test, failures highlighted, Deploy skipped
    const tree = await page.$$eval('.bs-tree > li', (lis) => lis.map((li) => ({
      name: li.querySelector(':scope > .bs-row .bs-name').textContent,
      cls: li.className,
      children: [...li.querySelectorAll(':scope > ul > li')].map((c) => `${c.querySelector(':scope > .bs-row .bs-name').textContent}:${c.className.match(/bs-st-(\w+)/)[1]}:${c.className.match(/bs-kind-(\w+)/)[1]}`),
    })));
    assert.deepEqual(tree.map((t) => t.name), ['Checkout', 'Build', 'Test', 'Deploy']);
    assert.match(tree[2].cls, /bs-st-failed/);
    assert.deepEqual(tree[2].children, ['unit:success:parallel', 'integration:failed:parallel', 'lint:success:parallel']);
    assert.match(tree[3].cls, /bs-st-skipped/);
    assert.equal(await page.textContent('.bs-st-failed.bs-kind-step .bs-name'), 'sh ./it.sh');
    assert.equal(await page.getAttribute('.bs-tree > li', 'aria-level'), '1');
    assert.equal(await page.getAttribute('.bs-kind-parallel', 'aria-level'), '2');

    // every line exactly once, in order, numbered
    const shown = await shownLines(page);
    assert.deepEqual(shown, expectedLines(build));

    // ANSI: the DOM of a coloured line is what ansi.js describes (which ansi.test.mjs checks exactly)
    const raw = build.items.filter((i) => i.type === 'line');
    const k = raw.findIndex((i) => i.text.includes('FAIL'));
    const inner = await page.$eval(`.bs-line[data-n="${k + 1}"]`, (e) => e.innerHTML);
    assert.equal(inner, toHTML(renderLine(raw[k].text).nodes));
    assert.equal(inner, '<span class="bs-fg-15 bs-bg-1"> FAIL </span> scenario 15/15 <span class="bs-fg-1 bs-b">expected 200 but was 503</span>');
    const link = await page.$eval('.bs-line a[href^="https://ci.example.com"]', (a) => [a.href, a.rel]);
    assert.deepEqual(link, ['https://ci.example.com/reports/it/15.html', 'noopener noreferrer']);
    const rgb = await page.$eval('.bs-line span[style]', (s) => getComputedStyle(s).color);
    assert.match(rgb, /^rgb\(/);

    // one EventSource for the page: a single stream request
    assert.equal(fx.requests.filter((r) => r.url.startsWith('/job/follow/3/stream')).length, 1);
    assertNoProblems(page);
  } finally {
    await page.context().close();
    await fx.close();
  }
});

test('a reload mid-build resumes via lastEventId: no duplicated or missing line', async () => {
  const build = demoBuild({ job: 'reload', number: 1, startAt: Date.now() + 300, speed: 0.15 });
  const fx = await startFixture({ builds: [build] });
  const page = await newPage(browser);
  try {
    await page.goto(`${fx.url}/job/reload/1/`);
    await page.waitForFunction(() => document.querySelectorAll('.bs-line').length >= 25);
    const before = await shownLines(page);
    await page.reload();
    // restored from the snapshot immediately, then continued
    await page.waitForSelector('.bs-line');
    await waitFinished(page);
    const shown = await shownLines(page);
    assert.ok(before.length >= 25);
    assert.deepEqual(shown, expectedLines(build));
    const streamReqs = fx.requests.filter((r) => r.url.startsWith('/job/reload/1/stream'));
    assert.equal(streamReqs.length, 2, JSON.stringify(streamReqs));
    assert.match(streamReqs[0].url, /\?tail=2000$/);
    assert.match(streamReqs[1].url, /\?lastEventId=\d+\.\d+$/);
    assert.equal(await page.getAttribute('.build-stream-panel', 'data-result'), 'FAILURE');
    // the tree was restored too (no stage twice)
    assert.deepEqual(await page.$$eval('.bs-tree > li > .bs-row .bs-name', (e) => e.map((x) => x.textContent)), ['Checkout', 'Build', 'Test', 'Deploy']);

    // a reload after the end: the snapshot shows the result, the server answers 204, the panel stays finished
    await page.reload();
    await page.waitForSelector('.build-stream-panel[data-connection="finished"]');
    assert.deepEqual(await shownLines(page), expectedLines(build));
    assert.equal(await page.textContent('.bs-badge'), 'Failed');
    assertNoProblems(page);
  } finally {
    await page.context().close();
    await fx.close();
  }
});

test('server killed and restarted mid-build: the panel reconnects with Last-Event-ID, nothing lost or repeated', async () => {
  const build = demoBuild({ job: 'restart', number: 2, startAt: Date.now() + 300, speed: 0.15 });
  let fx = await startFixture({ builds: [build] });
  const port = fx.port;
  const page = await newPage(browser);
  try {
    await page.goto(`${fx.url}/job/restart/2/`);
    await page.waitForFunction(() => document.querySelectorAll('.bs-line').length >= 15);
    const requests = fx.requests;
    await fx.close();
    await page.waitForSelector('.build-stream-panel[data-connection="reconnecting"]');
    assert.equal(await page.textContent('.bs-conn-text'), 'Reconnecting…');
    await sleep(800);
    fx = await startFixture({ port, builds: [build] });
    await page.waitForSelector('.build-stream-panel[data-connection="live"]', { timeout: 10000 });
    await waitFinished(page);
    assert.deepEqual(await shownLines(page), expectedLines(build));
    const resumed = fx.requests.filter((r) => r.url.startsWith('/job/restart/2/stream'));
    assert.ok(resumed.length >= 1 && resumed[0].lastEventId, `resumed with Last-Event-ID: ${JSON.stringify(resumed)}`);
    assert.equal(requests.filter((r) => r.url.startsWith('/job/restart/2/stream')).length, 1);
    // the browser logs the failed reconnection attempts while the server was down; nothing else
    assert.deepEqual(page.problems.filter((p) => !/ERR_CONNECTION_REFUSED|net::ERR_|Failed to load resource/.test(p)), []);
  } finally {
    await page.context().close();
    await fx.close();
  }
});

test('a 100k-line log stays bounded in the DOM and the page stays responsive', async () => {
  const build = new BulkBuild({ job: 'huge', number: 1, startAt: Date.now() - 60000, lines: 100000 });
  const fx = await startFixture({ builds: [build] });
  const page = await newPage(browser);
  try {
    await page.addInitScript(() => {
      // longest gap between animation frames while the log streams in
      window.__maxFrameGap = 0;
      let last = performance.now();
      const loop = (t) => {
        window.__maxFrameGap = Math.max(window.__maxFrameGap, t - last);
        last = t;
        requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    const t0 = Date.now();
    await page.goto(`${fx.url}/job/huge/1/?tail=all`);
    await waitFinished(page, 30000);
    const ms = Date.now() - t0;
    const count = await page.$$eval('.bs-line', (e) => e.length);
    assert.ok(count <= 5000, `DOM lines: ${count}`);
    assert.equal(count, 5000);
    assert.equal(await page.getAttribute('.bs-line:last-child', 'data-n'), '100000');
    assert.equal(await page.getAttribute('.bs-line:first-child', 'data-n'), '95001');
    assert.match(await page.textContent('.bs-console-notice'), /^95,000 earlier lines not shown — open the full log$/);
    assert.equal(await page.getAttribute('.bs-console-notice a', 'href'), `${fx.url}/job/huge/1/consoleText`);
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    assert.ok(nodes < 40000, `elements: ${nodes}`);
    const gap = await page.evaluate(() => window.__maxFrameGap);
    console.log(`# 100k lines: ${ms} ms to finish, ${count} DOM lines, ${nodes} elements, longest frame gap ${Math.round(gap)} ms`);
    assert.ok(gap < 1500, `longest frame gap ${gap} ms`);
    // the filter still works on the window
    await page.fill('.bs-filter-input', '0099999');
    await page.waitForFunction(() => document.querySelectorAll('.bs-line:not([hidden])').length === 1);
    assert.equal(await page.textContent('.bs-filter-status'), '1 of 5,000 shown lines match');
    assertNoProblems(page);
  } finally {
    await page.context().close();
    await fx.close();
  }
});

test('keyboard: tree navigation, filter box, auto-scroll pause and resume', async () => {
  const build = demoBuild({ job: 'keys', number: 1, startAt: Date.now() - 100000, speed: 0.1 });
  const fx = await startFixture({ builds: [build] });
  const page = await newPage(browser, { viewport: { width: 1280, height: 600 } });
  try {
    await page.goto(`${fx.url}/job/keys/1/`);
    await waitFinished(page);
    await page.focus('.bs-tree > li');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.querySelector('.bs-name').textContent), 'git');
    await page.keyboard.press('ArrowLeft'); // to the parent
    assert.equal(await page.evaluate(() => document.activeElement.querySelector('.bs-name').textContent), 'Checkout');
    await page.keyboard.press('ArrowLeft'); // collapse
    assert.equal(await page.getAttribute('.bs-tree > li', 'aria-expanded'), 'false');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.querySelector('.bs-name').textContent), 'Build');
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement.querySelector('.bs-name').textContent), 'Deploy');
    assert.equal(await page.evaluate(() => document.querySelectorAll('.bs-tree [tabindex="0"]').length), 1);

    // filter: only matching lines
    await page.focus('.bs-filter-input');
    await page.keyboard.type('scenario');
    await page.waitForFunction(() => document.querySelector('.bs-filter-status').textContent.includes('match'));
    const visible = await page.$$eval('.bs-line:not([hidden])', (e) => e.map((x) => x.textContent));
    assert.equal(visible.length, 15);
    assert.ok(visible.every((t) => t.includes('scenario')));
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelectorAll('.bs-line[hidden]').length === 0);

    // auto-scroll: at the bottom; scrolling up pauses (Follow button), the button resumes
    const atBottom = () => page.$eval('.bs-console', (s) => s.scrollTop + s.clientHeight >= s.scrollHeight - 8);
    assert.ok(await atBottom());
    await page.$eval('.bs-console', (s) => { s.scrollTop = 0; });
    await page.waitForSelector('.bs-follow:not([hidden])');
    await page.click('.bs-follow');
    await page.waitForSelector('.bs-follow[hidden]', { state: 'attached' });
    assert.ok(await atBottom());
    assertNoProblems(page);
  } finally {
    await page.context().close();
    await fx.close();
  }
});

test('home page lists jobs with live progress from the firehose', async () => {
  const now = Date.now();
  const builds = [
    demoBuild({ job: 'alpha', number: 4, startAt: now - 5000, speed: 1 }),
    demoBuild({ job: 'beta', number: 9, startAt: now - 100000, speed: 0.1, fail: false }),
  ];
  const fx = await startFixture({ builds });
  const page = await newPage(browser);
  try {
    await page.goto(`${fx.url}/`);
    await page.waitForSelector('.build-stream-home[data-connection="live"]');
    await page.waitForSelector('tr[data-job="beta"][data-state="completed"]');
    await page.waitForSelector('tr[data-job="alpha"][data-state="running"]');
    const rows = await page.$$eval('.bs-home-row', (trs) => trs.map((tr) => [tr.dataset.job, tr.querySelector('.bs-home-build').textContent, tr.querySelector('.bs-badge').textContent]));
    assert.deepEqual(rows, [['alpha', '#4', 'Running'], ['beta', '#9', 'Success']]);
    const p = Number(await page.getAttribute('tr[data-job="alpha"] .bs-progress', 'aria-valuenow'));
    assert.ok(p >= 5 && p < 30, `alpha progress ${p}`);
    assert.equal(await page.textContent('tr[data-job="alpha"] .bs-home-stage'), 'Build');
    await screenshot(page, 'home.png');
    assertNoProblems(page);
  } finally {
    await page.context().close();
    await fx.close();
  }
});
