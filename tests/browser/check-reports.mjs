#!/usr/bin/env node
// flowsim's report pages in a real browser (tests/browser/README.md): each report kind's
// report.html opened from file:// in Debian's headless Chromium, then
//   1. its charts drawn (an <svg> or more),
//   2. the elements that carry its answer present (the data-flowsim contract below),
//   3. every chart named and described for a screen reader,
//   4. axe-core's WCAG 2.1 A and AA rules: any "serious" or "critical" violation fails,
//   5. a full-page screenshot against reference/KIND.png within a tolerance.
// Usage: node check-reports.mjs [--update] [--shots DIR] [--kinds run,compare,...]
//          [--diff-dir DIR] [--reference-dir DIR] RESULTS
// RESULTS holds one results folder per kind (RESULTS/run/report.html, RESULTS/compare/...).
// Exit 0 all passed, 1 a check failed, 2 bad usage or no browser.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));

// The contract with output/report.c: what each kind's page must hold, by data-flowsim value.
// "chart" elements are (or hold) an <svg> with marks; "table" elements are (or hold) a <table>
// with at least one body row. Keep in step with README.md's table.
const REQUIRED = {
  run: [['headline-table', 'table']],
  compare: [['paired-chart', 'chart'], ['paired-table', 'table']],
  sweep: [['paired-chart', 'chart'], ['paired-table', 'table']],
  reproduce: [['reproduction-table', 'table']],
};
const KINDS = Object.keys(REQUIRED);

// Rendering fixed so that a reference drawn on one machine matches another: the viewport, the
// device scale, no GPU, no hinting or subpixel text, sRGB, and only Debian's fonts-dejavu-core
// (a fontconfig of our own, below), whatever else is installed.
const VIEWPORT = { width: 1000, height: 800 };
const SCALE = 1;
const ARGS = ['--disable-gpu', '--font-render-hinting=none', '--disable-lcd-text',
  '--disable-font-subpixel-positioning', '--force-color-profile=srgb', '--hide-scrollbars',
  '--disable-background-networking', '--disable-component-update', '--no-first-run',
  '--disable-sync', '--disable-quic'];
const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONTS = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf',
  'DejaVuSansMono-Bold.ttf', 'DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf'];

// Screenshot tolerance: pixelmatch's per-pixel colour distance (0..1; 0.1 its default, which
// ignores anti-aliasing noise) and the share of pixels that may still differ: 0.5% of the page
// (a paragraph reflowed is more), 1% of any one chart's box (its line or band gone or moved
// is more; a tick label changed is less).
const PIXEL_THRESHOLD = 0.1;
const MAX_DIFF_FRACTION = 0.005;
const MAX_CHART_FRACTION = 0.01;
// The README's picture: the top of the page, where the answer is, not the whole length.
const SHOT_HEIGHT = 1100;

function usage(msg) {
  if (msg) console.error(`check-reports: ${msg}`);
  console.error('usage: node check-reports.mjs [--update] [--shots DIR] [--kinds K1,K2] ' +
    '[--diff-dir DIR] [--reference-dir DIR] RESULTS');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { update: false, shots: null, kinds: KINDS, diffDir: null, results: null,
    refDir: path.join(HERE, 'reference') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--update') o.update = true;
    else if (a === '--shots') o.shots = argv[++i] ?? usage('--shots needs a folder');
    else if (a === '--reference-dir') o.refDir = argv[++i] ?? usage('--reference-dir needs a folder');
    else if (a === '--diff-dir') o.diffDir = argv[++i] ?? usage('--diff-dir needs a folder');
    else if (a === '--kinds') {
      o.kinds = (argv[++i] ?? usage('--kinds needs a list')).split(',');
      for (const k of o.kinds) if (!KINDS.includes(k)) usage(`--kinds: no kind '${k}'`);
    } else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (o.results) usage('one RESULTS folder');
    else o.results = a;
  }
  if (!o.results) usage('no RESULTS folder');
  o.diffDir ??= path.join(o.results, 'browser-diffs');
  return o;
}

// A fontconfig that sees only fonts-dejavu-core's six files and maps every generic family
// (system-ui, the report's first choice, included) to DejaVu.
function fixedFonts() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsim-fonts-'));
  const fonts = path.join(dir, 'fonts');
  fs.mkdirSync(fonts);
  for (const f of FONTS) {
    const src = path.join(FONT_DIR, f);
    if (!fs.existsSync(src)) {
      throw new Error(`${src} missing: install Debian's fonts-dejavu-core (apt-get install ` +
        'fonts-dejavu-core); the screenshots are drawn with it');
    }
    fs.symlinkSync(src, path.join(fonts, f));
  }
  const alias = (family, font) =>
    `<alias binding="same"><family>${family}</family><prefer><family>${font}</family></prefer></alias>`;
  const conf = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${fonts}</dir>
  <cachedir>${path.join(dir, 'cache')}</cachedir>
  ${alias('sans-serif', 'DejaVu Sans')}
  ${alias('system-ui', 'DejaVu Sans')}
  ${alias('serif', 'DejaVu Serif')}
  ${alias('monospace', 'DejaVu Sans Mono')}
  <match target="font"><edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit></match>
