"""Browsing the glossary: breadcrumbs, broader and narrower, the hierarchy page, A-Z."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kg.browse import Branch, broader, letters, narrower, top_concepts, trail, tree, trees
from kg.graph import KnowledgeGraph


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="(/concepts/[^"#?]+)"', html)


def test_trail_runs_from_the_top_down_to_the_direct_broader_concept(
    shipped: KnowledgeGraph,
) -> None:
    assert trail(shipped, "deceptive-alignment")[-1] in {
        r.target for r in shipped.broader("deceptive-alignment")
    }
    top = trail(shipped, "inner-misalignment")
    assert top and not shipped.broader(top[0])
    assert trail(shipped, "optimizer") == []


def test_the_tree_holds_every_concept_once_at_least(shipped: KnowledgeGraph) -> None:
    t = tree(shipped)
    seen: set[str] = set(t.outside)

    def walk(branches: tuple[Branch, ...]) -> None:
        for b in branches:
            seen.add(b.concept)
            walk(b.children)

    walk(t.roots)
    assert seen == set(shipped.concepts)
    assert all(not broader(shipped, b.concept) for b in t.roots)
    assert sorted([b.concept for b in t.roots] + list(t.outside)) == sorted(top_concepts(shipped))


def test_examples_sit_under_what_they_are_examples_of_unless_hedged_or_denied(
    shipped: KnowledgeGraph,
) -> None:
    for rel in shipped.relations:
        placed = rel in broader(shipped, rel.source)
        assert placed == (rel in narrower(shipped, rel.target))
        if rel.type == "example_of":
            assert placed == (rel.modality is None), rel
        else:
            assert placed == (rel in shipped.broader(rel.source)), rel
    # reasoning's hierarchy keeps to is_a and part_of: no example is a step up in it
    assert all(r.type != "example_of" for c in shipped.concepts for r in shipped.broader(c))
    crumb = trail(shipped, "birth-control")
    assert crumb[-1] == "inner-misalignment" and not broader(shipped, crumb[0])


def test_the_hierarchy_has_fewer_tops_and_trees_than_is_a_and_part_of_alone(
    shipped: KnowledgeGraph,
) -> None:
    tops = top_concepts(shipped)
    assert {c for c in shipped.concepts if not broader(shipped, c)} == set(tops)
    alone = {c for c in shipped.concepts if not shipped.broader(c)}
    assert set(tops) < alone
    assert trees(shipped) <= len(tops) < len(shipped.concepts) / 2  # each tree has a top


def test_letters_index_every_concept_under_its_first_letter(shipped: KnowledgeGraph) -> None:
    index = letters(shipped)
    assert [g.letter for g in index] == sorted(g.letter for g in index)
    assert sum(len(g.concepts) for g in index) == len(shipped.concepts)
    for g in index:
        assert all(shipped.concepts[c].label[0].upper() == g.letter for c in g.concepts)


def test_a_concept_page_has_its_breadcrumb_and_narrower_concepts(live: TestClient) -> None:
    html = live.get("/concepts/inner-misalignment").text
    crumb = html.split('<nav class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert _hrefs(crumb) == ["/concepts/misalignment"]
    assert 'aria-current="page">inner misalignment<' in crumb
    narrower = html.split('<ul class="narrower">', 1)[1].split("</ul>", 1)[0]
    assert _hrefs(narrower) == [
        "/concepts/aurora-alliance-example",  # examples of it
        "/concepts/birth-control",
        "/concepts/deceptive-alignment",
        "/concepts/goal-misgeneralization",
        "/concepts/humans",
    ]


def _details_after(html: str, start: str) -> str:
    """The <details> element that follows ``start``, with all it holds."""
    rest = html.split(start, 1)[1]
    depth = 0
    for m in re.finditer(r"<details\b|</details>", rest):
        depth += 1 if m.group(0) != "</details>" else -1
        if depth == 0:
            return rest[: m.end()]
    raise AssertionError(f"no closed <details> after {start}")


def test_the_hierarchy_page_is_a_tree_of_details(live: TestClient) -> None:
    r = live.get("/hierarchy")
    assert r.status_code == 200
    html = r.text
    assert "<script" not in html.split("</main>")[0]
    assert html.count("<details") >= 10
    # optimizer's branch lists its narrower concepts inside its <details>
    branch = _details_after(html, '<a href="/concepts/optimizer">optimizer</a>')
    assert "/concepts/base-optimizer" in branch and "/concepts/hill-climbing" in branch
    # an example sits under what it is an example of, and says so
    assert 'href="/concepts/humans">humans</a> <span class="how">example of</span>' in branch
    assert 'href="/concepts/evolution"' in html  # under hill climbing
    assert "Outside the hierarchy" in html


def test_home_has_a_letter_index_beside_the_kinds(live: TestClient) -> None:
    html = live.get("/").text
    nav = html.split('<nav class="letter-nav"', 1)[1].split("</nav>", 1)[0]
    anchors = re.findall(r'href="#letter-([A-Z])"', nav)
    assert anchors[:3] == ["A", "B", "C"]
    for a in anchors:
        assert f'id="letter-{a}"' in html
    m_group = html.split('id="letter-M"', 1)[1].split("</section>", 1)[0]
    assert "/concepts/mesa-optimizer" in m_group and "/concepts/optimizer" not in m_group
    assert 'id="index"' in html  # the by-kind view stays
