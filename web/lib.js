// flowsim's page: the pure parts, with no DOM and no engine, so that Node can test them
// (tests/web/test-lib.mjs): the INI text the form edits, the engine's messages read back to a
// line, replications shared out into parts, base64, CRC-32 and a store-only zip writer.
// Loaded by index.html as a classic script (self.FlowsimLib) and by Node through require().
(function (root) {
  'use strict';

  // ---- INI text ---------------------------------------------------------------------------
  // The loader's syntax (docs/scenario-reference.md, "Syntax"): `[type NAME]` headers,
  // `key = value` lines, `;`/`#` comment lines, ` ; ...`/` # ...` comments after a value, and a
  // line starting with white space continuing the previous value unless it is itself a key,
  // a header or a comment. Only what the form needs is read: sections, keys and where each
  // value sits, so that a value can be replaced in place, its comment and the rest kept.

  const HEADER = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[;#].*)?$/;
  const KEYLINE = /^(\s*)([A-Za-z0-9_.\-]+)(\s*=\s*)(.*)$/;
  const COMMENT = /^\s*[;#]/;

  // The value part of what follows `=`: up to a ` ;` or ` #` comment, trimmed.
  function splitComment(rest) {
    const m = /\s[;#]/.exec(rest);
    const value = m ? rest.slice(0, m.index) : rest;
    const comment = m ? rest.slice(m.index) : '';
    const trimmed = value.replace(/\s+$/, '');
    return { value: trimmed, gap: value.slice(trimmed.length), comment };
  }

  // A section's name as the loader compares it: `unit acute` (type and name, one space).
  function sectionKey(header) {
    return header.trim().split(/\s+/).join(' ');
  }

  // Lines of TEXT read as sections and keys: [{section, key, line (0-based), cont (the
  // continuation lines after it), value, prefix, gap, comment}], sections: [{name, line}].
  function parseIni(text) {
    const lines = text.split('\n');
    const keys = [];
    const sections = [];
    let section = '';
    let last = null;
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i].replace(/\r$/, '');
      if (raw.trim() === '' ) { last = null; continue; }
      if (COMMENT.test(raw)) continue;
      const h = HEADER.exec(raw);
      if (h) {
        section = sectionKey(h[1]);
        sections.push({ name: section, line: i });
        last = null;
        continue;
      }
      const k = KEYLINE.exec(raw);
      if (k) {
        const c = splitComment(k[4]);
        last = { section, key: k[2], line: i, cont: 0, value: c.value,
          prefix: k[1] + k[2] + k[3], gap: c.gap, comment: c.comment };
        keys.push(last);
        continue;
      }
      if (last && /^\s/.test(raw)) { // a continuation of the value above
        const c = splitComment(raw.trim());
        last.value = last.value === '' ? c.value : last.value + ' ' + c.value;
        last.cont = i - last.line;
      }
    }
    return { keys, sections };
  }

  // SECTION -> KEY -> value, for the keys of one text (the last of a repeated key wins).
  function iniValues(text) {
    const out = {};
    for (const k of parseIni(text).keys) {
      (out[k.section] = out[k.section] || {})[k.key] = k.value;
    }
    return out;
  }

  // TEXT with KEY of SECTION (`unit acute`) set to VALUE: the value replaced in place (its
  // comment kept, continuation lines dropped), else a line added at the end of the section,
  // else the section added at the end. VALUE '' removes the key (so that it is inherited).
  function setIniKey(text, section, key, value) {
    section = sectionKey(section);
    const lines = text.split('\n');
    const { keys, sections } = parseIni(text);
    let found = null;
    for (const k of keys) if (k.section === section && k.key === key) found = k;
    if (found) {
      if (value === '') {
        lines.splice(found.line, found.cont + 1);
      } else {
        const eol = /\r$/.test(lines[found.line]) ? '\r' : '';
        lines.splice(found.line, found.cont + 1,
          found.prefix + value + (found.comment ? found.gap || ' ' : '') + found.comment + eol);
      }
      return lines.join('\n');
    }
    if (value === '') return text;
    const sec = sections.filter((s) => s.name === section).pop();
    if (sec) {
      // After the section's last key line (and its continuations), else after its header.
      let at = sec.line;
      for (const k of keys) if (k.section === section && k.line > sec.line) at = k.line + k.cont;
      lines.splice(at + 1, 0, `${key} = ${value}`);
      return lines.join('\n');
    }
    const head = text.replace(/\s+$/, '');
    return (head ? head + '\n\n' : '') + `[${section}]\n${key} = ${value}\n`;
  }

  // TEXT less SECTION's header when the section holds nothing but blank lines (what the form
  // leaves of a section it added once its last field is cleared); any other text is given back
  // as it is.
  function dropEmptySection(text, section) {
    section = sectionKey(section);
    const { keys, sections } = parseIni(text);
    const sec = sections.filter((s) => s.name === section).pop();
    if (!sec || keys.some((k) => k.section === section && k.line > sec.line)) return text;
    const lines = text.split('\n');
    let end = sec.line + 1;
    while (end < lines.length && !HEADER.test(lines[end])) {
      if (lines[end].trim() !== '') return text; // a comment or stray line: the analyst's
      end++;
    }
    // Its header and the blank lines under it; at the end of the text, the blank line the form
    // put before it too.
    const last = end >= lines.length;
    let start = sec.line;
    if (last && start > 0 && lines[start - 1].trim() === '') start--;
    lines.splice(start, (last ? lines.length : end) - start);
    return lines.join('\n') + (last && lines.length ? '\n' : '');
  }

  // A path made plain: `a/./b/../c` -> `a/c`, keeping a leading `/`.
  function normPath(p) {
    const abs = p.startsWith('/');
    const out = [];
    for (const part of p.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') { if (out.length && out[out.length - 1] !== '..') out.pop(); else if (!abs) out.push('..'); continue; }
      out.push(part);
    }
    return (abs ? '/' : '') + out.join('/');
  }

  function dirName(p) {
    const i = p.lastIndexOf('/');
    return i <= 0 ? (p.startsWith('/') ? '/' : '.') : p.slice(0, i);
  }

  // The values of PATH's text with its `extends` chain applied, base first (what the form shows
  // as inherited): {values: SECTION -> KEY -> value, from: SECTION -> KEY -> path, order:
  // sections in the order the chain first names them}. READ(path) gives a file's text or null.
  function resolveIni(path, read, depth) {
    depth = depth || 0;
    const text = read(path);
    if (text == null || depth > 16) return { values: {}, from: {}, order: [] };
    const own = iniValues(text);
    let base = { values: {}, from: {}, order: [] };
    const ext = own.scenario && own.scenario.extends;
    if (ext) base = resolveIni(normPath(dirName(path) + '/' + ext), read, depth + 1);
    const values = base.values;
    const from = base.from;
    const order = base.order.slice();
    for (const s of parseIni(text).sections) if (!order.includes(s.name)) order.push(s.name);
    for (const [sec, kv] of Object.entries(own)) {
      values[sec] = values[sec] || {};
      from[sec] = from[sec] || {};
      for (const [k, v] of Object.entries(kv)) { values[sec][k] = v; from[sec][k] = path; }
    }
    return { values, from, order };
  }

  // The files PATHS need to run: each, its `extends` chain, and every CSV a value names
  // (a table, `empirical(FILE.csv)`), each relative to the file that names it; EXISTS(path)
  // says whether a file is there (one that is not is left for the engine to name).
  function scenarioFiles(paths, read, exists) {
    const out = [];
    const visit = (p, depth) => {
      if (out.includes(p) || depth > 16) return;
      const text = read(p);
      if (text == null) return;
      out.push(p);
      const dir = dirName(p);
      for (const [sec, kv] of Object.entries(iniValues(text))) {
        for (const [k, v] of Object.entries(kv)) {
          if (sec === 'scenario' && k === 'extends') { visit(normPath(dir + '/' + v), depth + 1); continue; }
          for (const m of v.match(/[^\s,()]+\.csv\b/gi) || []) {
            const f = normPath(m.startsWith('/') ? m : dir + '/' + m);
            if (!out.includes(f) && exists(f)) out.push(f);
          }
        }
      }
    };
    for (const p of paths) visit(p, 0);
    return out;
  }

  // ---- The engine's messages --------------------------------------------------------------
  // A bad input is one line, `FILE:LINE: key: expected ..., got '...'`; a warning is
  // `flowsim: warning: FILE:LINE: KEY: ...` (docs/errors.md). Each becomes {level, file, line,
  // text}; a line naming no file and line keeps file null.
  function parseMessages(stderr) {
    const out = [];
    for (const raw of stderr.split('\n')) {
      const s = raw.replace(/\r$/, '');
      if (s.trim() === '') continue;
      let level = 'error';
      let rest = s;
      const w = /^flowsim: warning: (.*)$/.exec(s);
      if (w) { level = 'warning'; rest = w[1]; } else if (/^flowsim: /.test(s)) {
        rest = s.slice('flowsim: '.length);
      }
      const m = /^([^:\s][^:]*?):(\d+): (.*)$/.exec(rest);
      if (m) out.push({ level, file: m[1], line: Number(m[2]), text: m[3] });
      else out.push({ level, file: null, line: 0, text: rest });
    }
    return out;
  }

  // validate's `ok` line: `FILE: ok: scenario 'NAME', 5 units, ..., 10 replications`.
  function parseValidateOk(stdout) {
    const m = /: ok: scenario '(.*)',.*?(\d+) replications?\s*$/m.exec(stdout);
    return m ? { name: m[1], replications: Number(m[2]) } : null;
  }

  // ---- Text and its bytes ----------------------------------------------------------------
  // A file's BYTES as the editor's text: UTF-8 when they are (a BOM kept as U+FEFF, so that it
  // is written back), else each byte one character, 0-255 (Latin-1), so that no byte is lost
  // or changed: {text, latin1}. encodeText gives the bytes back: the same bytes for text read
  // as Latin-1 (and for edits that keep to U+0000-U+00FF), UTF-8 otherwise.
  function decodeText(bytes) {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), latin1: false };
    } catch (e) {
      let text = '';
      for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
      return { text, latin1: true };
    }
  }

  function fitsLatin1(text) { return !/[^\u0000-\u00ff]/.test(text); }

  function encodeText(text, latin1) {
    if (!latin1 || !fitsLatin1(text)) return new TextEncoder().encode(text);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  // ---- Names and words ----------------------------------------------------------------------
  // A file or folder name from a scenario's NAME: its letters kept (accents and any script; a
  // zip keeps names as UTF-8 and says so), what Windows refuses in a name (`<>:"/\|?*`, control
  // characters, white space runs) made `_`, no leading dot or trailing dot or space, and a
  // name Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with any extension) given `_`.
  function fileStem(name) {
    let s = String(name || '').normalize('NFC').replace(/[<>:"/\\|?*\u0000-\u001f\u007f\s]+/g, '_')
      .replace(/^\.+/, '_').replace(/[. ]+$/, '');
    if (!/[\p{L}\p{N}]/u.test(s)) s = s.replace(/_/g, '');
    if (!s) s = 'flowsim';
    if (/^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i.test(s)) s = s.replace(/^([^.]*)/, '$1_');
    return s;
  }

  // "1 replication", "6 replications".
  function plural(n, word) { return `${n} ${word}${n === 1 ? '' : 's'}`; }

  // A size in bytes as people read it, in binary units named as such (KiB, MiB, GiB).
  function sizeText(n) {
    if (n < 1024) return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return `${v.toFixed(1)} ${units[u]}`;
  }

  // A run's outputs in a tab: every part's files cross to the page and all of them go to one
  // worker for the merge, so a browser tab's memory bounds them. Measured: 200 replications of
  // the demo (388 MB of outputs) ran in Chromium; 600 (about 1.2 GB) failed at the merge
  // ("Data cannot be cloned, out of memory"). Above this the page asks before going on.
  const LARGE_OUTPUT_BYTES = 450e6;

  // The outputs of N replications estimated from a first part: PART_BYTES for PART_REPS
  // replications scaled up (a run's files grow with its replications; their fixed part is small).
  function estimateOutput(partBytes, partReps, n) {
    return partReps > 0 ? Math.round(partBytes / partReps * n) : 0;
  }

  // ---- Parts ------------------------------------------------------------------------------
  // N replications as at most PARTS contiguous blocks [A, B] (1-based, inclusive), the first
  // N mod PARTS a replication longer: what `--replications-range A:B` takes.
  // How many parts N replications on W workers are run as: four a worker, so the bar moves
  // between a worker's parts, and for a large N more (up to 64, each of 50 or more
  // replications), so that the bar moves at least every 1/64 of the run: each part costs a
  // scenario load and a folder to merge, small against 50 replications.
  function partCount(n, workers) {
    return Math.max(1, Math.min(n, Math.max(4 * workers, Math.min(64, Math.floor(n / 50)))));
  }

  function splitReplications(n, parts) {
    parts = Math.max(1, Math.min(n, parts));
    const out = [];
    const size = Math.floor(n / parts);
    const extra = n % parts;
    let a = 1;
    for (let i = 0; i < parts; i++) {
      const len = size + (i < extra ? 1 : 0);
      out.push([a, a + len - 1]);
      a += len;
    }
    return out;
  }

  // ---- Bytes ------------------------------------------------------------------------------
  function base64ToBytes(b64) {
    if (typeof atob === 'function') {
      const s = atob(b64);
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
      return out;
    }
    return new Uint8Array(Buffer.from(b64, 'base64'));
  }

  function utf8(s) { return new TextEncoder().encode(s); }

  let crcTable = null;
  // CRC-32 (ISO-HDLC, polynomial 0xEDB88320 reflected): zip's checksum. "123456789" -> 0xCBF43926.
  function crc32(bytes) {
    if (!crcTable) {
      crcTable = new Uint32Array(256);
      for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
        crcTable[n] = c >>> 0;
      }
    }
    let c = 0xFFFFFFFF;
    for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xFF] ^ (c >>> 8);
    return (c ^ 0xFFFFFFFF) >>> 0;
  }

  // A zip archive (PKWARE APPNOTE 6.3, "stored": no compression, no zip64) of FILES, [{name,
  // data: Uint8Array}], names in UTF-8 (flag bit 11), each dated DATE (a Date; its local time,
  // as zip keeps it, within 1980-2107). Throws on an archive zip's 32-bit fields cannot hold.
  function makeZip(files, date) {
    date = date || new Date();
    const y = Math.min(2107, Math.max(1980, date.getFullYear()));
    const dosTime = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
    const dosDate = ((y - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
    const chunks = [];
    const central = [];
    let offset = 0;
    for (const f of files) {
      const name = utf8(f.name);
      const data = f.data;
      const crc = crc32(data);
      const local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true); // version needed: 2.0
      local.setUint16(6, 0x0800, true); // UTF-8 names
      local.setUint16(8, 0, true); // stored
      local.setUint16(10, dosTime, true);
      local.setUint16(12, dosDate, true);
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, name.length, true);
      local.setUint16(28, 0, true);
      const cd = new DataView(new ArrayBuffer(46));
      cd.setUint32(0, 0x02014b50, true);
      cd.setUint16(4, 0x031E, true); // made by: Unix, 3.0
      cd.setUint16(6, 20, true);
      cd.setUint16(8, 0x0800, true);
      cd.setUint16(10, 0, true);
      cd.setUint16(12, dosTime, true);
      cd.setUint16(14, dosDate, true);
      cd.setUint32(16, crc, true);
      cd.setUint32(20, data.length, true);
      cd.setUint32(24, data.length, true);
      cd.setUint16(28, name.length, true);
      cd.setUint32(38, (0o100644 << 16) >>> 0, true); // a plain file, rw-r--r--
      cd.setUint32(42, offset, true);
      chunks.push(new Uint8Array(local.buffer), name, data);
      central.push(new Uint8Array(cd.buffer), name);
      offset += 30 + name.length + data.length;
      if (offset > 0xFFFFFFFF || files.length > 0xFFFF) throw new Error('too big for a zip without zip64');
    }
    let cdSize = 0;
    for (const c of central) cdSize += c.length;
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, cdSize, true);
    end.setUint32(16, offset, true);
    const all = chunks.concat(central, [new Uint8Array(end.buffer)]);
    let total = 0;
    for (const c of all) total += c.length;
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of all) { out.set(c, at); at += c.length; }
    return out;
  }

  const api = { parseIni, sectionKey, scenarioFiles, iniValues, setIniKey, resolveIni, normPath, dirName, parseMessages,
    parseValidateOk, splitReplications, base64ToBytes, crc32, makeZip, utf8, dropEmptySection, decodeText, encodeText,
    fitsLatin1, fileStem, plural, sizeText, LARGE_OUTPUT_BYTES, estimateOutput, partCount };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.FlowsimLib = api;
})(typeof self !== 'undefined' ? self : this);
