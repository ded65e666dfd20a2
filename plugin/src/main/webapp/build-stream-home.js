// Build Stream home page: jobs and running builds with live progress bars, fed by the firehose.
//
//   <link rel="stylesheet" href="/build-stream/assets/build-stream-panel.css">
//   <div class="build-stream-home" data-events-url="/build-stream/events">
//     <!-- optional, server-rendered and progressively enhanced: one link per known job -->
//     <a class="bs-home-job" data-job="demo" href="/job/demo/" data-last='{"type":"build",…}'>demo</a>
//     (data-last, optional: the newest build's `build` event when the page was rendered;
//      data-build-url, optional: where a same-origin form POST starts a build — the row gets a "Build now" button)
//   </div>
//   <script type="module" src="/build-stream/assets/build-stream-home.js"></script>
//
// One EventSource (the firehose: `build` and `step` events of every build, see docs/PROTOCOL.md). Each job
// shows its newest build: number (linked), status, a progress bar extrapolated from the estimate between
// events, and the stage that is running.

import { el, fmtClock, fmtDuration, buildStatusToken, buildStatusLabel, estimateProgress, ServerClock } from './util.js';

function parseLast(text) {
  if (!text) return null;
  try {
    const ev = JSON.parse(text);
    return ev && ev.type === 'build' ? ev : null;
  } catch {
    return null;
  }
}

class HomeView {
  constructor(host) {
    this.host = host;
    this.url = new URL(host.dataset.eventsUrl || '/build-stream/events', document.baseURI).href;
    this.clock = new ServerClock();
    this.jobs = new Map(); // job -> {job, href, build, buildAt, stages: Map(id -> step), row parts}
    const seeds = [...host.querySelectorAll('.bs-home-job[data-job]')].map((a) => ({
      job: a.dataset.job,
      href: a.getAttribute('href'),
      last: parseLast(a.dataset.last), // the newest build's state when the page was rendered (a `build` event)
      buildUrl: a.dataset.buildUrl,
    }));
    host.textContent = '';
    host.classList.add('bs-mounted');

    const header = el('div', 'bs-home-header');
    header.append(el('h2', null, host.dataset.title || 'Builds'));
    this.summary = el('span', 'bs-home-sub');
    this.conn = el('span', 'bs-conn bs-conn-connecting');
    const dot = el('span', 'bs-conn-dot');
    dot.setAttribute('aria-hidden', 'true');
    this.connText = el('span', 'bs-conn-text', 'Connecting…');
    this.conn.append(dot, this.connText);
    header.append(this.summary, this.conn);

    this.table = el('table', 'bs-home-table');
    const thead = el('thead');
    const tr = el('tr');
    for (const h of ['Job', 'Build', 'Status', 'Progress', 'Stage']) {
      const th = el('th', null, h);
      th.scope = 'col';
      tr.append(th);
    }
    thead.append(tr);
    this.tbody = el('tbody');
    this.table.append(thead, this.tbody);
    this.empty = el('p', 'bs-home-empty', 'No builds seen yet. Running builds appear here as they start.');
    this.live = el('div', 'bs-visually-hidden');
    this.live.setAttribute('aria-live', 'polite');
    this.live.setAttribute('role', 'status');
    host.append(header, this.table, this.empty, this.live);

    for (const s of seeds) {
      this.row(s.job, s.href, s.buildUrl);
      if (s.last) this.onBuild(s.last);
    }
    this.refreshEmpty();
  }

  start() {
    const es = new EventSource(this.url);
    this.es = es;
    es.addEventListener('open', () => this.setConn('live', 'Live'));
    es.addEventListener('error', () => {
      if (es.readyState === EventSource.CLOSED) {
        this.setConn('reconnecting', 'Disconnected, retrying…');
        es.close();
        setTimeout(() => this.start(), 10000);
      } else this.setConn('reconnecting', 'Reconnecting…');
    });
    es.addEventListener('status_update', (e) => {
      let ev;
      try {
        ev = JSON.parse(e.data);
      } catch {
        return;
      }
      if (ev.type === 'build') this.onBuild(ev);
      else if (ev.type === 'step') this.onStep(ev);
    });
    if (!this.timer) this.timer = setInterval(() => this.tick(), 1000);
  }

  setConn(state, text) {
    this.conn.className = `bs-conn bs-conn-${state}`;
    this.connText.textContent = text;
    this.host.dataset.connection = state;
  }

