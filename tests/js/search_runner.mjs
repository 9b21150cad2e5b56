// Runs queries against a BUILT site's search index with the site's own search.js, in Node.
// Usage: node search_runner.mjs PUBLIC_DIR [STORE] < [{"q": "...", "filters": {...}, "take": n?}, ...]  → JSON results
// on stdout: every result, or with "take" only the first n as the search page gets them (checked lazily), with
// "checked": the text-store chunks read for them.
// STORE: the edition's text store, as the search page's data-store names it (search/, en/search/).
import { readFile } from "node:fs/promises";
import path from "node:path";

const site = process.argv[2];
// Import the exact bytes the site ships (a data: URL, so Node needs no package.json "type": "module").
const source = await readFile(path.join(site, "assets", "search.js"), "utf-8");
const { SearchIndex } = await import("data:text/javascript;base64," + Buffer.from(source).toString("base64"));
const store = process.argv[3] || "search/";
const index = new SearchIndex(async (file) =>
  JSON.parse(await readFile(path.join(site, file.startsWith("d-") ? store : "search/", file), "utf-8")));

let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const { q, filters, take } of JSON.parse(input)) {
  index.files.clear();
  index.loaded.clear();
  const found = await index.find(q, filters || {});
  const hits = take === undefined ? await found.all() : await found.take(take);
  const { runs } = found;
  const checked = [...index.loaded].filter((name) => name.startsWith("d-")).length;
  const results = [];
  for (const hit of hits) {
    const shown = await index.describe(hit, runs);
    results.push({ url: shown.url, title: shown.title, kind: hit.kind, in_title: hit.title, freq: hit.freq,
                   excerpt: shown.excerpt, title_lang: shown.titleLang, excerpt_lang: shown.excerptLang });
  }
  out.push({ q, runs, results, checked, exact: found.exact, found: found.found, unchecked: found.unchecked });
}
process.stdout.write(JSON.stringify(out));
