#!/usr/bin/env node
// flowsim's page (web/index.html) in Debian's headless Chromium, opened from its folder as an
// analyst would (file://), driving the real WebAssembly engine (tests/browser/README.md, "The
// page"). It checks, against the native flowsim of the same build:
//   1. the engine starts from file:// with no request beyond the page's own files;
//   2. a bad value typed in the form is refused by the engine's own check, its message at the
//      line in the editor and on the field, the same words as the native `flowsim validate`;
//   3. a run of the demo (a capacity edited in the form, a short horizon, few replications)
//      shares its replications out as parts over several workers, moves the progress bar, and
//      its summary.csv (the file's own download) and every CSV in the results zip are the
//      native CLI's bytes for the same INI text;
//   4. a long run (2000 replications) is cancelled: the bar and the buttons come back and
//      nothing is kept;
//   5. a compare of the base and an edited copy shows the paired table and chart in the
//      engine's report, and its comparison.csv is the native compare's bytes;
//   6. the Birmingham scenario (shortened) runs too, with the native bytes;
//   7. axe-core's WCAG 2.1 A/AA rules on the page: no serious or critical violation;
//   8. the same page served by a static web server (127.0.0.1) fetches the module and runs;
//   9. moving through the scenario lists with the keyboard loads and adds nothing (the Load and
//      Add variant buttons do), edits and variants are not dropped without a confirm(), and
//      "Reset to the file" puts the file back; a lever cleared shows what it inherits and takes
//      away the section the form added for it;
//  10. a scenario file that is not UTF-8 (Windows-1252) runs as its own bytes (the native
//      CLI's summary.csv) and saves as them; a run of 1 replication says so;
//  11. a run whose outputs would pass what a tab holds asks first, and stops when told;
//  12. index.html alone (as opened from inside a zip), or without flowsim-embed.js, says what
//      is missing and to unzip the whole folder.
// With --shots DIR it leaves web-editor.png, web-run.png and web-compare.png there (the README's).
// Usage: node check-page.mjs --web DIR --flowsim FLOWSIM --src SRC --work DIR [--shots DIR]
// Exit 0 passed, 1 a check failed, 2 bad usage or no browser.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

function usage(msg) {
  if (msg) console.error(`check-page: ${msg}`);
  console.error('usage: node check-page.mjs --web DIR --flowsim FLOWSIM --src SRC --work DIR [--shots DIR]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { web: null, flowsim: null, src: null, work: null, shots: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, '');
    if (!(k in o) || argv[i] === k) usage(`unknown option ${argv[i]}`);
    o[k] = argv[++i] ?? usage(`${argv[i - 1]} needs a value`);
  }
  for (const k of ['web', 'flowsim', 'src', 'work']) if (!o[k]) usage(`--${k} is required`);
  return o;
}

const opts = parseArgs(process.argv.slice(2));
// The two builds' versions, said when bytes differ (a web/ left from older sources is the
// usual cause).
let versions = '';
const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
  return ok;
}

// ---- The native side ------------------------------------------------------------------------
// The page's scenarios lie at /scenarios/REL in the module; the native runs use a copy of the
// source's scenarios/ with the page's texts written at the same REL, from the same folder, so
// that every relative path in them (extends, CSV tables) reads the same files.
const native = path.join(opts.work, 'native');
function nativeTree(texts) {
  fs.rmSync(native, { recursive: true, force: true });
  fs.mkdirSync(native, { recursive: true });
  fs.cpSync(path.join(opts.src, 'scenarios'), path.join(native, 'scenarios'), { recursive: true });
  for (const [rel, text] of Object.entries(texts)) fs.writeFileSync(path.join(native, 'scenarios', rel), text);
}
function flowsim(args, { okCodes = [0] } = {}) {
  try {
    return { rc: 0, out: execFileSync(opts.flowsim, args, { cwd: native, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), err: '' };
  } catch (e) {
    if (!okCodes.includes(e.status)) throw e;
    return { rc: e.status, out: e.stdout, err: e.stderr };
  }
}

// ---- A store-only zip read back (web/lib.js writes no other kind) ----------------------------
function readZip(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = buf.length - 22;
  if (dv.getUint32(end, true) !== 0x06054b50) throw new Error('no end-of-central-directory record');
  const n = dv.getUint16(end + 10, true);
  let at = dv.getUint32(end + 16, true);
  const files = {};
  for (let i = 0; i < n; i++) {
    if (dv.getUint32(at, true) !== 0x02014b50) throw new Error('a central directory entry is broken');
    const size = dv.getUint32(at + 24, true);
    const nameLen = dv.getUint16(at + 28, true);
    const extra = dv.getUint16(at + 30, true) + dv.getUint16(at + 32, true);
    const local = dv.getUint32(at + 42, true);
    const name = new TextDecoder().decode(buf.subarray(at + 46, at + 46 + nameLen));
    const lname = dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    files[name] = Buffer.from(buf.subarray(local + 30 + lname, local + 30 + lname + size));
    at += 46 + nameLen + extra;
  }
  return files;
}

// ---- The page -------------------------------------------------------------------------------
async function download(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(await d.path()) };
}

