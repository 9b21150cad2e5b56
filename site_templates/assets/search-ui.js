// The search page: reads q and the filters from the address, shows ranked results, announces the count.
// Without JavaScript (or from the file system, where browsers refuse to fetch) the page keeps its links
// to the directories and facet pages.
import { SearchIndex } from "./search.js";

const PAGE = 10;  // a page of results costs one text-store chunk per result (registry/outputs/search.py)
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
// The postings are shared (search/ at the site's root); the text store is the page's edition's own (data-store:
// its folder from the root, e.g. en/search/), so results show in the page's language.
const root = new URL("../", import.meta.url);
const store = form.dataset.store || "search/";
const index = new SearchIndex(async (path) => {
  const response = await fetch(new URL((path.startsWith("d-") ? store : "search/") + path, root));
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
});

// A count message takes its singular for 1 where the language has one (data-msg-*-one; registry/plural.py).
function message(name, values = {}) {
  const text = (values.n === 1 && form.dataset[`${name}One`]) || form.dataset[name];
  return text.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

function kindLabel(kind) {
  const option = form.querySelector(`select[name="kind"] option[value="${kind}"]`);
  return option ? option.textContent : kind;
}

let current = { results: null, query: "", browsing: false, shown: 0 };
let latest = 0;
const main = document.getElementById("main");

function render(result) {
  const item = document.createElement("li");
  item.className = "card search-hit";
  const link = document.createElement("a");
  link.className = "card-title";
  link.href = new URL(result.url, root).href;
  link.textContent = result.title;
  if (result.titleLang) link.lang = result.titleLang;
  item.append(link);
  if (result.sample) {  // fiction is marked in the results as on every list
    const badge = document.createElement("span");
    badge.className = "badge badge-sample";
    badge.textContent = form.dataset.msgSample;
    item.append(" ", badge);
  }
  const meta = document.createElement("p");
  meta.className = "card-meta";
  for (const text of [kindLabel(result.kind), result.date]) {
    if (!text) continue;
    const span = document.createElement("span");
    span.textContent = text;
    meta.append(span);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  if (result.excerptLang) excerpt.lang = result.excerptLang;
  for (const part of result.excerpt) {
    if (part.mark) {
      const mark = document.createElement("mark");
      mark.textContent = part.text;
      excerpt.append(mark);
    } else excerpt.append(part.text);
  }
  item.append(meta, excerpt);
  return item;
}

/** The count as far as it is known: exact once every candidate is checked, else "at least" with what is left. */
function count() {
  const { results, query, browsing, shown } = current;
  let text;
  if (browsing) text = message("msgBrowseCount", { n: results.hits.length });
  else if (results.exact && !results.hits.length) return message("msgNone", { q: query });
  else if (results.exact) text = message("msgCount", { n: results.hits.length, q: query });
  else text = message("msgAtLeast", { n: results.found, q: query, m: results.unchecked });
  return shown > PAGE ? `${text} ${message("msgShown", { n: shown })}` : text;
}

/** Show the next page of results (the first when none is shown yet); more is fetched only now. */
async function showMore(asked) {
  const { results } = current;
  const hits = await results.take(current.shown + PAGE);
  const slice = hits.slice(current.shown);
  const items = [];
  for (const hit of slice) items.push(render(await index.describe(hit, results.runs)));
  if (asked !== latest) return null;  // a newer query was typed meanwhile: its results win
  list.append(...items);
  current.shown += slice.length;
  more.hidden = results.exact && current.shown >= results.hits.length;
  status.textContent = count();
  return items[0] || null;
}

async function run() {
  const data = new FormData(form);
  const query = String(data.get("q") || "").trim();
  const filters = {};
  for (const name of ["kind", "field", "stage", "district"]) filters[name] = String(data.get(name) || "");
  const params = new URLSearchParams();
  for (const [name, value] of data) if (value) params.set(name, value);
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  const browsing = !query && Object.values(filters).some(Boolean);  // filters alone browse every record they fit
  const asked = ++latest;
  main.classList.toggle("searching", Boolean(query) || browsing);
  if (!query && !browsing) {
    list.removeAttribute("aria-busy");
    list.replaceChildren();
    more.hidden = true;
    status.textContent = message("msgEmpty");
    return;
  }
  status.textContent = message("msgLoading");
  list.setAttribute("aria-busy", "true");
  try {
    const results = browsing ? await index.browse(filters) : await index.find(query, filters);
    if (asked !== latest) return;
    list.replaceChildren();
    more.hidden = true;
    current = { results, query, browsing, shown: 0 };
    await showMore(asked);
    if (asked === latest) list.removeAttribute("aria-busy");
  } catch (error) {
    list.removeAttribute("aria-busy");
    status.textContent = message("msgError");
    throw error;
  }
}

const params = new URLSearchParams(location.search);
for (const element of form.elements) {
  if (element.name && params.has(element.name)) element.value = params.get(element.name);
}
form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
for (const select of form.querySelectorAll("select")) select.addEventListener("change", run);
// Results follow the typing: a quarter second after the last key, without Enter (announced by the live region).
let typing = 0;
form.elements.q.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(run, 250);
});
// More results: fetched only when asked for; the count is announced again, and focus moves to the first new result
// so a keyboard user reads on from there. When none of the candidates left turns out to contain the query, the
// button goes away: focus moves to the count, which now says how many there are, rather than falling to the page.
let adding = false;
more.addEventListener("click", async () => {
  if (adding) return;  // one page at a time (the button keeps its focus meanwhile)
  adding = true;
  more.setAttribute("aria-busy", "true");
  try {
    const first = await showMore(latest);
    if (first) first.querySelector("a")?.focus();
    else if (more.hidden) status.focus();
  } finally {
    adding = false;
    more.removeAttribute("aria-busy");
  }
});
document.getElementById("search-nojs")?.remove();  // inside <noscript>: there only when scripts do not run
run();
