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

export class SearchIndex {
  /** load(path) resolves to the parsed JSON of a file under search/ ("index.json", "t-3.json", …). */
  constructor(load) {
    this.load = load;
    this.files = new Map();
  }

  /** A stored doc: [url, title, extras, [shown text…], date, sample, [other text…], marks?]; marks (an edition other
   * than the first) = [title is Chinese, [positions of the shown texts that are Chinese]]. */

  file(path) {
    if (!this.files.has(path)) this.files.set(path, this.load(path));
    return this.files.get(path);
  }

  manifest() {
    return this.file("index.json");
  }

  async shardOf(token) {
    const manifest = await this.manifest();
    return this.file(`t-${token.codePointAt(0) % manifest.shards}.json`);
  }

  /** Postings of the keys equal to (exact) or starting with (prefix) a token: Map doc → {freq, title}. */
  async postings(token, prefix) {
    const shard = await this.shardOf(token);
    const keys = prefix ? Object.keys(shard).filter((key) => key.startsWith(token)) : (token in shard ? [token] : []);
    const found = new Map();
    for (const key of keys) {
      const flat = shard[key];
      let doc = 0;
      for (let i = 0; i < flat.length; i += 2) {
        doc += flat[i];
        const weight = flat[i + 1];
        const hit = found.get(doc) || { freq: 0, title: false };
        hit.freq += weight >> 1;
        hit.title = hit.title || (weight & 1) === 1;
        found.set(doc, hit);
      }
    }
    return found;
  }

  /** Docs that contain one run: Map doc → {freq, title, verify}; verify means check against the text store. */
  async lookupRun(run) {
    const chars = Array.from(run);
    if (!CJK_START.test(run) || chars.length === 1) return this.postings(run, true);
    const bigrams = [];
    for (let i = 0; i + 1 < chars.length; i += 1) bigrams.push(chars[i] + chars[i + 1]);
    let result = null;
    for (const bigram of new Set(bigrams)) {
      const found = await this.postings(bigram, false);
      if (result === null) result = found;
      else for (const doc of [...result.keys()]) if (!found.has(doc)) result.delete(doc);
      if (result.size === 0) break;
    }
    // Two characters are one bigram: its postings are exact. Longer runs only narrow the candidates.
    if (chars.length > 2) for (const hit of result.values()) hit.verify = true;
    return result;
  }

  async chunkOf(doc) {
    const manifest = await this.manifest();
    const chunk = await this.file(`d-${Math.floor(doc / manifest.chunk)}.json`);
    return chunk[doc % manifest.chunk];
  }

  /** Does a doc pass the filters {kind, field, stage, district} (codes; empty means any)? */
  allowed(manifest, doc, filters) {
    const [kind, field, stage, districts] = manifest.meta[doc];
    if (filters.kind && manifest.kinds[kind] !== filters.kind) return false;
    if (filters.field && manifest.fields[field] !== filters.field) return false;
    if (filters.stage && manifest.stages[stage] !== filters.stage) return false;
    if (filters.district && !districts.some((d) => manifest.districts[d] === filters.district)) return false;
    return true;
  }

  /** Every doc that passes the filters, in doc order (kind, then newest first): browsing without a query. */
  async browse(filters = {}) {
    const manifest = await this.manifest();
    const hits = [];
    for (let doc = 0; doc < manifest.meta.length; doc += 1) {
      if (this.allowed(manifest, doc, filters)) hits.push({ doc, kind: manifest.kinds[manifest.meta[doc][0]], title: false, freq: 0 });
    }
    return { runs: [], hits };
  }

  /** Every doc containing every run of the query, ranked: title matches first, then frequency, then doc order. */
  async search(query, filters = {}) {
    const runs = queryRuns(query);
    if (runs.length === 0) return { runs, hits: [] };
    const manifest = await this.manifest();
    let merged = null;
    for (const run of runs) {
      const found = await this.lookupRun(run);
      if (merged === null) {
        merged = new Map();
        for (const [doc, hit] of found) {
          if (this.allowed(manifest, doc, filters)) merged.set(doc, { freq: hit.freq, title: hit.title, verify: [] });
        }
      } else {
        for (const [doc, hit] of [...merged]) {
          const other = found.get(doc);
          if (!other) merged.delete(doc);
          else { hit.freq += other.freq; hit.title = hit.title && other.title; }
        }
      }
      for (const [doc, hit] of found) if (hit.verify && merged.has(doc)) merged.get(doc).verify.push(run);
      if (merged.size === 0) break;
    }
    const hits = [];
    for (const [doc, hit] of merged) {
      if (hit.verify.length) {
        const [, title, extras, shown, , , other] = await this.chunkOf(doc);
        const names = normalise(`${title}\n${extras}`);
        const text = `${names}\n${normalise(shown.join("\n"))}\n${normalise(other.join("\n"))}`;
        if (!hit.verify.every((run) => text.includes(run))) continue;
        // Recount what the bigram postings could only estimate.
        hit.freq = runs.reduce((sum, run) => sum + occurrences(text, run), 0);
        hit.title = runs.every((run) => names.includes(run));
      }
      hits.push({ doc, kind: manifest.kinds[manifest.meta[doc][0]], title: hit.title, freq: hit.freq });
    }
    hits.sort((a, b) => (b.title - a.title) || (b.freq - a.freq) || (a.doc - b.doc));
    return { runs, hits };
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
