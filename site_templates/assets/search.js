// Query the static bigram index written by registry/outputs/search.py (see its docstring for the file shapes).
// Tokens must match registry/outputs/search.py exactly: NFKC + lower case; CJK runs give bigrams; words stay whole.
// No DOM here: the page (search-ui.js) and the Node recall tests import this same module. The postings serve every
// language; the text store ("d-N.json") is the page's edition's own (registry/outputs/search_docs.py): what a result
// shows is in the page's language, and the texts it does not show are kept beside them for checking a match.

const CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uac00-\\ud7af\\u{20000}-\\u{3134f}";
const RUNS = new RegExp(`[${CJK}]+|[0-9a-z\\u00df-\\u024f]+`, "gu");
const CJK_START = new RegExp(`^[${CJK}]`, "u");

/** Text as the index sees it. */
export function normalise(text) {
  return text.normalize("NFKC").toLowerCase();
}

/** The runs of a query (CJK runs and words), each once, in order. */
export function queryRuns(query) {
  return [...new Set(normalise(query).match(RUNS) || [])];
}

function occurrences(text, run) {
  let count = 0;
  for (let at = text.indexOf(run); at !== -1; at = text.indexOf(run, at + run.length)) count += 1;
  return count;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
const DIGIT = new Map([...ALPHABET].map((c, n) => [c.charCodeAt(0), n]));

/** A postings string (registry/outputs/search.py `encode`) → its numbers. */
export function decode(text) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < text.length; i += 1) {
    const digit = DIGIT.get(text.charCodeAt(i));
    if (digit >= 32) { value += (digit - 32) * 2 ** shift; shift += 5; }
    else { out.push(value + digit * 2 ** shift); value = 0; shift = 0; }
  }
  return out;
}

/** Rank order: title matches first, then frequency, then doc order (kind, newest first). */
function before(a, b) {
  return (b.title - a.title) || (b.freq - a.freq) || (a.doc - b.doc);
}

/** The results of one query, verified lazily: `take(n)` settles the first n in their exact order, fetching only the
 * text-store chunks of the candidates it must check (in the order of what they could at best rank), so a first page
 * costs a few chunks. A candidate's `title` and `freq` are upper bounds until it is checked; a checked hit is final
 * once no unchecked candidate could rank above it. */
export class Results {
  constructor(index, runs, candidates) {
    this.index = index;
    this.runs = runs;
    this.candidates = candidates.sort(before);
    this.next = 0;      // candidates before it are checked
    this.pending = [];  // checked hits that an unchecked candidate could still outrank
    this.hits = [];     // final hits, in rank order
  }

  /** All candidates checked: `hits` is every result. */
  get exact() {
    return this.next >= this.candidates.length && this.pending.length === 0;
  }

  /** Results known so far (final or waiting for their place). */
  get found() {
    return this.hits.length + this.pending.length;
  }

  /** Candidates not checked yet (each may or may not contain the query). */
  get unchecked() {
    return this.candidates.length - this.next;
  }

  settle() {
    this.pending.sort(before);
    const bound = this.candidates[this.next];
    let ready = 0;
    while (ready < this.pending.length && (!bound || before(this.pending[ready], bound) <= 0)) ready += 1;
    for (const hit of this.pending.splice(0, ready)) this.hits.push(hit);
  }

  /** The first n results in rank order (fewer when there are fewer), checking only as many candidates as that needs. */
  async take(n) {
    for (;;) {
      // Check every candidate whose chunk is at hand (or that needs no check), in order.
      while (this.next < this.candidates.length) {
        const hit = this.candidates[this.next];
        if (hit.verify.length && !this.index.has(hit.doc)) break;
        if (!hit.verify.length || this.index.check(hit, this.runs, await this.index.row(hit.doc))) this.pending.push(hit);
        this.next += 1;
      }
      this.settle();
      if (this.hits.length >= n || this.next >= this.candidates.length) return this.hits.slice(0, n);
      // Fetch the chunks of the next candidates to check, as many as results are still missing, at once.
      const chunks = new Set();
      for (let i = this.next; i < this.candidates.length && chunks.size < n - this.hits.length; i += 1) {
        if (this.candidates[i].verify.length) chunks.add(this.index.chunkName(this.candidates[i].doc));
      }
      await Promise.all([...chunks].map((name) => this.index.file(name)));
    }
  }

  /** Every result (checks every candidate: the recall tests use it). */
  async all() {
    return this.take(Infinity);
  }
}

export class SearchIndex {
  /** load(path) resolves to the parsed JSON of a file under search/ ("index.json", "t-3.json", …). */
  constructor(load) {
    this.load = load;
    this.files = new Map();
    this.loaded = new Set();
  }

