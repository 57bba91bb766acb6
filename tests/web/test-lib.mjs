#!/usr/bin/env node
// web/lib.js, the page's pure parts, under Node: the INI edits the levers form makes, the
// engine's messages read back to a line, the parts a run is split into, and the zip writer
// (its CRC-32 against the standard check value, and the archive read back by `unzip -t` when
// there is one). Exit 0 passed, 1 failed. Usage: node tests/web/test-lib.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const L = createRequire(import.meta.url)(path.join(here, '../../web/lib.js'));
let failed = 0;
function test(name, fn) {
  try { fn(); console.log(`ok   ${name}`); } catch (e) { failed++; console.log(`FAIL ${name}\n${e.stack}`); }
}

const INI = [
  '; a comment',
  '[scenario]',
  'name = demo',
  'replications = 10   ; ten',
  '',
  '[unit acute]',
  'kind = acute',
  'capacity = 212       ; beds',
  'next = exit 0.6,',
  '       reablement 0.4',
  '',
  '[arrivals emergency]',
  'to = acute',
  'rate = 60/d',
  '',
].join('\n');

test('parseIni reads sections, keys, comments and continuations', () => {
  const v = L.iniValues(INI);
  assert.equal(v.scenario.name, 'demo');
  assert.equal(v.scenario.replications, '10');
  assert.equal(v['unit acute'].capacity, '212');
  assert.equal(v['unit acute'].next, 'exit 0.6, reablement 0.4');
  assert.equal(v['arrivals emergency'].rate, '60/d');
});

test('setIniKey replaces a value in place and keeps its comment', () => {
  const t = L.setIniKey(INI, 'unit acute', 'capacity', '230');
  assert.match(t, /^capacity = 230 {7}; beds$/m);
  assert.equal(t.split('\n').length, INI.split('\n').length);
  assert.equal(L.iniValues(t)['unit acute'].capacity, '230');
});

test('setIniKey drops the continuation lines of the value it replaces', () => {
  const t = L.setIniKey(INI, 'unit   acute', 'next', 'exit 1');
  assert.equal(L.iniValues(t)['unit acute'].next, 'exit 1');
  assert.ok(!t.includes('reablement 0.4'));
});

test('setIniKey adds a key at the end of its section, and a section at the end', () => {
  let t = L.setIniKey(INI, 'unit acute', 'stay', 'exp(5d)');
  const lines = t.split('\n');
  assert.equal(lines[lines.indexOf('       reablement 0.4') + 1], 'stay = exp(5d)');
  t = L.setIniKey(t, 'unit eab', 'capacity', '70');
  assert.match(t, /\n\n\[unit eab\]\ncapacity = 70\n$/);
  assert.equal(L.iniValues(t)['unit eab'].capacity, '70');
});

test('setIniKey with an empty value removes the key', () => {
  const t = L.setIniKey(INI, 'scenario', 'replications', '');
  assert.equal(L.iniValues(t).scenario.replications, undefined);
  assert.equal(L.setIniKey(INI, 'unit nothere', 'capacity', ''), INI);
});

test('dropEmptySection takes away a section the form added once its last key is cleared', () => {
  const base = '[scenario]\nextends = ../demo.ini\nname = winter\n';
  const added = L.setIniKey(base, 'unit ae', 'capacity', '14');
  assert.match(added, /\[unit ae\]\ncapacity = 14\n$/);
  const cleared = L.setIniKey(added, 'unit ae', 'capacity', '');
  assert.equal(L.dropEmptySection(cleared, 'unit ae'), base);
  // A section with anything else in it (a key, a comment) stays.
  assert.equal(L.dropEmptySection(INI, 'unit acute'), INI);
  const commented = '[scenario]\nname = x\n\n[unit ae]\n; mine\n';
  assert.equal(L.dropEmptySection(commented, 'unit ae'), commented);
  // An empty section followed by another: only its header and the blank line before it go.
  assert.equal(L.dropEmptySection('[a]\nk = 1\n\n[unit ae]\n\n[b]\nj = 2\n', 'unit ae'), '[a]\nk = 1\n\n[b]\nj = 2\n');
});

