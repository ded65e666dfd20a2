// A tiny stand-in for the Build Stream server, for developing and testing the panel in a browser.
//
// It serves, per docs/PROTOCOL.md:
//   GET /                          home page (.build-stream-home, firehose)
//   GET /job/<name>/<n>/           build page (.build-stream-panel)
//   GET /job/<name>/<n>/stream     the build's SSE stream (lastEventId / Last-Event-ID, tail=N, console=false, 204)
//   GET /job/<name>/<n>/consoleText  the full log
//   GET /build-stream/events       the firehose (build and step events of every build)
//   GET /build-stream/assets/*     plugin/src/main/webapp/ (the panel's static files)
// every response with `Content-Security-Policy: default-src 'self'`, like Jenkins.
//
// Builds are scripted timelines anchored at an absolute start time, so a fixture can be stopped and a new one
// started on the same port (a "server restart") and the builds go on where they were.
//
//   node fixture-server.mjs [port]      serves a demo pipeline build (demo #1, ~90 s, restarts every run)

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const WEBAPP = path.resolve(HERE, '../plugin/src/main/webapp');
const CSP = "default-src 'self'";
const enc = new TextEncoder();
const utf8len = (s) => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; }
    else n += 3;
  }
  return n;
};

// ------------------------------------------------------------------------------------------------ builds

/**
 * A build described by a timeline. Build with `timeline(...)`. Items (lines and progress events) get ids
 * `<offsetAfter>.<countAfter>` exactly as PROTOCOL.md describes.
 */
export class ScriptedBuild {
  constructor({ job, number, startAt, estimatedDurationMs = -1, entries }) {
    this.job = job;
    this.number = number;
    this.startAt = startAt;
    this.estimatedDurationMs = estimatedDurationMs;
    entries.sort((a, b) => a.t - b.t || a.seq - b.seq);
    let offset = 0;
    let count = 0;
    let lineIndex = 0;
    this.items = entries.map((e) => {
      if (e.kind === 'line') {
        const start = offset;
        offset += utf8len(e.text) + 1;
        return { t: e.t, type: 'line', text: e.text, start, offsetAfter: offset, countAfter: count, lineIndex: lineIndex++ };
      }
      count++;
      return { t: e.t, type: 'progress', make: e.make, offsetAfter: offset, countAfter: count };
    });
    this.lineTotal = lineIndex;
    this.endT = entries.length ? entries[entries.length - 1].t : 0;
    this.url = `/job/${encodeURIComponent(job)}/${number}/`;
  }
  elapsed(now) { return now - this.startAt; }
  total() { return this.items.length; }
  item(i) { return this.items[i]; }
  visibleCount(now) {
    const el = this.elapsed(now);
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].t <= el) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  complete(now) { return this.elapsed(now) >= this.endT; }
  /** index of the first item after id (offset, count); -1 if the id is not a position of this build */
  resumeIndex(offset, count) {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const it = this.items[mid];
      if (it.offsetAfter < offset || (it.offsetAfter === offset && it.countAfter <= count)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return offset === 0 && count === 0 ? 0 : -1;
    const prev = this.items[lo - 1];
    return prev.offsetAfter === offset && prev.countAfter === count ? lo : -1;
  }
  /** first index of a line with lineIndex >= n, scanning */
  lineIndexToItem(n) {
    if (n <= 0) return 0;
    for (let i = 0; i < this.items.length; i++) if (this.items[i].type === 'line' && this.items[i].lineIndex >= n) return i;
    return this.items.length;
  }
  visibleLines(now) {
    const v = this.visibleCount(now);
    for (let i = v - 1; i >= 0; i--) if (this.items[i].type === 'line') return this.items[i].lineIndex + 1;
    return 0;
  }
  /** the first index in [pos, limit) that is not a line, or limit */
  skipLines(pos, limit) {
    while (pos < limit && this.items[pos].type === 'line') pos++;
    return pos;
  }
  progressEvent(it) { return it.make(); }
  progressItems() { return this.items.filter((i) => i.type === 'progress'); }
  fullText(now) {
    const v = this.visibleCount(now);
    const out = [];
    for (let i = 0; i < v; i++) if (this.items[i].type === 'line') out.push(this.items[i].text);
    return out.length ? out.join('\n') + '\n' : '';
  }
}

/**
 * Builder for scripted timelines: time advances with each step; parallel branches start together.
 */
