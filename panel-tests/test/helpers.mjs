// Shared helpers for the panel tests: headless Debian Chromium through playwright-core.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TARGET = path.join(ROOT, 'target');

export function chromiumPath() {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that records console errors, page errors and CSP violations. */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  return page;
}

export async function screenshot(page, name) {
  fs.mkdirSync(TARGET, { recursive: true });
  const file = path.join(TARGET, name);
  await page.screenshot({ path: file });
  return file;
}

/** The visible text a terminal would show for a raw console line (independent of ansi.js). */
export function stripAnsi(s) {
  return s
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
    .replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');
}

/** All console lines shown by the panel: [{n, text}]. */
export function shownLines(page) {
  return page.$$eval('.build-stream-panel .bs-line', (els) => els.map((e) => ({ n: Number(e.dataset.n), text: e.textContent })));
}

export function expectedLines(build) {
  return build.items.filter((i) => i.type === 'line').map((i, k) => ({ n: k + 1, text: stripAnsi(i.text) }));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
