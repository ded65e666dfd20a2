// Build Stream live progress panel — entry module.
//
// Usage (no inline script or style needed; works under `Content-Security-Policy: default-src 'self'`):
//
//   <link rel="stylesheet" href=".../build-stream-panel.css">
//   <div class="build-stream-panel"
//        data-stream-url="/job/demo/1/stream"           (required: the build's stream, see docs/PROTOCOL.md)
//        data-console-url="/job/demo/1/consoleText"     (link to the full plain-text log)
//        data-title="demo #1"                          (optional; default "<job> #<build>")
//        data-tail="2000"                               (optional: console lines to start with; "all" = whole log)
//        data-edge-url="https://edge.example.com/"      (optional: stream from this edge, docs/SCALING.md)
//        data-token-url="/job/demo/stream-token"        (with an edge that checks tokens: where to get them)
//        data-root-url="/jenkins/"></div>               (optional: the origin's root, not part of edge paths)
//   <script type="module" src=".../build-stream-panel.js"></script>
//
// One EventSource per page (browsers allow six HTTP/1.1 connections per host): panels with the same
// data-stream-url share one stream; a page should have one panel (a second panel with a different URL is
// not connected and says so).
//
// Resume across reloads: the last event id and a compact snapshot of the state (build header, step tree,
// the last 2000 console lines) are kept in sessionStorage, keyed by the stream URL. After a reload the panel
// restores the snapshot and opens `stream?lastEventId=<id>`, so nothing is repeated or missed. Without a
// snapshot (or if storage is full) it starts over with `?tail=2000`.
//
// From an edge: the same path under data-edge-url, with `?token=` (no header, so no CORS preflight). A token is
// good for minutes and an EventSource cannot change its URL, so before it expires (or when the edge refuses it)
// the panel fetches a new one from its own origin and reopens with `lastEventId=<last id>`: nothing is lost or
// repeated.

import { el, fmtDuration, buildStatusToken, buildStatusLabel, estimateProgress, fmtClock, ServerClock } from './util.js';
import { StepTree } from './tree.js';
import { ConsoleView } from './console-view.js';

const STORAGE_PREFIX = 'build-stream:v1:';
const SNAPSHOT_LINES = 2000;
const SAVE_INTERVAL_MS = 500;

const streams = new Map(); // absolute stream URL -> BuildPanel (one EventSource per page)

