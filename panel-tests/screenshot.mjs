// Takes the README screenshot: the panel mid-build (demo pipeline at real speed, ~24 s in, the Test stage's
// parallel branches running). Writes ../docs/panel.png and target/panel-dark.png (prefers-color-scheme: dark).
//
//   cd panel-tests && node screenshot.mjs
import path from 'node:path';
import fs from 'node:fs';
import { startFixture, demoBuild } from './fixture-server.mjs';
import { launch, ROOT, TARGET, sleep } from './test/helpers.mjs';

const build = demoBuild({ job: 'demo', number: 42, startAt: Date.now() - 24000, speed: 1 });
const fx = await startFixture({ builds: [build] });
const browser = await launch();
try {
  fs.mkdirSync(TARGET, { recursive: true });
  for (const [scheme, file] of [['light', path.join(ROOT, '..', 'docs', 'panel.png')], ['dark', path.join(TARGET, 'panel-dark.png')]]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(`${fx.url}/job/demo/42/`);
    await page.waitForSelector('.bs-kind-parallel.bs-st-running');
    await sleep(1200);
    await page.screenshot({ path: file });
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
    await context.close();
  }
} finally {
  await browser.close();
  await fx.close();
}
