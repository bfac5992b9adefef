// How AISafety.info's site (stampy-ui) uses the glossary feed, rebuilt from its
// description to test the feed against it: every alias goes into a regular expression as
// it is (curly quotes and dashes straightened), longest alias first, bounded by anything
// but an ASCII word character or a hyphen, ignoring case; each match becomes a
// placeholder, then the first match of each term is marked and the rest restored; a mark
// is kept only if the feed has the matched text, lower-cased, as a key; the pop-up writes
// `term` and `contents` into the page as HTML.
//
// Usage: node glossary_site.mjs FEED.json PAGE.json
// PAGE.json is a list of paragraphs (text nodes). Prints JSON: {marked, problems, html}.
import { readFileSync } from "node:fs";

const [feedPath, pagePath] = process.argv.slice(2);
const feed = JSON.parse(readFileSync(feedPath, "utf8"));
const page = JSON.parse(readFileSync(pagePath, "utf8"));
const problems = [];

const straighten = (s) =>
  s.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/[\u2012\u2013\u2014]/g, "-");

const entries = Object.values(feed.data).sort((a, b) => (b.alias || "").length - (a.alias || "").length);

// 1. Each alias as the site turns it into a pattern: it must match itself and nothing else.
const patterns = [];
for (const entry of entries) {
  const alias = straighten(entry.alias || "");
  let whole;
  try {
    whole = new RegExp(`^(?:${alias})$`, "i");
    patterns.push({ entry, alias, re: new RegExp(`(^|[^\\w-])(${alias})($|[^\\w-])`, "gi") });
  } catch (err) {
    problems.push(`alias ${JSON.stringify(entry.alias)} is not a valid pattern: ${err.message}`);
    continue;
  }
  if (whole.test("")) problems.push(`alias ${JSON.stringify(entry.alias)} matches the empty string`);
  if (!whole.test(alias)) problems.push(`alias ${JSON.stringify(entry.alias)} does not match itself`);
}

// 2. Inject the page, text node by text node; `seen` is shared, so each term is marked once.
const seen = new Set();
const marked = [];
const html = [];
page.forEach((text, paragraph) => {
  let result = text;
  const found = [];
  for (const { entry, alias, re } of patterns) {
    result = result.replace(re, (match, before, word, after) => {
      if (word.toLowerCase() !== alias.toLowerCase()) {
        problems.push(`alias ${JSON.stringify(entry.alias)} matched other text: ${JSON.stringify(word)}`);
      }
      const holder = `__KG${found.length}__`;
      found.push({ holder, word, term: entry.term });
      return `${before}${holder}${after}`;
    });
  }
  for (const { holder, word, term } of found) {
    let replacement = word;
    if (!seen.has(term)) {
      seen.add(term);
      const entry = feed.data[word.toLowerCase().trim()];
      if (!entry) {
        problems.push(`the site would drop ${JSON.stringify(word)}: no key ${JSON.stringify(word.toLowerCase())}`);
      } else if (entry.term !== term) {
        problems.push(`${JSON.stringify(word)} is keyed to ${entry.term}, matched as ${term}`);
      } else {
        replacement = `<span class="glossary-entry">${word}</span>`;
        marked.push({ term, text: word, paragraph });
      }
    }
    result = result.replace(holder, replacement);
  }
  html.push(result);
});

// 3. The pop-ups: `term` and `contents` go into the page as HTML, unescaped. Only plain
// markup may come out: these tags, these attributes, http(s) links, and no stray < or &.
const TAGS = new Set(["div", "p", "a", "span", "em", "strong", "br"]);
for (const { term } of marked) {
  const entry = Object.values(feed.data).find((e) => e.term === term);
  const popup = `<div class="glossary-popup"><div class="small-bold">${entry.term}</div>` +
    `<div class="definition">${entry.contents}</div></div>`;
  const withoutTags = popup.replace(/<\/?([a-zA-Z][\w-]*)((?:\s+[\w-]+="[^"<>]*")*)\s*\/?>/g, (tag, name, attrs) => {
    if (!TAGS.has(name.toLowerCase())) problems.push(`${term}: tag <${name}> in a pop-up`);
    for (const [, key, value] of attrs.matchAll(/([\w-]+)="([^"]*)"/g)) {
      if (!["class", "href"].includes(key)) problems.push(`${term}: attribute ${key} in a pop-up`);
      if (key === "href" && !/^https?:\/\//.test(value)) problems.push(`${term}: link ${value}`);
    }
    return "";
  });
  if (/[<>]/.test(withoutTags)) problems.push(`${term}: unescaped < or > in a pop-up`);
  if (/&(?![a-zA-Z]+;|#\d+;|#x[\da-fA-F]+;)/.test(withoutTags)) problems.push(`${term}: bare & in a pop-up`);
}

console.log(JSON.stringify({ marked, problems, html }));