export class BuildPanel {
  constructor(host) {
    this.host = host;
    const base = document.baseURI;
    this.streamUrl = new URL(host.dataset.streamUrl, base).href;
    this.consoleUrl = host.dataset.consoleUrl ? new URL(host.dataset.consoleUrl, base).href : '';
    this.title = host.dataset.title || '';
    const tail = (host.dataset.tail || '2000').trim().toLowerCase();
    this.tail = tail === 'all' || tail === '-1' ? null : Math.max(0, Math.min(100000, parseInt(tail, 10) || 0));
    this.storageKey = STORAGE_PREFIX + this.streamUrl;
    // An edge serves the origin's paths below its root: Jenkins' context path (data-root-url) is not part of them.
    const root = new URL(host.dataset.rootUrl || '/', base).pathname;
    const path = new URL(this.streamUrl).pathname;
    const below = path.startsWith(root) ? path.slice(root.length) : path.replace(/^\//, '');
    this.edgeStreamUrl = host.dataset.edgeUrl ? new URL(below, new URL(host.dataset.edgeUrl, base)).href : null;
    this.tokenUrl = host.dataset.tokenUrl ? new URL(host.dataset.tokenUrl, base).href : null;
    this.token = null;
    this.tokenRenewAt = 0; // Date.now() after which the token is renewed
    this.renewals = 0;

    this.build = null; // last build event
    this.clock = new ServerClock();
    this.lastId = null;
    this.es = null;
    this.finished = false;
    this.restarts = 0;
    this.saveTimer = 0;
    this.dirty = false;

    this.buildDom();
    host.classList.add('bs-mounted');
    host.__buildStream = this;
  }

  // ---------------------------------------------------------------- DOM

  buildDom() {
    const h = this.host;
    h.textContent = '';
    h.setAttribute('role', 'region');
    h.setAttribute('aria-label', 'Live build progress');

    const header = el('header', 'bs-header');
    const top = el('div', 'bs-header-top');
    this.badge = el('span', 'bs-badge bs-st-unknown', 'Connecting');
    this.titleEl = el('h2', 'bs-title', this.title || 'Build');
    this.conn = el('span', 'bs-conn bs-conn-connecting');
    this.connDot = el('span', 'bs-conn-dot');
    this.connDot.setAttribute('aria-hidden', 'true');
    this.connText = el('span', 'bs-conn-text', 'Connecting…');
    this.conn.append(this.connDot, this.connText);
    top.append(this.badge, this.titleEl, this.conn);

    const meta = el('div', 'bs-meta');
    this.elapsedEl = el('span', 'bs-elapsed');
    this.etaEl = el('span', 'bs-eta');
    meta.append(this.elapsedEl, this.etaEl);

    this.progress = el('div', 'bs-progress');
    this.progress.setAttribute('role', 'progressbar');
    this.progress.setAttribute('aria-label', 'Build progress');
    this.progress.setAttribute('aria-valuemin', '0');
    this.progress.setAttribute('aria-valuemax', '100');
    this.progressBar = el('div', 'bs-progress-bar');
    this.progress.append(this.progressBar);

    this.warnings = el('div', 'bs-warnings');
    this.warnings.hidden = true;

    header.append(top, meta, this.progress, this.warnings);

    this.live = el('div', 'bs-visually-hidden');
    this.live.setAttribute('aria-live', 'polite');
    this.live.setAttribute('role', 'status');

    this.tree = new StepTree({ onAnnounce: (t) => this.announce(t), now: () => this.serverNow() });
    this.console = new ConsoleView({ consoleUrl: this.consoleUrl });
    // for benchmarks and diagnostics: when the first console lines are on screen
    this.console.onFirstPaint = () => {
      try {
        performance.mark('build-stream:first-lines');
      } catch {
        // no User Timing
      }
    };

    const body = el('div', 'bs-body');
    body.append(this.tree.root, this.console.root);
    h.append(header, this.live, body);
    this.renderHeader();
  }

  announce(text) {
    // Re-setting the text makes screen readers announce the new message politely.
    this.live.textContent = text;
  }

  setConnection(state, text) {
    if (this.connState === state && this.connText.textContent === text) return;
    const prev = this.connState;
    this.connState = state;
    this.conn.className = `bs-conn bs-conn-${state}`;
    this.connText.textContent = text;
    this.host.dataset.connection = state;
    if (prev && prev !== state && state !== 'live') this.announce(text);
    else if (prev === 'reconnecting' && state === 'live') this.announce('Connection restored');
  }

  renderHeader() {
    const b = this.build;
    const token = buildStatusToken(b);
    this.badge.className = `bs-badge bs-st-${token}`;
    this.badge.textContent = buildStatusLabel(b);
    this.host.dataset.state = b ? b.state : 'unknown';
    this.host.dataset.result = b && b.result ? b.result : '';
    if (b && !this.title) this.titleEl.textContent = `${b.job} #${b.build}`;
    this.tick();
  }

  serverNow() {
    return this.clock.now();
  }

  elapsed() {
    return this.clock.elapsed(this.build);
  }

  tick() {
    const b = this.build;
    const elapsed = this.elapsed();
    this.elapsedEl.textContent = elapsed == null ? '' : (b.state === 'completed' ? `Took ${fmtDuration(elapsed)}` : `Elapsed ${fmtClock(elapsed)}`);
    let eta = '';
    const est = b ? b.estimatedDurationMs : -1;
    if (b && b.state === 'running') {
      if (est > 0) {
        const left = est - elapsed;
        eta = left > 0 ? `About ${fmtDuration(Math.ceil(left / 1000) * 1000)} left (estimate ${fmtDuration(est)})`
          : `Taking longer than the estimate (${fmtDuration(est)})`;
      } else eta = 'No estimate';
    } else if (b && b.state === 'queued') eta = 'Waiting in the queue';
    this.etaEl.textContent = eta;
    const p = estimateProgress(b, elapsed);
    if (p == null) {
      this.progress.classList.add('bs-indeterminate');
      this.progress.removeAttribute('aria-valuenow');
      this.progressBar.style.width = '';
    } else {
      this.progress.classList.remove('bs-indeterminate');
      this.progress.setAttribute('aria-valuenow', String(p));
      this.progressBar.style.width = `${p}%`;
    }
    this.progress.dataset.token = buildStatusToken(b);
    this.progress.className = `bs-progress bs-st-${buildStatusToken(b)}` + (p == null ? ' bs-indeterminate' : '');
    this.tree.tick(this.serverNow());
  }

  showWarning(text) {
    this.warnings.hidden = false;
    const w = el('div', 'bs-warning', text);
    this.warnings.append(w);
    while (this.warnings.children.length > 3) this.warnings.firstChild.remove();
    this.announce(text);
  }

  // ---------------------------------------------------------------- events

  onBuild(ev) {
    const prev = this.build;
    if (prev && (prev.build !== ev.build || prev.job !== ev.job)) {
      // a job stream moved on to a new build: start a fresh view
      this.tree.clear();
      this.console.clear();
    }
    this.build = ev;
    this.clock.observe(ev);
    this.renderHeader();
    if (!prev || prev.state !== ev.state || prev.result !== ev.result) {
      if (ev.state === 'completed') this.announce(`Build finished: ${buildStatusLabel(ev)}`);
      else if (ev.state === 'running') this.announce('Build running');
      else if (ev.state === 'queued') this.announce('Build queued');
    }
  }

  onEvent(e) {
    let ev;
    try {
      ev = JSON.parse(e.data);
    } catch {
      return;
    }
    if (e.lastEventId) this.lastId = e.lastEventId;
    switch (ev.type) {
      case 'build': this.onBuild(ev); break;
      case 'step': this.tree.update(ev); break;
      case 'console':
        if (this.console.lineCount === 0 && ev.from > 0 && this.lastIdAtOpen == null) this.console.startsMidLog(ev.from);
        this.console.append(ev.lines);
        break;
      case 'end': this.onEnd(ev); break;
      case 'warning': this.showWarning(ev.message || ev.code || 'Warning'); break;
      default: break; // unknown types are ignored
    }
    if (e.lastEventId) this.markDirty();
  }

  onEnd(ev) {
    if (ev.reason === 'completed') {
      this.finish();
    } else if (ev.reason === 'log-truncated') {
      this.showWarning('The build log was truncated or replaced; starting over.');
      this.restart();
    } else if (ev.reason === 'log-deleted') {
      this.close();
      this.forget();
      this.setConnection('finished', 'Log deleted');
      this.showWarning('The build or its log was deleted.');
    } else if (ev.reason === 'shutdown') {
      // The server is stopping: EventSource reconnects by itself with Last-Event-ID.
      this.setConnection('reconnecting', 'Server restarting…');
    }
  }

  finish() {
    this.finished = true;
    this.close();
    this.saveNow();
    this.setConnection('finished', 'Finished');
    this.tick();
  }

  close() {
    clearTimeout(this.renewTimer);
    if (this.es) {
      this.es.close();
      this.es = null;
    }
  }

  // ---------------------------------------------------------------- connection

  urlFor(id) {
    const u = new URL(this.edgeStreamUrl || this.streamUrl);
    if (this.token) u.searchParams.set('token', this.token);
    if (id) u.searchParams.set('lastEventId', id);
    else if (this.tail != null) u.searchParams.set('tail', String(this.tail));
    return u.href;
  }

  start() {
    const restored = this.restore();
    this.open(restored ? this.lastId : null);
    this.timer = setInterval(() => this.tick(), 1000);
    addEventListener('pagehide', () => {
      // leaving (or entering the back/forward cache): save, and do not treat the closed stream as an error
      this.saveNow();
      this.unloading = true;
      this.close();
    });
    addEventListener('pageshow', (e) => {
      if (e.persisted && this.unloading && !this.finished) {
        this.unloading = false;
        this.open(this.lastId);
      }
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.saveNow();
      else this.console.schedule();
    });
  }

  open(id) {
    if (this.tokenUrl && Date.now() >= this.tokenRenewAt) {
      this.renew();
      return;
    }
    this.close();
    if (this.tokenUrl) this.renewTimer = setTimeout(() => this.renew(), Math.max(0, this.tokenRenewAt - Date.now()));
    this.lastIdAtOpen = id;
    const es = new EventSource(this.urlFor(id));
    this.es = es;
    this.setConnection('connecting', 'Connecting…');
    es.addEventListener('open', () => {
      if (this.es === es) this.setConnection('live', 'Live');
    });
    es.addEventListener('status_update', (e) => {
      if (this.es === es) this.onEvent(e);
    });
    es.addEventListener('error', () => {
      if (this.es !== es || this.finished || this.unloading) return;
      if (es.readyState === EventSource.CONNECTING) {
        this.setConnection('reconnecting', 'Reconnecting…');
      } else {
        this.probe();
      }
    });
  }

  // A new token from the page's own origin, then the stream reopened after the last event shown. Events are
  // handled one at a time, so none arrives between the last id and close(): the new stream starts right after it.
  async renew() {
    const seq = ++this.renewals;
    clearTimeout(this.renewTimer);
    let ok = false;
    try {
      const r = await fetch(this.tokenUrl, { cache: 'no-store', credentials: 'same-origin' });
      if (r.ok) {
        const t = await r.json();
        // Lifetime by the server's clock (its Date header), renewed at 80% of it: the browser's clock may be off.
        const serverNow = Date.parse(r.headers.get('Date') || '') || Date.now();
        const life = Math.max(1000, Number(t.expiresAt) - serverNow);
        this.token = String(t.token);
        this.tokenRenewAt = Date.now() + life * 0.8;
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (seq !== this.renewals || this.finished || this.unloading) return;
    if (ok) {
      this.open(this.lastId);
    } else {
      this.close();
      this.setConnection('reconnecting', 'Cannot get a stream token, retrying…');
      this.renewTimer = setTimeout(() => this.renew(), 10000);
    }
  }

  // EventSource closed for good: a 204 (nothing more to send), or an HTTP error. Ask once to tell them apart.
  async probe() {
    this.close();
    // Chromium also fails the stream when a navigation away starts, before pagehide: wait a moment so
    // that a reload does not send a useless request.
    await new Promise((r) => setTimeout(r, 300));
    if (this.unloading || this.finished || this.es) return;
    const url = this.urlFor(this.lastId);
    const ctrl = new AbortController();
    let status = 0;
    let retryAfter = 0;
    try {
      const r = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal: ctrl.signal, cache: 'no-store' });
      status = r.status;
      retryAfter = parseInt(r.headers.get('Retry-After') || '0', 10) || 0;
      ctrl.abort();
    } catch {
      status = 0;
    }
    if (status === 204) {
      this.finish();
    } else if (status === 200) {
      this.open(this.lastId);
    } else if (status === 401 && this.tokenUrl) {
      this.tokenRenewAt = 0; // refused (expired, or the secret changed): the next open fetches a new token
      this.setConnection('reconnecting', 'Renewing the stream token…');
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.open(this.lastId), 1000);
    } else if (status === 400 && this.lastId && this.restarts < 1) {
      // our id is not valid for this build any more (e.g. the build was replaced): start over
      this.restart();
    } else {
      const wait = status === 503 ? Math.max(2, retryAfter) * 1000 : 10000;
      this.setConnection('reconnecting', status ? `Disconnected (HTTP ${status}), retrying…` : 'Disconnected, retrying…');
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.open(this.lastId), wait);
    }
  }

  restart() {
    this.restarts++;
    this.forget();
    this.lastId = null;
    this.build = null;
    this.tree.clear();
    this.console.clear();
    this.renderHeader();
    this.open(null);
  }

  // ---------------------------------------------------------------- persistence

  markDirty() {
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = 0;
      this.saveNow();
    }, SAVE_INTERVAL_MS);
  }

  saveNow() {
    if (!this.dirty || !this.lastId) return;
    this.dirty = false;
    for (const n of [SNAPSHOT_LINES, 200]) {
      const { lines, lineCount } = this.console.snapshot(n);
      const snap = {
        id: this.lastId,
        build: this.build,
        steps: this.tree.events(),
        lines,
        lineCount,
        midLog: this.console.midLogStart || 0,
        clockOffset: this.clock.offset,
      };
      try {
        sessionStorage.setItem(this.storageKey, JSON.stringify(snap));
        return;
      } catch {
        // quota exceeded: try smaller, then give up (a reload then starts over with ?tail=)
      }
    }
    this.forget();
  }

  forget() {
    try {
      sessionStorage.removeItem(this.storageKey);
    } catch {
      // storage unavailable
    }
  }

  restore() {
    let snap;
    try {
      snap = JSON.parse(sessionStorage.getItem(this.storageKey) || 'null');
    } catch {
      snap = null;
    }
    if (!snap || typeof snap.id !== 'string' || !Array.isArray(snap.lines) || !Array.isArray(snap.steps)) return false;
    this.lastId = snap.id;
    if (snap.build) {
      this.build = snap.build;
      this.clock.offset = Number(snap.clockOffset) || 0;
      this.renderHeader();
    }
    for (const s of snap.steps) this.tree.update(s);
    this.console.restore({ lines: snap.lines, lineCount: snap.lineCount || snap.lines.length });
    if (snap.midLog) this.console.startsMidLog(snap.midLog);
    this.announce('Resumed');
    return true;
  }
}

/** Mounts the first panel of the page; further panels get a short note instead of a second EventSource. */
function mountAll() {
  const hosts = document.querySelectorAll('.build-stream-panel:not(.bs-mounted)');
  for (const host of hosts) {
    if (!host.dataset.streamUrl) continue;
    const url = new URL(host.dataset.streamUrl, document.baseURI).href;
    if (streams.size === 0) {
      const panel = new BuildPanel(host);
      streams.set(url, panel);
      panel.start();
    } else {
      host.classList.add('bs-mounted', 'bs-not-connected');
      host.textContent = streams.has(url)
        ? 'This build is shown in the panel above.'
        : 'Only one live build panel per page: open this build on its own page to follow it.';
    }
  }
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
  else mountAll();
}