export function timeline({ job, number, startAt, estimatedDurationMs = -1, queueMs = 100 }) {
  const entries = [];
  let seq = 0;
  let nextId = 1;
  const b = { job, number, startAt };
  const buildState = { queuedAt: startAt - queueMs, startedAt: startAt, completedAt: null };
  const push = (t, kind, payload) => entries.push({ t, seq: seq++, kind, ...payload });
  const buildEvent = (t, state, result = null) => push(t, 'progress', {
    make: () => ({
      type: 'build', job, build: number, url: `/job/${encodeURIComponent(job)}/${number}/`, state, result,
      queuedAt: buildState.queuedAt, startedAt: state === 'queued' ? null : startAt,
      completedAt: state === 'completed' ? startAt + t : null, durationMs: Math.max(0, t),
      estimatedDurationMs,
      progress: state === 'completed' ? 100 : estimatedDurationMs > 0 ? Math.max(0, Math.min(99, Math.floor((t * 100) / estimatedDurationMs))) : null,
    }),
  });
  const stepEvent = (t, node, status, durationMs) => push(t, 'progress', {
    make: () => ({
      type: 'step', job, build: number, id: node.id, kind: node.kind, name: node.name, parent: node.parent,
      stage: node.stage, status, startedAt: startAt + node.t0, durationMs,
    }),
  });

  // ctx: {t (cursor), parent node, stage name}
  function scope(ctx) {
    const api = {
      get t() { return ctx.t; },
      wait(ms) { ctx.t += ms; return api; },
      line(text) { push(ctx.t, 'line', { text }); return api; },
      /** a step printing `lines` evenly over `ms` */
      step(name, ms, lines = [], status = 'success') {
        const node = { id: String(nextId++), kind: 'step', name, parent: ctx.parent ? ctx.parent.id : null, stage: ctx.stage, t0: ctx.t };
        stepEvent(ctx.t, node, 'running', null);
        push(ctx.t, 'line', { text: `\x1b[90m[Pipeline] ${name.split(' ')[0]}\x1b[0m` });
        lines.forEach((text, i) => push(ctx.t + Math.round(((i + 1) * ms) / (lines.length + 1)), 'line', { text }));
        ctx.t += ms;
        stepEvent(ctx.t, node, status, ms);
        if (status !== 'success') ctx.failed = status;
        return api;
      },
      stage(name, body, kind = 'stage') {
        const node = { id: String(nextId++), kind, name, parent: ctx.parent ? ctx.parent.id : null, stage: ctx.stage, t0: ctx.t };
        stepEvent(ctx.t, node, 'running', null);
        push(ctx.t, 'line', { text: `\x1b[90m[Pipeline] { (${name})\x1b[0m` });
        const inner = { t: ctx.t, parent: node, stage: kind === 'stage' ? name : ctx.stage, failed: null };
        body(scope(inner));
        push(inner.t, 'line', { text: '\x1b[90m[Pipeline] }\x1b[0m' });
        const status = inner.failed || 'success';
        stepEvent(inner.t, node, status, inner.t - node.t0);
        ctx.t = inner.t;
        if (status !== 'success') ctx.failed = status;
        return api;
      },
      skipped(name) {
        const node = { id: String(nextId++), kind: 'stage', name, parent: ctx.parent ? ctx.parent.id : null, stage: ctx.stage, t0: ctx.t };
        stepEvent(ctx.t, node, 'running', null);
        push(ctx.t, 'line', { text: `Stage "${name}" skipped due to earlier failure(s)` });
        stepEvent(ctx.t, node, 'skipped', 0);
        return api;
      },
      parallel(branches) {
        const t0 = ctx.t;
        let end = t0;
        for (const [name, body] of Object.entries(branches)) {
          const sub = { t: t0, parent: ctx.parent, stage: ctx.stage, failed: null };
          scope(sub).stage(name, body, 'parallel');
          end = Math.max(end, sub.t);
          if (sub.failed) ctx.failed = sub.failed;
        }
        ctx.t = end;
        return api;
      },
    };
    return api;
  }

  const root = { t: 0, parent: null, stage: null, failed: null };
  return {
    queued() { buildEvent(-queueMs, 'queued'); return this; },
    started() { buildEvent(0, 'running'); push(0, 'line', { text: `Started by user \x1b[1madmin\x1b[0m` }); return this; },
    body(fn) { fn(scope(root)); return this; },
    finish(result) {
      const r = result || (root.failed === 'failed' ? 'FAILURE' : root.failed === 'unstable' ? 'UNSTABLE' : 'SUCCESS');
      push(root.t, 'line', { text: `Finished: ${r}` });
      buildEvent(root.t, 'completed', r);
      return new ScriptedBuild({ job, number, startAt, estimatedDurationMs, entries });
    },
    get t() { return root.t; },
  };
}

