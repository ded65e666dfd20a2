// The console tail of the Build Stream panel: ANSI rendering, links, line numbers, filter, auto-scroll,
// and a bounded DOM window so that a log of any size never freezes the page.
//
// Lines handed to `append()` are queued and rendered in batches from requestAnimationFrame. At most
// `maxLines` line elements exist at any time; older ones are removed and counted in a notice that links to
// the full plain-text log. When more lines arrive in one frame than the window holds, the ones that would be
// dropped anyway are never turned into DOM (their ANSI state is still tracked so colours stay right), and each
// frame renders only as many lines as fit in a small time budget, so the page keeps responding.

import { el } from './util.js';
import { initialState, renderLine, advanceState, toFragment } from './ansi.js';

const DEFAULT_MAX_LINES = 5000;
const FRAME_BUDGET_MS = 12; // rendering work per animation frame; the rest waits for the next frame
const RECENT_KEEP = 2000; // raw lines kept for the session snapshot

export class ConsoleView {
  /**
   * @param {object} opts consoleUrl: link to the full log; maxLines: DOM window size
   */
  constructor({ consoleUrl, maxLines = DEFAULT_MAX_LINES, label = 'Console output' } = {}) {
    this.consoleUrl = consoleUrl;
    this.maxLines = maxLines;
    this.state = initialState();
    this.lineCount = 0; // number of the last line appended (1-based); line numbers are absolute
    this.firstNumber = 1; // number of the first line this view knows about (> 1 after a tail start)
    this.pending = []; // raw lines not yet rendered
    this.rendered = []; // [{el, plain}] for the lines in the DOM, oldest first
    this.recent = []; // last raw lines (for snapshots), may hold up to 2 * RECENT_KEEP
    this.follow = true;
    this.filter = '';
    this.frame = 0;
    this.onFirstPaint = null;

    this.root = el('section', 'bs-console-box');
    this.root.setAttribute('aria-label', label);

    const bar = el('div', 'bs-console-bar');
    const heading = el('h3', 'bs-console-title', 'Console');
    const filterLabel = el('label', 'bs-filter');
    const filterText = el('span', 'bs-visually-hidden', 'Filter console lines');
    this.filterInput = el('input', 'bs-filter-input');
    this.filterInput.type = 'search';
    this.filterInput.placeholder = 'Filter lines…';
    this.filterInput.autocomplete = 'off';
    this.filterInput.spellcheck = false;
    filterLabel.append(filterText, this.filterInput);
    this.filterStatus = el('span', 'bs-filter-status');
    this.filterStatus.setAttribute('aria-live', 'polite');
    this.followBtn = el('button', 'bs-follow', 'Follow ↓');
    this.followBtn.type = 'button';
    this.followBtn.title = 'Resume auto-scroll';
    this.followBtn.hidden = true;
    const full = el('a', 'bs-full-log', 'Full log');
    full.href = consoleUrl || '#';
    full.rel = 'noopener';
    bar.append(heading, filterLabel, this.filterStatus, this.followBtn, full);

    this.scroller = el('div', 'bs-console');
    this.scroller.tabIndex = 0; // keyboard scrolling
    this.scroller.setAttribute('role', 'region');
    this.scroller.setAttribute('aria-label', 'Console lines');
    this.notice = el('div', 'bs-console-notice');
    this.notice.hidden = true;
    this.linesEl = el('div', 'bs-lines');
    this.empty = el('div', 'bs-console-empty', 'No console output yet.');
    this.scroller.append(this.notice, this.linesEl, this.empty);
    this.root.append(bar, this.scroller);

    this.scroller.addEventListener('scroll', () => {
      if (this.programmaticScroll) {
        this.programmaticScroll = false;
        return;
      }
      const atBottom = this.scroller.scrollTop + this.scroller.clientHeight >= this.scroller.scrollHeight - 8;
      this.setFollow(atBottom);
    }, { passive: true });
    this.followBtn.addEventListener('click', () => {
      this.setFollow(true);
      this.scrollToBottom();
    });
    let filterTimer = 0;
    this.filterInput.addEventListener('input', () => {
      clearTimeout(filterTimer);
      filterTimer = setTimeout(() => this.setFilter(this.filterInput.value), 120);
    });
    this.filterInput.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.filterInput.value) {
        this.filterInput.value = '';
        this.setFilter('');
        e.stopPropagation();
      }
    });
  }

  /** Queues complete console lines for rendering. */
  append(lines) {
    if (!lines || !lines.length) return;
    for (const l of lines) this.pending.push(l);
    this.lineCount += lines.length;
    for (const l of lines) this.recent.push(l);
    if (this.recent.length > 2 * RECENT_KEEP) this.recent.splice(0, this.recent.length - RECENT_KEEP);
    this.schedule();
  }

  /** The last `n` raw lines and the total count, for a session snapshot. */
  snapshot(n = RECENT_KEEP) {
    const lines = this.recent.slice(-n);
    return { lines, lineCount: this.lineCount };
  }

  /** Restores a snapshot (replaces everything). `lineCount` is the number of the last line. */
  restore({ lines, lineCount }) {
    this.clear();
    this.firstNumber = lineCount - lines.length + 1;
    this.lineCount = lineCount - lines.length;
    this.append(lines);
  }

  /** Marks that the view starts in the middle of the log (tail): line numbers are then unknown offsets. */
  startsMidLog(fromByte) {
    this.midLogStart = fromByte;
    this.updateNotice();
  }

  clear() {
    this.pending = [];
    this.rendered = [];
    this.recent = [];
    this.lineCount = 0;
    this.firstNumber = 1;
    this.midLogStart = 0;
    this.state = initialState();
    this.linesEl.textContent = '';
    this.empty.hidden = false;
    this.updateNotice();
  }

  schedule() {
    if (this.frame) return;
    const raf = typeof requestAnimationFrame === 'function' && document.visibilityState !== 'hidden'
      ? requestAnimationFrame : (f) => setTimeout(f, 50);
    this.frame = raf(() => {
      this.frame = 0;
      this.flush();
    });
  }

  /** Renders queued lines (bounded work per call). */
  flush() {
    if (!this.pending.length) return;
    // Lines beyond the window would be removed right away: only track their ANSI state.
    if (this.pending.length > this.maxLines) {
      const skip = this.pending.length - this.maxLines;
      for (let i = 0; i < skip; i++) this.state = advanceState(this.pending[i], this.state);
      this.pending.splice(0, skip);
      this.dropAllRendered();
    }
    let n = this.lineCount - this.pending.length; // number of the line before the first pending one
    const frag = document.createDocumentFragment();
    const needle = this.filter.toLowerCase();
    const t0 = performance.now();
    let i = 0;
    for (; i < this.pending.length; i++) {
      if ((i & 63) === 63 && performance.now() - t0 > FRAME_BUDGET_MS) break;
      const line = this.pending[i];
      n++;
      const r = renderLine(line, this.state);
      this.state = r.state;
      const div = document.createElement('div');
      div.className = 'bs-line';
      div.dataset.n = String(n);
      toFragment(r.nodes, document, div);
      if (needle && !r.plain.toLowerCase().includes(needle)) div.hidden = true;
      frag.appendChild(div);
      this.rendered.push({ el: div, plain: r.plain });
    }
    this.pending.splice(0, i);
    this.linesEl.appendChild(frag);
    this.empty.hidden = true;
    this.trim();
    if (needle) this.updateFilterStatus();
    this.updateNotice();
    if (this.follow) this.scrollToBottom();
    if (this.onFirstPaint) {
      const cb = this.onFirstPaint;
      this.onFirstPaint = null;
      cb();
    }
    if (this.pending.length) this.schedule();
  }

  dropAllRendered() {
    this.rendered = [];
    this.linesEl.textContent = '';
  }

  trim() {
    const excess = this.rendered.length - this.maxLines;
    if (excess <= 0) return;
    if (excess === this.rendered.length) {
      this.dropAllRendered();
      return;
    }
    const range = document.createRange();
    range.setStartBefore(this.rendered[0].el);
    range.setEndAfter(this.rendered[excess - 1].el);
    range.deleteContents();
    this.rendered.splice(0, excess);
  }

  /** Number of the first line element in the DOM (or of the next line to come). */
  firstShownNumber() {
    if (this.rendered.length) return Number(this.rendered[0].el.dataset.n);
    return this.lineCount - this.pending.length + 1;
  }

  updateNotice() {
    const hiddenEarlier = this.firstShownNumber() - this.firstNumber;
    const unknownEarlier = this.firstNumber > 1 || this.midLogStart > 0;
    if (hiddenEarlier <= 0 && !unknownEarlier) {
      this.notice.hidden = true;
      return;
    }
    this.notice.hidden = false;
    this.notice.textContent = '';
    let text;
    if (unknownEarlier && this.firstNumber <= 1) {
      // started with ?tail=N: the protocol gives byte offsets, not line numbers; lines are numbered from here
      text = hiddenEarlier > 0
        ? `Earlier output and ${hiddenEarlier.toLocaleString('en')} more lines are not shown (lines numbered from where this view started) — `
        : 'Earlier output is not shown (lines numbered from here) — ';
    } else {
      const total = this.firstShownNumber() - 1;
      text = `${total.toLocaleString('en')} earlier line${total === 1 ? '' : 's'} not shown — `;
    }
    const a = el('a', null, 'open the full log');
    a.href = this.consoleUrl || '#';
    a.rel = 'noopener';
    this.notice.append(text, a);
  }

  setFilter(text) {
    this.filter = text || '';
    const needle = this.filter.toLowerCase();
    for (const r of this.rendered) r.el.hidden = !!needle && !r.plain.toLowerCase().includes(needle);
    this.updateFilterStatus();
    if (this.follow) this.scrollToBottom();
  }

  updateFilterStatus() {
    if (!this.filter) {
      this.filterStatus.textContent = '';
      return;
    }
    let n = 0;
    for (const r of this.rendered) if (!r.el.hidden) n++;
    this.filterStatus.textContent = `${n.toLocaleString('en')} of ${this.rendered.length.toLocaleString('en')} shown lines match`;
  }

  setFollow(on) {
    if (this.follow === on) return;
    this.follow = on;
    this.followBtn.hidden = on;
    this.root.classList.toggle('bs-paused', !on);
  }

  scrollToBottom() {
    const target = this.scroller.scrollHeight - this.scroller.clientHeight;
    if (Math.abs(this.scroller.scrollTop - target) > 1) {
      this.programmaticScroll = true;
      this.scroller.scrollTop = target;
    }
  }
}