async function waitStatus(page, re, timeout) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('run-status').textContent),
    re.source, { timeout });
  return page.textContent('#run-status');
}

async function setLever(page, id, value) {
  await page.fill(`#${id}`, value);
}

async function waitCheck(page, ok) {
  await page.waitForFunction((want) => {
    const c = document.getElementById('check-status').className;
    return want ? /\bok\b/.test(c) : /\bbad\b/.test(c);
  }, ok, { timeout: 30000 });
}

function sameBytes(what, got, want) {
  if (got.equals(want)) return check(true, `${what}: the native CLI's bytes (${want.length} bytes)`);
  const a = got.toString('utf8').split('\n');
  const b = want.toString('utf8').split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return check(false, `${what}: differs from the native CLI's at line ${i + 1}:\n  page:   ${a[i]}\n  native: ${b[i]}\n` +
    `  (was web/ built from the same sources as ${opts.flowsim}? ${versions}: make web after a change to the C sources)`);
}

// A static host: the web folder served as plain files on 127.0.0.1 (what any static host does).
function serve(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, path.normalize(name));
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function fromStaticHost(browser) {
  const server = await serve(path.resolve(opts.web));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
  const asked = [];
  context.on('request', (r) => asked.push(r.url()));
  const page = await context.newPage();
  try {
    await page.goto(base + 'index.html');
    await page.waitForSelector('#run:not([disabled])', { timeout: 60000 });
    check(asked.includes(base + 'flowsim.wasm') && !asked.includes(base + 'flowsim-embed.js'),
      'from a static host the page fetches flowsim.wasm, not the embedded copy');
    check(asked.every((u) => u.startsWith(base) || /^(blob|data|about):/.test(u)), 'from a static host, no request elsewhere');
    await page.selectOption('#pick', '/scenarios/demo.ini');
    await waitCheck(page, true);
    await setLever(page, 'lever-scenario-horizon', '100d');
    await setLever(page, 'lever-scenario-replications', '3');
    await waitCheck(page, true);
    const text = await page.inputValue('#ini');
    await page.click('#run');
    const done = await waitStatus(page, /^Done|Failed|Not run/, 120000);
    check(/^Done: 3 replications/.test(done), `from a static host the demo ran: ${done}`);
    nativeTree({ 'demo.ini': text });
    flowsim(['run', 'scenarios/demo.ini', '-o', 'http', '--quiet']);
    const sum = await download(page, '#files button[data-file="summary.csv"]');
    sameBytes('from a static host, summary.csv', sum.bytes, fs.readFileSync(path.join(native, 'http/summary.csv')));
  } finally {
    await context.close();
    server.close();
  }
}

