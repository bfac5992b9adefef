"""The MCP server (api/mcp.py) through the SDK's own client, three ways: in process, over
stdio (``python -m kg.cli mcp``, spawned as the SDK's stdio client spawns a server) and
over streamable HTTP (``/mcp`` of a real ``kg serve``: the shared live server). The same
tests run over each; the two that start a server process carry the slow marker.

One connection per way for the whole module: the client runs in an event loop of its
own (an anyio blocking portal), and the tests call it from there.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.shared.exceptions import MCPError
from mcp_types import CallToolResult, TextContent, TextResourceContents

from api.mcp import MAX_PASSAGE, build_server
from api.settings import ServerSettings
from kg.ask import MAX_QUESTION
from kg.graph import KnowledgeGraph
from tests.conftest import ROOT

TOOLS = {
    "search_concepts",
    "define_concept",
    "relate_concepts",
    "ask_question",
    "get_context",
    "annotate_text",
    "verify_quotes",
    "get_passage",
}
ANNOTATE_MAX = 10_000
"""The annotate bound the in-process and stdio servers are given (KG_ANNOTATE_MAX_CHARS);
the live server keeps the default."""


@dataclass
class Mcp:
    """A connected client, called from the tests' thread."""

    portal: BlockingPortal
    client: Client
    annotate_max: int

    def call(self, tool: str, **arguments: Any) -> CallToolResult:
        result: CallToolResult = self.portal.call(self.client.call_tool, tool, arguments)
        return result

    def answer(self, tool: str, **arguments: Any) -> dict[str, Any]:
        """The structured answer of a call that must succeed."""
        result = self.call(tool, **arguments)
        assert not result.is_error, result.content
        assert result.structured_content is not None
        # the text block carries the same answer, for clients that read only text
        block = result.content[0]
        assert isinstance(block, TextContent)
        answer: dict[str, Any] = result.structured_content
        assert json.loads(block.text) == answer
        return answer

    def refusal(self, tool: str, **arguments: Any) -> str:
        """The message of a call that must fail as a tool error."""
        result = self.call(tool, **arguments)
        assert result.is_error, result.structured_content
        block = result.content[0]
        assert isinstance(block, TextContent)
        return block.text


@pytest.fixture(
    scope="module",
    params=[
        "in-process",
        pytest.param("stdio", marks=pytest.mark.slow),
        pytest.param("http", marks=pytest.mark.slow),
    ],
)
def mcp(request: pytest.FixtureRequest, shipped: KnowledgeGraph) -> Iterator[Mcp]:
    target: Any
    annotate_max = ANNOTATE_MAX
    if request.param == "in-process":
        target = build_server(shipped, ServerSettings(annotate_max_chars=ANNOTATE_MAX))
    elif request.param == "stdio":
        target = StdioServerParameters(
            command=sys.executable,
            args=["-m", "kg.cli", "mcp"],
            env={"KG_ANNOTATE_MAX_CHARS": str(ANNOTATE_MAX)},
            cwd=ROOT,
        )
    else:
        target = f"{request.getfixturevalue('live_server')}/mcp"
        annotate_max = ServerSettings.model_fields["annotate_max_chars"].default
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(Client(target)) as client,
    ):
        yield Mcp(portal, client, annotate_max)


def verbatim(graph: KnowledgeGraph, citations: list[dict[str, Any]]) -> None:
    """Every citation's quote is the source text at its offsets."""
    assert citations
    for c in citations:
        assert graph.source_text(c["source"])[c["start"] : c["end"]] == c["quote"], c


