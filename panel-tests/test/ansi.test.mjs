// Unit tests of plugin/src/main/webapp/ansi.js: pure functions, run in Node without a browser.
import test from 'node:test';
import assert from 'node:assert/strict';
import { renderLine, parseAnsi, toHTML, initialState, advanceState, findLinks, color256 } from '../../plugin/src/main/webapp/ansi.js';

const E = '\x1b';
const html = (line, state) => toHTML(renderLine(line, state).nodes);

test('plain text passes through, HTML-special characters escaped', () => {
  assert.equal(html('a < b && c > "d"'), 'a &lt; b &amp;&amp; c &gt; "d"');
  assert.deepEqual(renderLine('').nodes, []);
});

test('16 colours, bright, backgrounds, bold, italic, underline, reset', () => {
  assert.equal(html(`${E}[31mred${E}[0m plain`), '<span class="bs-fg-1">red</span> plain');
  assert.equal(html(`${E}[1;32mok${E}[m`), '<span class="bs-fg-2 bs-b">ok</span>');
  assert.equal(html(`${E}[93;44mhi${E}[49m!${E}[39m.`), '<span class="bs-fg-11 bs-bg-4">hi</span><span class="bs-fg-11">!</span>.');
  assert.equal(html(`${E}[101mX`), '<span class="bs-bg-9">X</span>');
  assert.equal(html(`${E}[3mi${E}[23m${E}[4mu${E}[24m${E}[9ms${E}[29m${E}[2md${E}[22m`),
    '<span class="bs-i">i</span><span class="bs-u">u</span><span class="bs-s">s</span><span class="bs-dim">d</span>');
  assert.equal(html(`${E}[1mb${E}[22mn`), '<span class="bs-b">b</span>n');
});

test('256 colours and true colour (semicolon and colon forms)', () => {
  assert.equal(html(`${E}[38;5;9mA`), '<span class="bs-fg-9">A</span>');
  assert.equal(html(`${E}[38;5;208mB`), '<span style="color: rgb(255, 135, 0);">B</span>');
  assert.equal(html(`${E}[48;5;240mC`), '<span style="background-color: rgb(88, 88, 88);">C</span>');
  assert.equal(html(`${E}[38;2;1;2;3;48;2;250;251;252mD`), '<span style="color: rgb(1, 2, 3); background-color: rgb(250, 251, 252);">D</span>');
  assert.equal(html(`${E}[38:2::10:20:30mE`), '<span style="color: rgb(10, 20, 30);">E</span>');
  assert.equal(html(`${E}[38:5:196mF`), '<span style="color: rgb(255, 0, 0);">F</span>');
  assert.equal(html(`${E}[1;38;5;21;4mG`), '<span class="bs-b bs-u" style="color: rgb(0, 0, 255);">G</span>');
  assert.deepEqual(color256(16), [0, 0, 0]);
  assert.deepEqual(color256(231), [255, 255, 255]);
  assert.deepEqual(color256(232), [8, 8, 8]);
  assert.deepEqual(color256(255), [238, 238, 238]);
});

test('inverse swaps foreground and background', () => {
  assert.equal(html(`${E}[7mI`), '<span class="bs-fg-inv bs-bg-inv">I</span>');
  assert.equal(html(`${E}[31;7mJ${E}[27mK`), '<span class="bs-fg-inv bs-bg-1">J</span><span class="bs-fg-1">K</span>');
});

test('other escape sequences are stripped safely', () => {
  assert.equal(html(`${E}[2K${E}[1Gprogress${E}[?25l 50%${E}[?25h`), 'progress 50%');
  assert.equal(html(`${E}]0;window title\x07after`), 'after');
  assert.equal(html(`${E}]8;;https://x.test/\x1b\\link${E}]8;;\x1b\\`), 'link');
  assert.equal(html(`${E}(Bcharset${E}7${E}8`), 'charset');
  assert.equal(html(`bell\x07 back\bspace\x00 tab\tend`), 'bell backspace tab\tend');
  assert.equal(html(`${E}Pdcs data${E}\\x`), 'x');
  assert.equal(html(`cut ${E}[31`), 'cut ');
  assert.equal(html(`\x9b31mC1`), '<span class="bs-fg-1">C1</span>');
  assert.equal(html(`${E}[<script>`), 'cript&gt;'); // ESC [ < s is one (private) CSI sequence
});

test('SGR state carries over to the next line', () => {
  const a = renderLine(`${E}[34mblue starts`);
  const b = renderLine('still blue', a.state);
  assert.equal(toHTML(b.nodes), '<span class="bs-fg-4">still blue</span>');
  const c = renderLine(`${E}[0mreset`, b.state);
  assert.equal(toHTML(c.nodes), 'reset');
  assert.deepEqual(advanceState(`${E}[1;35mx`, initialState()), { ...initialState(), fg: 5, bold: true });
  assert.deepEqual(advanceState('no escapes', c.state), initialState());
});

test('http(s) links are clickable, others are not, trailing punctuation excluded', () => {
  assert.equal(html('see https://ci.example.com/r/1.html.'),
    'see <a href="https://ci.example.com/r/1.html" rel="noopener noreferrer" target="_blank">https://ci.example.com/r/1.html</a>.');
  assert.equal(html('(http://a.test/x_(y)) and javascript:alert(1) ftp://f.test'),
    '(<a href="http://a.test/x_(y)" rel="noopener noreferrer" target="_blank">http://a.test/x_(y)</a>) and javascript:alert(1) ftp://f.test');
  assert.equal(html(`${E}[32mhttps://x.test/${E}[1mbold${E}[0m tail`),
    '<a href="https://x.test/bold" rel="noopener noreferrer" target="_blank"><span class="bs-fg-2">https://x.test/</span><span class="bs-fg-2 bs-b">bold</span></a> tail');
  assert.equal(findLinks('"https://q.test/a?b=1&c=2"')[0].href, 'https://q.test/a?b=1&c=2');
  assert.equal(html('https://a.test https://b.test'),
    '<a href="https://a.test/" rel="noopener noreferrer" target="_blank">https://a.test</a> <a href="https://b.test/" rel="noopener noreferrer" target="_blank">https://b.test</a>');
});

test('fixed sample: a Maven line renders to the exact DOM description', () => {
  const line = `[${E}[1;34mINFO${E}[m] ${E}[1m---${E}[0;32m compiler${E}[m see http://x.test/a${E}[38;2;255;0;0m!`;
  const r = renderLine(line);
  assert.equal(r.plain, '[INFO] --- compiler see http://x.test/a!');
  assert.deepEqual(r.nodes, [
    '[',
    { tag: 'span', text: 'INFO', cls: 'bs-fg-4 bs-b' },
    '] ',
    { tag: 'span', text: '---', cls: 'bs-b' },
    { tag: 'span', text: ' compiler', cls: 'bs-fg-2' },
    ' see ',
    { tag: 'a', href: 'http://x.test/a', children: ['http://x.test/a'] },
    { tag: 'span', text: '!', style: { color: 'rgb(255, 0, 0)' } },
  ]);
  assert.deepEqual(parseAnsi('x').segments, [{ text: 'x', style: initialState() }]);
});