</fontconfig>
`;
  const file = path.join(dir, 'fonts.conf');
  fs.writeFileSync(file, conf);
  return { dir, file };
}

function findChromium() {
  const want = process.env.FLOWSIM_CHROMIUM || 'chromium';
  if (want.includes('/')) return fs.existsSync(want) ? want : null;
  for (const d of (process.env.PATH || '').split(':')) {
    const p = path.join(d || '.', want);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return null;
}

// The data-flowsim elements, checked in the page; a message per one missing or empty.
async function checkContract(page, kind) {
  return page.evaluate((required) => {
    const problems = [];
    for (const [name, what] of required) {
      const sel = `[data-flowsim="${name}"]`;
      const el = document.querySelector(sel);
      const said = name.replace('-', ' ');
      if (!el) {
        problems.push(`${sel} missing: the page has no ${said}`);
        continue;
      }
      if (what === 'chart') {
        const svg = el.matches('svg') ? el : el.querySelector('svg');
        const marks = svg ? svg.querySelectorAll('path,circle,line,rect,polyline,polygon').length : 0;
        if (!svg) problems.push(`${sel} holds no <svg>: the ${said} is not drawn`);
        else if (marks === 0) problems.push(`${sel}: the ${said}'s <svg> has no marks`);
      } else {
        const table = el.matches('table') ? el : el.querySelector('table');
        const rows = table ? table.querySelectorAll('tr:has(td)').length : 0;
        if (!table) problems.push(`${sel} holds no <table>`);
        else if (rows === 0) problems.push(`${sel}: the ${said} has no data rows`);
      }
    }
    return problems;
  }, REQUIRED[kind]);
}

// Every chart named and described (issue 18: "every chart has a title and a text
// description"): an <svg> not hidden from assistive technology needs role="img", a name
// (aria-label, aria-labelledby or a <title> child) and a description (aria-describedby or a
// <desc> child).
async function checkChartText(page) {
  return page.evaluate(() => {
    const problems = [];
    const svgs = [...document.querySelectorAll('svg')].filter(
      (s) => !s.closest('[aria-hidden="true"]') && !s.parentElement.closest('svg'));
    // Charts lacking the same things are said in one line, naming the first few.
    const lacking = new Map();
    svgs.forEach((s, i) => {
      const name = s.getAttribute('aria-label') || s.getAttribute('aria-labelledby') ||
        s.querySelector(':scope > title')?.textContent.trim();
      const desc = s.getAttribute('aria-describedby') ||
        s.querySelector(':scope > desc')?.textContent.trim();
      const missing = [];
      if (s.getAttribute('role') !== 'img') missing.push('role="img"');
      if (!name) missing.push('a name (<title> or aria-label)');
      if (!desc) missing.push('a description (<desc> or aria-describedby)');
      if (!missing.length) return;
      const key = missing.join(', ');
      const fig = s.closest('figure')?.querySelector('figcaption')?.textContent.trim();
      if (!lacking.has(key)) lacking.set(key, []);
      lacking.get(key).push(fig ? `"${fig.slice(0, 50)}"` : `chart ${i + 1}`);
    });
    for (const [what, charts] of lacking) {
      const some = charts.slice(0, 3).join(', ') + (charts.length > 3 ? ', ...' : '');
      problems.push(`${charts.length} of ${svgs.length} charts lack ${what}: ${some}`);
    }
    return problems;
  });
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const FAIL_IMPACTS = ['serious', 'critical'];

// axe sees only what is rendered: the chart tables collapsed in <details> are opened first
// (the page is reloaded before its screenshot).
async function runAxe(page) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await page.addScriptTag({ content: fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  }, AXE_TAGS);
}

function readPng(file) {
  return PNG.sync.read(fs.readFileSync(file));
}

