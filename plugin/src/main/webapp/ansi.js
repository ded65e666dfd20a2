// ANSI console rendering for the Build Stream panel.
//
// Pure functions (no DOM access except in `toFragment`), so they can be unit-tested in Node:
//   parseAnsi(line, state)   -> { segments: [{text, style}], state }   (SGR applied, other escapes stripped)
//   advanceState(line, state)-> state                                 (cheap: only tracks SGR, for skipped lines)
//   renderLine(line, state)  -> { nodes, plain, state }                (nodes: a JSON description of the DOM)
//   toFragment(nodes, doc)   -> DocumentFragment                       (builds real DOM nodes, CSP-safe)
//   toHTML(nodes)            -> string                                 (what the browser's innerHTML gives)
//
// SGR state carries from line to line like in a terminal; pass the state returned for one line to the next.
// Supported: reset, bold, dim, italic, underline, inverse, strike-through, 8/16 colours (30-37, 90-97, 40-47,
// 100-107), 256 colours (38;5;n / 48;5;n) and true colour (38;2;r;g;b / 48;2;r;g;b, also the ':' forms).
// Colours 0-15 become classes (bs-fg-N / bs-bg-N) so themes can restyle them; others become an inline
// `style` set through the CSSOM, which a `default-src 'self'` Content-Security-Policy allows.
// Everything else (cursor movement, erase, OSC titles/hyperlinks, DCS, charset selection, C0 controls
// other than TAB) is removed.

/** The initial (default) SGR state. */
export function initialState() {
  return { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false, strike: false };
}

function cloneState(s) {
  return { fg: s.fg, bg: s.bg, bold: s.bold, dim: s.dim, italic: s.italic, underline: s.underline, inverse: s.inverse, strike: s.strike };
}

function isDefault(s) {
  return s.fg === null && s.bg === null && !s.bold && !s.dim && !s.italic && !s.underline && !s.inverse && !s.strike;
}

// CSI (7-bit and 8-bit), OSC / DCS / SOS / PM / APC strings up to BEL or ST (or the line's end),
// other ESC sequences, an unterminated CSI at the end, and C0 controls except TAB.
const ESCAPE_RE =
  /\x1b\[([0-?]*)([ -/]*)([@-~])|\x9b([0-?]*)([ -/]*)([@-~])|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)|\x1b\[[0-?]*[ -/]*$|\x1b[ -/]*[0-~]?|[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f]/g;

/** xterm's 256-colour palette entry n >= 16 as [r, g, b]. */
export function color256(n) {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return [v, v, v];
  }
  const i = n - 16;
  const levels = [0, 95, 135, 175, 215, 255];
  return [levels[Math.floor(i / 36)], levels[Math.floor(i / 6) % 6], levels[i % 6]];
}

function clamp255(x) {
  x = Number(x);
  return Number.isFinite(x) ? Math.max(0, Math.min(255, Math.round(x))) : 0;
}

// Reads an extended colour (after 38/48) from params starting at i. Returns [colour|undefined, next index].
// Colour: a number 0..15 (palette index, themed) or a string "r,g,b".
function readExtColor(params, i) {
  const mode = params[i];
  if (mode === 5) {
    const n = params[i + 1];
    if (n == null || n < 0 || n > 255) return [undefined, i + 2];
    if (n < 16) return [n, i + 2];
    return [color256(n).join(','), i + 2];
  }
  if (mode === 2) {
    if (params.length < i + 4) return [undefined, params.length];
    return [[params[i + 1], params[i + 2], params[i + 3]].map(clamp255).join(','), i + 4];
  }
  return [undefined, params.length];
}

