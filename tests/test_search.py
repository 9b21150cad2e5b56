"""Search: the BUILT index queried by the site's own search.js in Node finds every record containing the query.

A record contains a query when the query (NFKC, lower case) is part of its public text: its own fields,
the labels of its coded fields, or the names and short names of the records it refers to. English words
match from the start of a word. Title matches (name, English name, short names) rank first.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from browser_tools import wait_until
from conftest import REPO, install_hint, require_tool

from registry.engine.checking import check
from registry.model.public import public_view
from registry.outputs.search import SEARCH_KINDS, _json, build_index
from registry.outputs.search_tokens import ALPHABET, Postings, count_tokens, encode, normalise, tokens
from registry.pages.catalogue import Catalogue, load_messages
from registry.records.schemas import SchemaSet

RUNNER = REPO / "tests" / "js" / "search_runner.mjs"
SCHEMAS = SchemaSet(REPO / "schemas")
PROBES = ["微电子", "新材料", "路演", "锂电池", "graphene", "沈自所", "机器人", "锂", "Robotics"]


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def run_queries(site: Path, queries: list[dict], store: str = "search/") -> list[dict]:
    """The queries through the site's search.js, results from an edition's text store (en/search/: English)."""
    require_tool(shutil.which("node") is not None, f"node not found ({install_hint('nodejs')})")
    done = subprocess.run(
        ["node", str(RUNNER), str(site), store],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def whole(built_site) -> dict:
    return json.loads((built_site / "data" / "registry.json").read_text(encoding="utf-8"))["records"]


def names_of(record: dict) -> list[str]:
    name = record.get("title" if "title" in record and "name" not in record else "name") or {}
    return [v for v in (name.get("zh"), name.get("en"), *record.get("aliases", [])) if v]


def texts_of(kind: str, record: dict, whole: dict) -> list[str]:
    """Every public text of a record as the contract above defines it (names first)."""
    by_id = {(k, r["id"]): r for k, rs in whole.items() for r in rs}
    out = list(names_of(record))

    def walk(path: tuple, value) -> None:
        node = SCHEMAS.at(kind, path) or {}
        if node.get("x-ref") and isinstance(value, str):
            out.extend(names_of(by_id[(node["x-ref"], value)]))
        elif "enum" in node:
            out.extend(
                SCHEMAS.labels(kind, tuple("*" if isinstance(p, int) else p for p in path)).get(value, {}).values()
            )
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(path + (key,), item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(path + (i,), item)
        elif isinstance(value, str) and not node.get("x-date") and node.get("format") != "uri":
            out.append(value)

    for key, value in record.items():
        if key not in ("id", "name", "title", "aliases", "sample"):
            walk((key,), value)
    return out


def contains(texts: list[str], query: str) -> bool:
    q = norm(query)
    if re.fullmatch(r"[0-9a-z]+", q):
        return any(re.search(rf"(?<![0-9a-z]){re.escape(q)}", norm(t)) for t in texts)
    return any(q in norm(t) for t in texts)


def expected(whole: dict, query: str, **filters: str) -> tuple[set[str], set[str]]:
    """(urls of every record containing the query, urls of those whose names contain it)."""
    found, in_title = set(), set()
    for kind in SEARCH_KINDS:
        if filters.get("kind") and filters["kind"] != kind:
            continue
        for record in whole[kind]:
            if any(filters.get(f) and record.get(f) != filters[f] for f in ("field", "stage")):
                continue
            if (
                filters.get("district")
                and filters["district"] not in (record.get("district"), record.get("coordinated_by"))
                and not (kind == "district" and record["id"] == filters["district"])
            ):
                continue
            url = f"{kind}s/{record['id']}.html"
            if contains(texts_of(kind, record, whole), query):
                found.add(url)
                if contains(names_of(record), query):
                    in_title.add(url)
    return found, in_title


def test_every_probe_finds_exactly_the_records_that_contain_it_title_matches_first(built_site, whole):
    answers = run_queries(built_site, [{"q": q} for q in PROBES])
    for query, answer in zip(PROBES, answers, strict=True):
        urls = [r["url"] for r in answer["results"]]
        want, want_title = expected(whole, query)
        assert want, f"the shipped records contain {query}"
        assert len(urls) == len(set(urls))
        assert set(urls) == want, f"{query}: missing {sorted(want - set(urls))}, unrelated {sorted(set(urls) - want)}"
        flags = [r["in_title"] for r in answer["results"]]
        assert {r["url"] for r in answer["results"] if r["in_title"]} == want_title, query
        assert flags == sorted(flags, reverse=True), f"{query}: a title match ranks below a text match"
        for group in (True, False):
            freqs = [r["freq"] for r in answer["results"] if r["in_title"] is group]
            assert freqs == sorted(freqs, reverse=True), f"{query}: not by frequency"


def test_english_words_find_every_record_containing_them_and_show_english_only(built_site, whole):
    queries = ["Tsinghua", "microelectronics", "graphene"]
    english_names = {
        f"en/{kind}s/{r['id']}.html": names_of(r)[1]
        for kind in SEARCH_KINDS
        for r in whole[kind]
        if len(names_of(r)) > 1 and (r.get("title") or r.get("name")).get("en")
    }
    for query, answer in zip(queries, run_queries(built_site, [{"q": q} for q in queries], "en/search/"), strict=True):
        want, want_title = expected(whole, query)
        assert want, f"the shipped records contain {query}"
        assert {r["url"] for r in answer["results"]} == {f"en/{url}" for url in want}, query
        assert {r["url"] for r in answer["results"] if r["in_title"]} == {f"en/{url}" for url in want_title}
        for result in answer["results"]:
            assert result["title"] == english_names[result["url"]], result
            excerpt = "".join(part["text"] for part in result["excerpt"])
            assert result["excerpt_lang"] == "zh-CN" or not re.search(r"[\u4e00-\u9fff]", excerpt), result


def test_the_english_page_finds_records_by_their_chinese_text_too(built_site):
    (zh,) = run_queries(built_site, [{"q": "锂电池"}])
    (en,) = run_queries(built_site, [{"q": "锂电池"}], "en/search/")
    assert zh["results"]
    assert [r["url"] for r in en["results"]] == ["en/" + r["url"] for r in zh["results"]]


def test_short_names_find_the_institute_first_and_then_its_records(built_site):
    [answer] = run_queries(built_site, [{"q": "沈自所"}])
    urls = [r["url"] for r in answer["results"]]
    assert urls[0] == "institutes/cas-sia.html"
    assert {"achievements/cobot-force-control-joint.html", "events/2016-gaoxinqu-robotics-forum.html"} <= set(urls)


def test_results_carry_an_excerpt_with_the_match_marked(built_site):
    [answer] = run_queries(built_site, [{"q": "锂电池"}])
    top = answer["results"][0]
    assert top["url"] == "achievements/lfp-battery-thermal-runaway-warning.html"
    assert [p["text"] for p in top["excerpt"] if p["mark"]] == ["锂电池"]


@pytest.mark.parametrize(
    "query, filters",
    [
        ("新材料", {"kind": "achievement"}),
        ("新材料", {"field": "new-materials"}),
        ("路演", {"district": "gaoxinqu"}),
        ("微电子", {"kind": "institute"}),
        ("技术", {"stage": "research"}),
    ],
)
def test_filters_by_kind_field_stage_and_district(built_site, whole, query, filters):
    [answer] = run_queries(built_site, [{"q": query, "filters": filters}])
    want, _ = expected(whole, query, **filters)
    assert want and {r["url"] for r in answer["results"]} == want


def test_several_words_must_all_be_present_and_unknown_words_find_nothing(built_site, whole):
    both, nothing, blank = run_queries(built_site, [{"q": "路演 高新区"}, {"q": "量子引力"}, {"q": " ，。 "}])
    assert {r["url"] for r in both["results"]} == expected(whole, "路演")[0] & expected(whole, "高新区")[0]
    assert nothing["results"] == [] and blank["results"] == []


def test_tokens_are_bigrams_of_chinese_and_whole_words_of_latin_text():
    assert tokens("锂电池，Graphene ５G") == ["锂电", "电池", "池", "graphene", "5g"]
    assert tokens("沈") == ["沈"]


def decode(text: str) -> list[int]:
    """The postings' numbers, read as the format says (independently of search.js and of `encode`)."""
    out, value, shift = [], 0, 0
    for char in text:
        digit = ALPHABET.index(char)
        value += (digit & 31) << shift
        if digit >= 32:
            shift += 5
        else:
            out.append(value)
            value, shift = 0, 0
    return out


