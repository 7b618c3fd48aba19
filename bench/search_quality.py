"""Measure how well `POST /v0/animal/search` finds what users mean, through HTTP.

    PYTHONPATH=src .venv/bin/python bench/search_quality.py [--url http://127.0.0.1:8000]
        [--user dog_leigh] [--password password] [--battery bench/search_queries.toml]
        [--json PATH] [--show-failures N] [--check]

Runs against an API that is already up (`make run`); it starts and stops nothing. It logs
in, lists every animal the user can see once (`GET /v0/animal?limit=200&offset=…`), then
sends each query of the battery (bench/search_queries.toml) as the web app would:
`POST /v0/animal/search?limit=10` with sort `score`, the text split into `phrases` on runs
of ASCII and ideographic white space, as `phrasesOf` in
src/aianimals/web/static/js/views/search.js (so 「柴犬 puppy」 is two phrases, each of which
must match), no category or breed filter.

Relevance is judged against the store's own fields of each animal, never against the
search engine: a query's `breeds` (any of, `animal_subcategory_name_en`), `category`
(`animal_category_name_en`) and `words` (any of them occurs in `name` or `description`,
both sides NFKC-normalised and lower-cased; a list of lists is several such groups, all of
which must hold). An animal is relevant when every condition given holds.

Per query: zero-hit (nothing found); P@10 = relevant among the first 10 returned /
min(10, relevant animals in the store), 0 for a zero-hit. A query whose relevant set in the
store is empty is a battery error and is listed apart (class `nonsense` aside: those must
find nothing, and any hit is a false hit). The table gives per class the zero-hit share and
mean P@10 over queries that have relevant animals, the overall figures over all such
queries (nonsense excluded), and the nonsense false-hit share. `--json` writes per-query
rows to diff a before/after; `--show-failures N` prints the N worst queries with what came
back; `--check` only loads and validates the battery (no server needed).

Wall time: about 10 s for the ~390 queries against the demo store on the 2-core machine
(sharing it with the server). Searches are sent as `dog_leigh`, so they land in the store's
search logs like any user's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
BATTERY = Path(__file__).resolve().with_name("search_queries.toml")
BREEDS_FILE = ROOT / "src" / "aianimals" / "dataset" / "reference" / "animal_subcategory.json"
CLASSES = (
    "breed_katakana",
    "breed_hiragana",
    "romaji",
    "english_spaced",
    "english_joined",
    "nickname",
    "typo",
    "katakana_variant",
    "trait_ja",
    "trait_en",
    "phrase_en",
    "phrase_ja",
    "category",
    "mixed",
    "nonsense",
)
NONSENSE = "nonsense"
CATEGORIES = ("cat", "dog", "other")
QUERY_KEYS = {"q", "breeds", "category", "words", "note"}
TOP = 10
PAGE = 200
SPACES = re.compile(r"[\s\u3000]+")


class BatteryError(Exception):
    """The query battery is malformed."""


def fold(text: str) -> str:
    """The form both sides are compared in: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def phrases_of(text: str) -> list[str]:
    """Phrases as the web app splits the search box (`phrasesOf` in views/search.js)."""
    return [p for p in SPACES.split(text) if p]


@dataclass(frozen=True)
class Query:
    """One query of the battery and what counts as relevant for it."""

    text: str
    klass: str
    breeds: frozenset[str]
    category: str | None
    words: tuple[tuple[str, ...], ...]

    def relevant(self, animal: dict[str, Any]) -> bool:
        """Whether every condition given holds for this animal of the store (never, for a
        query without conditions: a nonsense one)."""
        if not (self.breeds or self.category or self.words):
            return False
        if self.breeds and animal["animal_subcategory_name_en"] not in self.breeds:
            return False
        if self.category and animal["animal_category_name_en"] != self.category:
            return False
        text = fold(f"{animal['name'] or ''}\n{animal['description'] or ''}")
        return all(any(w in text for w in group) for group in self.words)


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise BatteryError(f"{where}: expected a non-empty list of strings")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise BatteryError(f"{where}: expected a non-empty list of strings")
    return list(value)