// 9. The lists choose and the buttons act; what would be lost is asked about first.
async function keepingEdits(page, dialogs, answer) {
  const demo = await page.inputValue('#ini');
  await setLever(page, 'lever-scenario-seed', '777');
  const edited = await page.inputValue('#ini');
  await page.focus('#pick');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(200);
  check(await page.inputValue('#ini') === edited, 'ArrowDown through "Start from a shipped scenario" loads nothing: the edit is kept');
  await page.focus('#add-shipped');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(200);
  check(await page.locator('#docs button').count() === 1, 'ArrowDown through "Add a scenario as a variant" adds nothing');
  await page.click('#add-variant');
  check(await page.locator('#docs button').count() === 2, 'its "Add variant" button adds one');
  await page.click('#docs button:nth-child(1)');
  const n = dialogs.length;
  answer('dismiss');
  await page.selectOption('#pick', '/scenarios/winter.ini');
  await page.click('#load');
  answer('accept');
  check(dialogs.length === n + 1 && /your edits to scenarios\/demo\.ini and 1 variant will be lost/.test(dialogs[n]) &&
    await page.inputValue('#ini') === edited && await page.locator('#docs button').count() === 2,
    `Load with an edit and a variant asks first, and "no" keeps both (${dialogs[n]})`);
  await page.click('#reset-doc');
  check(await page.inputValue('#ini') === demo && dialogs.length === n + 2, '"Reset to the file" (confirmed) puts the shipped demo back');
  await page.click('#load');
  await waitCheck(page, true);
  const winter = await page.inputValue('#ini');
  check(dialogs.length === n + 3 && /^; The winter plan/.test(winter) && await page.locator('#docs button').count() === 1,
    'Load, confirmed, opens winter.ini alone');
  // 5. A lever cleared: the inherited value as its hint, the section the form added gone.
  await setLever(page, 'lever-unit-ae-capacity', '14');
  check(/\[unit ae\]\ncapacity = 14\n$/.test(await page.inputValue('#ini')), 'winter: ae capacity 14 adds [unit ae]');
  await setLever(page, 'lever-unit-ae-capacity', '');
  const ph = await page.getAttribute('#lever-unit-ae-capacity', 'placeholder');
  check(await page.inputValue('#ini') === winter && /^12, inherited from scenarios\/(winter\/baseline|demo)\.ini$/.test(ph),
    `cleared, the text is winter.ini again and the field's hint is "${ph}"`);
  await setLever(page, 'lever-scenario-seed', '5');
  const n2 = dialogs.length;
  await page.click('#load');
  check(dialogs.length === n2 + 1 && await page.inputValue('#ini') === winter,
    'Load of the file being edited, confirmed, gives the file as shipped, not the edit');
  await waitCheck(page, true);
}

// 10. Not UTF-8: the engine gets the file's bytes and a save gives them back.
async function notUtf8(page) {
  const bytes = Buffer.concat([Buffer.from('[scenario]\nextends = ../scenarios/demo.ini\nname = caf'),
    Buffer.from([0xe9, 0x20, 0xa3, 0x35]), Buffer.from('\nhorizon = 120d\nreplications = 1\n')]);
  await page.setInputFiles('#open-files', { name: 'cafe.ini', mimeType: 'text/plain', buffer: bytes });
  await page.waitForFunction(() => document.getElementById('ini').value.includes('caf'));
  await waitCheck(page, true);
  check(/name = café £5\n/.test(await page.inputValue('#ini')) && await page.isVisible('#encoding-note'),
    'a Windows-1252 file is shown byte for byte as Latin-1, with the note saying so');
  const saved = await download(page, '#save');
  check(saved.bytes.equals(bytes), `"Save" gives the file's own bytes back (${saved.bytes.length} bytes)`);
  await page.click('#run');
  const done = await waitStatus(page, /^Done|Failed|Not run/, 120000);
  check(/^Done: 1 replication in/.test(done), `the file ran; one replication said so: ${done}`);
  const title = await page.textContent('#results-name');
  check(title === 'café £5: a run of 1 replication', `the results are titled by the file's name as shown (${title})`);
  fs.rmSync(native, { recursive: true, force: true });
  fs.mkdirSync(path.join(native, 'user'), { recursive: true });
  fs.cpSync(path.join(opts.src, 'scenarios'), path.join(native, 'scenarios'), { recursive: true });
  fs.writeFileSync(path.join(native, 'user', 'cafe.ini'), bytes);
  flowsim(['run', 'user/cafe.ini', '-o', 'cafe', '--quiet']);
  const sum = await download(page, '#files button[data-file="summary.csv"]');
  sameBytes('the Windows-1252 scenario\'s summary.csv', sum.bytes, fs.readFileSync(path.join(native, 'cafe/summary.csv')));
  const info = await download(page, '#files button[data-file="run-info"]');
  check(info.bytes.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xa3, 0x35, 0x0a])),
    'run-info names the scenario in the file\'s own bytes (caf\\xe9 \\xa35, no U+FFFD)');
}