def test_postings_count_every_token_of_each_record_as_the_tokeniser_makes_them(built_site):
    """The built shards against the format: weight = 2 × occurrences of each `tokens` token, + 1 in the title."""
    folder = built_site / "search"
    manifest = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    found: dict[int, dict[str, int]] = {}
    for n in range(manifest["shards"]):
        shard = json.loads((folder / f"t-{n}.json").read_text(encoding="utf-8"))
        for token, postings in shard.items():
            assert ord(token[0]) % manifest["shards"] == n
            if isinstance(postings, int):  # a large token's own file
                (own,) = json.loads((folder / f"t-{n}-{postings}.json").read_text(encoding="utf-8")).items()
                assert own[0] == token
                postings = own[1]
            for doc, weight in weights(postings).items():
                found.setdefault(doc, {})[token] = weight
    stored = [
        doc
        for c in range(-(-manifest["count"] // manifest["chunk"]))
        for doc in json.loads((folder / f"d-{c}.json").read_text(encoding="utf-8"))
    ]
    columns = json.loads((folder / "m.json").read_text(encoding="utf-8"))
    assert (
        len(stored) == manifest["count"] == len(columns["field"]) == len(columns["districts"].split(",")) == len(found)
    )
    unions = {doc: {t: w for t, w in tokens_of.items() if t.endswith("*")} for doc, tokens_of in found.items()}
    found = {doc: {t: w for t, w in tokens_of.items() if not t.endswith("*")} for doc, tokens_of in found.items()}
    for doc, (_url, title, extras, shown, _date, _sample, other) in enumerate(stored):
        in_title = Counter(tokens(f"{title}\n{extras}"))
        counts = in_title + Counter(tokens("\n".join(shown + other)))
        assert found[doc] == {token: 2 * n + (token in in_title) for token, n in counts.items()}, stored[doc][0]
        for union, weight in unions[doc].items():  # a character's union: its tokens' counts summed, any in the title
            own = [w for t, w in found[doc].items() if t[0] == union[0]]
            assert weight == 2 * sum(w // 2 for w in own) + any(w % 2 for w in own), (doc, union)


def weights(postings: str) -> dict[int, int]:
    flat = decode(postings)
    return dict(zip(itertools.accumulate(flat[0::2]), flat[1::2], strict=True))


def test_large_postings_lists_and_unions_have_files_of_their_own_and_find_the_same(built_site, monkeypatch, tmp_path):
    """With low thresholds the shipped records' frequent tokens (and one-character prefixes) move to files of their
    own, found by number from their shard; the site's search.js then finds exactly what it finds in the built site."""
    import registry.outputs.search as search

    monkeypatch.setattr(search, "BIG", 20)
    monkeypatch.setattr(search, "UNIONS", 100)
    files = index_files(built_site)
    manifest = json.loads(files["search/index.json"])
    own = [p for p in files if re.fullmatch(r"search/t-\d+-\d+\.json", p)]
    for path in own:
        shard, number = map(int, re.findall(r"\d+", path.rpartition("/")[2]))
        ((token, postings),) = json.loads(files[path]).items()
        assert len(decode(postings)) > 2 * 20 and ord(token[0]) % manifest["shards"] == shard
        assert json.loads(files[f"search/t-{shard}.json"])[token] == number
    assert own and any(json.loads(files[p]).popitem()[0].endswith("*") for p in own)
    site = tmp_path / "public"
    shutil.copytree(built_site / "assets", site / "assets")
    for path in files:
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(files[path])
    queries = [{"q": q} for q in [*PROBES, "技", "技术", "研究院", "r"]]
    assert run_queries(site, queries) == run_queries(built_site, queries)


def test_postings_strings_hold_any_number():
    numbers = [0, 1, 31, 32, 1023, 1024, 32767, 32768, 10**7, 2**31]
    assert decode(encode(numbers)) == numbers
    assert encode([1, 31, 32]) == "1VW1" and encode([]) == ""


def index_files(built_site: Path):
    root = built_site.parent  # the project the site was built from, with its settings
    result = check(root)
    messages = load_messages(root / "site_templates" / "messages.yaml")
    cats = {lang: Catalogue(messages, result.schemas, lang) for lang in ("zh", "en")}
    return build_index(public_view(result.registry, bool(result.settings.get("include_samples"))), cats)


def test_index_files_are_the_built_ones_in_any_order_and_the_same_when_read_again(built_site):
    files = index_files(built_site)
    built = [*(built_site / "search").iterdir(), *(built_site / "en" / "search").iterdir()]
    assert sorted(files) == sorted(p.relative_to(built_site).as_posix() for p in built)
    for path in reversed(list(files)):
        assert files[path] == files[path] == (built_site / path).read_bytes(), path


def test_postings_keep_large_weights_and_gaps_exact():
    postings = Postings()
    postings.add(5, count_tokens(normalise("锂电" * 300)), list(count_tokens("锂电")))  # weight over a byte
    postings.add(9, count_tokens("锂电"), [])
    lists = postings.finish()
    assert sorted(lists) == ["电", "电锂", "锂电"]
    assert postings.flat("锂电") == [5, 601, 4, 2]
    assert postings.flat("电锂") == [5, 598]
    assert postings.flat("电") == [5, 3, 4, 2]


def test_json_is_compact_sorted_utf8_as_the_standard_library_writes_it():
    value = {"锂电": [0, 3], "\U00020000": 'x\u2028\x00\x1f"\\\n\t/é', "a": [["1", -1, []]], "\uffff": None}
    assert _json(value) == json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def test_normalise_is_nfkc_lower_case():
    text = "锂电池，（Graphene）：５Ｇ；！？％\u3000ＡＢＣ\uf900㈱"
    assert normalise(text) == unicodedata.normalize("NFKC", text).lower()


def test_the_index_holds_public_text_only(built_site):
    index = "".join(p.read_text(encoding="utf-8") for p in sorted((built_site / "search").glob("*.json")))
    assert "0512-5000" not in index and "倪佳" not in index  # a lead's phone and a reporter (private)
    assert "沈自所" in index


def test_search_page_in_chromium_shows_announced_results_and_the_header_box_leads_there(page, site_url):
    page.goto(site_url + "index.html")
    page.get_by_role("searchbox", name="查找成果、机构和活动").fill("沈自所")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    status = page.get_by_role("status")
    status.filter(has_text="找到").wait_for()
    assert "沈自所" in status.inner_text()
    first = page.locator("#search-results li a").first
    assert first.inner_text() == "中国科学院沈阳自动化研究所"
    page.get_by_label("类别").select_option("achievement")
    wait_until(page, "document.querySelectorAll('#search-results li').length === 1")
    assert page.locator("#search-results li a").inner_text() == "协作机器人柔性力控关节模组"
    assert "kind=achievement" in page.url
    assert page.locator("#search-nojs").is_hidden()


def test_search_page_without_javascript_offers_the_directories_and_facets(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "search.html?q=锂电池")
    assert page.locator("#search-nojs").is_visible()
    assert page.get_by_role("link", name="科技成果").first.get_attribute("href") == "achievements/index.html"
    assert page.locator("a[href='achievements/field/new-materials.html']").count() == 1
    context.close()
