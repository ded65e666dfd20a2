// The stage / step tree of the Build Stream panel (WAI-ARIA tree pattern, roving tabindex).
//
// Fed with `step` events (PROTOCOL.md): each node gets a `running` event when it starts and one more when it
// finishes. Nodes are shown in the order they started, under their `parent`; parallel branches of a stage
// are laid out side by side (they wrap on narrow screens). A node whose parent has not been seen yet waits
// at the top level and moves under its parent when that arrives.

import { el, fmtDuration, fmtClock, STEP_STATUS_LABEL } from './util.js';

const ICON = { running: '', success: '✓', failed: '✕', aborted: '⊘', unstable: '!', skipped: '↷' };

export class StepTree {
  constructor({ onAnnounce, now } = {}) {
    this.nodes = new Map(); // id -> node
    this.now = now || (() => Date.now());
    this.onAnnounce = onAnnounce || (() => {});
    this.root = el('section', 'bs-tree-box');
    this.root.setAttribute('aria-label', 'Stages and steps');
    this.root.append(el('h3', 'bs-tree-title', 'Stages'));
    this.list = el('ul', 'bs-tree');
    this.list.setAttribute('role', 'tree');
    this.list.setAttribute('aria-label', 'Stages and steps');
    this.empty = el('p', 'bs-tree-empty', 'No stages yet.');
    this.root.append(this.list, this.empty);
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('click', (e) => {
      const li = e.target.closest('li.bs-node');
      if (!li) return;
      this.focus(li);
      if (e.target.closest('.bs-twisty')) this.toggle(li);
    });
  }

  /** Applies a `step` event (PROTOCOL.md). */
  update(ev) {
    let node = this.nodes.get(ev.id);
    const prevStatus = node ? node.ev.status : null;
    if (!node) {
      node = this.create(ev);
      this.nodes.set(ev.id, node);
    }
    node.ev = { ...node.ev, ...ev };
    this.render(node);
    const wantParent = ev.parent ?? null;
    if (!node.placed || (node.parentId !== wantParent && (wantParent === null || this.nodes.has(wantParent)))) this.place(node);
    if (prevStatus !== ev.status && ev.kind !== 'step') {
      const what = ev.kind === 'parallel' ? 'Branch' : 'Stage';
      this.onAnnounce(`${what} ${ev.name} ${STEP_STATUS_LABEL[ev.status] || ev.status}`);
    }
    if (ev.status === 'failed') this.revealFailed(node);
  }

  create(ev) {
    const li = el('li', 'bs-node');
    li.setAttribute('role', 'treeitem');
    li.dataset.id = ev.id;
    li.tabIndex = this.nodes.size === 0 ? 0 : -1;
    const row = el('div', 'bs-row');
    const twisty = el('span', 'bs-twisty');
    twisty.setAttribute('aria-hidden', 'true');
    const icon = el('span', 'bs-icon');
    icon.setAttribute('aria-hidden', 'true');
    const name = el('span', 'bs-name');
    const status = el('span', 'bs-visually-hidden');
    const dur = el('span', 'bs-dur');
    row.append(twisty, icon, name, status, dur);
    li.append(row);
    return { ev, li, row, icon, name, status, dur, group: null, placed: false, parentId: undefined };
  }

  render(node) {
    const { ev, li } = node;
    li.className = `bs-node bs-kind-${ev.kind || 'step'} bs-st-${ev.status || 'running'}` + (node.group ? ' bs-has-children' : '');
    node.icon.textContent = ICON[ev.status] ?? '';
    node.name.textContent = ev.name || ev.id;
    node.name.title = ev.name || '';
    node.status.textContent = ` ${STEP_STATUS_LABEL[ev.status] || ev.status || ''}`;
    if (ev.status === 'running') {
      node.dur.classList.add('bs-live');
      if (ev.startedAt) node.dur.textContent = fmtClock(this.now() - ev.startedAt);
    } else {
      node.dur.classList.remove('bs-live');
      node.dur.textContent = ev.durationMs != null ? fmtDuration(ev.durationMs) : '';
    }
  }