// Parses one SGR parameter string ("1;38;5;208", "38:2::255:0:0") into state (mutated).
function applySgr(paramStr, s) {
  if (paramStr === '') {
    Object.assign(s, initialState());
    return;
  }
  const groups = paramStr.split(';');
  // Colon sub-parameter groups (ITU T.416): "38:2::r:g:b", "38:2:r:g:b", "38:5:n", "4:3".
  const flat = [];
  for (const g of groups) {
    if (g.includes(':')) {
      const sub = g.split(':');
      const head = Number(sub[0] || 0);
      if ((head === 38 || head === 48 || head === 58) && sub[1] === '2') {
        const rest = sub.slice(2);
        const rgb = rest.length >= 4 ? rest.slice(1, 4) : rest.slice(0, 3); // skip colour-space id if present
        flat.push({ colon: true, head, value: ['2', ...rgb].map((x) => Number(x || 0)) });
      } else if ((head === 38 || head === 48 || head === 58) && sub[1] === '5') {
        flat.push({ colon: true, head, value: [5, Number(sub[2] || 0)] });
      } else if (head === 4) {
        flat.push(sub[1] === '0' ? 24 : 4);
      } else {
        flat.push(head);
      }
    } else {
      flat.push(g === '' ? 0 : Number(g));
    }
  }
  for (let i = 0; i < flat.length; i++) {
    const p = flat[i];
    if (typeof p === 'object') {
      const [c] = readExtColor(p.value, 0);
      if (c !== undefined) {
        if (p.head === 38) s.fg = c;
        else if (p.head === 48) s.bg = c;
      }
      continue;
    }
    if (p === 0) Object.assign(s, initialState());
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4 || p === 21) s.underline = true;
    else if (p === 7) s.inverse = true;
    else if (p === 9) s.strike = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 23) s.italic = false;
    else if (p === 24) s.underline = false;
    else if (p === 27) s.inverse = false;
    else if (p === 29) s.strike = false;
    else if (p >= 30 && p <= 37) s.fg = p - 30;
    else if (p >= 90 && p <= 97) s.fg = p - 90 + 8;
    else if (p === 39) s.fg = null;
    else if (p >= 40 && p <= 47) s.bg = p - 40;
    else if (p >= 100 && p <= 107) s.bg = p - 100 + 8;
    else if (p === 49) s.bg = null;
    else if (p === 38 || p === 48 || p === 58) {
      const nums = flat.slice(i + 1).map((x) => (typeof x === 'number' ? x : NaN));
      const [c, next] = readExtColor(nums, 0);
      if (c !== undefined) {
        if (p === 38) s.fg = c;
        else if (p === 48) s.bg = c;
      }
      i += next;
    }
    // 5, 6 (blink), 8 (conceal), 10-20 (fonts), 51-65, unknown: ignored
  }
}

/**
 * Parses one console line. Returns the visible text as segments, each with the SGR style in force,
 * and the state after the line (feed it to the next line).
 */
export function parseAnsi(line, state = initialState()) {
  let s = cloneState(state);
  const segments = [];
  if (line.indexOf('\x1b') < 0 && !/[\x00-\x08\x0a-\x1f\x7f-\x9f]/.test(line)) {
    if (line) segments.push({ text: line, style: s });
    return { segments, state: s };
  }
  let last = 0;
  let style = cloneState(s);
  const push = (text) => {
    if (!text) return;
    const prev = segments[segments.length - 1];
    if (prev && sameStyle(prev.style, style)) prev.text += text;
    else segments.push({ text, style });
  };
  ESCAPE_RE.lastIndex = 0;
  let m;
  while ((m = ESCAPE_RE.exec(line)) !== null) {
    push(line.slice(last, m.index));
    last = ESCAPE_RE.lastIndex;
    const params = m[1] !== undefined ? m[1] : m[4];
    const inter = m[2] !== undefined ? m[2] : m[5];
    const final = m[3] !== undefined ? m[3] : m[6];
    if (final === 'm' && inter === '' && /^[0-9;:]*$/.test(params)) {
      applySgr(params, s);
      style = cloneState(s);
    }
    if (m[0] === '') ESCAPE_RE.lastIndex++; // never loops (the regex cannot match empty), but be safe
  }
  push(line.slice(last));
  return { segments, state: s };
}

function sameStyle(a, b) {
  return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic &&
    a.underline === b.underline && a.inverse === b.inverse && a.strike === b.strike;
}

// SGR sequences only (an ESC cannot occur inside the OSC/DCS strings that parseAnsi strips: it ends them).
const SGR_RE = /(?:\x1b\[|\x9b)([0-9;:]*)m/g;

/** Only the SGR state after a line, without building segments (for lines that will not be displayed). */
export function advanceState(line, state = initialState()) {
  if (line.indexOf('\x1b') < 0 && line.indexOf('\x9b') < 0) return state;
  let s = null;
  SGR_RE.lastIndex = 0;
  let m;
  while ((m = SGR_RE.exec(line)) !== null) {
    if (!s) s = cloneState(state);
    applySgr(m[1], s);
  }
  return s || state;
}

/** The classes and inline style properties of a style. */
export function styleAttrs(st) {
  const cls = [];
  const css = [];
  let fg = st.fg;
  let bg = st.bg;
  if (st.inverse) {
    [fg, bg] = [bg === null ? 'inv' : bg, fg === null ? 'inv' : fg];
  }
  if (fg === 'inv') cls.push('bs-fg-inv');
  else if (typeof fg === 'number') cls.push(`bs-fg-${fg}`);
  else if (typeof fg === 'string') css.push(['color', `rgb(${fg.split(',').join(', ')})`]);
  if (bg === 'inv') cls.push('bs-bg-inv');
  else if (typeof bg === 'number') cls.push(`bs-bg-${bg}`);
  else if (typeof bg === 'string') css.push(['background-color', `rgb(${bg.split(',').join(', ')})`]);
  if (st.bold) cls.push('bs-b');
  if (st.dim) cls.push('bs-dim');
  if (st.italic) cls.push('bs-i');
  if (st.underline) cls.push('bs-u');
  if (st.strike) cls.push('bs-s');
  return { cls, css };
}

// http(s) URLs; trailing punctuation and unbalanced closing brackets are not part of the link.
const URL_RE = /\bhttps?:\/\/[^\s<>"'`\x00-\x1f\x7f]+/gi;

/** Link ranges [{start, end, href}] in plain text; only http: and https: URLs. */
export function findLinks(text) {
  const out = [];
  if (text.indexOf('://') < 0) return out;
  URL_RE.lastIndex = 0;
  let m;
  while ((m = URL_RE.exec(text)) !== null) {
    let url = m[0];
    for (;;) {
      const ch = url[url.length - 1];
      if ('.,;:!?'.includes(ch)) url = url.slice(0, -1);
      else if (ch === ')' && count(url, '(') < count(url, ')')) url = url.slice(0, -1);
      else if (ch === ']' && count(url, '[') < count(url, ']')) url = url.slice(0, -1);
      else if (ch === '}' && count(url, '{') < count(url, '}')) url = url.slice(0, -1);
      else break;
    }
    let href;
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
      href = u.href;
    } catch {
      continue;
    }
    out.push({ start: m.index, end: m.index + url.length, href });
  }
  return out;
}

function count(s, ch) {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === ch) n++;
  return n;
}

