// flowsim's page (docs/web.md, "The page"): the scenario picker, the INI editor checked by
// `flowsim validate` as the analyst types, the levers form, runs in Web Workers (the
// replications as parts in parallel, then `flowsim merge`), compares, the engine's own report
// and the downloads. Every number comes from the engine: this file only moves text and bytes.
(function () {
  'use strict';
  const L = self.FlowsimLib;
  const $ = (id) => document.getElementById(id);
  const SHIPPED = (self.FLOWSIM_SCENARIOS && self.FLOWSIM_SCENARIOS.files) || {};
  const ABOUT = (self.FLOWSIM_SCENARIOS && self.FLOWSIM_SCENARIOS.about) || {};
  const ROOT = '/scenarios/'; // the shipped files in the module's file system
  const USER = '/user/'; // files the analyst opened
  const LH = 20; // px: the editor's line height (page.css --lh)
  const PAD = 6; // px: the editor's top padding
  const DEBOUNCE_MS = 300;

  const state = {
    docs: [], // {path, text}: docs[0] is the base, the rest its variants
    cur: 0,
    userFiles: {}, // path -> Uint8Array
    engine: null, // {module: WebAssembly.Module, url: the worker script's blob URL}
    job: null, // {workers: [Worker], cancel()} while a run or a compare is going
    results: null, // {title, stem (the zip's name), files: [{name, data}]}
    check: { worker: null, busy: false, pending: null, timer: 0, last: null },
    formTimer: 0,
  };

  // ---- The worker ---------------------------------------------------------------------------
  // The body of every worker, after the module's own JS (createFlowsim) in the same blob: a
  // page opened from a folder can neither fetch the module's files nor start a worker from a
  // file:// URL, but it can start one from a blob. Each request is a list of steps, each one
  // command in a fresh instance of the module (its own memory and file system), the files the
  // request carries written in first and the folder the previous step collected after them.
  function workerMain() {
    /* global createFlowsim */
    function mkdirs(FS, dir) {
      let at = '';
      for (const part of dir.split('/')) {
        if (!part) continue;
        at += '/' + part;
        try { FS.mkdir(at); } catch (e) { /* there already */ }
      }
    }
    function write(FS, path, data) {
      mkdirs(FS, path.slice(0, path.lastIndexOf('/')));
      FS.writeFile(path, data);
    }
    function readTree(FS, dir, prefix, out) {
      for (const name of FS.readdir(dir)) {
        if (name === '.' || name === '..' || name.startsWith('.')) continue;
        const full = dir + '/' + name;
        if (FS.isDir(FS.stat(full).mode)) readTree(FS, full, prefix + name + '/', out);
        else out[prefix + name] = FS.readFile(full);
      }
      return out;
    }
    async function step(module, files, carry, args) {
      const out = [];
      const err = [];
      const m = await createFlowsim({
        noInitialRun: true,
        print: (s) => out.push(s),
        printErr: (s) => err.push(s),
        instantiateWasm(imports, ok) {
          WebAssembly.instantiate(module, imports).then((inst) => ok(inst, module));
          return {};
        },
      });
      for (const p of Object.keys(files)) write(m.FS, p, files[p]);
      for (const p of Object.keys(carry)) write(m.FS, p, carry[p]);
      let rc;
      try {
        rc = m.callMain(args);
      } catch (e) {
        if (e && e.name === 'ExitStatus') rc = e.status;
        else { err.push('flowsim: ' + String((e && e.message) || e)); rc = 1; }
      }
      if (typeof rc !== 'number') rc = 1;
      return { m, rc, out: out.join('\n'), err: err.join('\n') };
    }
    self.onmessage = async (e) => {
      const req = e.data;
      const done = [];
      let collected = {};
      try {
        let carry = {};
        for (const s of req.steps) {
          const r = await step(req.module, req.files, carry, s.args);
          done.push({ args: s.args, rc: r.rc, out: r.out, err: r.err });
          if (r.rc !== 0) break;
          if (s.collect) {
            collected = readTree(r.m.FS, s.collect, '', {});
            carry = {};
            for (const k of Object.keys(collected)) carry[s.collect + '/' + k] = collected[k];
          }
        }
      } catch (err) {
        done.push({ args: [], rc: 1, out: '', err: 'flowsim: ' + String((err && err.message) || err) });
      }
      const transfer = Object.values(collected).map((b) => b.buffer);
      self.postMessage({ id: req.id, steps: done, files: collected }, transfer);
    };
  }

  // One request to WORKER: resolves to {steps, files}; rejects if the worker dies.
  function ask(worker, files, steps) {
    return new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => { e.preventDefault(); reject(new Error(e.message || 'the worker failed')); };
      worker.postMessage({ module: state.engine.module, files, steps });
    });
  }

  function newWorker() { return new Worker(state.engine.url); }

  // ---- The engine ---------------------------------------------------------------------------
  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`${src} could not be loaded`));
      document.head.appendChild(s);
    });
  }

  // The module's JS and compiled wasm: fetched from a web server, else (a page opened from a
  // folder, where fetch is refused) from flowsim-embed.js, which make web writes beside them.
  async function loadEngine() {
    let js = null;
    let module = null;
    if (location.protocol === 'http:' || location.protocol === 'https:') {
      try {
        const [j, w] = await Promise.all([fetch('flowsim.js'), fetch('flowsim.wasm')]);
        if (j.ok && w.ok) {
          js = await j.text();
          module = await WebAssembly.compile(await w.arrayBuffer());
        }
      } catch (e) { js = null; }
    }
    if (!js) {
      if (!self.FLOWSIM_EMBED) await loadScript('flowsim-embed.js');
      js = self.FLOWSIM_EMBED.js;
      module = await WebAssembly.compile(L.base64ToBytes(self.FLOWSIM_EMBED.wasm));
    }
    const body = `\n;(${workerMain.toString()})();\n`;
    const url = URL.createObjectURL(new Blob([js, body], { type: 'text/javascript' }));
    state.engine = { module, url };
    const r = await ask(newWorker(), {}, [{ args: ['--version'] }]);
    return (r.steps[0].out || r.steps[0].err).split('\n')[0];
  }

  // ---- Files --------------------------------------------------------------------------------
  const decoder = new TextDecoder();

  // The text at PATH as the engine will see it: a scenario on the page, a file opened (UTF-8,
  // or byte for byte as Latin-1 when it is not: lib.js decodeText), or a shipped one; null if
  // none.
  function readText(path) {
    for (const d of state.docs) if (d.path === path) return d.text;
    return readFile(path);
  }

  // The text of the file at PATH as opened or shipped, whatever the page has made of it.
  function readFile(path) {
    if (state.userFiles[path]) return L.decodeText(state.userFiles[path]).text;
    if (path.startsWith(ROOT) && SHIPPED[path.slice(ROOT.length)] != null) return SHIPPED[path.slice(ROOT.length)];
    return null;
  }

  // Everything a command may read: the shipped files, the analyst's, and the page's scenarios
  // written over them.
  function engineFiles() {
    const files = {};
    for (const [rel, text] of Object.entries(SHIPPED)) files[ROOT + rel] = text;
    for (const [p, b] of Object.entries(state.userFiles)) files[p] = b;
    for (const d of state.docs) files[d.path] = docBytes(d);
    return files;
  }

  // A scenario's text as the bytes the engine reads and a save writes: a file that was not
  // UTF-8 keeps its own bytes (lib.js encodeText).
  function docBytes(d) {
    return L.encodeText(d.text, d.latin1);
  }

  function download(name, data, type) {
    const url = URL.createObjectURL(new Blob([data], { type: type || 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // Every scenario on the page with the files they read (extends, CSV tables), in one zip laid
  // out as the engine sees them (scenarios/..., user/...), so that the native flowsim runs the
  // unzipped files as they are.
  function saveAll() {
    const paths = L.scenarioFiles(state.docs.map((d) => d.path), readText, (p) => readText(p) != null);
    const enc = new TextEncoder();
    const bytes = (p) => {
      const d = state.docs.find((x) => x.path === p);
      if (d) return docBytes(d);
      return state.userFiles[p] || enc.encode(readText(p));
    };
    const files = paths.map((p) => ({ name: p.replace(/^\//, ''), data: bytes(p) }));
    download(`${L.fileStem(scenarioName(state.docs[0]))}-scenarios.zip`, L.makeZip(files), 'application/zip');
  }

  function baseName(path) { return path.slice(path.lastIndexOf('/') + 1); }
  function shortPath(path) { return path.startsWith(ROOT) ? 'scenarios/' + path.slice(ROOT.length) : path.replace(/^\//, ''); }

  // ---- Scenarios on the page ----------------------------------------------------------------
  function doc() { return state.docs[state.cur]; }

  function scenarioName(d) {
    const r = L.resolveIni(d.path, readText);
    const n = r.values.scenario && r.values.scenario.name;
    return n || baseName(d.path).replace(/\.ini$/, '');
  }

  function freePath(want) {
    let p = want;
    for (let k = 2; state.docs.some((d) => d.path === p); k++) p = want.replace(/(\.ini)?$/, `-${k}.ini`);
    return p;
  }

  // A scenario on the page: its path, its text, the text as read (for "Reset") and whether
  // the file was read byte for byte as Latin-1 (not UTF-8), so that it is written back so.
  function newDoc(path, text) {
    const bytes = state.userFiles[path];
    const latin1 = !!bytes && L.decodeText(bytes).latin1;
    const orig = readFile(path);
    return { path, text: text == null ? orig : text, orig, latin1 };
  }

  // What replacing the page's scenarios would lose: null when nothing, else words for a
  // confirm() (the base edited, variants added).
  function unsaved() {
    const lost = [];
    const base = state.docs[0];
    if (base && base.text !== base.orig) lost.push(`your edits to ${shortPath(base.path)}`);
    if (state.docs.length > 1) lost.push(L.plural(state.docs.length - 1, 'variant'));
    return lost.length ? lost.join(' and ') : null;
  }

  // Asks before WHAT replaces the page's scenarios when that would lose edits or variants.
  function mayReplace(what) {
    const lost = unsaved();
    return !lost || window.confirm(`${what} replaces the scenarios on this page: ${lost} will be lost ` +
      '(save them first with "Save this scenario" or "Save all"). Go on?');
  }

  // The base: the scenario at PATH (shipped, /scenarios/..., or opened, /user/...), alone.
  function openPath(path) {
    state.docs = [newDoc(path)];
    state.cur = 0;
    $('pick-about').textContent = (path.startsWith(ROOT) && ABOUT[path.slice(ROOT.length)]) || '';
    docsChanged();
  }

  function addCopy() {
    const base = state.docs[0];
    const k = state.docs.length;
    const path = freePath(base.path.replace(/\.ini$/, '') + `-variant-${k}.ini`);
    const name = `${scenarioName(base)}-variant-${k}`;
    state.docs.push({ path, text: L.setIniKey(base.text, 'scenario', 'name', name), orig: null, latin1: base.latin1 });
    state.cur = state.docs.length - 1;
    docsChanged();
  }

  // A variant: the scenario at PATH as it is (a copy under another name if it is on the page).
  function addPath(from) {
    let path = from;
    let text = readText(from);
    if (state.docs.some((d) => d.path === path)) {
      path = freePath(path);
      const k = state.docs.length;
      text = L.setIniKey(text, 'scenario', 'name', `${scenarioName({ path: from })}-${k + 1}`);
    }
    const d = newDoc(from, text);
    d.path = path;
    if (path !== from) d.orig = null;
    state.docs.push(d);
    state.cur = state.docs.length - 1;
    docsChanged();
  }

  // The scenario being edited back to its file as read (shipped or opened), after a confirm.
  function resetDoc() {
    const d = doc();
    if (d.orig == null || d.text === d.orig) return;
    if (!window.confirm(`Put ${shortPath(d.path)} back as the file is, dropping your edits to it?`)) return;
    d.text = d.orig;
    d.added = [];
    docsChanged();
  }

  function removeDoc() {
    if (state.cur === 0 || state.docs.length < 2) return;
    state.docs.splice(state.cur, 1);
    state.cur = Math.min(state.cur, state.docs.length - 1);
    docsChanged();
  }

  // Files or a folder from the analyst's disk, under /user/ as they lie (a folder keeps its
  // layout, so a scenario's relative paths to its tables and its base hold): the scenarios join
  // the pickers, and the first opens as the base.
  async function openFiles(list) {
    const rels = list.map((f) => f.webkitRelativePath || f.name);
    if (rels.some((r) => /\.ini$/i.test(r)) && !mayReplace('Opening these files')) return;
    const inis = [];
    for (const f of list) {
      const rel = f.webkitRelativePath || f.name;
      const path = L.normPath(USER + rel);
      state.userFiles[path] = new Uint8Array(await f.arrayBuffer());
      if (/\.ini$/i.test(rel)) inis.push(path);
    }
    fillPickers();
    const names = [...list].map((f) => f.webkitRelativePath || f.name);
    if (inis.length) {
      inis.sort();
      openPath(inis[0]);
      $('pick').value = inis[0];
      $('pick-about').textContent = `Opened ${names.length} file${names.length > 1 ? 's' : ''}` +
        (inis.length > 1 ? `; ${inis.length} scenarios are in the lists above (add any as a variant)` : '') + '.';
    } else {
      $('pick-about').textContent = `Opened ${names.join(', ')}: a scenario opened from the same folder reads them by name.`;
    }
  }

  function docsChanged() {
    const box = $('docs');
    box.textContent = '';
    state.docs.forEach((d, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('aria-pressed', String(i === state.cur));
      b.textContent = (i === 0 ? 'Base: ' : `Variant ${i}: `) + scenarioName(d);
      b.title = shortPath(d.path);
      b.addEventListener('click', () => { state.cur = i; docsChanged(); });
      box.appendChild(b);
    });
    $('remove-doc').disabled = state.cur === 0;
    $('reset-doc').disabled = doc().orig == null;
    $('encoding-note').hidden = !doc().latin1;
    $('doc-name').textContent = `${scenarioName(doc())} (${shortPath(doc().path)})`;
    const ta = $('ini');
    if (ta.value !== doc().text) ta.value = doc().text;
    ta.scrollTop = 0;
    state.check.last = null;
    state.check.msgs = [];
    renderGutter([]);
    renderForm();
    scheduleCheck(0);
    updateButtons();
  }

  // ---- The editor and its check -------------------------------------------------------------
  function renderGutter(msgs) {
    const n = $('ini').value.split('\n').length;
    const marks = {};
    for (const m of msgs) if (m.line) marks[m.line] = marks[m.line] === 'e' ? 'e' : m.level === 'error' ? 'e' : 'w';
    let html = '';
    for (let i = 1; i <= n; i++) html += marks[i] ? `<span class="${marks[i]}">${i}</span>\n` : `${i}\n`;
    // Two lines more than the text: the textarea scrolls further by its horizontal scroll
    // bar's height, and the numbers must follow it to the last line.
    $('gutter').innerHTML = html + '\n\n';
    const ov = $('overlay');
    ov.textContent = '';
    for (const m of msgs) {
      if (!m.line) continue;
      const cls = m.level === 'error' ? 'e' : 'w';
      const band = document.createElement('div');
      band.className = 'band ' + cls;
      band.dataset.line = m.line;
      const note = document.createElement('div');
      note.className = 'note ' + cls;
      note.dataset.line = m.line;
      note.textContent = m.text;
      ov.append(band, note);
    }
    syncScroll();
  }

  function syncScroll() {
    const ta = $('ini');
    $('gutter').scrollTop = ta.scrollTop;
    for (const el of $('overlay').children) {
      el.style.top = `${PAD + (Number(el.dataset.line) - 1) * LH - ta.scrollTop}px`;
    }
  }

  function goToLine(line) {
    const ta = $('ini');
    const lines = ta.value.split('\n');
    let at = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    ta.focus();
    ta.setSelectionRange(at, at + (lines[line - 1] || '').length);
    ta.scrollTop = Math.max(0, (line - 4) * LH);
    syncScroll();
  }

  function scheduleCheck(delay) {
    clearTimeout(state.check.timer);
    state.check.timer = setTimeout(runCheck, delay == null ? DEBOUNCE_MS : delay);
  }

  // `flowsim validate` on the scenario being edited, in a worker of its own; one at a time, the
  // latest text queued behind the one running.
  async function runCheck() {
    if (!state.engine) return;
    const c = state.check;
    const d = doc();
    const req = { d, text: d.text };
    if (c.busy) { c.pending = req; return; }
    c.busy = true;
    try {
      if (!c.worker) c.worker = newWorker();
      const r = await ask(c.worker, engineFiles(), [{ args: ['validate', d.path] }]);
      if (doc() === req.d && req.d.text === req.text) showCheck(req.d, r.steps[0]);
    } catch (e) {
      c.worker = null;
      $('check-status').textContent = `The check failed: ${e.message}`;
    } finally {
      c.busy = false;
      if (c.pending) { c.pending = null; runCheck(); }
    }
  }

  function showCheck(d, s) {
    state.check.last = { doc: d, text: d.text, step: s, ok: L.parseValidateOk(s.out) };
    const all = L.parseMessages(s.err);
    const here = all.filter((m) => m.file && L.normPath(m.file) === d.path);
    state.check.msgs = here;
    renderGutter(here);
    markLevers(d.text, here);
    const st = $('check-status');
    const ok = s.rc === 0;
    st.className = 'check ' + (ok ? 'ok' : 'bad');
    const okLine = state.check.last.ok;
    st.textContent = ok
      ? `✓ flowsim validate: ok${okLine ? ` (scenario '${okLine.name}', ${okLine.replications} replications)` : ''}` +
        (all.length ? `, ${all.length} warning${all.length > 1 ? 's' : ''}` : '')
      : '✗ flowsim validate: this scenario cannot run yet';
    $('ini').setAttribute('aria-invalid', String(!ok));
    const ul = $('messages');
    ul.textContent = '';
    for (const m of all) {
      const li = document.createElement('li');
      li.className = m.level === 'error' ? 'e' : 'w';
      const own = m.file && L.normPath(m.file) === d.path;
      const where = m.file ? (own ? `Line ${m.line}` : `${shortPath(L.normPath(m.file))}, line ${m.line}`) : '';
      const what = `${m.level === 'error' ? 'Error' : 'Warning'}${where ? ' — ' + where : ''}: ${m.text}`;
      if (own) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = what;
        b.addEventListener('click', () => goToLine(m.line));
        li.appendChild(b);
      } else {
        li.textContent = what;
      }
      ul.appendChild(li);
    }
    const table = s.out.split('\n').slice(1).join('\n').trim();
    $('roughcut').textContent = table || '(no table: the scenario does not load)';
    updateButtons();
  }

  function onEdit() {
    doc().text = $('ini').value;
    renderGutter(state.check.msgs || []); // the last check's marks until the next one
    $('check-status').className = 'check';
    $('check-status').textContent = 'Checking…';
    scheduleCheck();
    clearTimeout(state.formTimer);
    state.formTimer = setTimeout(() => { renderForm(); refreshDocLabels(); }, DEBOUNCE_MS);
  }

  function refreshDocLabels() {
    const buttons = $('docs').querySelectorAll('button');
    state.docs.forEach((d, i) => {
      if (buttons[i]) buttons[i].textContent = (i === 0 ? 'Base: ' : `Variant ${i}: `) + scenarioName(d);
    });
    $('doc-name').textContent = `${scenarioName(doc())} (${shortPath(doc().path)})`;
  }

  // ---- The levers form ----------------------------------------------------------------------
  // Each field shows the key's value after `extends` (greyed where inherited) and writes it
  // into this scenario's text as it is typed; an empty field removes the key.
  const LEVERS = {
    scenario: [['replications', 'Replications'], ['horizon', 'Horizon'], ['warmup', 'Warm-up'], ['seed', 'Seed']],
    unit: [['capacity', 'Capacity'], ['stay', 'Stay']],
    arrivals: [['rate', 'Rate']],
  };

  function leverInput(section, key, label, r, d) {
    const input = document.createElement('input');
    input.type = 'text';
    const [type, name] = section.split(' ');
    input.id = `lever-${type}${name ? '-' + name : ''}-${key}`;
    input.dataset.section = section;
    input.dataset.key = key;
    const v = r.values[section] && r.values[section][key];
    const from = r.from[section] && r.from[section][key];
    input.value = v == null ? '' : v;
    input.placeholder = 'default';
    // Emptied, the field shows what the scenario now inherits (or the default) as its hint.
    const hint = () => {
      const now = L.resolveIni(d.path, readText);
      const iv = now.values[section] && now.values[section][key];
      const ifrom = now.from[section] && now.from[section][key];
      input.placeholder = iv != null && ifrom && ifrom !== d.path ? `${iv}, inherited from ${shortPath(ifrom)}` : 'default';
    };
    if (from && from !== d.path) {
      input.classList.add('inherited');
      input.title = `from ${shortPath(from)}`;
    }
    input.setAttribute('aria-label', label);
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.addEventListener('input', () => {
      input.classList.remove('inherited');
      input.title = '';
      const dd = doc();
      const value = input.value.trim();
      const had = L.parseIni(dd.text).sections.some((s) => s.name === L.sectionKey(section));
      dd.text = L.setIniKey(dd.text, section, key, value);
      // A section this form added is the form's to take away again once it is empty.
      dd.added = dd.added || [];
      if (!had && value !== '' && !dd.added.includes(section)) dd.added.push(section);
      if (value === '' && dd.added.includes(section)) {
        const t = L.dropEmptySection(dd.text, section);
        if (t !== dd.text) { dd.text = t; dd.added = dd.added.filter((s) => s !== section); }
      }
      if (value === '') hint();
      const ta = $('ini');
      const top = ta.scrollTop;
      ta.value = dd.text;
      ta.scrollTop = top;
      showKeyLine(dd.text, section, key);
      renderGutter(state.check.msgs || []);
      $('check-status').className = 'check';
      $('check-status').textContent = 'Checking…';
      refreshDocLabels();
      scheduleCheck();
    });
    return input;
  }

  // Scroll the editor to KEY of SECTION when it is out of sight, so that an edit in the form is
  // seen where it lands in the text (and its mark, if the check refuses it).
  function showKeyLine(text, section, key) {
    const k = L.parseIni(text).keys.find((x) => x.section === L.sectionKey(section) && x.key === key);
    if (!k) return;
    const ta = $('ini');
    const y = k.line * LH;
    if (y < ta.scrollTop || y > ta.scrollTop + ta.clientHeight - 2 * LH) ta.scrollTop = Math.max(0, y - 3 * LH);
  }

  // The check's messages on the levers too: a field whose key is on a line with a message is
  // marked invalid and described by it.
  function markLevers(text, msgs) {
    const byLine = {};
    for (const k of L.parseIni(text).keys) for (let i = 0; i <= k.cont; i++) byLine[k.line + i + 1] = k;
    for (const input of $('levers-body').querySelectorAll('input')) {
      input.removeAttribute('aria-invalid');
      input.classList.remove('bad');
      const note = $(input.id + '-msg');
      if (note) note.remove();
    }
    for (const m of msgs) {
      const k = byLine[m.line];
      if (!k || m.level !== 'error') continue;
      const [type, name] = k.section.split(' ');
      const input = $(`lever-${type}${name ? '-' + name : ''}-${k.key}`);
      if (!input) continue;
      input.setAttribute('aria-invalid', 'true');
      input.classList.add('bad');
      const note = document.createElement('div');
      note.id = input.id + '-msg';
      note.className = 'lever-msg';
      note.textContent = m.text;
      input.setAttribute('aria-describedby', note.id);
      input.insertAdjacentElement('afterend', note);
    }
  }

  function renderForm() {
    const d = doc();
    const r = L.resolveIni(d.path, readText);
    const body = $('levers-body');
    const active = document.activeElement && document.activeElement.closest && document.activeElement.closest('#levers-body')
      ? document.activeElement.id : null;
    body.textContent = '';
    // [scenario]
    const h = document.createElement('h4');
    h.textContent = 'Run';
    const g = document.createElement('div');
    g.className = 'grid2';
    for (const [key, label] of LEVERS.scenario) {
      const input = leverInput('scenario', key, `${label} (scenario.${key})`, r, d);
      const lab = document.createElement('label');
      lab.htmlFor = input.id;
      lab.textContent = label;
      input.removeAttribute('aria-label');
      g.append(lab, input);
    }
    body.append(h, g);
    const sections = r.order.map((s) => s.split(' ')).filter((p) => p.length === 2);
    const table = (title, type, cols, extra) => {
      const rows = sections.filter((p) => p[0] === type);
      if (!rows.length) return;
      const h4 = document.createElement('h4');
      h4.textContent = title;
      const t = document.createElement('table');
      t.className = type === 'unit' ? 'units' : 'streams';
      const thead = t.createTHead().insertRow();
      for (const c of [type === 'unit' ? 'Unit' : 'Stream'].concat(cols.map((c) => c[1]))) {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = c;
        thead.appendChild(th);
      }
      const tb = t.createTBody();
      for (const [, name] of rows) {
        const sec = `${type} ${name}`;
        const tr = tb.insertRow();
        const th = document.createElement('th');
        th.scope = 'row';
        th.textContent = name;
        const more = extra(r.values[sec] || {});
        if (more) {
          const k = document.createElement('div');
          k.className = 'kind';
          k.textContent = more;
          th.appendChild(k);
        }
        tr.appendChild(th);
        for (const [key, label] of cols) {
          const td = tr.insertCell();
          td.appendChild(leverInput(sec, key, `${name} ${label.toLowerCase()} (${name}.${key})`, r, d));
        }
      }
      body.append(h4, t);
    };
    // A unit whose places follow a capacity_schedule says so: its capacity field is then the
    // places before the schedule's first row (docs/scenario-reference.md).
    table('Units', 'unit', LEVERS.unit, (v) => [v.kind, v.capacity_schedule ? `places by ${v.capacity_schedule}` : '']
      .filter(Boolean).join(', '));
    table('Arrivals', 'arrivals', LEVERS.arrivals, (v) => (v.to ? `to ${v.to}` : ''));
    if (active && $(active)) $(active).focus();
    markLevers(d.text, state.check.msgs || []);
  }

  // ---- Runs ---------------------------------------------------------------------------------
  function updateButtons() {
    const busy = !!state.job;
    const ready = !!state.engine;
    $('run').disabled = busy || !ready;
    $('compare').disabled = busy || !ready || state.docs.length < 2;
    $('cancel').disabled = !busy;
    $('compare').title = state.docs.length < 2 ? 'Add a variant first' : '';
  }

  function setProgress(value, text) {
    const p = $('progress');
    if (value == null) p.removeAttribute('value');
    else p.value = value;
    $('run-status').textContent = text;
  }

  function showRunError(title, steps) {
    const pre = $('run-messages');
    const lines = [title];
    for (const s of steps || []) if (s.rc !== 0) lines.push(`flowsim ${s.args.join(' ')}: exit ${s.rc}`, s.err || s.out);
    pre.textContent = lines.join('\n');
    pre.hidden = false;
  }

  function startJob() {
    const job = { workers: [], cancelled: false, t0: performance.now() };
    job.spawn = () => { const w = newWorker(); job.workers.push(w); return w; };
    job.cancel = () => { job.cancelled = true; for (const w of job.workers) w.terminate(); };
    job.elapsed = () => `${((performance.now() - job.t0) / 1000).toFixed(1)} s`;
    state.job = job;
    $('run-messages').hidden = true;
    updateButtons();
    return job;
  }

  function endJob(job) {
    for (const w of job.workers) w.terminate();
    if (state.job === job) state.job = null;
    clearInterval(job.tick);
    updateButtons();
  }

  class Cancelled extends Error {}

  // One request on a worker of JOB; a cancel (which terminates the worker) rejects it.
  function jobAsk(job, worker, files, steps) {
    return new Promise((resolve, reject) => {
      job.rejects = job.rejects || [];
      job.rejects.push(reject);
      ask(worker, files, steps).then(resolve, reject);
    });
  }

  function cancel() {
    const job = state.job;
    if (!job) return;
    job.cancel();
    for (const r of job.rejects || []) r(new Cancelled('cancelled'));
    setProgress(0, `Cancelled after ${job.elapsed()}: nothing was kept.`);
    endJob(job);
  }

  // After a run's first part: when its files scaled up to N replications pass what a tab holds
  // (lib.js LARGE_OUTPUT_BYTES), the analyst is asked; no ends the run as a cancel does, with
  // the ways to make it smaller. True to go on.
  function bigRunGoesOn(files, reps, n) {
    let bytes = 0;
    for (const b of Object.values(files)) bytes += b.length;
    const est = L.estimateOutput(bytes, reps, n);
    if (est <= L.LARGE_OUTPUT_BYTES) return true;
    const why = `This run's files would be about ${L.sizeText(est)} (its first part wrote ${L.sizeText(bytes)} ` +
      `for ${L.plural(reps, 'replication')}): more than a browser tab reliably holds (200 replications of ` +
      'the demo, 388 MiB, ran; 600, about 1.2 GB, ran out of memory at the end). Fewer replications ' +
      'or report_interval = month make them smaller (timeseries_metrics shrinks the merged ' +
      'timeseries.csv, not the parts); the command line has no such limit.';
    if (window.confirm(`${why}\n\nRun it anyway?`)) return true;
    cancel();
    setProgress(0, `Stopped before the end: the outputs would be about ${L.sizeText(est)}.`);
    const pre = $('run-messages');
    pre.textContent = why;
    pre.hidden = false;
    return false;
  }

  // validate first (the replications to share out, and a bad scenario stopped before it runs).
  async function validateFor(job, d, files) {
    const w = job.spawn();
    const r = await jobAsk(job, w, files, [{ args: ['validate', d.path] }]);
    w.terminate();
    const s = r.steps[0];
    if (s.rc !== 0) { showRunError(`${shortPath(d.path)} does not load:`, r.steps); return null; }
    // validate's `ok` line unread (a wording this page does not know): one part, which needs
    // no count, and the file's name.
    return L.parseValidateOk(s.out) || { name: scenarioName(d), replications: 1 };
  }

  // A run: its N replications as parts (--replications-range A:B) on
  // min(hardwareConcurrency, N) workers, then `flowsim merge` and `flowsim report` — the same
  // bytes as one run (docs/scaling.md); one part is a plain `run --report`.
  async function runScenario() {
    const d = doc();
    const job = startJob();
    const files = engineFiles();
    try {
      setProgress(0, 'Checking the scenario…');
      const ok = await validateFor(job, d, files);
      if (!ok) { setProgress(0, 'Not run: the scenario has an error (below).'); return; }
      const n = ok.replications;
      const cores = Math.max(1, navigator.hardwareConcurrency || 2);
      const nWorkers = Math.max(1, Math.min(cores, n));
      const ranges = L.splitReplications(n, L.partCount(n, nWorkers));
      let doneReps = 0;
      const say = () => setProgress(doneReps / n,
        `${doneReps} of ${L.plural(n, 'replication')} (the bar moves as each of ${L.plural(ranges.length, 'part')} ends), ` +
        `${L.plural(nWorkers, 'worker')}, ${job.elapsed()}`);
      say();
      job.tick = setInterval(say, 500);
      let out;
      if (ranges.length === 1) {
        const w = job.spawn();
        const r = await jobAsk(job, w, files, [{ args: ['run', d.path, '-o', '/out', '--report', '--quiet'], collect: '/out' }]);
        if (r.steps[0].rc !== 0) { showRunError('The run failed:', r.steps); setProgress(0, 'Failed.'); return; }
        out = r.files;
        doneReps = n;
      } else {
        const parts = new Array(ranges.length);
        let next = 0;
        let failed = null;
        const loop = async () => {
          const w = job.spawn();
          while (next < ranges.length && !failed && !job.cancelled) {
            const i = next++;
            const [a, b] = ranges[i];
            const r = await jobAsk(job, w, files, [{
              args: ['run', d.path, '--replications-range', `${a}:${b}`, '-o', '/part', '--quiet'],
              collect: '/part' }]);
            if (r.steps[0].rc !== 0) { failed = r.steps; break; }
            parts[i] = r.files;
            doneReps += b - a + 1;
            say();
            if (!job.sized) { job.sized = true; if (!bigRunGoesOn(r.files, b - a + 1, n)) return; }
          }
          w.terminate();
        };
        await Promise.all(Array.from({ length: nWorkers }, loop));
        if (failed) { showRunError('A part of the run failed:', failed); setProgress(0, 'Failed.'); return; }
        clearInterval(job.tick);
        setProgress(null, `Merging ${ranges.length} parts and drawing the report… ${job.elapsed()}`);
        const mfiles = {};
        const dirs = [];
        parts.forEach((p, i) => {
          const dir = `/parts/${i + 1}`;
          dirs.push(dir);
          for (const [name, bytes] of Object.entries(p)) mfiles[`${dir}/${name}`] = bytes;
        });
        const r = await jobAsk(job, job.spawn(), mfiles, [
          { args: ['merge', ...dirs, '-o', '/out', '--quiet'], collect: '/out' },
          { args: ['report', '/out', '--quiet'], collect: '/out' }]);
        if (r.steps.some((s) => s.rc !== 0)) { showRunError('The merge failed:', r.steps); setProgress(0, 'Failed.'); return; }
        out = r.files;
      }
      setProgress(1, `Done: ${L.plural(n, 'replication')} in ${job.elapsed()} (${L.plural(ranges.length, 'part')} on ${L.plural(nWorkers, 'worker')}).`);
      // The name as the page reads the file (validate's stdout is UTF-8-decoded, so a Latin-1
      // name would come back as U+FFFD there).
      showResults(`${scenarioName(d)}: a run of ${L.plural(n, 'replication')}`, scenarioName(d), out);
    } catch (e) {
      if (!(e instanceof Cancelled)) { showRunError(`The run stopped: ${e.message}`); setProgress(0, 'Failed.'); }
    } finally {
      endJob(job);
    }
  }

  // A compare of every scenario on the page, the base first: one `flowsim compare`, in one
  // worker (its variants share their patients, so it does not split into parts).
  async function compareAll() {
    const job = startJob();
    const files = engineFiles();
    try {
      setProgress(null, 'Checking the scenarios…');
      const names = [];
      for (const d of state.docs) {
        const ok = await validateFor(job, d, files);
        if (!ok) { setProgress(0, 'Not run: a scenario has an error (below).'); return; }
        names.push(ok.name);
      }
      const say = () => setProgress(null, `Comparing ${names.length} scenarios… ${job.elapsed()}`);
      say();
      job.tick = setInterval(say, 500);
      const args = ['compare', ...state.docs.map((d) => d.path), '-o', '/out', '--report', '--quiet'];
      const r = await jobAsk(job, job.spawn(), files, [{ args, collect: '/out' }]);
      if (r.steps[0].rc !== 0) { showRunError('The compare failed:', r.steps); setProgress(0, 'Failed.'); return; }
      setProgress(1, `Done: ${names.length} scenarios compared in ${job.elapsed()}.`);
      const shown = state.docs.map(scenarioName);
      showResults(`${shown[0]} against ${shown.slice(1).join(', ')}`, `compare-${shown[0]}`, r.files);
    } catch (e) {
      if (!(e instanceof Cancelled)) { showRunError(`The compare stopped: ${e.message}`); setProgress(0, 'Failed.'); }
    } finally {
      endJob(job);
    }
  }

  // ---- Results ------------------------------------------------------------------------------
  const sizeText = L.sizeText;

  function showResults(title, stemName, filesObj) {
    const stem = L.fileStem(stemName);
    const names = Object.keys(filesObj).sort((a, b) => {
      const rank = (n) => (n === 'report.html' ? 0 : /\.csv$/.test(n) ? 1 : 2);
      return rank(a) - rank(b) || a.localeCompare(b);
    });
    const files = names.map((name) => ({ name, data: filesObj[name] }));
    state.results = { title, stem, files };
    $('results').hidden = false;
    $('results-name').textContent = title;
    const ul = $('files');
    ul.textContent = '';
    for (const f of files) {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = `${f.name} (${sizeText(f.data.length)})`;
      b.setAttribute('aria-label', `Download ${f.name}, ${sizeText(f.data.length)}`);
      b.dataset.file = f.name;
      b.addEventListener('click', () => download(f.name.replace(/\//g, '-'), f.data,
        /\.csv$/.test(f.name) ? 'text/csv' : /\.html$/.test(f.name) ? 'text/html' : 'text/plain'));
      li.appendChild(b);
      ul.appendChild(li);
    }
    const report = filesObj['report.html'];
    const frame = $('report');
    frame.title = `flowsim report: ${title}`;
    frame.onload = () => {
      // As tall as the report, so that the page scrolls once, not the frame inside it.
      try {
        const h = frame.contentDocument.documentElement.getBoundingClientRect().height;
        if (h > 0) frame.style.height = `${Math.ceil(h) + 40}px`;
      } catch (e) { /* a browser that keeps the frame apart: it scrolls instead */ }
    };
    frame.srcdoc = report ? decoder.decode(report) : '<p>No report was written.</p>';
    $('h-results').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  function downloadZip() {
    const r = state.results;
    if (!r) return;
    const zip = L.makeZip(r.files.map((f) => ({ name: `${r.stem}/${f.name}`, data: f.data })));
    download(`${r.stem}.zip`, zip, 'application/zip');
  }

  // ---- Start --------------------------------------------------------------------------------
  // The two lists of scenarios (the base's and a variant's): the shipped ones by folder, then
  // those opened from disk. An option's value is the scenario's path in the module.
  function fillPickers() {
    const byDir = (a, b) => L.dirName(a).localeCompare(L.dirName(b)) || a.localeCompare(b);
    const paths = Object.keys(SHIPPED).filter((r) => /\.ini$/.test(r)).map((r) => ROOT + r).sort(byDir)
      .concat(Object.keys(state.userFiles).filter((p) => /\.ini$/i.test(p)).sort(byDir));
    for (const sel of [$('pick'), $('add-shipped')]) {
      const keep = sel.value;
      sel.textContent = '';
      const first = document.createElement('option');
      first.value = '';
      first.textContent = sel.id === 'pick' ? '(choose one)' : 'Add a scenario as a variant…';
      sel.appendChild(first);
      const groups = {};
      for (const p of paths) {
        const user = p.startsWith(USER);
        const rel = p.slice(user ? USER.length : ROOT.length);
        const dir = user ? 'opened from disk' : rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : 'scenarios';
        if (!groups[dir]) {
          groups[dir] = document.createElement('optgroup');
          groups[dir].label = dir;
          sel.appendChild(groups[dir]);
        }
        const o = document.createElement('option');
        o.value = p;
        o.textContent = rel;
        if (!user && ABOUT[rel]) o.title = ABOUT[rel];
        groups[dir].appendChild(o);
      }
      sel.value = keep;
    }
  }

  function wire() {
    // The lists only choose: a keyboard moving through one (each arrow a change) loads
    // nothing; the buttons beside them act.
    const pickChanged = () => { $('load').disabled = !$('pick').value; };
    $('pick').addEventListener('change', pickChanged);
    pickChanged();
    $('load').addEventListener('click', () => {
      const p = $('pick').value;
      if (p && mayReplace(`Loading ${shortPath(p)}`)) openPath(p);
    });
    const addChanged = () => { $('add-variant').disabled = !$('add-shipped').value; };
    $('add-shipped').addEventListener('change', addChanged);
    addChanged();
    $('add-variant').addEventListener('click', () => {
      if ($('add-shipped').value) addPath($('add-shipped').value);
      $('add-shipped').value = '';
      addChanged();
    });
    $('reset-doc').addEventListener('click', resetDoc);
    $('add-copy').addEventListener('click', addCopy);
    $('remove-doc').addEventListener('click', removeDoc);
    for (const id of ['open-files', 'open-folder']) {
      // The FileList empties when the input is cleared: a copy is read.
      $(id).addEventListener('change', (e) => {
        const files = [...e.target.files];
        e.target.value = '';
        if (files.length) openFiles(files);
      });
    }
    $('save').addEventListener('click', () => download(baseName(doc().path), docBytes(doc()), 'text/plain'));
    $('save-all').addEventListener('click', saveAll);
    const ta = $('ini');
    ta.addEventListener('input', onEdit);
    ta.addEventListener('scroll', syncScroll);
    ta.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !$('run').disabled) { e.preventDefault(); runScenario(); }
    });
    $('run').addEventListener('click', runScenario);
    $('compare').addEventListener('click', compareAll);
    $('cancel').addEventListener('click', cancel);
    $('zip').addEventListener('click', downloadZip);
    const cores = navigator.hardwareConcurrency || 2;
    $('threads-note').textContent = `Replications run in up to ${cores} parallel worker${cores > 1 ? 's' : ''}.`;
  }

  async function start() {
    if ((self.FLOWSIM_MISSING || []).length) return; // index.html has said what is missing
    fillPickers();
    wire();
    const rel = SHIPPED['demo.ini'] != null ? 'demo.ini' : Object.keys(SHIPPED).find((r) => /\.ini$/.test(r));
    if (rel) { $('pick').value = ROOT + rel; openPath(ROOT + rel); }
    try {
      const version = await loadEngine();
      $('engine-status').textContent = `Engine ready: ${version} (WebAssembly, on this computer).`;
      updateButtons();
      scheduleCheck(0);
    } catch (e) {
      const st = $('engine-status');
      st.className = 'engine bad';
      st.textContent = `The engine could not start: ${e.message}. The page needs flowsim.js, ` +
        'flowsim.wasm and flowsim-embed.js beside index.html: if it was opened from inside a zip, ' +
        'unzip the whole folder first and open index.html there (a build from source: make web).';
    } finally {
      clearTimeout(self.FLOWSIM_LOAD_TIMER);
    }
  }

  start();
})();