/** A finished build whose log is `lines` generated lines of fixed byte length (for huge-log tests). */
export class BulkBuild {
  constructor({ job, number, startAt, lines, lineBytes = 100, durationMs = 60000 }) {
    this.job = job;
    this.number = number;
    this.startAt = startAt;
    this.lineCount = lines;
    this.L = lineBytes; // bytes per line including '\n'
    this.durationMs = durationMs;
    this.estimatedDurationMs = durationMs;
    this.url = `/job/${encodeURIComponent(job)}/${number}/`;
    this.pre = 3; // build running, stage running, step running
    this.post = 3; // step success, stage success, build completed
  }
  lineText(i) {
    const n = i + 1;
    const head = `\x1b[32m${String(n).padStart(8, '0')}\x1b[0m bulk output line, see https://example.com/l/${n} `;
    const pad = this.L - 1 - utf8len(head);
    return pad > 0 ? head + 'x'.repeat(pad) : head;
  }
  total() { return this.pre + this.lineCount + this.post; }
  visibleCount() { return this.total(); }
  complete() { return true; }
  item(i) {
    const N = this.lineCount;
    if (i < this.pre) return { t: 0, type: 'progress', offsetAfter: 0, countAfter: i + 1, k: i };
    if (i < this.pre + N) {
      const li = i - this.pre;
      return { t: 0, type: 'line', text: this.lineText(li), start: li * this.L, offsetAfter: (li + 1) * this.L, countAfter: this.pre, lineIndex: li };
    }
    const k = i - this.pre - N;
    return { t: this.durationMs, type: 'progress', offsetAfter: N * this.L, countAfter: this.pre + k + 1, k: this.pre + k };
  }
  progressEvent(it) {
    const base = { job: this.job, build: this.number };
    const step = (id, kind, name, parent, status) => ({ type: 'step', ...base, id, kind, name, parent, stage: parent ? 'Bulk' : null, status, startedAt: this.startAt, durationMs: status === 'running' ? null : this.durationMs });
    const build = (state) => ({ type: 'build', ...base, url: this.url, state, result: state === 'completed' ? 'SUCCESS' : null, queuedAt: this.startAt - 10, startedAt: this.startAt, completedAt: state === 'completed' ? this.startAt + this.durationMs : null, durationMs: state === 'completed' ? this.durationMs : 0, estimatedDurationMs: this.durationMs, progress: state === 'completed' ? 100 : 0 });
    return [build('running'), step('1', 'stage', 'Bulk', null, 'running'), step('2', 'step', 'sh cat huge.log', '1', 'running'),
      step('2', 'step', 'sh cat huge.log', '1', 'success'), step('1', 'stage', 'Bulk', null, 'success'), build('completed')][it.k];
  }
  progressItems() { return [0, 1, 2, this.total() - 3, this.total() - 2, this.total() - 1].map((i) => this.item(i)); }
  resumeIndex(offset, count) {
    const N = this.lineCount;
    if (offset === 0 && count <= this.pre) return count;
    if (count === this.pre && offset % this.L === 0 && offset / this.L <= N) return this.pre + offset / this.L;
    if (offset === N * this.L && count > this.pre && count <= this.pre + this.post) return this.pre + N + (count - this.pre);
    return -1;
  }
  lineIndexToItem(n) { return this.pre + Math.max(0, Math.min(n, this.lineCount)); }
  skipLines(pos, limit) {
    if (pos < this.pre || pos >= this.pre + this.lineCount) return pos;
    return Math.min(limit, this.pre + this.lineCount);
  }
  visibleLines() { return this.lineCount; }
  fullText() { return 'bulk log (not served in full by the fixture)\n'; }
}

