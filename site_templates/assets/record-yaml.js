/* A record written as YAML the way the project writes records, with the vendored `yaml` library (never by joining
 * strings): keys in schema order (the build hands the order, registry/pages/form_fields.py `rules`), texts as
 * zh/en mappings, multi-line text as a literal block, and every string that a YAML 1.1 reader such as PyYAML could
 * take for something else quoted — the library quotes what YAML 1.1 resolves (no, on, 12:30, 2017-01-05, 0x1F,
 * ~), and a string that starts with a digit or a sign is quoted too (phone numbers, dates in any form).
 * A record that started from a file keeps that file's comments.
 */
var RecordYaml = (function () {
  'use strict';

  function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  function patternOf(path) {
    return path.map(function (p) { return typeof p === 'number' ? '*' : p; }).join('.');
  }

  /** A copy whose objects list their keys in schema order (unknown keys after them, as they came). */
  function ordered(value, order, path) {
    if (Array.isArray(value)) return value.map(function (v, i) { return ordered(v, order, path.concat([i])); });
    if (!isObject(value)) return value;
    var keys = (order[patternOf(path)] || []).filter(function (k) { return k in value; });
    Object.keys(value).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    var out = {};
    keys.forEach(function (k) { out[k] = ordered(value[k], order, path.concat([k])); });
    return out;
  }

  var STARTS_LIKE_A_NUMBER = /^[-+.]?[0-9]/;

  /** Carry the comments of the file the record started from onto the same keys. */
  function keepComments(source, doc) {
    doc.commentBefore = source.commentBefore;
    doc.comment = source.comment;
    (function copy(from, to) {
      if (!YAML.isMap(from) || !YAML.isMap(to)) return;
      to.items.forEach(function (pair) {
        var old = from.items.find(function (p) { return p.key && pair.key && p.key.value === pair.key.value; });
        if (!old) return;
        if (old.key.commentBefore) pair.key.commentBefore = old.key.commentBefore;
        if (old.key.spaceBefore) pair.key.spaceBefore = true;
        if (old.value && pair.value) {
          if (old.value.comment) pair.value.comment = old.value.comment;
          if (old.value.commentBefore) pair.value.commentBefore = old.value.commentBefore;
          copy(old.value, pair.value);
        }
      });
    })(source.contents, doc.contents);
  }

  /**
   * The YAML text of a record. options: order (object path → keys in schema order), source (a YAML.Document the
   * record started from, for its comments), left (comments to place before a top-level key: key → text, or '' for
   * the end: fields the writer could not fill, such as private fields left to the reviewer).
   */
  function write(data, options) {
    var doc = new YAML.Document(ordered(data, options.order || {}, []), { version: '1.1' });
    YAML.visit(doc, {
      Pair: function (_, pair) {
        var node = pair.value;
        if (!YAML.isScalar(node) || typeof node.value !== 'string') return;
        if (node.value.indexOf('\n') >= 0) node.type = 'BLOCK_LITERAL';
        else if (STARTS_LIKE_A_NUMBER.test(node.value)) node.type = 'QUOTE_DOUBLE';
      },
      Seq: function (_, seq) {
        seq.items.forEach(function (node) {
          if (YAML.isScalar(node) && typeof node.value === 'string' && STARTS_LIKE_A_NUMBER.test(node.value)) {
            node.type = 'QUOTE_DOUBLE';
          }
        });
      }
    });
    if (options.source) keepComments(options.source, doc);
    var left = options.left || {};
    Object.keys(left).forEach(function (key) {
      var pair = key && doc.contents.items.find(function (p) { return p.key.value === key; });
      if (pair) pair.key.commentBefore = (pair.key.commentBefore ? pair.key.commentBefore + '\n' : '') + left[key];
      else doc.comment = (doc.comment ? doc.comment + '\n' : '') + left[key];
    });
    return doc.toString({ lineWidth: 0, indent: 2 });
  }

  return { write: write, ordered: ordered };
})();