test('decodeText and encodeText give a file\'s bytes back, UTF-8 or not', () => {
  // Notepad's "ANSI" (Windows-1252): `name = caf\xe9 \xa35`, not UTF-8.
  const ansi = Uint8Array.from([...Buffer.from('[scenario]\nname = caf'), 0xe9, 0x20, 0xa3, 0x35, 0x0a]);
  const d = L.decodeText(ansi);
  assert.equal(d.latin1, true);
  assert.match(d.text, /name = café £5\n$/);
  assert.deepEqual(L.encodeText(d.text, true), ansi);
  // Edited, it keeps its encoding: one byte per character.
  const edited = L.encodeText(d.text.replace('£5', '£6 é'), true);
  assert.deepEqual([...edited.slice(-5)], [0xa3, 0x36, 0x20, 0xe9, 0x0a]);
  // A character Latin-1 cannot hold typed in: the whole text as UTF-8 rather than a byte lost.
  assert.deepEqual(L.encodeText('€', true), Uint8Array.from([0xe2, 0x82, 0xac]));
  // UTF-8 (with a BOM, kept) comes back as it was.
  const u = Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('name = café 😀\n')]);
  const du = L.decodeText(u);
  assert.equal(du.latin1, false);
  assert.deepEqual(L.encodeText(du.text, du.latin1), u);
  // Every byte value survives the Latin-1 way round.
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(L.encodeText(L.decodeText(all).text, true), all);
});

test('fileStem keeps a name\'s letters and avoids what Windows refuses', () => {
  assert.equal(L.fileStem('demo'), 'demo');
  assert.equal(L.fileStem('café plan'), 'café_plan');
  assert.equal(L.fileStem('😀'), '😀');
  assert.equal(L.fileStem('a/b:c*?'), 'a_b_c_');
  assert.equal(L.fileStem('.hidden.'), '_hidden');
  assert.equal(L.fileStem(''), 'flowsim');
  assert.equal(L.fileStem('///'), 'flowsim');
  for (const r of ['CON', 'prn', 'Aux', 'NUL', 'COM1', 'com9', 'LPT1', 'lpt9']) assert.equal(L.fileStem(r), r + '_');
  assert.equal(L.fileStem('con.txt'), 'con_.txt');
  assert.equal(L.fileStem('CONTOSO'), 'CONTOSO');
  assert.equal(L.fileStem('COM10'), 'COM10');
});

test('plural and sizeText say it right', () => {
  assert.equal(L.plural(1, 'replication'), '1 replication');
  assert.equal(L.plural(0, 'replication'), '0 replications');
  assert.equal(L.plural(6, 'part'), '6 parts');
  assert.equal(L.sizeText(1023), '1023 B');
  assert.equal(L.sizeText(1536), '1.5 KiB');
  assert.equal(L.sizeText(388 * 1048576), '388.0 MiB');
  assert.equal(L.sizeText(1.5 * 1073741824), '1.5 GiB');
});

test('partCount: four parts a worker, more (up to 64) for a large run', () => {
  assert.equal(L.partCount(1, 8), 1);
  assert.equal(L.partCount(6, 6), 6);
  assert.equal(L.partCount(100, 2), 8);
  assert.equal(L.partCount(2000, 2), 40);
  assert.equal(L.partCount(1000000, 2), 64);
  assert.equal(L.partCount(1000000, 32), 128);
  for (const [n, w] of [[7, 3], [600, 8], [1e6, 8]]) {
    const p = L.partCount(n, w);
    assert.ok(p >= 1 && p <= n);
    if (n >= 3200) assert.ok(p >= 64);
  }
});

test('estimateOutput scales a first part up; LARGE_OUTPUT_BYTES sits between what ran and what failed', () => {
  assert.equal(L.estimateOutput(2e6, 10, 600), 120e6);
  assert.equal(L.estimateOutput(5, 0, 10), 0);
  // 200 replications of the demo, 388 MiB, ran; 600, about 1.2 GB, did not.
  assert.ok(L.LARGE_OUTPUT_BYTES > 388 * 1048576 && L.LARGE_OUTPUT_BYTES < 1.2e9);
});

test('resolveIni applies extends, relative to the file, and says where each value is from', () => {
  const files = {
    '/s/base.ini': INI,
    '/s/w/plan.ini': '[scenario]\nextends = ../base.ini\nname = plan\n[unit acute]\ncapacity = 240\n',
  };
  const r = L.resolveIni('/s/w/plan.ini', (p) => files[p] ?? null);
  assert.equal(r.values.scenario.name, 'plan');
  assert.equal(r.values['unit acute'].capacity, '240');
  assert.equal(r.values['unit acute'].kind, 'acute');
  assert.equal(r.from['unit acute'].kind, '/s/base.ini');
  assert.equal(r.from['unit acute'].capacity, '/s/w/plan.ini');
  assert.deepEqual(r.order, ['scenario', 'unit acute', 'arrivals emergency']);
  const loop = { '/a.ini': '[scenario]\nextends = a.ini\n' };
  assert.equal(L.resolveIni('/a.ini', (p) => loop[p] ?? null).values.scenario.extends, 'a.ini');
});

