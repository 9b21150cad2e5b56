// A directory page with JavaScript: its facets combine (field + stage + district + year + institute…), each
// option counts the records it would show within the current selection, the list sorts by 最后更新, the address
// keeps the state (?field=…&stage=…&sort=updated; "field=" clears the facet of a single-facet page), and
// "download these" saves exactly the rows shown, cut from the published CSV (same header, same bytes per row).
// The records come from <folder>/index.json (registry/pages/listing.py). Without JavaScript, or when the file
// cannot be fetched, the static page stays as it is: one facet at a time, through plain links.

const PAGE = 50;
const box = document.querySelector(".directory[data-list]");

function words(text, values = {}) {
  return text.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

// A message about n things in the form n takes: "name.one" for 1 where the language has a singular (as the catalogue
// does it, registry/plural.py), else "name".
function counted(texts, name, n) {
  return words((n === 1 && texts[`${name}.one`]) || texts[name], { n });
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

// A card's text as nodes: a string as it is, or runs [[text, lang]] of which those with a lang are marked with it
// (a record's Chinese on an English page, as the static card marks it: registry/pages/listing.py).
function runs(value) {
  if (typeof value === "string") return [value];
  return value.map(([text, lang]) => (lang ? element("span", { lang }, text) : text));
}

// The raw lines of a CSV file (RFC 4180, CRLF between rows, quotes may hold line breaks), header first.
export function csvRows(text) {
  const rows = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "\r" && text[i + 1] === "\n") {
      rows.push(text.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  if (start < text.length) rows.push(text.slice(start));
  return rows;
}

function firstCell(row) {
  if (!row.startsWith('"')) return row.split(",", 1)[0];
  const end = row.indexOf('",');
  return row.slice(1, end < 0 ? row.length - 1 : end).replaceAll('""', '"');
}

class Directory {
  constructor(data, url) {
    this.data = data;
    this.url = url;
    this.text = data.text;
    this.names = data.facets.map((facet) => facet.name);
    this.state = this.read();
    this.shown = PAGE;
  }

  // The selection from the page (its static facet) and the address (which wins).
  read() {
    const state = { sort: "" };
    for (const name of this.names) state[name] = "";
    if (box.dataset.facet && box.dataset.facet in state) state[box.dataset.facet] = box.dataset.value;
    const query = new URLSearchParams(location.search);
    for (const name of [...this.names, "sort"]) if (query.has(name)) state[name] = query.get(name);
    return state;
  }

  write() {
    const query = new URLSearchParams();
    for (const name of this.names) {
      const value = this.state[name];
      const fixed = box.dataset.facet === name ? box.dataset.value : "";
      if (value !== fixed) query.set(name, value);
    }
    if (this.state.sort) query.set("sort", this.state.sort);
    const search = query.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
  }

  // Whether a record matches every chosen facet but `except`.
  matches(record, except) {
    return this.names.every((name, i) => name === except || !this.state[name] || record[7][i].includes(this.state[name]));
  }

  selected() {
    const records = this.data.records.filter((record) => this.matches(record, null));
    if (this.state.sort === "updated") {
      const order = new Map(records.map((record, i) => [record, i]));
      records.sort((a, b) => (b[6] || "").localeCompare(a[6] || "") || order.get(a) - order.get(b));
    }
    return records;
  }

  counts(i) {
    const name = this.names[i];
    const counts = new Map();
    for (const record of this.data.records) {
      if (!this.matches(record, name)) continue;
      for (const value of record[7][i]) counts.set(value, (counts.get(value) || 0) + 1);
    }
    return counts;
  }

  build() {
    const form = element("form", { class: "filter-form", "aria-label": this.text.apply });
    form.addEventListener("submit", (event) => event.preventDefault());
    this.selects = this.data.facets.map((facet) => {
      const id = `filter-${facet.name}`;
      const select = element("select", { id, name: facet.name });
      select.addEventListener("change", () => this.change(facet.name, select.value));
      form.append(element("div", { class: "filter-field" }, element("label", { for: id }, facet.title), select));
      return select;
    });
    const sort = element(
      "select",
      { id: "filter-sort", name: "sort" },
      element("option", { value: "" }, this.text.sort_default),
      element("option", { value: "updated" }, this.text.sort_updated),
    );
    sort.value = this.state.sort === "updated" ? "updated" : "";
    sort.addEventListener("change", () => this.change("sort", sort.value));
    form.append(element("div", { class: "filter-field" }, element("label", { for: "filter-sort" }, this.text.sort), sort));
    const clear = element("button", { type: "button", class: "filter-clear" }, this.text.clear);
    clear.addEventListener("click", () => {
      for (const name of this.names) this.state[name] = "";
      this.change("sort", "");
      sort.value = "";
    });
    form.append(clear);
    const aside = box.querySelector(".facets");
    if (aside) aside.replaceChildren(form);
    else box.prepend(element("aside", { class: "facets", "aria-label": this.text.apply }, form));

    const results = box.querySelector(".results");
    for (const old of results.querySelectorAll(":scope > .result-count, :scope > .cards, :scope > .empty, :scope > .pagination"))
      old.remove();
    this.status = element("p", { class: "result-count", role: "status", "aria-live": "polite" });
    this.list = element("ul", { class: "cards" });
    this.more = element("button", { type: "button", class: "filter-more" });
    this.more.addEventListener("click", () => {
      this.shown += PAGE;
      this.render();
    });
    this.download = element("button", { type: "button", class: "filter-download no-print" }, this.text.download);
    this.download.addEventListener("click", () => this.save());
    results.prepend(this.status, this.list, this.more, element("p", {}, this.download));
  }

  change(name, value) {
    this.state[name] = value;
    this.shown = PAGE;
    this.write();
    this.render();
  }

  render() {
    this.data.facets.forEach((facet, i) => {
      const counts = this.counts(i);
      const select = this.selects[i];
      const chosen = this.state[facet.name];
      const options = [element("option", { value: "" }, this.text.any)];
      for (const [value, text, lang] of facet.options) {
        const n = counts.get(value) || 0;
        if (n === 0 && value !== chosen) continue;
        options.push(element("option", lang ? { value, lang } : { value }, `${text} (${n})`));
      }
      select.replaceChildren(...options);
      select.value = chosen;
    });
    const records = this.selected();
    this.current = records;
    this.status.textContent = counted(this.text, "shown", records.length);
    this.list.replaceChildren(...records.slice(0, this.shown).map((record) => this.card(record)));
    const rest = Math.min(PAGE, records.length - this.shown);
    this.more.hidden = rest <= 0;
    this.more.textContent = counted(this.text, "more", Math.max(rest, 0));
  }

  card([, title, url, date, meta, sample, updated, , chineseOnly]) {
    const item = element("li", { class: "card" }, element("a", { class: "card-title", href: new URL(url, this.url) }, ...runs(title)));
    if (sample) item.append(" ", element("span", { class: "badge badge-sample" }, this.text.sample));
    if (chineseOnly) item.append(" ", element("span", { class: "lang-note" }, this.text.chinese_only));
    const facts = element("p", { class: "card-meta" });
    if (date) facts.append(element("span", { class: "date" }, date));
    for (const m of meta) facts.append(element("span", {}, ...runs(m)));
    if (updated) facts.append(element("span", { class: "updated" }, words(this.text.updated, { date: updated })));
    if (facts.childNodes.length) item.append(facts);
    return item;
  }

  async save() {
    if (!this.csv) {
      const response = await fetch(new URL(this.data.csv, this.url));
      if (!response.ok) throw new Error(`${this.data.csv}: ${response.status}`);
      const text = await response.text();
      const rows = csvRows(text.startsWith("\ufeff") ? text.slice(1) : text);
      this.csv = { header: rows[0], rows: new Map(rows.slice(1).map((row) => [firstCell(row), row])) };
    }
    const ids = new Set(this.current.map((record) => record[0]));
    const rows = [...this.csv.rows].filter(([id]) => ids.has(id)).map(([, row]) => row);
    const body = "\ufeff" + [this.csv.header, ...rows].map((row) => row + "\r\n").join("");
    const link = element("a", {
      href: URL.createObjectURL(new Blob([body], { type: "text/csv;charset=utf-8" })),
      download: this.data.csv.split("/").pop().replace(/\.(en\.)?csv$/, (_, en) => `-selection.${en || ""}csv`),
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
}

if (box && location.protocol !== "file:") {
  const url = new URL(box.dataset.list, location.href);
  fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return response.json();
    })
    .then((data) => {
      const directory = new Directory(data, url);
      directory.build();
      directory.render();
      box.classList.add("filters-ready");
    })
    .catch((error) => console.warn("filters:", error));
}