def footnotes(markdown: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", markdown)}


# -- what the server offers
def test_the_tools_are_listed_read_only_with_typed_inputs_and_outputs(mcp: Mcp) -> None:
    tools = {t.name: t for t in mcp.portal.call(mcp.client.list_tools).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.title and tool.description and len(tool.description) > 80, tool.name
        assert "\n" not in tool.description
        assert tool.annotations is not None and tool.annotations.read_only_hint, tool.name
        assert tool.output_schema is not None, tool.name
        for name, schema in tool.input_schema["properties"].items():
            assert schema.get("description"), (tool.name, name)
    term = tools["define_concept"].input_schema["properties"]["term"]
    assert (term["type"], term["maxLength"]) == ("string", 200)
    assert tools["ask_question"].input_schema["properties"]["question"]["maxLength"] == (
        MAX_QUESTION
    )
    hops = tools["relate_concepts"].input_schema["properties"]["max_hops"]
    assert (hops["minimum"], hops["maximum"]) == (1, 6)
    assert f"At most {MAX_PASSAGE:,} characters" in (tools["get_passage"].description or "")
    output = tools["define_concept"].output_schema
    assert output is not None and "citations" in output["properties"]


def test_every_concept_and_source_is_a_listed_resource(mcp: Mcp, shipped: KnowledgeGraph) -> None:
    listed = {str(r.uri): r for r in mcp.portal.call(mcp.client.list_resources).resources}
    assert set(listed) == {f"concept://{c}" for c in shipped.concepts} | {
        f"source://{s}" for s in shipped.sources
    }
    assert listed["concept://mesa-optimizer"].title == "mesa-optimizer"
    assert listed["concept://mesa-optimizer"].mime_type == "application/json"
    templates = mcp.portal.call(mcp.client.list_resource_templates).resource_templates
    assert {t.uri_template for t in templates} == {"concept://{id}", "source://{id}"}


def test_the_explain_prompt_is_listed_with_its_argument(mcp: Mcp) -> None:
    prompts = mcp.portal.call(mcp.client.list_prompts).prompts
    assert [p.name for p in prompts] == ["explain_concept"]
    [argument] = prompts[0].arguments or []
    assert argument.name == "term" and argument.required


# -- the tools' answers
def test_define_concept_gives_definition_quotes_at_their_offsets_and_relations(
    mcp: Mcp, shipped: KnowledgeGraph
) -> None:
    answer = mcp.answer("define_concept", term="mesa-optimizer")
    concept = shipped.concepts["mesa-optimizer"]
    assert (answer["id"], answer["label"], answer["kind"]) == (
        "mesa-optimizer",
        concept.label,
        "optimizer",
    )
    assert answer["definition"] == concept.definition
    assert answer["aliases"] == list(concept.aliases)
    assert {c["source"] for c in answer["citations"]} <= set(shipped.sources)
    verbatim(shipped, answer["citations"])
    assert len(answer["relations"]) == len(shipped.relations_of("mesa-optimizer"))
    for statement in answer["relations"]:
        assert "mesa-optimizer" in (statement["source"]["id"], statement["target"]["id"])
        assert statement["sentence"].endswith(".")
        verbatim(shipped, statement["citations"])


def test_define_concept_resolves_other_names_and_spellings(mcp: Mcp) -> None:
    assert mcp.answer("define_concept", term="Mesa Optimisers")["id"] == "mesa-optimizer"
    assert mcp.answer("define_concept", term="natural selection")["id"] == "evolution"


def test_search_finds_names_exact_first(mcp: Mcp) -> None:
    answer = mcp.answer("search_concepts", query="mesa optimiser", limit=3)
    assert answer["query"] == "mesa optimiser"
    assert answer["results"][0]["id"] == "mesa-optimizer"
    assert answer["results"][0]["score"] == max(r["score"] for r in answer["results"])
    assert len(answer["results"]) <= 3
    kinds = mcp.answer("search_concepts", query="mesa", kind="objective")["results"]
    assert kinds and {r["kind"] for r in kinds} == {"objective"}


def test_search_by_description_finds_what_a_text_describes(mcp: Mcp) -> None:
    query = "a model that behaves well in training and defects once deployed"
    hits = mcp.answer("search_concepts", query=query, mode="describe", limit=3)["results"]
    assert "deceptive-alignment" in [h["id"] for h in hits]
    assert {h["match"] for h in hits} == {"description"} and all(h["evidence"] for h in hits)
    # by name only, the same words find nothing that fits
    named = mcp.answer("search_concepts", query=query, mode="name", limit=3)["results"]
    assert "deceptive-alignment" not in [h["id"] for h in named if h["match"] != "fuzzy"]


def test_relate_answers_in_markdown_with_its_citations_and_paths(
    mcp: Mcp, shipped: KnowledgeGraph
) -> None:
    answer = mcp.answer("relate_concepts", x="evolution", y="humans")
    assert (answer["x"]["id"], answer["y"]["id"]) == ("evolution", "humans")
    assert answer["answer"].startswith("Evolution produces humans.")
    assert [d["type"] for d in answer["direct"]] == ["produces"]
    numbers = [c["n"] for c in answer["citations"]]
    assert numbers == list(range(1, len(numbers) + 1))
    assert footnotes(answer["answer"]) == set(numbers)
    verbatim(shipped, answer["citations"])
    for path in answer["paths"]:
        assert path["steps"][0]["source"]["id"] == "evolution"
        assert path["steps"][-1]["target"]["id"] == "humans"
        for step in path["steps"]:
            verbatim(shipped, step["citations"])


def test_ask_answers_with_cited_footnotes(mcp: Mcp, shipped: KnowledgeGraph) -> None:
    answer = mcp.answer(
        "ask_question", question="What is the difference between inner and outer alignment?"
    )
    assert answer["intent"] == "difference"
    assert answer["concepts"] == ["inner-alignment", "outer-alignment"]
    assert footnotes(answer["answer"]) == {c["n"] for c in answer["citations"]}
    verbatim(shipped, answer["citations"])
    unknown = mcp.answer("ask_question", question="What is reward hacking?")
    assert unknown["intent"] == "unknown" and unknown["missing"] == ["reward hacking"]


def test_get_context_gives_numbered_verbatim_quotes_within_the_budget(
    mcp: Mcp, shipped: KnowledgeGraph
) -> None:
    answer = mcp.answer("get_context", question="Why would a mesa-optimizer be deceptive?")
    assert answer["budget"] == 1000 and 0 < answer["tokens"] <= 1000
    assert "mesa-optimizer" in answer["named"]
    assert [q["n"] for q in answer["quotes"]] == list(range(1, len(answer["quotes"]) + 1))
    for quote in answer["quotes"]:
        assert shipped.source_text(quote["source"])[quote["start"] : quote["end"]] == quote["text"]
    cited = {n for c in answer["concepts"] for n in c["quotes"]}
    cited |= {n for r in answer["relations"] for n in r["quotes"]}
    assert cited == {q["n"] for q in answer["quotes"]}
    assert answer["concepts"][0]["definition"] in answer["text"]
    small = mcp.answer(
        "get_context", question="Why would a mesa-optimizer be deceptive?", budget=200
    )
    assert small["tokens"] <= 200 and small["omitted"] > answer["omitted"]


def test_annotate_gives_offsets_into_the_text_as_sent(mcp: Mcp) -> None:
    text = "Gradient descent can produce a Mesa-Optimiser, whose mesa objective may differ."
    answer = mcp.answer("annotate_text", text=text)
    found = {a["id"]: a for a in answer["annotations"]}
    assert {"gradient-descent", "mesa-optimizer", "mesa-objective"} <= set(found)
    for a in answer["annotations"]:
        assert text[a["start"] : a["end"]] == a["text"]
    assert found["mesa-optimizer"]["text"] == "Mesa-Optimiser"
    twice = mcp.answer("annotate_text", text="mesa-optimizer and mesa-optimizer", first_only=False)
    assert [a["start"] for a in twice["annotations"]] == [0, 19]


def test_verify_quotes_tells_real_quotations_from_made_up_ones(
    mcp: Mcp, shipped: KnowledgeGraph
) -> None:
    text = (
        'The notes say "The learned algorithm may itself be an optimizer." Someone else '
        'wrote "optimizers always pursue the base objective faithfully".'
    )
    answer = mcp.answer("verify_quotes", text=text)
    real, made_up = answer["quotes"]
    assert real["status"] == "exact" and made_up["status"] == "not_found"
    assert text[real["start"] : real["end"]] == real["text"]
    match = real["match"]
    assert shipped.source_text(match["source"])[match["start"] : match["end"]] == match["text"]
    assert match["text"].startswith("The learned algorithm may itself be an optimizer")
    assert made_up["match"] is None
    assert answer["summary"]["exact"] == 1 and answer["summary"]["not_found"] == 1


def test_get_passage_reads_the_source_at_the_offsets(mcp: Mcp, shipped: KnowledgeGraph) -> None:
    [first, *_] = mcp.answer("define_concept", term="mesa-optimizer")["citations"]
    start, end = max(0, first["start"] - 200), first["end"] + 200
    answer = mcp.answer("get_passage", source_id=first["source"], start=start, end=end)
    text = shipped.source_text(first["source"])
    assert answer["quote"] == text[start:end] and first["quote"] in answer["quote"]
    assert (answer["start"], answer["end"], answer["length"]) == (start, end, len(text))
    assert answer["title"] == shipped.sources[first["source"]].title


# -- what the tools refuse, and how
def test_an_unknown_concept_is_a_tool_error_naming_the_nearest(mcp: Mcp) -> None:
    message = mcp.refusal("define_concept", term="mesa optimizr thing")
    assert "No concept matches 'mesa optimizr thing'" in message
    assert "Did you mean: " in message and "mesa-optimizer" in message
    far = mcp.refusal("relate_concepts", x="wireheading", y="evolution")
    assert "No concept matches 'wireheading' (parameter 'x')" in far
    assert "search_concepts can look for a concept by description" in far
    assert "Unknown kind 'optimiser'" in mcp.refusal("search_concepts", query="x", kind="optimiser")


def test_offsets_outside_the_text_or_too_wide_are_tool_errors(
    mcp: Mcp, shipped: KnowledgeGraph
) -> None:
    sid = "what-is-inner-alignment"
    size = len(shipped.source_text(sid))
    assert f"has {size:,} characters" in mcp.refusal(
        "get_passage", source_id=sid, start=size - 10, end=size + 1
    )
    assert "must be greater than start" in mcp.refusal(
        "get_passage", source_id=sid, start=50, end=50
    )
    big = "mesa-optimizers-video-transcript"
    assert f"at most {MAX_PASSAGE:,}" in mcp.refusal(
        "get_passage", source_id=big, start=0, end=MAX_PASSAGE + 1
    )
    assert "not held here" in mcp.refusal(
        "get_passage", source_id="risks-from-learned-optimization", start=0, end=10
    )
    assert "No source with id 'nope'" in mcp.refusal(
        "get_passage", source_id="nope", start=0, end=1
    )
    assert "greater than or equal to 0" in mcp.refusal(
        "get_passage", source_id=sid, start=-1, end=10
    )


def test_too_long_input_is_a_tool_error(mcp: Mcp) -> None:
    for tool in ("annotate_text", "verify_quotes"):
        message = mcp.refusal(tool, text="a" * (mcp.annotate_max + 1))
        assert f"at most {mcp.annotate_max:,}" in message, tool
    assert "at most 2,000 are checked" in mcp.refusal("verify_quotes", text='"a" ' * 2001)
    assert "at most 500 characters" in mcp.refusal("ask_question", question="why " * 126)
    assert "at most 200 characters" in mcp.refusal("define_concept", term="x" * 201)
    assert "greater than or equal to 50" in mcp.refusal("get_context", question="why?", budget=10)


# -- resources and the prompt
def test_a_concept_resource_is_the_concept_as_define_concept_gives_it(mcp: Mcp) -> None:
    result = mcp.portal.call(mcp.client.read_resource, "concept://deceptive-alignment")
    [content] = result.contents
    assert isinstance(content, TextResourceContents)
    assert content.mime_type == "application/json"
    assert json.loads(content.text) == mcp.answer("define_concept", term="deceptive-alignment")


def test_a_source_resource_has_the_text_offsets_count_in(mcp: Mcp, shipped: KnowledgeGraph) -> None:
    result = mcp.portal.call(mcp.client.read_resource, "source://mesa-optimizers-video-transcript")
    [content] = result.contents
    assert isinstance(content, TextResourceContents)
    source = json.loads(content.text)
    assert source["text"] == shipped.source_text("mesa-optimizers-video-transcript")
    assert source["title"] == shipped.sources["mesa-optimizers-video-transcript"].title
    paper = mcp.portal.call(mcp.client.read_resource, "source://risks-from-learned-optimization")
    assert isinstance(paper.contents[0], TextResourceContents)
    assert json.loads(paper.contents[0].text)["text"] is None


def test_an_unknown_resource_is_an_error_naming_it(mcp: Mcp) -> None:
    with pytest.raises(MCPError, match="No concept matches 'nope'"):
        mcp.portal.call(mcp.client.read_resource, "concept://nope")
    with pytest.raises(MCPError, match="No source with id 'nope'"):
        mcp.portal.call(mcp.client.read_resource, "source://nope")


def test_the_explain_prompt_holds_the_definition_and_its_quotes_and_asks_for_citations(
    mcp: Mcp, shipped: KnowledgeGraph
) -> None:
    result = mcp.portal.call(mcp.client.get_prompt, "explain_concept", {"term": "inner alignment"})
    [message] = result.messages
    assert message.role == "user" and isinstance(message.content, TextContent)
    text = message.content.text
    concept = shipped.concepts["inner-alignment"]
    assert "\u201cinner alignment\u201d" in text and "Cite every claim" in text
    assert concept.definition.rstrip(".") in text
    for citation in concept.citations:
        located = f"source {citation.source}, characters {citation.start}-{citation.end})"
        assert located in text
        assert " ".join(citation.quote.split()) in text
    marks = footnotes(text)
    assert marks and all(f"[^{n}]: \u201c" in text for n in marks)
    with pytest.raises(MCPError, match="No concept matches 'wireheading'"):
        mcp.portal.call(mcp.client.get_prompt, "explain_concept", {"term": "wireheading"})


# -- /mcp on the app
@pytest.mark.slow
def test_mcp_over_http_goes_through_the_apps_middleware(live_server: str) -> None:
    """A JSON-RPC request as any client sends it: the answer is JSON, with the request id
    and the security headers every answer of the app has."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18",
        "Host": "glossary.example.org",
    }
    answer = httpx.post(f"{live_server}/mcp", json=body, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers.get("x-request-id")
    assert {t["name"] for t in answer.json()["result"]["tools"]} == TOOLS