function spanNode(text, st) {
  const { cls, css } = styleAttrs(st);
  if (!cls.length && !css.length) return text;
  const node = { tag: 'span', text };
  if (cls.length) node.cls = cls.join(' ');
  if (css.length) node.style = Object.fromEntries(css);
  return node;
}

/**
 * Renders one console line to a JSON DOM description:
 *   nodes: array of string (a text node) | {tag:'span', cls?, style?, text} | {tag:'a', href, children:[...]}
 *   plain: the visible text (for filtering)
 *   state: the SGR state after the line
 */
export function renderLine(line, state = initialState()) {
  const { segments, state: next } = parseAnsi(line, state);
  let plain = '';
  for (const seg of segments) plain += seg.text;
  const links = findLinks(plain);
  const nodes = [];
  if (!links.length) {
    for (const seg of segments) nodes.push(spanNode(seg.text, seg.style));
    return { nodes, plain, state: next };
  }
  // Cut segments at link boundaries; group the pieces inside a link into an <a>.
  let pos = 0;
  let li = 0;
  let anchor = null;
  for (const seg of segments) {
    let off = 0;
    while (off < seg.text.length) {
      const abs = pos + off;
      while (li < links.length && links[li].end <= abs) li++;
      const link = links[li];
      let end = seg.text.length;
      let inLink = false;
      if (link) {
        if (abs < link.start) end = Math.min(end, link.start - pos);
        else {
          inLink = true;
          end = Math.min(end, link.end - pos);
        }
      }
      const piece = spanNode(seg.text.slice(off, end), seg.style);
      if (inLink) {
        if (!anchor || anchor.href !== link.href || anchor._i !== li) {
          anchor = { tag: 'a', href: link.href, children: [], _i: li };
          nodes.push(anchor);
        }
        anchor.children.push(piece);
      } else {
        anchor = null;
        nodes.push(piece);
      }
      off = end;
    }
    pos += seg.text.length;
  }
  for (const n of nodes) if (n && n.tag === 'a') delete n._i;
  return { nodes, plain, state: next };
}

/** Builds DOM nodes from a `renderLine` description, appending them to `parent` (or a new fragment). */
export function toFragment(nodes, doc = document, parent = doc.createDocumentFragment()) {
  for (const n of nodes) {
    if (typeof n === 'string') {
      parent.appendChild(doc.createTextNode(n));
    } else if (n.tag === 'a') {
      const a = doc.createElement('a');
      a.href = n.href;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      toFragment(n.children, doc, a);
      parent.appendChild(a);
    } else {
      const span = doc.createElement('span');
      if (n.cls) span.className = n.cls;
      if (n.style) for (const [k, v] of Object.entries(n.style)) span.style.setProperty(k, v);
      span.textContent = n.text;
      parent.appendChild(span);
    }
  }
  return parent;
}

function esc(s, attr) {
  s = s.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;');
  return attr ? s.replace(/"/g, '&quot;') : s.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Serializes a `renderLine` description the way Chromium's innerHTML serializes the DOM `toFragment` builds. */
export function toHTML(nodes) {
  let out = '';
  for (const n of nodes) {
    if (typeof n === 'string') out += esc(n);
    else if (n.tag === 'a') {
      out += `<a href="${esc(n.href, true)}" rel="noopener noreferrer" target="_blank">${toHTML(n.children)}</a>`;
    } else {
      let attrs = '';
      if (n.cls) attrs += ` class="${n.cls}"`;
      if (n.style) attrs += ` style="${Object.entries(n.style).map(([k, v]) => `${k}: ${v};`).join(' ')}"`;
      out += `<span${attrs}>${esc(n.text)}</span>`;
    }
  }
  return out;
}