  /** Updates the live timers of running nodes. */
  tick(serverNow) {
    for (const node of this.nodes.values()) {
      if (node.ev.status === 'running' && node.ev.startedAt) {
        node.dur.textContent = fmtClock(serverNow - node.ev.startedAt);
      }
    }
  }

  place(node) {
    const parentId = node.ev.parent ?? null;
    const parent = parentId != null ? this.nodes.get(parentId) : null;
    const container = parent ? this.groupOf(parent) : this.list;
    container.appendChild(node.li);
    node.placed = true;
    node.parentId = parent ? parentId : null;
    const level = parent ? Number(parent.li.getAttribute('aria-level')) + 1 : 1;
    this.setLevel(node, level);
    this.empty.hidden = true;
    // adopt orphans waiting for this node
    for (const other of this.nodes.values()) {
      if (other !== node && other.parentId === null && other.ev.parent === node.ev.id) this.place(other);
    }
  }

  setLevel(node, level) {
    node.li.setAttribute('aria-level', String(level));
    if (node.group) for (const child of node.group.children) {
      const c = this.nodes.get(child.dataset.id);
      if (c) this.setLevel(c, level + 1);
    }
  }

  groupOf(parent) {
    if (!parent.group) {
      parent.group = el('ul', 'bs-children');
      parent.group.setAttribute('role', 'group');
      parent.li.append(parent.group);
      parent.li.setAttribute('aria-expanded', 'true');
      parent.li.classList.add('bs-has-children');
    }
    return parent.group;
  }

  revealFailed(node) {
    for (let p = node; p; p = p.ev.parent != null ? this.nodes.get(p.ev.parent) : null) {
      if (p.li.getAttribute('aria-expanded') === 'false') p.li.setAttribute('aria-expanded', 'true');
    }
  }

  clear() {
    this.nodes.clear();
    this.list.textContent = '';
    this.empty.hidden = false;
  }

  /** The step events in first-seen order (for snapshots). */
  events() {
    return [...this.nodes.values()].map((n) => n.ev);
  }

  // ---- keyboard (WAI-ARIA tree view) ----

  visibleItems() {
    const out = [];
    const walk = (ul) => {
      for (const li of ul.children) {
        out.push(li);
        const g = li.querySelector(':scope > ul.bs-children');
        if (g && li.getAttribute('aria-expanded') !== 'false') walk(g);
      }
    };
    walk(this.list);
    return out;
  }

  focus(li) {
    for (const other of this.list.querySelectorAll('li.bs-node[tabindex="0"]')) other.tabIndex = -1;
    li.tabIndex = 0;
    li.focus();
  }

  toggle(li, open) {
    if (!li.hasAttribute('aria-expanded')) return;
    const now = li.getAttribute('aria-expanded') !== 'false';
    li.setAttribute('aria-expanded', String(open ?? !now));
  }

  onKey(e) {
    const li = e.target.closest('li.bs-node');
    if (!li) return;
    const items = this.visibleItems();
    const i = items.indexOf(li);
    const expanded = li.getAttribute('aria-expanded');
    let handled = true;
    switch (e.key) {
      case 'ArrowDown': if (i + 1 < items.length) this.focus(items[i + 1]); break;
      case 'ArrowUp': if (i > 0) this.focus(items[i - 1]); break;
      case 'Home': this.focus(items[0]); break;
      case 'End': this.focus(items[items.length - 1]); break;
      case 'ArrowRight':
        if (expanded === 'false') this.toggle(li, true);
        else if (expanded === 'true') {
          const first = li.querySelector(':scope > ul.bs-children > li');
          if (first) this.focus(first);
        }
        break;
      case 'ArrowLeft':
        if (expanded === 'true') this.toggle(li, false);
        else {
          const parent = li.parentElement.closest('li.bs-node');
          if (parent) this.focus(parent);
        }
        break;
      case 'Enter':
      case ' ':
        this.toggle(li);
        break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  }
}