// The screenshot against reference/KIND.png: { problem } past the tolerance, else { note }.
// Two bounds: the whole page (MAX_DIFF_FRACTION of its pixels) and each chart's own box
// (MAX_CHART_FRACTION of it), so that one chart drawn wrong on a long page is not lost in the
// page's area.
function compareShot(kind, shot, charts, opts) {
  const refFile = path.join(opts.refDir, `${kind}.png`);
  if (opts.update) {
    fs.mkdirSync(path.dirname(refFile), { recursive: true });
    fs.writeFileSync(refFile, shot);
    return { note: `reference/${kind}.png written` };
  }
  if (!fs.existsSync(refFile)) {
    return { problem: `no reference/${kind}.png (run with --update to draw one, then look at it)` };
  }
  const ref = readPng(refFile);
  const cur = PNG.sync.read(shot);
  fs.mkdirSync(opts.diffDir, { recursive: true });
  const curFile = path.join(opts.diffDir, `${kind}.png`);
  if (ref.width !== cur.width || ref.height !== cur.height) {
    fs.writeFileSync(curFile, shot);
    return { problem: `screenshot ${cur.width}x${cur.height} px, reference ${ref.width}x${ref.height} ` +
      `px (the page's length changed): this one is ${curFile}` };
  }
  const { width, height } = ref;
  const mask = new PNG({ width, height });
  const n = pixelmatch(ref.data, cur.data, mask.data, width, height,
    { threshold: PIXEL_THRESHOLD, diffMask: true });
  // With diffMask, pixelmatch paints only the differing pixels (red, [255, 0, 0]) and the
  // anti-aliasing it forgave (yellow): count the red ones in each chart's box.
  const differs = (x, y) => {
    const i = 4 * (y * width + x);
    return mask.data[i + 3] > 0 && mask.data[i] === 255 && mask.data[i + 1] === 0;
  };
  const badCharts = [];
  for (const c of charts) {
    const x0 = Math.max(0, Math.floor(c.x)), y0 = Math.max(0, Math.floor(c.y));
    const x1 = Math.min(width, Math.ceil(c.x + c.w)), y1 = Math.min(height, Math.ceil(c.y + c.h));
    let d = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) d += differs(x, y);
    const area = Math.max(1, (x1 - x0) * (y1 - y0));
    if (d / area > MAX_CHART_FRACTION) {
      badCharts.push(`"${c.label}" ${(100 * d / area).toFixed(2)}%`);
    }
  }
  const frac = n / (width * height);
  const line = `${n} pixels differ from reference/${kind}.png (${(100 * frac).toFixed(3)}% of the ` +
    `page, at most ${(100 * MAX_DIFF_FRACTION).toFixed(1)}%; at most ` +
    `${(100 * MAX_CHART_FRACTION).toFixed(1)}% of any chart)`;
  if (frac > MAX_DIFF_FRACTION || badCharts.length) {
    fs.writeFileSync(curFile, shot);
    const diffFile = path.join(opts.diffDir, `${kind}-diff.png`);
    const diff = new PNG({ width, height });
    pixelmatch(ref.data, cur.data, diff.data, width, height, { threshold: PIXEL_THRESHOLD });
    fs.writeFileSync(diffFile, PNG.sync.write(diff));
    const which = badCharts.length ? `; charts past their bound: ${badCharts.join(', ')}` : '';
    return { problem: `${line}${which}: see ${curFile} and ${diffFile}` };
  }
  return { note: line };
}

// Each chart's box in page coordinates (a full-page screenshot's pixels at SCALE 1), with its
// caption for the messages.
async function chartBoxes(page) {
  // Charts only: not a decorative svg (a legend's swatch, aria-hidden) nor one too small to
  // hold a chart, whose few pixels would make a fraction of noise.
  return page.evaluate((scale) => [...document.querySelectorAll('svg')]
    .filter((s) => !s.parentElement.closest('svg') && !s.closest('[aria-hidden="true"]'))
    .filter((s) => s.getBoundingClientRect().width >= 100 && s.getBoundingClientRect().height >= 50)
    .map((s, i) => {
      const r = s.getBoundingClientRect();
      const fig = s.closest('figure')?.querySelector('figcaption')?.textContent.trim();
      return { x: (r.left + window.scrollX) * scale, y: (r.top + window.scrollY) * scale,
        w: r.width * scale, h: r.height * scale, label: (fig || `chart ${i + 1}`).slice(0, 50) };
    }), SCALE);
}