/** The demo pipeline used by the screenshot and by hand. `speed` < 1 makes it faster. */
export function demoBuild({ job = 'demo', number = 1, startAt = Date.now(), speed = 1, fail = true, estimate = true } = {}) {
  const ms = (x) => Math.round(x * speed);
  const tl = timeline({ job, number, startAt, estimatedDurationMs: estimate ? ms(60000) : -1 });
  tl.queued().started().body((s) => {
    s.stage('Checkout', (c) => c.step('git', ms(2500), [
      'Cloning the remote Git repository',
      'Cloning repository https://github.com/example/demo.git',
      ' > git fetch --tags --force --progress -- https://github.com/example/demo.git +refs/heads/*:refs/remotes/origin/*',
      'Checking out Revision 4f1c2a9d3b (refs/remotes/origin/main)',
      'Commit message: "Speed up the \x1b[3mparser\x1b[23m (#42)"',
    ]));
    s.stage('Build', (c) => {
      c.step('sh ./mvnw -B package', ms(9000), [
        '+ ./mvnw -B package -DskipTests',
        '[\x1b[1;34mINFO\x1b[m] Scanning for projects...',
        '[\x1b[1;34mINFO\x1b[m] \x1b[1m------------------------< \x1b[0;36mexample:demo\x1b[0;1m >-------------------------\x1b[m',
        '[\x1b[1;34mINFO\x1b[m] \x1b[1mBuilding demo 1.0-SNAPSHOT\x1b[m',
        '[\x1b[1;34mINFO\x1b[m] --- \x1b[0;32mmaven-compiler-plugin:3.13.0:compile\x1b[m \x1b[1m(default-compile)\x1b[m @ \x1b[36mdemo\x1b[0;1m ---\x1b[m',
        '[\x1b[1;34mINFO\x1b[m] Compiling 128 source files with javac [debug release 17] to target/classes',
        '[\x1b[1;33mWARNING\x1b[m] /src/main/java/demo/Parser.java:[88,17] unchecked conversion',
        '[\x1b[1;34mINFO\x1b[m] \x1b[1mBUILD SUCCESS\x1b[m',
        '[\x1b[1;34mINFO\x1b[m] Total time:  8.412 s',
      ]);
    });
    s.stage('Test', (c) => c.parallel({
      'unit': (b) => b.step('sh ./mvnw test', ms(14000), Array.from({ length: 18 }, (_, i) =>
        `[\x1b[1;34mINFO\x1b[m] Tests run: ${5 + i}, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.${i + 1}2 s - in demo.\x1b[1mUnit${i}Test\x1b[m`)),
      'integration': (b) => b.step('sh ./it.sh', ms(20000), [
        ...Array.from({ length: 14 }, (_, i) => `\x1b[38;5;${39 + i * 6}m▶\x1b[0m scenario ${i + 1}/15 \x1b[38;2;120;200;120mpassed\x1b[0m`),
        ...(fail ? ['\x1b[41;97m FAIL \x1b[0m scenario 15/15 \x1b[1;31mexpected 200 but was 503\x1b[0m', '  see https://ci.example.com/reports/it/15.html for details'] : ['\x1b[32mall 15 scenarios passed\x1b[0m']),
      ], fail ? 'failed' : 'success'),
      'lint': (b) => b.step('sh npm run lint', ms(6000), ['> demo@1.0.0 lint', '> eslint src', '\x1b[4m/src/ui/panel.js\x1b[24m', '  12:5  \x1b[33mwarning\x1b[39m  Unexpected console statement  no-console', '\x1b[33m✖ 1 problem (0 errors, 1 warning)\x1b[39m']),
    }));
    if (fail) s.skipped('Deploy');
    else s.stage('Deploy', (c) => c.step('sh ./deploy.sh', ms(5000), ['Deploying to \x1b[1mstaging\x1b[0m…', 'https://staging.example.com is up']));
  });
  return tl.finish();
}

// ------------------------------------------------------------------------------------------------ server

function sseEvent(id, obj) {
  return (id ? `id: ${id}\n` : '') + `event: status_update\ndata: ${JSON.stringify(obj)}\n\n`;
}

const TYPES = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.html': 'text/html; charset=utf-8' };

function buildPage(b, { tail } = {}) {
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  const base = `/job/${encodeURIComponent(b.job)}/${b.number}/`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(b.job)} #${b.number}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/build-stream/assets/build-stream-panel.css">
<link rel="stylesheet" href="/fixture.css">
</head><body>
<main>
<div class="build-stream-panel" data-stream-url="${base}stream" data-console-url="${base}consoleText"${tail ? ` data-tail="${esc(tail)}"` : ''}></div>
</main>
<script type="module" src="/build-stream/assets/build-stream-panel.js"></script>
</body></html>`;
}

function homePage(builds) {
  const jobs = [...new Set(builds.map((b) => b.job))];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Build Stream</title>
<link rel="stylesheet" href="/build-stream/assets/build-stream-panel.css">
<link rel="stylesheet" href="/fixture.css">
</head><body><main>
<div class="build-stream-home" data-events-url="/build-stream/events">
${jobs.map((j) => `<a class="bs-home-job" data-job="${j}" href="/job/${encodeURIComponent(j)}/">${j}</a>`).join('\n')}
</div></main>
<script type="module" src="/build-stream/assets/build-stream-home.js"></script>
</body></html>`;
}

