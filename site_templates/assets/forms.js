/* A staff form: what is typed becomes a record, checked in the browser (record-check.js) and written as YAML
 * (record-yaml.js); it ends on the repository host's new-file page (a pull request), or as a download. Everything
 * about the kind, its fields, the records it may refer to and the words it shows comes from the page's JSON
 * (registry/pages/forms.py), so the same script serves every kind and language. No inline script, no eval.
 */
(function () {
  'use strict';

  var form = document.getElementById('record-form');
  var dataBlock = document.getElementById('form-data');
  if (!form || !dataBlock || typeof RecordCheck === 'undefined' || typeof RecordYaml === 'undefined') return;
  var config = JSON.parse(dataBlock.textContent);
  var kind = config.kind, rules = config.rules[kind], messages = config.messages;
  var storageKey = 'registry-form:' + kind + ':' + location.pathname;
  var state = { mode: 'new', editId: null, extra: {}, source: null };

  function $(id) { return document.getElementById(id); }

  function say(key, values) {
    // A message about n things takes its singular for 1 where the language has one (registry/plural.py).
    var one = values && values.n === 1 ? messages[key + '.one'] : undefined;
    var text = one || messages[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split('{' + name + '}').join(String(values[name]));
    });
    return text;
  }

  function fieldId(path) {
    return 'f-' + path.join('-').replace(/_/g, '-');
  }

  // -- the form's values as a record, and back ----------------------------------------------------------------
  function setIn(target, path, value) {
    var node = target;
    for (var i = 0; i < path.length - 1; i++) {
      if (!RecordCheck.isObject(node[path[i]])) node[path[i]] = {};
      node = node[path[i]];
    }
    node[path[path.length - 1]] = value;
  }

  function getIn(source, path) {
    var node = source;
    for (var i = 0; i < path.length; i++) {
      if (node === null || node === undefined) return undefined;
      node = node[path[i]];
    }
    return node;
  }

  function lines(text) {
    return text.split('\n').map(function (l) { return l.trim(); }).filter(function (l) { return l !== ''; });
  }

  function collect() {
    var data = {};
    var lists = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.closest('[data-other-of][hidden]')) return;  // an "other" box not in use writes nothing
      var path = el.name.split('.');
      if (el.type === 'checkbox' && el.closest('.checklist')) {
        lists[el.name] = lists[el.name] || [];
        if (el.checked) lists[el.name].push(el.value);
        return;
      }
      if (el.type === 'checkbox') { if (el.checked) setIn(data, path, true); return; }
      var value = el.value;
      if (value === '') return;
      var widget = el.dataset.widget;
      if (widget === 'lines') value = lines(value);
      else if (widget === 'texts') {
        value = lines(value).map(function (line) {
          var parts = line.split('|');
          var text = { zh: parts[0].trim() };
          if (parts.length > 1 && parts.slice(1).join('|').trim()) text.en = parts.slice(1).join('|').trim();
          return text;
        });
      } else if ((widget === 'integer' || widget === 'number') && /^[-+]?[0-9]+(\.[0-9]+)?$/.test(value.trim())) {
        value = Number(value.trim());
      }
      if (Array.isArray(value) && value.length === 0) return;
      setIn(data, path, value);
    });
    Object.keys(lists).forEach(function (name) {
      if (lists[name].length) setIn(data, name.split('.'), lists[name]);
    });
    Object.keys(state.extra).forEach(function (key) { if (!(key in data)) data[key] = state.extra[key]; });
    return data;
  }

  function fill(data) {
    var known = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      var path = el.name.split('.');
      known[path[0]] = true;
      var value = getIn(data, path);
      if (el.type === 'checkbox' && el.closest('.checklist')) {
        el.checked = Array.isArray(value) && value.indexOf(el.value) >= 0;
      } else if (el.type === 'checkbox') {
        el.checked = value === true;
      } else if (value === undefined || value === null) {
        el.value = '';
      } else if (el.tagName === 'SELECT' && !Array.prototype.some.call(el.options, function (o) { return o.value === String(value); })) {
        // A value the list does not offer (a misspelt or unpublished id): shown as it is, so the check names it.
        var option = document.createElement('option');
        option.value = option.textContent = String(value);
        el.appendChild(option);
        el.value = String(value);
      } else if (el.dataset.widget === 'texts' && Array.isArray(value)) {
        el.value = value.map(function (t) { return t && t.en ? t.zh + ' | ' + t.en : (t && t.zh) || ''; }).join('\n');
      } else if (Array.isArray(value)) {
        el.value = value.join('\n');
      } else if (typeof value !== 'object') {
        el.value = String(value);
      }
    });
    state.extra = {};
    Object.keys(data).forEach(function (key) { if (!known[key]) state.extra[key] = data[key]; });
    form.querySelectorAll('[data-max-chars], [data-max-length]').forEach(count);
    others(true);
  }

  // -- "other" boxes (field_other and the like): shown only while their field says other, the only time a record may
  // fill them (check's other-unused). A box a loaded record or file filled stays in view, so nothing goes unseen; a
  // hidden box writes nothing. Without this script the form itself stays hidden (form.noscript says why).
  function others(keepFilled) {
    form.querySelectorAll('[data-other-of]').forEach(function (box) {
      var chosen = $(box.dataset.otherOf).value === box.dataset.otherValue;
      var filled = keepFilled && Array.prototype.some.call(box.querySelectorAll('input, textarea'), function (el) {
        return el.value !== '';
      });
      box.hidden = !(chosen || filled);
    });
  }
  form.addEventListener('change', function (event) {
    if (event.target.hasAttribute('aria-controls')) others(false);
  });

  // -- counters (updated when an input method finishes composing, not on every keystroke of a composition) -------
  function count(el) {
    var out = $(el.id + '-count');
    if (!out) return;
    var max = Number(el.dataset.maxChars || el.dataset.maxLength);
    var n = el.dataset.maxChars ? RecordCheck.readerLength(el.value) : RecordCheck.codePoints(el.value);
    var text = n > max ? say('count_over', { n: n, max: max, over: n - max }) : say('count', { n: n, max: max });
    out.textContent = text + (el.dataset.maxChars ? say('paren', { text: say('count_rule') }) : '');
    out.classList.toggle('over', n > max);
  }

  form.addEventListener('input', function (event) {
    var el = event.target;
    if (el.dataset && (el.dataset.maxChars || el.dataset.maxLength) && !event.isComposing) count(el);
    save();
  });
  form.addEventListener('compositionend', function (event) {
    var el = event.target;
    if (el.dataset && (el.dataset.maxChars || el.dataset.maxLength)) count(el);
    save();
  });
  form.addEventListener('change', save);

  // -- reference pickers: a filter over the options -------------------------------------------------------------
  document.querySelectorAll('.ref-filter').forEach(function (p) { p.hidden = false; });
  document.querySelectorAll('input[data-filters]').forEach(function (input) {
    input.addEventListener('input', function () {
      var query = input.value.trim().toLowerCase();
      var target = $(input.dataset.filters);
      var items = target.tagName === 'SELECT' ? target.options : target.querySelectorAll('li');
      Array.prototype.forEach.call(items, function (item) {
        if (item.value === '') return;
        var text = item.textContent + ' ' + (item.dataset.aliases || '');
        item.hidden = query !== '' && text.toLowerCase().indexOf(query) < 0;
      });
      if (target.tagName === 'SELECT' && query) {
        var first = Array.prototype.find.call(target.options, function (o) { return !o.hidden && o.value; });
        if (first && (target.value === '' || target.selectedOptions[0].hidden)) target.value = first.value;
      }
    });
  });

  // -- kept in this browser ----------------------------------------------------------------------------------
  var saving = null;
  function save() {
    clearTimeout(saving);
    saving = setTimeout(function () {
      try {
        localStorage.setItem(storageKey, JSON.stringify({ data: collect(), mode: state.mode, editId: state.editId }));
      } catch (err) { /* storage full or refused: the form still works */ }
    }, 150);
  }

  function restore() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(storageKey) || 'null'); } catch (err) { saved = null; }
    if (!saved || !saved.data) return false;
    state.mode = saved.mode || 'new';
    state.editId = saved.editId || null;
    fill(saved.data);
    return true;
  }

  $('form-clear').addEventListener('click', function () {
    clearTimeout(saving);
    try { localStorage.removeItem(storageKey); } catch (err) { /* nothing kept */ }
    state = { mode: 'new', editId: null, extra: {}, source: null };
    form.reset();
    fill({});
    showErrors([]);
    $('form-result').hidden = true;
    $('form-status').textContent = say('cleared');
  });

  // -- starting from a published record or a file ----------------------------------------------------------------
  function startFrom(data, mode, note, source) {
    state.mode = mode;
    state.editId = mode === 'edit' ? data.id : null;
    state.source = source || null;
    form.reset();
    fill(data);
    save();
    $('start-status').textContent = note;
  }

  function loadPublished(id) {
    var url = form.dataset.records;
    fetch(url).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (download) {
      var record = (download.records || []).find(function (r) { return r.id === id; });
      if (!record) { $('start-status').textContent = say('not_found', { id: id }); return; }
      startFrom(record, 'edit', say('loaded', { id: id }));
    }).catch(function () {
      $('start-status').textContent = say('load_failed', { file: url });
    });
  }

  $('edit-load').addEventListener('click', function () {
    var id = $('edit-id').value.trim();
    if (id) loadPublished(id);
  });

  $('edit-file').addEventListener('change', function () {
    var file = this.files[0];
    if (!file) return;
    file.text().then(function (text) {
      if (/\.json$/i.test(file.name)) {
        var parsed = JSON.parse(text);
        var id = $('edit-id').value.trim();
        var record = Array.isArray(parsed.records)
          ? parsed.records.find(function (r) { return r.id === id; }) : parsed;
        if (!RecordCheck.isObject(record)) throw new Error(say('not_found', { id: id }));
        startFrom(record, 'edit', say('loaded', { id: record.id }));
        return;
      }
      var read = RecordCheck.readYaml(text);
      if (read.problem || !RecordCheck.isObject(read.data)) throw new Error(read.problem || 'not-mapping');
      var published = read.data.id && config.world[kind] && config.world[kind][read.data.id];
      startFrom(read.data, published ? 'edit' : 'new', say('file_loaded', { name: file.name }), read.doc);
    }).catch(function (err) {
      $('start-status').textContent = say('file_failed', { name: file.name, reason: err.message });
    });
  });

  // -- checking, and the file ---------------------------------------------------------------------------------
  function context() {
    var taken = state.mode === 'new' ? Object.keys(config.world[kind] || {}) : null;
    return {
      schemas: config.schemas,
      rules: config.rules,
      world: config.world,
      today: RecordCheck.todayInKunshan(),
      kinds: Object.keys(config.kind_names),
      taken: taken,
      fileId: state.mode === 'edit' ? state.editId : null
    };
  }

  function titleOf(path) {
    var named = path.filter(function (p) { return typeof p !== 'number'; });
    if (named.length > 1 && (named[named.length - 1] === 'zh' || named[named.length - 1] === 'en')) {
      var inner = rules.fields[named.join('.')];
      var outer = rules.fields[named.slice(0, -1).join('.')];
      var lang = config.lang === 'en' ? 1 : 0;
      return outer ? outer.title[lang] + (named.length && inner ? say('paren', { text: inner.title[lang] }) : '') : named.join('.');
    }
    var rule = rules.fields[named.join('.')];
    return rule ? rule.title[config.lang === 'en' ? 1 : 0] : named.join('.');
  }

  var TEXT_CODES = ['text-control', 'text-bidi', 'text-noncharacter', 'text-line-break', 'text-invisible', 'text-padding'];

  function describe(problem, data) {
    var v = problem.values || {}, title = titleOf(problem.path), code = problem.code;
    if (code === 'schema-required' || code === 'empty-ref') {
      if (v.condition) {
        var other = /\/allOf\/(\d+)\//.exec(v.condition);
        var schema = config.schemas[kind + '.schema.json'];
        var rule = other && schema.allOf[Number(other[1])];
        var name = rule && Object.keys(rule.if.properties)[0];
        var option = name && document.querySelector('#' + fieldId([name]) + ' option[value="' + rule.if.properties[name].const + '"]');
        return say('required_when', { title: title, other: titleOf([name]), value: option ? option.textContent : '' });
      }
      return say('required', { title: title });
    }
    if (code === 'schema-additionalProperties') return say('unknown_field', { name: problem.path[problem.path.length - 1] });
    if (code === 'schema-enum' || code === 'schema-const') return say('enum', { title: title });
    if (code === 'schema-type') return say('type', { title: title });
    if (code === 'schema-pattern') {
      if (problem.path.length === 1 && problem.path[0] === 'id') return say('id_pattern');
      var help = $(fieldId(problem.path) + '-help');
      return say('pattern', { title: title, help: help ? help.textContent.trim() : '' });
    }
    if (code === 'schema-maxLength') {
      var value = getIn(data, problem.path) || '', max = lengthLimit(problem.path);
      var n = RecordCheck.codePoints(String(value));
      return say('too_long', { n: n, max: max, over: n - max });
    }
    if (code === 'schema-minLength') return say('empty', { title: title });
    if (code === 'schema-minItems') return say('min_items', { title: title, n: 1 });
    if (code === 'schema-uniqueItems') return say('unique', { title: title });
    if (code === 'schema-format') return say('date', { title: title });
    if (code === 'too-many-chars') return say('too_many_chars', v);
    if (code === 'unknown-ref') return say('unknown_ref', { id: v.id, kind: config.kind_names[v.kind] || v.kind });
    if (code === 'ref-to-sample') return say('ref_to_sample', v);
    if (code === 'self-ref') return say('self_ref');
    if (code === 'date-too-early') return say('date_early', { title: title, day: v.day });
    if (code === 'date-in-future') return say('date_late', { title: title, day: v.day });
    if (code === 'date-order') return say('date_order', { first: titleOf([v.first]), second: titleOf([v.second]) });
    if (code === 'other-unused') return say('other_unused', { title: title, field: titleOf([v.field]) });
    if (code === 'id-taken') return say('taken', v);
    if (code === 'id-reserved') return say('id_reserved', v);
    if (code === 'not-finite') return say('number', { title: title });
    if (TEXT_CODES.indexOf(code) >= 0) return say('text', { title: title, fault: say(code, v) });
    return say('invalid', { title: title });
  }

  function lengthLimit(path) {
    var el = $(fieldId(path));
    return el && el.dataset.maxLength ? Number(el.dataset.maxLength) : '';
  }

  /** The control a problem belongs to: the field at its path, else the nearest field above it. */
  function controlFor(path) {
    for (var n = path.length; n > 0; n--) {
      var named = path.slice(0, n).filter(function (p) { return typeof p !== 'number'; });
      var el = $(fieldId(named));
      if (el) return el;
    }
    return null;
  }

  function showErrors(list) {
    form.querySelectorAll('.field-error').forEach(function (p) { p.hidden = true; p.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    list.forEach(function (item) {
      if (!item.control) return;
      var box = $(item.control.id + '-error');
      if (box) {
        box.hidden = false;
        box.textContent = box.textContent ? box.textContent + '；' + item.text : item.text;
      }
      if (item.control.matches('input, select, textarea')) item.control.setAttribute('aria-invalid', 'true');
    });
  }

  var PRIVATE_NOTE = { zh: '不公开字段，表单中未填写：合并前由审核人保留原文件中的值', en: 'private, not filled in on the form: the reviewer keeps the existing value' };

  function privateLeft(data) {
    if (state.mode !== 'edit') return {};
    var order = rules.order[''] || [], left = {};
    order.forEach(function (key, i) {
      var rule = rules.fields[key];
      if (!rule || !rule.private || key in data) return;
      var next = order.slice(i + 1).find(function (k) { return k in data; }) || '';
      var note = ' ' + key + ': ' + PRIVATE_NOTE.zh + ' / ' + PRIVATE_NOTE.en;
      left[next] = left[next] ? left[next] + '\n' + note : note;
    });
    return left;
  }

  var downloadUrl = null;

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = collect();
    var problems = RecordCheck.checkData(context(), kind, data);
    var result = $('form-result'), list = $('form-problems');
    result.hidden = false;
    list.textContent = '';
    $('form-output').hidden = problems.length > 0;
    var shown = problems.map(function (p) {
      var text = describe(p, data);
      // Next to its field a length message needs no name; in the list above the file it does.
      var named = p.code === 'too-many-chars' || p.code === 'schema-maxLength';
      return { control: controlFor(p.path), text: text, listed: named ? say('in_field', { title: titleOf(p.path), text: text }) : text };
    });
    showErrors(shown);
    if (problems.length) {
      var intro = document.createElement('p');
      intro.className = 'problems-intro';
      intro.textContent = say('problems', { n: problems.length });
      var ul = document.createElement('ul');
      ul.className = 'problems';
      shown.forEach(function (item) {
        var li = document.createElement('li');
        if (item.control) {
          var a = document.createElement('a');
          a.href = '#' + item.control.id;
          a.textContent = item.listed;
          li.appendChild(a);
        } else {
          li.textContent = item.listed;
        }
        ul.appendChild(li);
      });
      list.appendChild(intro);
      list.appendChild(ul);
      $('result-heading').focus();
      return;
    }
    var left = privateLeft(data);
    var yaml = RecordYaml.write(data, { order: rules.order, source: state.source, left: left });
    var path = 'records/' + config.folder + '/' + data.id + '.yaml';
    $('output-yaml').value = yaml;
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([yaml], { type: 'text/yaml;charset=utf-8' }));
    var download = $('output-download');
    download.href = downloadUrl;
    download.setAttribute('download', data.id + '.yaml');
    var note = $('output-note');
    note.textContent = '';
    var leftNames = Object.keys(left).length
      ? (rules.order[''] || []).filter(function (k) { return rules.fields[k] && rules.fields[k].private && !(k in data); }) : [];
    if (leftNames.length) addNote(say('private_left', { fields: leftNames.map(function (k) { return titleOf([k]); }).join('、') }));
    var submit = $('output-submit');
    if (state.mode === 'edit') {
      $('output-summary').textContent = say('ok_edit', { path: path });
      if (submit) submit.href = config.repository.edit + config.folder + '/' + data.id + '.yaml';
    } else {
      $('output-summary').textContent = say('ok', { path: path });
      if (submit) {
        var base = config.repository.new + config.folder + '?filename=' + encodeURIComponent(data.id + '.yaml');
        var full = base + '&value=' + encodeURIComponent(yaml);
        if (full.length <= config.max_url) {
          submit.href = full;
        } else {
          submit.href = base;
          addNote(say('too_long_url', { n: full.length }));
          var open = document.createElement('a');
          open.href = base;
          open.target = '_blank';
          open.rel = 'noopener';
          open.textContent = say('open_new_empty');
          var p = document.createElement('p');
          p.appendChild(open);
          note.appendChild(p);
        }
        submit.dataset.fits = String(full.length <= config.max_url);
      }
    }
    $('form-output').hidden = false;
    $('result-heading').focus();
  });

  function addNote(text) {
    var p = document.createElement('p');
    p.textContent = text;
    $('output-note').appendChild(p);
  }

  $('output-copy').addEventListener('click', function () {
    var box = $('output-yaml');
    var done = function () { $('output-note').insertAdjacentText('afterbegin', say('copied') + ' '); };
    var fallback = function () {
      box.focus();
      box.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (err) { ok = false; }
      if (ok) done(); else addNote(say('copy_failed'));
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(box.value).then(done, fallback);
    else fallback();
  });

  // -- start -----------------------------------------------------------------------------------------------------
  form.hidden = false;
  $('form-start').hidden = false;
  var wanted = new URLSearchParams(location.search).get('edit');
  if (wanted) {
    $('edit-id').value = wanted;
    loadPublished(wanted);
  } else if (restore()) {
    $('form-status').textContent = say('restored');
  }
  form.querySelectorAll('[data-max-chars], [data-max-length]').forEach(count);
  others(true);
})();