async function checkKind(browser, kind, opts) {
  const file = path.resolve(opts.results, kind, 'report.html');
  const problems = [];
  const notes = [];
  if (!fs.existsSync(file)) return { problems: [`${file} missing`], notes };
  const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: SCALE,
    reducedMotion: 'reduce', colorScheme: 'light', locale: 'en-GB', timezoneId: 'UTC' });
  // The page is self-contained: any request beyond the file itself is a fault.
  page.on('request', (r) => {
    if (r.url() !== pathToFileURL(file).href && !r.url().startsWith('data:')) {
      problems.push(`the page requested ${r.url()} (it must be self-contained)`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);

  const svgs = await page.locator('svg:not([aria-hidden="true"])').count();
  notes.push(`${svgs} charts`);
  if (svgs === 0) problems.push('no <svg> charts on the page');
  problems.push(...await checkContract(page, kind));
  problems.push(...await checkChartText(page));
  // A page's title names what it reports, not where it was written (issue 18).
  const title = await page.title();
  const where = path.resolve(opts.results);
  if (title.includes(where) || title.includes(path.dirname(file))) {
    problems.push(`the page's <title> is the results folder's path ("${title}"), not its subject`);
  }

  const violations = await runAxe(page);
  for (const v of violations) {
    const bad = FAIL_IMPACTS.includes(v.impact);
    const line = `axe ${v.id} (${v.impact}, ${v.count} element${v.count === 1 ? '' : 's'}): ` +
      `${v.help}; e.g. ${v.targets.join(' | ')}`;
    (bad ? problems : notes).push(line);
  }

  // axe's injected script draws nothing, but reload so the picture is the page alone.
  await page.reload({ waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
  const shot = await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' });
  const r = compareShot(kind, shot, await chartBoxes(page), opts);
  if (r.problem) problems.push(r.problem);
  if (r.note) notes.push(r.note);
  if (opts.shots) {
    fs.mkdirSync(opts.shots, { recursive: true });
    const height = Math.min(SHOT_HEIGHT, await page.evaluate(() => document.documentElement.scrollHeight));
    const top = await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: VIEWPORT.width, height } });
    fs.writeFileSync(path.join(opts.shots, `${kind}.png`), top);
    notes.push(`${path.join(opts.shots, `${kind}.png`)} written`);
  }
  await page.close();
  return { problems, notes };
}

// The screenshot check must be able to fail: the passing page again with its first chart's
// marks (lines, bands, points, grid) taken out must be past the bound. A message, or null.
async function selfCheck(browser, kind, opts) {
  const file = path.resolve(opts.results, kind, 'report.html');
  const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: SCALE,
    reducedMotion: 'reduce', colorScheme: 'light', locale: 'en-GB', timezoneId: 'UTC' });
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    const removed = await page.evaluate(() => {
      const chart = [...document.querySelectorAll('svg')].find(
        (s) => !s.closest('[aria-hidden="true"]') && s.getBoundingClientRect().width >= 100);
      const marks = chart ? [...chart.querySelectorAll('path,polyline,polygon,circle,line,rect')] : [];
      marks.forEach((m) => m.remove());
      return marks.length;
    });
    if (removed === 0) return `self-check: ${kind}'s first chart has no marks to take out`;
    const shot = await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' });
    const r = compareShot(kind, shot, await chartBoxes(page),
      { ...opts, update: false, diffDir: path.join(opts.diffDir, 'self-check') });
    return r.problem ? null : `self-check: ${kind}'s first chart drawn without its ${removed} ` +
      `marks still matched the reference (${r.note}): the tolerance is too loose`;
  } finally {
    await page.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const exe = findChromium();
  if (!exe) {
    console.error('check-reports: no chromium (apt-get install chromium, or set FLOWSIM_CHROMIUM)');
    process.exit(2);
  }
  let fonts;
  try {
    fonts = fixedFonts();
  } catch (e) {
    console.error(`check-reports: ${e.message}`);
    process.exit(2);
  }
  // Debian's wrapper script says a line of its own on stderr: not ours to show.
  const version = execFileSync(exe, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  console.log(`check-reports: ${version}, viewport ${VIEWPORT.width}x${VIEWPORT.height} at ` +
    `scale ${SCALE}, fonts-dejavu-core only`);
  const browser = await chromium.launch({
    executablePath: exe, headless: true, args: ARGS, timeout: 60000,
    env: { ...process.env, FONTCONFIG_FILE: fonts.file, TZ: 'UTC', LANG: 'en_GB.UTF-8' },
  });
  let failed = 0;
  try {
    for (const kind of opts.kinds) {
      const { problems, notes } = await checkKind(browser, kind, opts);
      console.log(`${problems.length ? 'FAIL' : 'ok  '} ${kind}: ${notes.join('; ')}`);
      for (const p of problems) console.log(`     ${kind}: ${p}`);
      failed += problems.length > 0;
    }
    // Once every page passed against its reference, show that a broken chart would not.
    if (!failed && !opts.update) {
      const msg = await selfCheck(browser, opts.kinds[0], opts);
      console.log(msg ?? `ok   self-check: ${opts.kinds[0]}'s first chart without its marks fails`);
      failed += msg !== null;
    }
  } finally {
    await browser.close();
    fs.rmSync(fonts.dir, { recursive: true, force: true });
  }
  console.log(failed ? `check-reports: ${failed} of ${opts.kinds.length} report kinds failed`
    : `check-reports: all ${opts.kinds.length} report kinds passed`);
  if (opts.update && failed) {
    console.log('check-reports: references were written for pages that failed other checks: ' +
      'commit references only from passing pages');
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`check-reports: ${e.stack || e}`);
  process.exit(2);
});