  /** A stored doc: [url, title, extras, [shown text…], date, sample, [other text…], marks?]; marks (an edition other
   * than the first) = [title is Chinese, [positions of the shown texts that are Chinese]]. */

  file(path) {
    if (!this.files.has(path)) {
      this.files.set(path, this.load(path).then((value) => { this.loaded.add(path); return value; }));
    }
    return this.files.get(path);
  }

  manifest() {
    return this.file("index.json");
  }

  /** The filters' columns (m.json), fetched only when a filter is chosen. */
  columns() {
    return this.file("m.json");
  }

  kindOf(manifest, doc) {
    let kind = 0;
    while (kind + 1 < manifest.starts.length && manifest.starts[kind + 1] <= doc) kind += 1;
    return manifest.kinds[kind];
  }

  /** A token's postings string: from its shard, or from its own file when the shard names it by number. */
  async list(shardNo, shard, key) {
    const value = shard[key];
    if (typeof value === "string") return value;
    return (await this.file(`t-${shardNo}-${value}.json`))[key];
  }

  /** Postings of the keys equal to (exact) or starting with (prefix) a token: Map doc → {freq, title}. */
  async postings(token, prefix) {
    const manifest = await this.manifest();
    const shardNo = token.codePointAt(0) % manifest.shards;
    const shard = await this.file(`t-${shardNo}.json`);
    // A one-character prefix may have its union as one list ("和*", registry/outputs/search.py UNIONS).
    let keys = prefix ? Object.keys(shard).filter((key) => key.startsWith(token)) : (token in shard ? [token] : []);
    if (prefix && `${token}*` in shard) keys = [`${token}*`];
    const lists = await Promise.all(keys.map((key) => this.list(shardNo, shard, key)));
    const found = new Map();
    for (const list of lists) {
      const flat = decode(list);
      let doc = 0;
      for (let i = 0; i < flat.length; i += 2) {
        doc += flat[i];
        const weight = flat[i + 1];
        const hit = found.get(doc) || { freq: 0, title: false };
        hit.freq += Math.floor(weight / 2);
        hit.title = hit.title || weight % 2 === 1;
        found.set(doc, hit);
      }
    }
    return found;
  }

  /** Docs that may contain one run: Map doc → {freq, title, verify}; verify means check against the text store, and
   * then freq and title are upper bounds (the least of its bigrams' counts; all of them in the title). */
  async lookupRun(run) {
    const chars = Array.from(run);
    if (!CJK_START.test(run) || chars.length === 1) return this.postings(run, true);
    const bigrams = [];
    for (let i = 0; i + 1 < chars.length; i += 1) bigrams.push(chars[i] + chars[i + 1]);
    const lists = await Promise.all([...new Set(bigrams)].map((bigram) => this.postings(bigram, false)));
    lists.sort((a, b) => a.size - b.size);
    const result = lists[0];
    for (const found of lists.slice(1)) {
      for (const [doc, hit] of [...result]) {
        const other = found.get(doc);
        if (!other) result.delete(doc);
        else { hit.freq = Math.min(hit.freq, other.freq); hit.title = hit.title && other.title; }
      }
    }
    // Two characters are one bigram: its postings are exact. Longer runs only narrow the candidates.
    if (chars.length > 2) for (const hit of result.values()) hit.verify = true;
    return result;
  }

  chunkName(doc) {
    return `d-${Math.floor(doc / this.chunk)}.json`;
  }

  /** Is a doc's chunk of the text store at hand? */
  has(doc) {
    return this.loaded.has(this.chunkName(doc));
  }

  async row(doc) {
    const chunk = await this.file(this.chunkName(doc));
    return chunk[doc % this.chunk];
  }

  async chunkOf(doc) {
    await this.manifest();
    return this.row(doc);
  }

  /** Check a candidate against its stored texts: does it contain every run to verify? Then its count of those runs
   * and whether the names hold them replace the bounds. */
  check(hit, runs, [, title, extras, shown, , , other]) {
    const names = normalise(`${title}\n${extras}`);
    const text = `${names}\n${normalise(shown.join("\n"))}\n${normalise(other.join("\n"))}`;
    if (!hit.verify.every((run) => text.includes(run))) return false;
    hit.freq = hit.known.freq + hit.verify.reduce((sum, run) => sum + occurrences(text, run), 0);
    hit.title = hit.known.title && hit.verify.every((run) => names.includes(run));
    return true;
  }

  /** Does a doc pass the filters {kind, field, stage, district} (codes; empty means any)? */
  allowed(manifest, columns, doc, filters) {
    if (filters.kind && this.kindOf(manifest, doc) !== filters.kind) return false;
    if (!columns) return true;
    const code = (list, value) => ALPHABET[list.indexOf(value)];
    if (filters.field && columns.field[doc] !== code(manifest.fields, filters.field)) return false;
    if (filters.stage && columns.stage[doc] !== code(manifest.stages, filters.stage)) return false;
    if (filters.district && !columns.districts[doc].includes(code(manifest.districts, filters.district))) return false;
    return true;
  }

