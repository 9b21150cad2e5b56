/* The project's own rules in the browser, as `build.py check` applies them to one record file: the JSON Schema
 * (through the vendored @cfworker/json-schema, which interprets the schema and never compiles code), then what
 * JSON Schema cannot say — the reader's character count (registry/records/schemas.py reader_length), the one rule
 * for every text (registry/records/text.py), references to records that exist (and are not samples), dates within
 * their bounds, the id and the file name — and, for a whole file, the strict YAML reading (registry/records/
 * yamlload.py: UTF-8 only, no duplicate keys, anchors, aliases, tags or second documents).
 *
 * Everything about fields comes from the build (registry/pages/form_fields.py `rules`): nothing here names a field.
 * A problem is {path: [...], code, values}; its words come from the page's message catalogue.
 * tests/test_forms_check.py runs this on every golden case of tests/cases against `check`'s verdict.
 */
var RecordCheck = (function () {
  'use strict';

  // -- characters (registry/records/text.py) ------------------------------------------------------------------
  var SPACE = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
  // str.isspace() in Python: what reader_length and the trimmed text leave out.
  var INVISIBLE = SPACE + '\\xad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u202a-\\u202e' +
    '\\u2060-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff0-\\ufff8\\u{1bca0}-\\u{1bca3}\\u{1d173}-\\u{1d17a}' +
    '\\u{e0000}-\\u{e0fff}\\u2800';
  var CONTROLS = '\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f';
  var BIDI = '\\u202a-\\u202e\\u2066-\\u2069';
  var NONCHARACTERS = '\\ud800-\\udfff\\ufdd0-\\ufdef\\ufffe\\uffff';
  for (var plane = 1; plane <= 16; plane++) {
    var last = (plane * 0x10000 + 0xffff).toString(16);
    NONCHARACTERS += '\\u{' + (plane * 0x10000 + 0xfffe).toString(16) + '}\\u{' + last + '}';
  }
  var FORBIDDEN_LINE = new RegExp('[' + CONTROLS + BIDI + NONCHARACTERS + '\\t\\n]', 'u');
  var FORBIDDEN_PROSE = new RegExp('[' + CONTROLS + BIDI + NONCHARACTERS + ']', 'u');
  var VISIBLE = new RegExp('[^' + INVISIBLE + CONTROLS + NONCHARACTERS + ']', 'u');
  var LEADING = new RegExp('^[' + INVISIBLE + ']+', 'u');
  var TRAILING = new RegExp('[' + INVISIBLE + ']+$', 'u');
  var SPACES = new RegExp('[' + SPACE + ']', 'gu');
  var NOT_COUNTED = /[\p{Cf}\p{Mn}\p{Me}\p{Cc}\ufe00-\ufe0f]/u;

  /** Characters as a reader counts them: no spaces, line breaks, invisible or combining marks (reader_length). */
  function readerLength(text) {
    var stripped = text.normalize('NFC').replace(SPACES, '');
    var n = 0;
    for (var ch of stripped) if (!NOT_COUNTED.test(ch)) n++;
    return n;
  }

  /** Code points, as JSON Schema's maxLength counts them. */
  function codePoints(text) {
    var n = 0;
    for (var _ of text) n++; // eslint-disable-line no-unused-vars
    return n;
  }

  function point(ch) {
    return 'U+' + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
  }

  /** The first way a text breaks the one rule for every text, or null (text.py `faults`). */
  function textFault(value, multiline) {
    var found = (multiline ? FORBIDDEN_PROSE : FORBIDDEN_LINE).exec(value);
    if (found) {
      var ch = found[0], at = codePoints(value.slice(0, found.index)) + 1;
      var code = ch === '\t' || ch === '\n' ? 'text-line-break'
        : /[\u202a-\u202e\u2066-\u2069]/.test(ch) ? 'text-bidi'
          : new RegExp('[' + NONCHARACTERS + ']', 'u').test(ch) ? 'text-noncharacter' : 'text-control';
      return { code: code, values: { at: at, point: point(ch) } };
    }
    if (!VISIBLE.test(value)) return { code: 'text-invisible', values: {} };
    if (!multiline && (LEADING.test(value) || TRAILING.test(value))) return { code: 'text-padding', values: {} };
    return null;
  }

  // -- dates ----------------------------------------------------------------------------------------------------
  function asDate(value) {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
    var d = new Date(value + 'T00:00:00Z');
    return isNaN(d) || d.toISOString().slice(0, 10) !== value ? null : value;
  }

  function yearsAfter(day, years) {
    var y = Number(day.slice(0, 4)) + years, rest = day.slice(4);
    var candidate = String(y).padStart(4, '0') + rest;
    return asDate(candidate) ? candidate : String(y).padStart(4, '0') + rest.slice(0, 4) + '28';
  }

  /** Today in Kunshan (China Standard Time), as check counts it. */
  function todayInKunshan() {
    return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  }

  // -- walking a record along its rules -----------------------------------------------------------------------
  function patternOf(path) {
    return path.map(function (p) { return typeof p === 'number' ? '*' : p; }).join('.');
  }

  function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  function leaves(value, path, out) {
    out.push([path, value]);
    if (Array.isArray(value)) value.forEach(function (v, i) { leaves(v, path.concat([i]), out); });
    else if (isObject(value)) Object.keys(value).forEach(function (k) { leaves(value[k], path.concat([k]), out); });
    return out;
  }

  // -- the schema ---------------------------------------------------------------------------------------------
  var BASE = 'https://registry.invalid/schemas/';
  var validators = {};

  function validatorFor(schemas, kind) {
    if (!validators[kind]) {
      var own = Object.assign({}, schemas[kind + '.schema.json'], { $id: BASE + kind + '.schema.json' });
      var v = new JSONSchema.Validator(own, '2020-12', false);
      Object.keys(schemas).forEach(function (name) {
        if (name !== kind + '.schema.json') v.addSchema(schemas[name], BASE + name);
      });
      validators[kind] = v;
    }
    return validators[kind];
  }

  // Formats as check's validator (Python jsonschema) reads them: `date` a real calendar date, `email` anything
  // with an @, `uri` unchecked (the schemas' own pattern asks for http(s)://). The library's stricter checks would
  // refuse what check accepts.
  JSONSchema.format.email = function (s) { return s.indexOf('@') >= 0; };
  JSONSchema.format.uri = function () { return true; };
  JSONSchema.format.date = function (s) { return asDate(s) !== null; };

  var LEAF_KEYWORDS = {
    required: 1, additionalProperties: 1, enum: 1, const: 1, type: 1, pattern: 1, maxLength: 1, minLength: 1,
    minimum: 1, maximum: 1, minItems: 1, uniqueItems: 1, format: 1, minProperties: 1, 'false': 1
  };

  function pointerPath(location) {
    return location.replace(/^#\/?/, '').split('/').filter(function (p) { return p !== ''; }).map(function (p) {
      p = decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~');
      return /^\d+$/.test(p) ? Number(p) : p;
    });
  }

  function schemaProblems(ctx, kind, data) {
    var result = validatorFor(ctx.schemas, kind).validate(data);
    var problems = [], seen = {};
    result.errors.forEach(function (e) {
      if (!LEAF_KEYWORDS[e.keyword]) return;
      var path = pointerPath(e.instanceLocation), values = {};
      if (e.keyword === 'required') {
        var m = /"([^"]*)"/.exec(e.error);
        path = path.concat([m ? m[1] : '?']);
        var cond = /\/then\/required$/.test(e.keywordLocation) ? e.keywordLocation : '';
        if (cond) values.condition = cond;
      }
      if (e.keyword === 'additionalProperties') {
        var name = /"([^"]*)"/.exec(e.error);
        if (name) path = path.concat([name[1]]);
      }
      var key = patternOf(path) + '|' + e.keyword;
      if (seen[key]) return;
      seen[key] = true;
      problems.push({ path: path, code: 'schema-' + e.keyword, values: values });
    });
    return problems;
  }

  // -- one record's data --------------------------------------------------------------------------------------
  /**
   * Every problem of one record's data. ctx: schemas (file name → schema), rules (kind → {fields, order,
   * required}), world (kind → id → {sample, name}), today ('YYYY-MM-DD'), fileId (the id its file name gives, or
   * null), taken (ids a new record may not use, or null).
   */
  function checkData(ctx, kind, data) {
    if (!isObject(data)) return [{ path: [], code: 'not-mapping', values: {} }];
    var rules = ctx.rules[kind] || { fields: {}, order: {} };
    var problems = [];
    var faulty = {};
    leaves(data, [], []).forEach(function (pair) {
      var path = pair[0], value = pair[1], rule = rules.fields[patternOf(path)] || {};
      if (typeof value === 'number' && !isFinite(value)) {
        problems.push({ path: path, code: 'not-finite', values: {} });
        faulty[path.join('.')] = true;
      }
      if (typeof value !== 'string') return;
      var fault = textFault(value, !!rule.markdown);
      if (fault) {
        problems.push({ path: path, code: fault.code, values: fault.values });
        faulty[path.join('.')] = true;
        return;
      }
      if (rule.max_chars) {
        var n = readerLength(value);
        if (n > rule.max_chars) {
          problems.push({ path: path, code: 'too-many-chars', values: { n: n, max: rule.max_chars, over: n - rule.max_chars } });
        }
      }
      if (rule.ref) problems.push.apply(problems, refProblems(ctx, kind, data, path, value, rule.ref));
      if (rule.date) problems.push.apply(problems, dateProblems(ctx, path, value, rule.date));
    });
    schemaProblems(ctx, kind, data).forEach(function (p) {
      if (!faulty[p.path.join('.')]) problems.push(p);
    });
    problems.push.apply(problems, recordProblems(ctx, kind, data));
    if (kind === 'plan') problems.push.apply(problems, planProblems(ctx, data));
    return problems;
  }

  // -- a plan's metrics, targets and totals (registry/records/plans.py; no form writes plans, the tests hold this
  // to check's verdict on the golden cases) -----------------------------------------------------------------------
  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function planProblems(ctx, plan) {
    var problems = [], ids = {};
    var metrics = Array.isArray(plan.metrics) ? plan.metrics : [];
    function add(path, code) { problems.push({ path: path, code: code, values: {} }); }
    metrics.forEach(function (metric, index) {
      if (!isObject(metric)) return;
      var path = ['metrics', index], fields = (ctx.rules[metric.kind] || {}).fields;
      if (typeof metric.id === 'string') {
        if (has(ids, metric.id)) add(path.concat(['id']), 'duplicate-metric');
        else ids[metric.id] = index;
      }
      if (!fields) return;
      var dateField = metric.date_field;
      if (typeof dateField === 'string' && !(has(fields, dateField) && fields[dateField].date)) {
        add(path.concat(['date_field']), 'bad-date-field');
      }
      (Array.isArray(metric.owner_fields) ? metric.owner_fields : []).forEach(function (owner, i) {
        var field = typeof owner === 'string' && owner.indexOf('.') < 0 && has(fields, owner) ? fields[owner] : {};
        if (field.ref !== 'district') add(path.concat(['owner_fields', i]), 'bad-owner-field');
      });
      var where = isObject(metric.where) ? metric.where : {};
      Object.keys(where).forEach(function (name) {
        var field = name.indexOf('.') < 0 && has(fields, name) ? fields[name] : {};
        if (!field.enum) return add(path.concat(['where', name]), 'bad-filter');
        (Array.isArray(where[name]) ? where[name] : []).forEach(function (value, i) {
          if (field.enum.indexOf(value) < 0) add(path.concat(['where', name, i]), 'bad-filter-value');
        });
      });
      if (metric.measure === 'people' && !has(fields, 'people')) add(path.concat(['measure']), 'bad-measure');
    });
    metrics.forEach(function (metric, index) {
      var partOf = isObject(metric) ? metric.part_of : null;
      if (typeof partOf === 'string' && (!has(ids, partOf) || partOf === metric.id)) {
        add(['metrics', index, 'part_of'], 'bad-part-of');
      }
    });
    var outside = Array.isArray(plan.outside_totals) ? plan.outside_totals : [];
    var sums = {}, seen = {};
    (Array.isArray(plan.targets) ? plan.targets : []).forEach(function (row, index) {
      if (!isObject(row)) return;
      if (typeof row.district === 'string') {
        if (has(seen, row.district)) add(['targets', index, 'district'], 'duplicate-target-row');
        else seen[row.district] = index;
      }
      var values = isObject(row.values) ? row.values : {};
      Object.keys(values).forEach(function (id) {
        if (!has(ids, id)) add(['targets', index, 'values', id], 'unknown-metric');
        else if (Number.isInteger(values[id]) && outside.indexOf(row.district) < 0) sums[id] = (sums[id] || 0) + values[id];
      });
    });
    var totals = isObject(plan.totals) ? plan.totals : {};
    Object.keys(totals).forEach(function (id) {
      if (!has(ids, id)) add(['totals', id], 'unknown-metric');
      else if (Number.isInteger(totals[id]) && totals[id] !== (sums[id] || 0)) add(['totals', id], 'total-mismatch');
    });
    (Array.isArray(plan.city_goals) ? plan.city_goals : []).forEach(function (goal, index) {
      if (!isObject(goal)) return;
      if (typeof goal.metric === 'string' && !has(ids, goal.metric)) add(['city_goals', index, 'metric'], 'unknown-metric');
      if (Number.isInteger(goal.min) && Number.isInteger(goal.max) && goal.max < goal.min) {
        add(['city_goals', index, 'max'], 'goal-range');
      }
    });
    return problems;
  }

  function inSampleEntry(data, path) {
    var node = data;
    for (var i = 0; i < path.length - 1; i++) {
      node = node[path[i]];
      if (isObject(node) && node.sample === true) return true;
    }
    return false;
  }

  function refProblems(ctx, kind, data, path, value, target) {
    var known = (ctx.world[target] || {})[value];
    if (!value.trim()) return [{ path: path, code: 'empty-ref', values: { kind: target } }];
    if (!known) return [{ path: path, code: 'unknown-ref', values: { id: value, kind: target } }];
    if (known.sample && data.sample !== true && !inSampleEntry(data, path)) {
      return [{ path: path, code: 'ref-to-sample', values: { id: value } }];
    }
    if (kind === 'institute' && target === 'institute' && value === data.id) {
      return [{ path: path, code: 'self-ref', values: {} }];
    }
    return [];
  }

  function dateProblems(ctx, path, value, bounds) {
    if (!asDate(value)) return [];
    if (bounds.earliest && value < bounds.earliest) {
      return [{ path: path, code: 'date-too-early', values: { day: bounds.earliest } }];
    }
    if (bounds.years_ahead !== null && bounds.years_ahead !== undefined) {
      var latest = yearsAfter(ctx.today, bounds.years_ahead);
      if (value > latest) return [{ path: path, code: 'date-in-future', values: { day: latest } }];
    }
    return [];
  }

  var ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
  var RESERVED = /^index(-p[0-9]+)?$/;
  var RESERVED_BY_KIND = { district: ['totals', 'city'] };

  function reserved(kind, id) {
    return RESERVED.test(id) || (RESERVED_BY_KIND[kind] || []).indexOf(id) >= 0;
  }

  /** What check says across the fields of one record (registry/records/crosscheck.py, the single-file part). */
  function recordProblems(ctx, kind, data) {
    var problems = [], id = data.id;
    var wellFormed = typeof id === 'string' && ID.test(id) && id.length <= 64;
    if (wellFormed && ctx.fileId !== null && ctx.fileId !== undefined && id !== ctx.fileId) {
      problems.push({ path: ['id'], code: 'id-mismatch', values: { id: id, file: ctx.fileId } });
    }
    if (wellFormed && reserved(kind, id)) problems.push({ path: ['id'], code: 'id-reserved', values: { id: id } });
    if (wellFormed && ctx.taken && ctx.taken.indexOf(id) >= 0) {
      problems.push({ path: ['id'], code: 'id-taken', values: { id: id } });
    }
    [['start', 'end'], ['reported', 'status_updated']].forEach(function (pair) {
      var a = asDate(data[pair[0]]), b = asDate(data[pair[1]]);
      if (a && b && b < a) problems.push({ path: [pair[1]], code: 'date-order', values: { first: pair[0], second: pair[1] } });
    });
    ['field', 'stage', 'type', 'mode'].forEach(function (base) {
      if ((base + '_other') in data && base in data && data[base] !== 'other') {
        problems.push({ path: [base + '_other'], code: 'other-unused', values: { field: base } });
      }
    });
    if (kind === 'institute' && typeof data.parent === 'string' && wellFormed) {
      // The parents must not form a cycle: follow them through the published institutes, this record as written.
      var chain = [id], parent = data.parent, institutes = ctx.world.institute || {};
      while (typeof parent === 'string' && parent !== id && institutes[parent] && chain.indexOf(parent) < 0) {
        chain.push(parent);
        parent = institutes[parent].parent;
      }
      if (parent === id && chain.length > 1) {
        problems.push({ path: ['parent'], code: 'parent-cycle', values: { cycle: chain.concat([id]).join(' → ') } });
      }
    }
    if (kind === 'district' && Array.isArray(data.partners)) {
      var seen = {};
      data.partners.forEach(function (entry, i) {
        var inst = isObject(entry) ? entry.institute : null;
        if (typeof inst !== 'string') return;
        if (inst in seen) problems.push({ path: ['partners', i, 'institute'], code: 'duplicate-partner', values: { id: inst } });
        else seen[inst] = i;
      });
    }
    return problems;
  }

  // -- one file -----------------------------------------------------------------------------------------------
  var MAX_BYTES = 1024 * 1024;
  var MAX_DEPTH = 32;
  var READER_REFUSES = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
  var withoutTimestamps = function (tags) {
    // check's loader keeps dates as text (JSON Schema's `format: date` checks strings): so does this reading.
    return tags.filter(function (tag) { return tag.tag !== 'tag:yaml.org,2002:timestamp'; });
  };

  /** Read YAML text as check's strict loader does: {data} or {problem}. */
  function readYaml(text) {
    if (READER_REFUSES.test(text)) return { problem: 'yaml-character' };
    var docs;
    try {
      docs = YAML.parseAllDocuments(text, { version: '1.1', customTags: withoutTimestamps, uniqueKeys: true });
    } catch (err) {
      return { problem: 'yaml-syntax' };
    }
    if (!Array.isArray(docs)) return { problem: 'yaml-syntax' };
    if (docs.length === 0 || docs[0].contents === null) return { problem: 'empty' };
    if (docs.length > 1) return { problem: 'several-documents' };
    var doc = docs[0];
    if (doc.errors.length) return { problem: doc.errors[0].code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax' };
    var refused = null;
    YAML.visit(doc, {
      Alias: function () { refused = refused || 'alias'; return YAML.visit.BREAK; },
      Pair: function (_, pair) {
        if (pair.key && !YAML.isScalar(pair.key)) { refused = refused || 'complex-key'; return YAML.visit.BREAK; }
        if (pair.key && pair.key.value === '') { refused = refused || 'empty-key'; return YAML.visit.BREAK; }
      },
      Node: function (_, node) {
        if (node.anchor) { refused = refused || 'anchor'; return YAML.visit.BREAK; }
        if (node.tag) { refused = refused || 'tag'; return YAML.visit.BREAK; }
      }
    });
    if (refused) return { problem: refused };
    var data = doc.toJS({ maxAliasCount: 0 });
    if (depth(data) > MAX_DEPTH + 1) return { problem: 'too-deep' };
    return { data: data, doc: doc };
  }

  function depth(value) {
    if (Array.isArray(value)) return 1 + value.reduce(function (m, v) { return Math.max(m, depth(v)); }, 0);
    if (isObject(value)) return 1 + Object.keys(value).reduce(function (m, k) { return Math.max(m, depth(value[k])); }, 0);
    return 0;
  }

  /**
   * Every problem of one file as a person would submit it: its path under the project (records/<kinds>/<id>.yaml)
   * and its bytes. ctx as for checkData, plus kinds (the kinds that have records/ folders).
   */
  function checkFile(ctx, path, bytes) {
    var m = /^records\/([^/]+)\/([^/]+)$/.exec(path);
    var kind = m && m[1].slice(-1) === 's' ? m[1].slice(0, -1) : null;
    if (path === 'site.yaml') kind = 'site';
    else if (!m || ctx.kinds.indexOf(kind) < 0) return [{ path: [], code: 'not-a-record-path', values: { file: path } }];
    var fileId = null;
    if (kind !== 'site') {
      var name = m[2];
      if (!/\.yaml$/.test(name)) return [{ path: [], code: 'not-yaml-name', values: { file: path } }];
      fileId = name.slice(0, -5);
      if (!ID.test(fileId) || fileId.length > 64 || reserved(kind, fileId)) {
        return [{ path: [], code: 'bad-file-name', values: { file: path } }];
      }
    }
    if (bytes.length > MAX_BYTES) return [{ path: [], code: 'file-too-big', values: {} }];
    if (bytes.length === 0) return [{ path: [], code: 'empty', values: {} }];
    var text;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch (err) {
      return [{ path: [], code: 'not-utf8', values: {} }];
    }
    var read = readYaml(text);
    if (read.problem) return [{ path: [], code: read.problem, values: {} }];
    return checkData(Object.assign({}, ctx, { fileId: fileId }), kind, read.data);
  }

  return {
    readerLength: readerLength,
    codePoints: codePoints,
    textFault: textFault,
    todayInKunshan: todayInKunshan,
    asDate: asDate,
    isObject: isObject,
    readYaml: readYaml,
    checkData: checkData,
    checkFile: checkFile
  };
})();
