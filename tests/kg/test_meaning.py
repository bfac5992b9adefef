"""kg.meaning: closeness in meaning between a text and each concept's own words, with the
embedding model the installed wheel ships (never a download)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

import kg.meaning
from kg.graph import KnowledgeGraph
from kg.meaning import MeaningIndex, index_for


def _pieces(graph: KnowledgeGraph, cid: str) -> dict[str, set[str]]:
    c = graph.concepts[cid]
    return {
        "definition": {c.definition},
        "described_as": set(c.described_as),
        "quote": {x.quote for x in c.citations},
    }


def test_the_model_loads_from_the_package_with_the_network_shut(
    shipped: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every outward connection refused and the process's model forgotten, the index
    still builds: the weights and the tokenizer are read from the installed wheel."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("kg.meaning tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(kg.meaning, "_MODEL", None)
    found = MeaningIndex(shipped).closest("a goal wanted for its own sake", 1)
    assert list(found) == ["terminal-goal"]


def test_importing_loads_nothing() -> None:
    """The model is loaded on first use, not when the module is imported."""
    code = "import sys, kg.meaning; print('wordllama' in sys.modules, kg.meaning._MODEL)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["False", "None"]


def test_starting_a_server_does_not_import_numpy() -> None:
    """What ``kg serve`` imports before it serves leaves numpy out (a tenth of a second
    of a warm start); building a meaning index brings it in."""
    code = (
        "import sys, kg.cli, api.app, api.serve, kg.snapshot, kg.meaning; "
        "print('numpy' in sys.modules); "
        "from kg.load import load_graph; from kg.settings import bundled_data_dir; "
        "kg.meaning.index_for(load_graph(bundled_data_dir())); print('numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    ).stdout.split()
    assert out == ["False", "True"]


def test_the_closest_piece_is_the_concepts_own_text(shipped: KnowledgeGraph) -> None:
    found = index_for(shipped).closest("the things you want simply because you want them", 5)
    assert len(found) == 5
    assert next(iter(found)) == "terminal-goal"
    sims = [c.similarity for c in found.values()]
    assert sims == sorted(sims, reverse=True) and all(-1 <= s <= 1 for s in sims)
    for cid, close in found.items():
        assert close.piece in _pieces(shipped, cid)[close.field], (cid, close)


def test_kind_skip_also_and_limit(shipped: KnowledgeGraph) -> None:
    ix = index_for(shipped)
    text = "a process that searches over models and produces an optimizer"
    examples = ix.closest(text, 4, kind="example")
    assert len(examples) == 4
    assert all(shipped.concepts[cid].kind == "example" for cid in examples)
    first = next(iter(ix.closest(text, 1)))
    assert first not in ix.closest(text, 3, skip={first})
    # a concept asked for by name comes back however far it is
    farthest = list(ix.closest(text, len(shipped.concepts)))[-1]
    far = ix.closest(text, 2, also=[farthest, "no-such-concept"])
    assert len(far) == 3 and farthest in far and "no-such-concept" not in far
    assert ix.closest(text, 0) == {}
    assert ix.closest(text, 0, also=[farthest]).keys() == {farthest}


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_a_blank_text_is_close_to_nothing(shipped: KnowledgeGraph, text: str) -> None:
    assert index_for(shipped).closest(text, 5) == {}


@pytest.mark.parametrize("text", ["???", "\u0000\u202e", "x" * 50_000, "optimizer " * 5_000])
def test_odd_text_gives_finite_closeness(shipped: KnowledgeGraph, text: str) -> None:
    found = index_for(shipped).closest(text, 3)
    assert all(-1.0001 <= c.similarity <= 1.0001 for c in found.values())


def test_common_tokens_weigh_less_than_rare_ones(shipped: KnowledgeGraph) -> None:
    """Each token counts by its rarity in the graph's own text: "the" (everywhere) less
    than "optimizer" (often), that less than "condoms" (once), and the tokens the graph
    never uses most."""
    pooler = index_for(shipped)._pooler

    def weight(word: str) -> float:
        ids = pooler._ids([word])[0]
        return float(pooler._weight[ids].min())

    assert weight("the") < weight("optimizer") < weight("condoms") < 1.0
    assert float(pooler._weight.max()) == pytest.approx(1.0)


def test_a_quote_that_defines_by_contrast_is_left_to_the_other_concept(
    shipped: KnowledgeGraph,
) -> None:
    """meta-optimizer's definition is backed by "a mesa optimizer is an optimizer that is
    optimized by an optimizer" (the contrast the video draws); that sentence says what a
    mesa-optimizer is, so it is not meta-optimizer's to be close to. Its other quotes
    stay."""
    ix = index_for(shipped)
    quote = next(
        x.quote
        for x in shipped.concepts["meta-optimizer"].citations
        if "optimized by an optimizer" in x.quote
    )
    first, end = ix._span["meta-optimizer"]
    assert quote not in ix._texts[first:end]
    kept = [x.quote for x in shipped.concepts["meta-optimizer"].citations if x.quote != quote]
    assert kept and all(q in ix._texts[first:end] for q in kept)


def test_the_index_is_built_once_per_graph(shipped: KnowledgeGraph, good: KnowledgeGraph) -> None:
    assert index_for(shipped) is index_for(shipped)
    assert index_for(good) is not index_for(shipped)
    assert Path(kg.meaning.__file__).name == "meaning.py"