  async filtering(filters) {
    if (!filters.field && !filters.stage && !filters.district) return null;
    const columns = await this.columns();
    return { ...columns, districts: columns.districts.split(",") };
  }

  /** Every doc that passes the filters, in doc order (kind, then newest first): browsing without a query. */
  async browse(filters = {}) {
    const manifest = await this.manifest();
    this.chunk = manifest.chunk;
    const columns = await this.filtering(filters);
    const hits = [];
    for (let doc = 0; doc < manifest.count; doc += 1) {
      if (this.allowed(manifest, columns, doc, filters)) {
        hits.push({ doc, kind: this.kindOf(manifest, doc), title: false, freq: 0, verify: [] });
      }
    }
    const results = new Results(this, [], hits);
    await results.take(0);
    return results;
  }

  /** The results of a query: every doc containing every run, ranked (title matches first, then frequency, then doc
   * order), checked lazily (Results.take). */
  async find(query, filters = {}) {
    const runs = queryRuns(query);
    const manifest = await this.manifest();
    this.chunk = manifest.chunk;
    if (runs.length === 0) return new Results(this, runs, []);
    const [columns, ...found] = await Promise.all([this.filtering(filters), ...runs.map((run) => this.lookupRun(run))]);
    let merged = null;
    runs.forEach((run, n) => {
      const verified = (hit) => Boolean(hit.verify);
      if (merged === null) {
        merged = new Map();
        for (const [doc, hit] of found[n]) {
          if (this.allowed(manifest, columns, doc, filters)) {
            merged.set(doc, { doc, freq: hit.freq, title: hit.title, verify: verified(hit) ? [run] : [],
              known: verified(hit) ? { freq: 0, title: true } : { freq: hit.freq, title: hit.title } });
          }
        }
        return;
      }
      for (const [doc, hit] of [...merged]) {
        const other = found[n].get(doc);
        if (!other) { merged.delete(doc); continue; }
        hit.freq += other.freq;
        hit.title = hit.title && other.title;
        if (verified(other)) hit.verify.push(run);
        else { hit.known.freq += other.freq; hit.known.title = hit.known.title && other.title; }
      }
    });
    const candidates = [...merged.values()];
    for (const hit of candidates) hit.kind = this.kindOf(manifest, hit.doc);
    return new Results(this, runs, candidates);
  }

  /** Every doc containing every run of the query, ranked, all checked: {runs, hits}. */
  async search(query, filters = {}) {
    const results = await this.find(query, filters);
    return { runs: results.runs, hits: await results.all() };
  }

  /** What a result shows: url, title, date, whether it is a sample, an excerpt as [{text, mark}] segments around
   * the first match inside one of the texts shown (so an excerpt never runs from one language into another), and
   * the language of the title and of the excerpt where the page's edition shows them in Chinese ("zh-CN"). */
  async describe(hit, runs, width = 60) {
    const [url, title, , shown, date, sample, , marks] = await this.chunkOf(hit.doc);
    const [titleChinese, chinese] = marks || [0, []];
    const texts = shown.map((text) => text.replace(/\s+/g, " "));
    let which = 0;
    let flat = texts[0] || "";
    let at = -1;
    let run = "";
    texts.forEach((text, n) => {
      const lower = normalise(text);
      // Offsets carry over only where normalising kept the length (the usual case).
      if (at !== -1 || lower.length !== text.length) return;
      for (const candidate of runs) {
        const index = lower.indexOf(candidate);
        if (index !== -1 && (at === -1 || index < at)) { at = index; run = candidate; which = n; flat = text; }
      }
    });
    const start = at === -1 ? 0 : Math.max(0, at - Math.floor(width / 3));
    const end = Math.min(flat.length, start + width * 2);
    const excerpt = [];
    if (start > 0) excerpt.push({ text: "…", mark: false });
    if (at === -1) excerpt.push({ text: flat.slice(start, end), mark: false });
    else {
      excerpt.push({ text: flat.slice(start, at), mark: false });
      excerpt.push({ text: flat.slice(at, at + run.length), mark: true });
      excerpt.push({ text: flat.slice(at + run.length, end), mark: false });
    }
    if (end < flat.length) excerpt.push({ text: "…", mark: false });
    return {
      url, title, date, kind: hit.kind, excerpt, sample: sample === 1,
      titleLang: titleChinese ? "zh-CN" : "", excerptLang: chinese.includes(which) ? "zh-CN" : "",
    };
  }
}