test('scenarioFiles follows extends and the CSVs each file names, relative to it', () => {
  const files = {
    '/s/demo.ini': '[arrivals e]\nhour_of_week = b/how.csv ; x\n[unit a]\nstay = empirical(stays.csv)\n',
    '/s/w/plan.ini': '[scenario]\nextends = ../demo.ini\n[unit a]\ncapacity_schedule = esc.csv\n',
    '/s/b/how.csv': '1\n', '/s/stays.csv': '1\n', '/s/w/esc.csv': '1\n',
  };
  const got = L.scenarioFiles(['/s/w/plan.ini', '/s/demo.ini'], (p) => files[p] ?? null, (p) => p in files);
  assert.deepEqual(got.sort(), ['/s/b/how.csv', '/s/demo.ini', '/s/stays.csv', '/s/w/esc.csv', '/s/w/plan.ini']);
});

test('parseMessages reads errors and warnings to their file and line', () => {
  const m = L.parseMessages(
    "/scenarios/demo.ini:36: capacity: expected a whole number >= 0 or 'inf', got '21x'\n" +
    'flowsim: warning: /scenarios/w/../demo.ini:12: stay: a duration without a unit\n' +
    'flowsim: --replications-range: expected A:B\n');
  assert.deepEqual(m[0], { level: 'error', file: '/scenarios/demo.ini', line: 36,
    text: "capacity: expected a whole number >= 0 or 'inf', got '21x'" });
  assert.equal(m[1].level, 'warning');
  assert.equal(L.normPath(m[1].file), '/scenarios/demo.ini');
  assert.equal(m[1].line, 12);
  assert.deepEqual(m[2], { level: 'error', file: null, line: 0, text: '--replications-range: expected A:B' });
});

test('parseValidateOk reads the name and the replications', () => {
  const ok = L.parseValidateOk("/scenarios/demo.ini: ok: scenario 'demo', 5 units, 1 arrival " +
    'streams, horizon 485 days (warm-up 60), 10 replications\n\nrough-cut ...');
  assert.deepEqual(ok, { name: 'demo', replications: 10 });
  assert.equal(L.parseValidateOk('nothing'), null);
});

test('splitReplications covers 1..N in contiguous blocks', () => {
  for (let n = 1; n <= 40; n++) {
    for (let p = 1; p <= 12; p++) {
      const r = L.splitReplications(n, p);
      assert.equal(r.length, Math.min(n, p));
      let next = 1;
      for (const [a, b] of r) { assert.equal(a, next); assert.ok(b >= a); next = b + 1; }
      assert.equal(next, n + 1);
      const sizes = r.map(([a, b]) => b - a + 1);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }
  }
});

test('crc32 gives the standard check value', () => {
  assert.equal(L.crc32(L.utf8('123456789')), 0xCBF43926);
  assert.equal(L.crc32(new Uint8Array(0)), 0);
});

test('makeZip writes an archive unzip reads back byte for byte', () => {
  const files = [
    { name: 'demo/summary.csv', data: L.utf8('metric,mean\nocc,0.9\n') },
    { name: 'demo/é.txt', data: L.utf8('non-ASCII name\n') },
    { name: 'demo/empty', data: new Uint8Array(0) },
    { name: 'demo/bytes.bin', data: Uint8Array.from({ length: 70000 }, (_, i) => (i * 7) & 255) },
  ];
  const zip = L.makeZip(files, new Date(2025, 9, 6, 12, 30, 14));
  // The end record: 4 entries, and the central directory where it says.
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  assert.equal(dv.getUint32(end, true), 0x06054b50);
  assert.equal(dv.getUint16(end + 10, true), 4);
  assert.equal(dv.getUint32(dv.getUint32(end + 16, true), true), 0x02014b50);
  let unzip = null;
  try { execFileSync('unzip', ['-v'], { stdio: 'ignore' }); unzip = 'unzip'; } catch { /* none */ }
  if (!unzip) { console.log('     (no unzip: the archive not read back)'); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsim-zip-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.zip'), zip);
    execFileSync('unzip', ['-tq', 'a.zip'], { cwd: dir });
    execFileSync('unzip', ['-q', 'a.zip', '-d', 'x'], { cwd: dir });
    for (const f of files) assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(dir, 'x', f.name))), f.data);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

console.log(failed ? `${failed} failed` : 'all passed');
process.exit(failed ? 1 : 0);