  row(job, href, buildUrl) {
    let r = this.jobs.get(job);
    if (r) return r;
    const tr = el('tr', 'bs-home-row');
    tr.dataset.job = job;
    const name = el('td', 'bs-home-name');
    const link = el('a', null, job);
    link.href = href || `/job/${job.split('/').map(encodeURIComponent).join('/job/')}/`;
    name.append(link);
    if (buildUrl) {
      // A plain form: a same-origin POST (the server refuses other origins) that needs no script to work.
      const form = el('form', 'bs-home-buildnow');
      form.method = 'post';
      form.action = new URL(buildUrl, document.baseURI).href;
      const button = el('button', 'bs-home-buildnow-button', 'Build now');
      button.type = 'submit';
      button.setAttribute('aria-label', `Build ${job} now`);
      form.append(button);
      name.append(form);
    }
    const buildTd = el('td', 'bs-home-build');
    const statusTd = el('td', 'bs-home-status');
    const badge = el('span', 'bs-badge bs-st-unknown', '—');
    statusTd.append(badge);
    const progTd = el('td', 'bs-home-progress');
    const prog = el('div', 'bs-progress');
    prog.setAttribute('role', 'progressbar');
    prog.setAttribute('aria-valuemin', '0');
    prog.setAttribute('aria-valuemax', '100');
    prog.setAttribute('aria-label', `${job} progress`);
    const bar = el('div', 'bs-progress-bar');
    prog.append(bar);
    const time = el('div', 'bs-home-sub');
    progTd.append(prog, time);
    const stageTd = el('td', 'bs-home-stage');
    tr.append(name, buildTd, statusTd, progTd, stageTd);
    r = { job, tr, buildTd, badge, prog, bar, time, stageTd, build: null, stages: new Map() };
    this.jobs.set(job, r);
    // keep rows sorted by job name
    const after = [...this.tbody.children].find((x) => x.dataset.job.localeCompare(job) > 0);
    this.tbody.insertBefore(tr, after || null);
    this.refreshEmpty();
    return r;
  }

  refreshEmpty() {
    this.empty.hidden = this.jobs.size > 0;
    this.table.hidden = this.jobs.size === 0;
    let running = 0;
    for (const r of this.jobs.values()) if (r.build && r.build.state === 'running') running++;
    this.summary.textContent = `${this.jobs.size} job${this.jobs.size === 1 ? '' : 's'}, ${running} running`;
  }

  onBuild(ev) {
    const r = this.row(ev.job);
    if (r.build && ev.build < r.build.build) return; // an older build's late event
    if (!r.build || r.build.build !== ev.build) r.stages = new Map();
    const prevState = r.build && r.build.build === ev.build ? r.build.state : null;
    r.build = ev;
    this.clock.observe(ev);
    r.buildTd.textContent = '';
    const a = el('a', null, `#${ev.build}`);
    a.href = new URL(ev.url, document.baseURI).href;
    r.buildTd.append(a);
    if (prevState !== ev.state && ev.state === 'completed') this.live.textContent = `${ev.job} #${ev.build}: ${buildStatusLabel(ev)}`;
    else if (prevState !== ev.state && ev.state === 'running') this.live.textContent = `${ev.job} #${ev.build} started`;
    this.render(r);
    this.refreshEmpty();
  }

  onStep(ev) {
    const r = this.jobs.get(ev.job);
    if (!r || !r.build || r.build.build !== ev.build) return;
    if (ev.kind === 'stage' || ev.kind === 'parallel') {
      if (ev.status === 'running') r.stages.set(ev.id, ev);
      else r.stages.delete(ev.id);
      this.render(r);
    }
  }

  render(r) {
    const b = r.build;
    if (!b) return;
    const token = buildStatusToken(b);
    r.badge.className = `bs-badge bs-st-${token}`;
    r.badge.textContent = buildStatusLabel(b);
    r.tr.dataset.state = b.state;
    const stages = [...r.stages.values()].map((s) => s.name);
    r.stageTd.textContent = b.state === 'running' ? stages.join(', ') : '';
    this.tickRow(r);
  }

  tickRow(r) {
    const b = r.build;
    if (!b) return;
    const elapsed = this.clock.elapsed(b);
    const p = estimateProgress(b, elapsed);
    r.prog.className = `bs-progress bs-st-${buildStatusToken(b)}` + (p == null ? ' bs-indeterminate' : '');
    if (p == null) {
      r.prog.removeAttribute('aria-valuenow');
      r.bar.style.width = '';
    } else {
      r.prog.setAttribute('aria-valuenow', String(p));
      r.bar.style.width = `${p}%`;
    }
    if (b.state === 'running') {
      const left = b.estimatedDurationMs > 0 ? b.estimatedDurationMs - elapsed : null;
      r.time.textContent = `${fmtClock(elapsed)}` + (left != null ? (left > 0 ? ` · about ${fmtDuration(Math.ceil(left / 1000) * 1000)} left` : ' · over the estimate') : '');
    } else if (b.state === 'completed') {
      r.time.textContent = `took ${fmtDuration(b.durationMs)}`;
    } else r.time.textContent = 'queued';
  }

  tick() {
    for (const r of this.jobs.values()) if (r.build && r.build.state === 'running') this.tickRow(r);
  }
}

function mountAll() {
  for (const host of document.querySelectorAll('.build-stream-home:not(.bs-mounted)')) {
    const v = new HomeView(host);
    host.__buildStreamHome = v;
    v.start();
    break; // one firehose EventSource per page
  }
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
  else mountAll();
}