// 12. index.html alone, then without flowsim-embed.js: the page says what is missing.
async function cannotStart(browser) {
  const cases = [['index.html alone', ['index.html'], /^The page cannot start: (?=.*page\.css)(?=.*lib\.js)(?=.*scenarios\.js)(?=.*page\.js).*could not be loaded.*unzip the whole folder/],
    ['no flowsim-embed.js', fs.readdirSync(opts.web).filter((f) => f !== 'flowsim-embed.js'),
      /flowsim-embed\.js could not be loaded.*unzip the whole folder/]];
  for (const [what, files, want] of cases) {
    const dir = path.join(opts.work, 'partial');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const f of files) if (fs.statSync(path.join(opts.web, f)).isFile()) fs.copyFileSync(path.join(opts.web, f), path.join(dir, f));
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
      await page.waitForFunction(() => /bad/.test(document.getElementById('engine-status').className), null, { timeout: 15000 })
        .catch(() => {});
      const st = await page.textContent('#engine-status');
      check(want.test(st), `${what}: the page says so (${st})`);
    } finally {
      await context.close();
    }
  }
}

async function main() {
  const exe = process.env.FLOWSIM_CHROMIUM || '/usr/bin/chromium';
  const browser = await chromium.launch({
    executablePath: fs.existsSync(exe) ? exe : undefined,
    args: ['--disable-gpu', '--force-color-profile=srgb', '--hide-scrollbars', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
  // confirm() and the like: each recorded, answered as `dialogAnswer` says (accept, dismiss).
  const dialogs = [];
  let dialogAnswer = 'accept';
  page.on('dialog', (d) => { dialogs.push(d.message()); (dialogAnswer === 'accept' ? d.accept() : d.dismiss()).catch(() => {}); });
  const requests = [];
  context.on('request', (r) => { if (!/^(file|blob|data|about):/.test(r.url())) requests.push(r.url()); });
  if (opts.shots) fs.mkdirSync(opts.shots, { recursive: true });
  const shot = async (name, clip) => {
    if (!opts.shots) return;
    // The picture without a pointer's hover or a button's focus ring left from the test.
    await page.mouse.move(1199, 899);
    await page.evaluate(() => { if (document.activeElement && document.activeElement.id !== 'lever-unit-acute-capacity') document.activeElement.blur(); });
    await page.screenshot({ path: path.join(opts.shots, name), clip });
  };

  try {
    // 1. The engine from file://.
    const t0 = Date.now();
    await page.goto(pathToFileURL(path.join(opts.web, 'index.html')).href);
    await page.waitForSelector('#run:not([disabled])', { timeout: 60000 });
    const status = await page.textContent('#engine-status');
    check(true, `the engine started from file:// in ${Date.now() - t0} ms: ${status}`);
    versions = `the page's engine is ${status.replace(/^Engine ready: (.*?) \(WebAssembly.*$/, '$1')}, ` +
      `the native ${execFileSync(opts.flowsim, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0]}`;
    await keepingEdits(page, dialogs, (a) => { dialogAnswer = a; });
    await page.selectOption('#pick', '/scenarios/demo.ini');
    await page.click('#load');
    await waitCheck(page, true);

    // 2. A bad capacity, refused by the engine's own check at its line.
    await setLever(page, 'lever-unit-acute-capacity', '21x');
    await waitCheck(page, false);
    const bad = await page.inputValue('#ini');
    const badLine = bad.split('\n').findIndex((l) => /^capacity = 21x/.test(l)) + 1;
    nativeTree({ 'demo.ini': bad });
    const nv = flowsim(['validate', 'scenarios/demo.ini'], { okCodes: [2] });
    const want = nv.err.trim().replace(/^scenarios\/demo\.ini:/, '');
    const note = await page.textContent(`#overlay .note[data-line="${badLine}"]`).catch(() => null);
    const gutterMarked = await page.$$eval('#gutter .e', (els) => els.map((e) => e.textContent));
    check(nv.rc === 2 && note !== null && `${badLine}: ${note}` === want,
      `a bad capacity is refused at line ${badLine} with the native message (${want})`);
    check(gutterMarked.includes(String(badLine)), `the gutter marks line ${badLine}`);
    check(await page.getAttribute('#lever-unit-acute-capacity', 'aria-invalid') === 'true',
      'the form field is marked invalid and described by the message');
    check((await page.textContent('#messages')).includes(`Line ${badLine}:`), 'the message list names the line');
    await page.$eval('#ini', (ta) => { ta.scrollTop = Math.max(0, ta.scrollTop - 200); ta.dispatchEvent(new Event('scroll')); });
    await shot('web-editor.png', { x: 0, y: 0, width: 1200, height: 900 });

    // 3. The demo run with a capacity edited in the form, against the native run.
    await setLever(page, 'lever-unit-acute-capacity', '230');
    await setLever(page, 'lever-scenario-horizon', '150d');
    await setLever(page, 'lever-scenario-replications', '6');
    await waitCheck(page, true);
    const text = await page.inputValue('#ini');
    check(/^capacity = 230\b/m.test(text) && /^horizon = 150d\b/m.test(text) && /^replications = 6\b/m.test(text),
      'the form wrote capacity, horizon and replications into the INI text');
    await page.evaluate(() => {
      window.__progress = [];
      new MutationObserver(() => window.__progress.push(document.getElementById('progress').getAttribute('value')))
        .observe(document.getElementById('progress'), { attributes: true });
    });
    let t = Date.now();
    await page.click('#run');
    const done = await waitStatus(page, /^Done|Failed|Not run/, 120000);
    const runMs = Date.now() - t;
    const parts = /\((\d+) parts? on (\d+) workers?\)/.exec(done);
    check(/^Done: 6 replications/.test(done), `the run finished: ${done}`);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    check(parts && Number(parts[1]) > 1 && Number(parts[2]) === Math.min(cores, 6),
      `the replications ran as parts on min(hardwareConcurrency ${cores}, 6) workers`);
    const seen = (await page.evaluate(() => window.__progress)).map(Number).filter((v) => v > 0 && v < 1);
    check(seen.length > 0, `the progress bar moved part by part (${[...new Set(seen)].map((v) => v.toFixed(2)).join(', ')})`);
    const frame = page.frameLocator('#report');
    check(await frame.locator('[data-flowsim="headline-table"] td').count() > 0, 'the engine\'s report shows its headline table');
    check(await frame.locator('svg[role="img"]').count() > 0, 'the report draws its charts (SVG)');
    nativeTree({ 'demo.ini': text });
    flowsim(['run', 'scenarios/demo.ini', '-o', 'run', '--quiet']);
    const sum = await download(page, '#files button[data-file="summary.csv"]');
    check(sum.name === 'summary.csv', 'summary.csv downloads by its name');
    sameBytes('the page\'s summary.csv (its download)', sum.bytes, fs.readFileSync(path.join(native, 'run/summary.csv')));
    const zip = await download(page, '#zip');
    check(zip.name === 'demo.zip', `the results zip is named after the scenario (${zip.name})`);
    const inZip = readZip(zip.bytes);
    const csvs = fs.readdirSync(path.join(native, 'run')).filter((f) => f.endsWith('.csv')).sort();
    check(csvs.every((f) => inZip[`demo/${f}`]) && inZip['demo/report.html'],
      `the zip holds report.html and every CSV (${csvs.join(', ')})`);
    for (const f of csvs) if (inZip[`demo/${f}`]) sameBytes(`the zip's ${f}`, inZip[`demo/${f}`], fs.readFileSync(path.join(native, 'run', f)));
    try {
      const zp = path.join(opts.work, 'page.zip');
      fs.writeFileSync(zp, zip.bytes);
      execFileSync('unzip', ['-tq', zp], { stdio: 'pipe' });
      check(true, 'unzip -t reads the zip (CRC-32s right)');
    } catch (e) {
      if (e.code !== 'ENOENT') check(false, `unzip -t refuses the zip: ${e.stderr || e.message}`);
    }
    await page.locator('#h-results').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollTo(0, document.getElementById('h-run').getBoundingClientRect().top + window.scrollY - 10));
    await shot('web-run.png', { x: 0, y: 0, width: 1200, height: 900 });
    console.log(`     (the run: ${runMs} ms in the page)`);

    // 4. A long run, cancelled.
    // 2000 replications: minutes on any machine, so the cancel lands while it runs.
    await setLever(page, 'lever-scenario-replications', '2000');
    await setLever(page, 'lever-scenario-horizon', '485d');
    await waitCheck(page, true);
    const filesBefore = await page.textContent('#files');
    await page.click('#run');
    await page.waitForFunction(() => /replications/.test(document.getElementById('run-status').textContent), null, { timeout: 30000 });
    await page.waitForTimeout(1500);
    t = Date.now();
    await page.click('#cancel');
    const cancelled = await waitStatus(page, /^Cancelled/, 5000).catch(() => page.textContent('#run-status'));
    check(/^Cancelled/.test(cancelled), `the run was cancelled in ${Date.now() - t} ms: ${cancelled}`);
    check(!(await page.isDisabled('#run')) && (await page.isDisabled('#cancel')), 'Run is back and Cancel is off');
    check(await page.textContent('#files') === filesBefore, 'the previous results are kept, nothing of the cancelled run');

    // 11. A run too big for a tab: asked after its first part, and stopped when told no.
    await setLever(page, 'lever-scenario-replications', '600');
    await waitCheck(page, true);
    dialogAnswer = 'dismiss';
    const nd = dialogs.length;
    await page.click('#run');
    const big = await waitStatus(page, /^Stopped|^Done|Failed|^Cancelled/, 180000);
    dialogAnswer = 'accept';
    const asked = dialogs.slice(nd).join(' | ');
    check(/^Stopped before the end: the outputs would be about [\d.]+ GiB/.test(big) && /report_interval = month/.test(asked) &&
      /Fewer replications/.test(asked), `600 replications of the demo: asked first (${asked.slice(0, 90)}…), stopped: ${big}`);
    check(!(await page.isDisabled('#run')) && await page.textContent('#files') === filesBefore,
      'after the big run stopped, Run is back and the previous results are kept');
    await setLever(page, 'lever-scenario-replications', '6');
    await setLever(page, 'lever-scenario-horizon', '150d');
    await waitCheck(page, true);

    // 5. A compare: the base against a copy with more acute beds.
    await page.click('#add-copy');
    await waitCheck(page, true);
    await setLever(page, 'lever-unit-acute-capacity', '260');
    await waitCheck(page, true);
    const variant = await page.inputValue('#ini');
    await page.click('#docs button:nth-child(1)');
    const base = await page.inputValue('#ini');
    await page.click('#docs button:nth-child(2)');
    t = Date.now();
    await page.click('#compare');
    const cdone = await waitStatus(page, /^Done|Failed|Not run/, 120000);
    check(/^Done: 2 scenarios compared/.test(cdone), `the compare finished: ${cdone}`);
    console.log(`     (the compare: ${Date.now() - t} ms in the page)`);
    check(await frame.locator('[data-flowsim="paired-table"] tr:has(td)').count() > 0, 'the report shows the paired differences\' table');
    check(await frame.locator('[data-flowsim="paired-chart"] svg, svg[data-flowsim="paired-chart"]').count() > 0,
      'the report draws the paired differences\' chart (SVG)');
    nativeTree({ 'demo.ini': base, 'demo-variant-1.ini': variant });
    flowsim(['compare', 'scenarios/demo.ini', 'scenarios/demo-variant-1.ini', '-o', 'cmp', '--quiet']);
    const cmp = await download(page, '#files button[data-file="comparison.csv"]');
    sameBytes('the page\'s comparison.csv', cmp.bytes, fs.readFileSync(path.join(native, 'cmp/comparison.csv')));
    await page.evaluate(() => window.scrollTo(0, document.getElementById('h-results').getBoundingClientRect().top + window.scrollY - 10));
    await page.waitForTimeout(300);
    await shot('web-compare.png', { x: 0, y: 0, width: 1200, height: 900 });

    // The scenarios saved with their tables, as one zip: the native compare of the unzipped
    // files gives the same comparison.csv; opened again as a folder, the page reads them back.
    const saved = readZip((await download(page, '#save-all')).bytes);
    const savedDir = path.join(opts.work, 'saved');
    fs.rmSync(savedDir, { recursive: true, force: true });
    for (const [name, bytes] of Object.entries(saved)) {
      fs.mkdirSync(path.dirname(path.join(savedDir, name)), { recursive: true });
      fs.writeFileSync(path.join(savedDir, name), bytes);
    }
    const wantSaved = ['scenarios/demo.ini', 'scenarios/demo-variant-1.ini', 'scenarios/demo-acute-discharge-hours.csv',
      'scenarios/birmingham-2017-18/hour_of_week.csv'];
    check(wantSaved.every((n) => saved[n]) && Object.keys(saved).length === wantSaved.length,
      `"Save all" zips the two scenarios and the tables they read (${Object.keys(saved).sort().join(', ')})`);
    execFileSync(opts.flowsim, ['compare', 'scenarios/demo.ini', 'scenarios/demo-variant-1.ini', '-o', 'cmp', '--quiet'], { cwd: savedDir });
    sameBytes('the saved scenarios\' native comparison.csv', fs.readFileSync(path.join(savedDir, 'cmp/comparison.csv')), cmp.bytes);
    fs.rmSync(path.join(savedDir, 'cmp'), { recursive: true });
    let nd2 = dialogs.length;
    await page.setInputFiles('#open-folder', savedDir);
    await page.waitForFunction(() => /Opened/.test(document.getElementById('pick-about').textContent));
    check(dialogs.length === nd2 + 1 && /1 variant will be lost/.test(dialogs[nd2]),
      `opening a folder with a variant on the page asks first (${dialogs[nd2]})`);
    await page.waitForFunction(() => [...document.querySelectorAll('#pick option')].some((o) => o.value.endsWith('/scenarios/demo.ini') && o.value.startsWith('/user/')));
    const opened = await page.$$eval('#pick option', (os) => os.map((o) => o.value).filter((v) => v.startsWith('/user/')));
    await page.selectOption('#pick', opened.find((v) => v.endsWith('/scenarios/demo.ini')));
    await page.click('#load');
    await waitCheck(page, true);
    check(await page.inputValue('#ini') === base, `a folder opened from disk: its scenarios listed (${opened.join(', ')}), the base read back and valid`);

    // 6. Birmingham, shortened.
    await page.selectOption('#pick', '/scenarios/birmingham-2017-18/birmingham.ini');
    await page.click('#load');
    await waitCheck(page, true);
    await setLever(page, 'lever-scenario-warmup', '30d');
    await setLever(page, 'lever-scenario-horizon', '400d');
    await setLever(page, 'lever-scenario-replications', '4');
    await waitCheck(page, true);
    const bham = await page.inputValue('#ini');
    t = Date.now();
    await page.click('#run');
    const bdone = await waitStatus(page, /^Done|Failed|Not run/, 120000);
    check(/^Done: 4 replications/.test(bdone), `Birmingham ran: ${bdone} (${Date.now() - t} ms)`);
    nativeTree({ 'birmingham-2017-18/birmingham.ini': bham });
    flowsim(['run', 'scenarios/birmingham-2017-18/birmingham.ini', '-o', 'bham', '--quiet']);
    const bsum = await download(page, '#files button[data-file="summary.csv"]');
    sameBytes('Birmingham\'s summary.csv', bsum.bytes, fs.readFileSync(path.join(native, 'bham/summary.csv')));
    const bts = await download(page, '#files button[data-file="timeseries.csv"]');
    sameBytes('Birmingham\'s timeseries.csv', bts.bytes, fs.readFileSync(path.join(native, 'bham/timeseries.csv')));

    // 10. A scenario saved by Notepad as "ANSI" (Windows-1252): not UTF-8.
    await notUtf8(page);

    // 7. Accessibility of the page itself (the report pages have their own test).
    await page.addScriptTag({ content: fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, iframes: false, preload: false });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, first: v.nodes[0]?.target.join(' ') }));
    });
    for (const v of axe) console.log(`     axe ${v.id} (${v.impact}, ${v.n}): ${v.first}`);
    check(!axe.some((v) => ['serious', 'critical'].includes(v.impact)), 'axe-core: no serious or critical WCAG 2.1 A/AA violation');

    // 8. The same page from a static web server: the module fetched, not its embedded copy.
    await fromStaticHost(browser);

    // 12. A page that cannot start.
    await cannotStart(browser);
  } catch (e) {
    check(false, `the page test stopped: ${e.stack || e.message}`);
  } finally {
    check(requests.length === 0, `no request beyond the page's files${requests.length ? ': ' + requests.join(', ') : ''}`);
    check(errors.length === 0, `no error in the page${errors.length ? ': ' + errors.join('; ') : ''}`);
    await browser.close();
  }
  console.log(failures.length ? `page: ${failures.length} check(s) failed` : 'page: all checks passed');
  process.exit(failures.length ? 1 : 0);
}

main();