def _words(value: object, where: str) -> tuple[tuple[str, ...], ...]:
    """`words`: one any-of list of strings, or a list of such lists (all must hold)."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return tuple(tuple(fold(w) for w in _strings(g, where)) for g in value)
    return (tuple(fold(w) for w in _strings(value, where)),)


def _query(raw: object, klass: str, breeds: set[str], where: str) -> Query:
    if not isinstance(raw, dict):
        raise BatteryError(f"{where}: expected an inline table {{q = …}}")
    unknown = set(raw) - QUERY_KEYS
    if unknown:
        raise BatteryError(f"{where}: unknown key(s) {sorted(unknown)}")
    text = raw.get("q")
    if not isinstance(text, str) or not phrases_of(text):
        raise BatteryError(f"{where}: `q` must be a non-blank string")
    where = f"{where} ({text!r})"
    chosen = set(_strings(raw["breeds"], f"{where} breeds")) if "breeds" in raw else set()
    if chosen - breeds:
        raise BatteryError(f"{where}: unknown breed(s) {sorted(chosen - breeds)}")
    category = raw.get("category")
    if category is not None and category not in CATEGORIES:
        raise BatteryError(f"{where}: category must be one of {CATEGORIES}")
    words = _words(raw["words"], f"{where} words") if "words" in raw else ()
    specified = bool(chosen or category or words)
    if klass == NONSENSE and specified:
        raise BatteryError(f"{where}: a nonsense query has no relevance spec")
    if klass != NONSENSE and not specified:
        raise BatteryError(f"{where}: empty relevance spec (give breeds, category or words)")
    return Query(text, klass, frozenset(chosen), category, words)


def load_battery(path: Path) -> list[Query]:
    """The queries of a battery file, validated; `BatteryError` says what is wrong."""
    breeds = set(json.loads(BREEDS_FILE.read_text(encoding="utf-8")))
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise BatteryError(f"{path}: {error}") from error
    queries: list[Query] = []
    for klass, section in document.items():
        if klass not in CLASSES:
            raise BatteryError(f"{path}: unknown class [{klass}]; known: {', '.join(CLASSES)}")
        if not isinstance(section, dict) or set(section) != {"queries"}:
            raise BatteryError(f"{path}: [{klass}] must hold only `queries = [...]`")
        for i, raw in enumerate(section["queries"]):
            queries.append(_query(raw, klass, breeds, f"[{klass}] query {i + 1}"))
    seen = Counter(q.text for q in queries)
    repeated = sorted(text for text, n in seen.items() if n > 1)
    if repeated:
        raise BatteryError(f"{path}: queries given more than once: {repeated}")
    return queries


def login(client: httpx.Client, user: str, password: str) -> None:
    """Log in and send the token from now on."""
    answer = client.post("/v0/user/login", json={"handle_name": user, "password": password})
    answer.raise_for_status()
    client.headers["token"] = answer.json()["token"]


def list_animals(client: httpx.Client) -> list[dict[str, Any]]:
    """Every animal the user can see, once each (pages may shift under concurrent posts)."""
    animals: dict[str, dict[str, Any]] = {}
    offset = 0
    while True:
        answer = client.get("/v0/animal", params={"limit": PAGE, "offset": offset})
        answer.raise_for_status()
        page: list[dict[str, Any]] = answer.json()
        animals.update((a["id"], a) for a in page)
        if len(page) < PAGE:
            return list(animals.values())
        offset += PAGE


def measure(client: httpx.Client, query: Query, store: list[dict[str, Any]]) -> dict[str, Any]:
    """One query's row: hits, relevant animals in the store, P@10, what came back."""
    relevant = {a["id"] for a in store if query.relevant(a)}
    body = {"phrases": phrases_of(query.text), "sort_by": "score"}
    answer = client.post("/v0/animal/search", params={"limit": TOP}, json=body)
    error = None if answer.is_success else f"{answer.status_code} {answer.text[:120]}"
    found: dict[str, Any] = answer.json() if answer.is_success else {"hits": 0, "results": []}
    results: list[dict[str, Any]] = found["results"][:TOP]
    good = sum(r["id"] in relevant for r in results)
    breeds = Counter(r["animal_subcategory_name_en"] for r in results)
    return {
        "query": query.text,
        "class": query.klass,
        "phrases": body["phrases"],
        "hits": int(found["hits"]) if results else 0,
        "relevant_in_store": len(relevant),
        "relevant_in_top": good,
        "p_at_10": good / min(TOP, len(relevant)) if relevant else None,
        "top_breeds": breeds.most_common(3),
        "top": [f"{r['name']} ({r['animal_subcategory_name_en']})" for r in results[:3]],
        "error": error,
    }


