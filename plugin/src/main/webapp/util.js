// Small DOM and formatting helpers shared by the Build Stream panel modules.
// Plain ES module, no dependencies; never uses innerHTML with data (CSP- and XSS-safe).

/** Creates an element with an optional class name and text content. */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

/** Human duration: "850 ms", "12 s", "3 min 04 s", "1 h 02 min". */
export function fmtDuration(ms) {
  if (ms == null || !isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Compact clock-style duration for live timers: "0:07", "12:03", "1:02:03". */
export function fmtClock(ms) {
  if (ms == null || !isFinite(ms) || ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export const RESULT_LABEL = {
  SUCCESS: 'Success',
  UNSTABLE: 'Unstable',
  FAILURE: 'Failed',
  NOT_BUILT: 'Not built',
  ABORTED: 'Aborted',
};

export const STEP_STATUS_LABEL = {
  running: 'running',
  success: 'succeeded',
  failed: 'failed',
  aborted: 'aborted',
  unstable: 'unstable',
  skipped: 'skipped',
};

/** The CSS status token of a build event: queued, running, success, failure, unstable, aborted, not-built. */
export function buildStatusToken(b) {
  if (!b) return 'unknown';
  if (b.state === 'completed') return String(b.result || 'unknown').toLowerCase().replace('_', '-');
  return b.state || 'unknown';
}

export function buildStatusLabel(b) {
  if (!b) return 'Connecting';
  if (b.state === 'completed') return RESULT_LABEL[b.result] || String(b.result || 'Completed');
  if (b.state === 'queued') return 'Queued';
  return 'Running';
}

/** Progress (0..100) of a build event at local time `now`, extrapolated from the estimate; null if unknown. */
export function estimateProgress(b, elapsedMs) {
  if (!b) return null;
  if (b.state === 'completed') return 100;
  if (b.state !== 'running') return 0;
  if (b.estimatedDurationMs > 0 && elapsedMs != null) {
    return Math.max(0, Math.min(99, Math.floor((elapsedMs * 100) / b.estimatedDurationMs)));
  }
  return b.progress == null ? null : b.progress;
}

/**
 * Estimates the server clock from build events (durationMs is the elapsed time when the event was made):
 * startedAt + durationMs is a lower bound of the server's time when the event arrives. A replayed (old)
 * event gives a bound far in the past and is ignored; with no recent event the clocks are taken as equal.
 */
export class ServerClock {
  constructor() {
    this.offset = 0;
    this.best = -Infinity;
  }
  observe(b) {
    if (!b || !b.startedAt || b.durationMs == null || b.state !== 'running') return;
    const bound = b.startedAt + b.durationMs - Date.now();
    if (bound > this.best) {
      this.best = bound;
      if (bound > -5000) this.offset = bound;
    }
  }
  now() {
    return Date.now() + this.offset;
  }
  /** Elapsed time of a build event now. */
  elapsed(b) {
    if (!b) return null;
    if (b.state === 'completed') return b.durationMs;
    if (b.state !== 'running' || !b.startedAt) return null;
    return Math.max(b.durationMs || 0, this.now() - b.startedAt);
  }
}