const FIXTURE_CSS = `body{margin:0;background:var(--bs-page,#f4f5f8);font-family:system-ui,sans-serif}
main{max-width:1280px;margin:0 auto;padding:16px}
@media (prefers-color-scheme: dark){body{background:#121318}}`;

/**
 * Starts a fixture server. Options: port (0 = any), builds (array of ScriptedBuild/BulkBuild),
 * coalesceMs (console coalescing window), log (function for request logs).
 * Returns {port, url, close(), connections(), requests}.
 */
export function startFixture({ port = 0, builds = [], coalesceMs = 50, heartbeatMs = 15000, chunkLines = 2000 } = {}) {
  const byKey = new Map(builds.map((b) => [`${b.job}#${b.number}`, b]));
  const sockets = new Set();
  const requests = [];
  const streams = new Set();

  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const entry = { method: req.method, url: req.url, lastEventId: req.headers['last-event-id'] || null, accept: req.headers.accept || null, at: Date.now(), status: null };
    requests.push(entry);
    res.on('close', () => { entry.status = res.statusCode; });
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const send = (status, type, body) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain; charset=utf-8', 'only GET\n');
    if (u.pathname === '/') return send(200, TYPES['.html'], homePage(builds));
    if (u.pathname === '/favicon.ico') { res.writeHead(204); return res.end(); }
    if (u.pathname === '/fixture.css') return send(200, TYPES['.css'], FIXTURE_CSS);
    if (u.pathname.startsWith('/build-stream/assets/')) {
      const rel = decodeURIComponent(u.pathname.slice('/build-stream/assets/'.length));
      const file = path.resolve(WEBAPP, rel);
      if (!file.startsWith(WEBAPP + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return send(404, 'text/plain; charset=utf-8', 'not found\n');
      return send(200, TYPES[path.extname(file)] || 'application/octet-stream', fs.readFileSync(file));
    }
    if (u.pathname === '/build-stream/events') return firehose(req, res, u);
    const m = /^\/job\/([^/]+)\/(\d+)\/(stream|consoleText)?$/.exec(u.pathname);
    if (m) {
      const b = byKey.get(`${decodeURIComponent(m[1])}#${m[2]}`);
      if (!b) return send(404, 'text/plain; charset=utf-8', 'no such build\n');
      if (!m[3]) return send(200, TYPES['.html'], buildPage(b, { tail: u.searchParams.get('tail') }));
      if (m[3] === 'consoleText') return send(200, 'text/plain; charset=utf-8', b.fullText(Date.now()));
      return buildStream(b, req, res, u);
    }
    send(404, 'text/plain; charset=utf-8', 'not found\n');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function sseHead(res) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream;charset=utf-8', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
  }

  function buildStream(b, req, res, u) {
    const bad = (why) => { res.writeHead(400, { 'Content-Type': 'text/plain;charset=utf-8' }); res.end(why + '\n'); };
    const idStr = req.headers['last-event-id'] || u.searchParams.get('lastEventId');
    const consoleOn = u.searchParams.get('console') !== 'false';
    if (u.searchParams.has('console') && !['true', 'false'].includes(u.searchParams.get('console'))) return bad('malformed console');
    let pos = 0;
    let skipLinesBefore = 0;
    const now = Date.now();
    if (idStr) {
      const mm = /^(\d{1,15})\.(\d{1,9})$/.exec(idStr);
      if (!mm) return bad('malformed id');
      pos = b.resumeIndex(Number(mm[1]), Number(mm[2]));
      if (pos < 0 || pos > b.visibleCount(now)) return bad('id is not a position of this build');
      if (b.complete(now) && pos === b.total()) { res.writeHead(204); return res.end(); }
    } else if (u.searchParams.has('tail')) {
      const t = u.searchParams.get('tail');
      if (!/^\d{1,6}$/.test(t) || Number(t) > 100000) return bad('malformed tail');
      skipLinesBefore = Math.max(0, b.visibleLines(now) - Number(t));
    }
    sseHead(res);
    const st = { closed: false };
    streams.add(st);
    res.on('close', () => { st.closed = true; streams.delete(st); });
    const skipFrom = skipLinesBefore > 0 ? b.lineIndexToItem(skipLinesBefore) : 0;
    let lastWrite = Date.now();
    let waitingDrain = false;

    const pump = () => {
      if (st.closed || waitingDrain) return;
      const visible = b.visibleCount(Date.now());
      while (pos < visible) {
        const it = b.item(pos);
        let ok;
        if (it.type === 'progress') {
          ok = res.write(sseEvent(`${it.offsetAfter}.${it.countAfter}`, b.progressEvent(it)));
          pos++;
        } else {
          const lines = [];
          let from = null;
          let last = it;
          while (pos < visible && lines.length < chunkLines) {
            if (pos < skipFrom || !consoleOn) {
              // lines not sent (tail / console=false): jump over them without building their text
              const next = b.skipLines(pos, consoleOn ? Math.min(skipFrom, visible) : visible);
              if (next > pos) {
                last = b.item(next - 1);
                pos = next;
                continue;
              }
            }
            const x = b.item(pos);
            if (x.type !== 'line') break;
            if (pos >= skipFrom && consoleOn) {
              if (from === null) from = x.start;
              lines.push(x.text);
            }
            last = x;
            pos++;
          }
          if (!lines.length) continue;
          ok = res.write(sseEvent(`${last.offsetAfter}.${last.countAfter}`, { type: 'console', from, to: last.offsetAfter, lines }));
        }
        lastWrite = Date.now();
        if (ok === false) {
          waitingDrain = true;
          res.once('drain', () => { waitingDrain = false; pump(); });
          return;
        }
      }
      if (b.complete(Date.now()) && pos >= b.total()) {
        res.write(sseEvent(null, { type: 'end', reason: 'completed' }));
        res.end();
        st.closed = true;
        clearInterval(timer);
        return;
      }
      if (Date.now() - lastWrite > heartbeatMs) { res.write(': heartbeat\n\n'); lastWrite = Date.now(); }
    };
    const timer = setInterval(pump, coalesceMs);
    res.on('close', () => clearInterval(timer));
    pump();
  }

  // firehose: every build's progress events ordered by absolute time; id <seq>/<job>#<build>
  function firehose(req, res, u) {
    const all = [];
    for (const b of builds) for (const it of b.progressItems()) all.push({ at: b.startAt + it.t, b, it });
    all.sort((x, y) => x.at - y.at);
    const idStr = req.headers['last-event-id'] || u.searchParams.get('lastEventId');
    let pos = 0;
    if (idStr) {
      const mm = /^(\d+)\//.exec(idStr);
      if (!mm) { res.writeHead(400, { 'Content-Type': 'text/plain;charset=utf-8' }); return res.end('malformed id\n'); }
      pos = Number(mm[1]) + 1;
    }
    sseHead(res);
    let closed = false;
    res.on('close', () => { closed = true; clearInterval(timer); });
    const pump = () => {
      if (closed) return;
      const now = Date.now();
      while (pos < all.length && all[pos].at <= now) {
        const { b, it } = all[pos];
        res.write(sseEvent(`${pos}/${encodeURIComponent(b.job)}#${b.number}`, b.progressEvent(it)));
        pos++;
      }
    };
    const timer = setInterval(pump, 100);
    pump();
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const p = server.address().port;
      resolve({
        port: p,
        url: `http://127.0.0.1:${p}`,
        requests,
        server,
        /** stops the server and cuts every open connection (like a crash or restart) */
        close() {
          return new Promise((r) => {
            server.close(() => r());
            for (const s of sockets) s.destroy();
          });
        },
      });
    });
  });
}

// ------------------------------------------------------------------------------------------------ CLI

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const port = Number(process.argv[2] || 8090);
  const startAt = Date.now() + 1000;
  const builds = [
    demoBuild({ job: 'demo', number: 1, startAt, speed: 1 }),
    demoBuild({ job: 'webapp', number: 7, startAt: startAt + 5000, speed: 0.8, fail: false }),
    new BulkBuild({ job: 'bulk', number: 1, startAt: startAt - 120000, lines: 100000 }),
  ];
  const f = await startFixture({ port, builds });
  console.log(`fixture server on ${f.url}  (build pages: /job/demo/1/  /job/webapp/7/  /job/bulk/1/?tail=all)`);
}