def summarize(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per class and overall: queries, battery errors, zero-hit share, mean P@10."""
    summary: dict[str, dict[str, Any]] = {}
    groups = {k: [r for r in rows if r["class"] == k] for k in CLASSES}
    groups["overall"] = [r for r in rows if r["class"] != NONSENSE]
    for name, group in groups.items():
        if not group:
            continue
        if name == NONSENSE:
            summary[name] = {
                "queries": len(group),
                "false_hit": mean(r["hits"] > 0 for r in group),
            }
            continue
        judged = [r for r in group if r["p_at_10"] is not None]
        summary[name] = {
            "queries": len(group),
            "no_relevant": len(group) - len(judged),
            "zero_hit": mean(r["hits"] == 0 for r in judged) if judged else None,
            "p_at_10": mean(r["p_at_10"] for r in judged) if judged else None,
        }
    return summary


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def report(console: Console, rows: list[dict[str, Any]], store: int, failures: int) -> None:
    """The per-class table, the battery errors, and the worst queries if asked."""
    summary = summarize(rows)
    table = Table(title=f"search quality: sort score, top {TOP}, {store} animals in the store")
    for column in ("class", "queries", "no relevant", "zero-hit", "P@10"):
        table.add_column(column, justify="left" if column == "class" else "right")
    for name, s in summary.items():
        if name == NONSENSE:
            continue
        p = "-" if s["p_at_10"] is None else f"{s['p_at_10']:.3f}"
        style = "bold" if name == "overall" else None
        cells = (name, str(s["queries"]), str(s["no_relevant"]), _pct(s["zero_hit"]), p)
        table.add_row(*cells, style=style)
    console.print(table)
    if NONSENSE in summary:
        s = summary[NONSENSE]
        console.print(f"nonsense: {s['queries']} queries, false hits {_pct(s['false_hit'])}")
    errors = [r for r in rows if r["error"] or (r["p_at_10"] is None and r["class"] != NONSENSE)]
    for r in errors:
        why = r["error"] or "no relevant animal in the store (battery error)"
        console.print(f"[red]{r['class']}: {r['query']!r}: {why}[/red]")
    if failures > 0:
        judged = [r for r in rows if r["p_at_10"] is not None]
        worst = sorted(judged, key=lambda r: (r["p_at_10"], -r["relevant_in_store"]))
        false_hits = [r for r in rows if r["class"] == NONSENSE and r["hits"] > 0]
        table = Table(title=f"worst {failures} queries")
        for column in ("class", "query", "hits", "relevant", "P@10"):
            table.add_column(column)
        table.add_column("first results", no_wrap=True, overflow="ellipsis")
        for r in [*worst[:failures], *false_hits]:
            p = "-" if r["p_at_10"] is None else f"{r['p_at_10']:.2f}"
            top = "; ".join(r["top"]) or "—"
            counts = (str(r["hits"]), str(r["relevant_in_store"]))
            table.add_row(r["class"], r["query"], *counts, p, top)
        console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="dog_leigh")
    parser.add_argument("--password", default="password")
    parser.add_argument("--battery", type=Path, default=BATTERY)
    parser.add_argument("--json", type=Path, help="write per-query rows here")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N")
    parser.add_argument("--check", action="store_true", help="validate the battery only")
    args = parser.parse_args()
    console = Console()
    try:
        queries = load_battery(args.battery)
    except BatteryError as error:
        sys.exit(f"battery error: {error}")
    if args.check:
        counts = Counter(q.klass for q in queries)
        console.print(f"{len(queries)} queries: " + ", ".join(f"{k} {counts[k]}" for k in CLASSES))
        return
    with httpx.Client(base_url=args.url, timeout=60) as client:
        login(client, args.user, args.password)
        store = list_animals(client)
        rows = [measure(client, q, store) for q in queries]
    report(console, rows, len(store), args.show_failures)
    if args.json:
        document = {"url": args.url, "store": len(store), "summary": summarize(rows)}
        document["rows"] = rows
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
