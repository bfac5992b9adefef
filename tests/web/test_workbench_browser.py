"""The curator's workbench in Chromium, against `kg serve --store`: sign in, edit a
definition and an alias, a refused quote shown at its field, a conflict made by a second
browser resolved field by field, a revert; then `kg dump` writes the edits in the YAML
layout and `kg validate` passes."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.store import SqliteStore
from tests.web.conftest import WAIT, Served, at_path, sign_in

pytestmark = pytest.mark.slow


def save(page: Any) -> None:
    page.get_by_role("button", name="Save").click()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that may see the write API's 412 and 422 (the workbench shows them), but
    no script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(WAIT)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.status not in (412, 422)
            else None
        ),
    )
    yield pg
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def test_edit_cite_conflict_and_revert(
    page: Any, browser: Any, served: Served, shots: Path, tmp_path: Path
) -> None:
    sign_in(page, served, "evolution")
    page.screenshot(path=str(shots / "workbench-edit-1280.png"))

    # edit the definition and add an alias
    definition = (
        "Natural selection seen as an optimizer that selects organisms for genetic fitness; "
        "the sources' analogy for a base optimizer, which has produced optimizers such as "
        "humans."
    )
    page.get_by_label("Definition, in your own words").fill(definition)
    aliases = page.get_by_label("Aliases, one a line")
    aliases.fill(aliases.input_value() + "\nDarwinian evolution")
    save(page)
    page.wait_for_url("**/concepts/evolution?saved=*")
    assert "Darwinian evolution" in page.locator(".aliases").inner_text()
    edited = served.file("evolution")
    assert edited["definition"] == definition and "Darwinian evolution" in edited["aliases"]

    # a quote the source does not have: refused, shown at that quote, nothing lost
    page.get_by_role("link", name="Edit this concept").click()
    quote = page.locator("fieldset[data-list=citations] .citation textarea").first
    quote.fill("Evolution is a kind of gradient descent on DNA, says the source.")
    page.get_by_label("Definition, in your own words").fill(definition + " Edited again.")
    save(page)
    error = page.locator("fieldset[data-list=citations] .citation .field-error").first
    error.wait_for()
    assert "not found" in error.inner_text().lower() or "quote" in error.inner_text().lower()
    assert quote.get_attribute("aria-invalid") == "true"
    assert quote.input_value().startswith("Evolution is a kind of gradient descent")
    assert page.get_by_label("Definition, in your own words").input_value().endswith("again.")
    assert served.file("evolution")["definition"] == definition
    error.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "workbench-422-1280.png"))

    # a second curator saves first: the conflict is shown field by field and re-applied
    page.goto(f"{served.base}/concepts/evolution/edit")
    other = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        theirs = other.new_page()
        theirs.set_default_timeout(WAIT)
        sign_in(theirs, served, "evolution")
        label = theirs.get_by_label("Label")
        label.fill("evolution by natural selection process")
        alias_box = theirs.get_by_label("Aliases, one a line")
        alias_box.fill(alias_box.input_value() + "\nselection by nature")
        theirs.screenshot(path=str(shots / "workbench-edit-390.png"))
        save(theirs)
        theirs.wait_for_url("**/concepts/evolution?saved=*")
    finally:
        other.close()
    mine = definition + " Edited by the first curator."
    page.get_by_label("Definition, in your own words").fill(mine)
    save(page)
    conflict = page.locator("#conflict")
    conflict.wait_for()
    rows = conflict.locator("tbody th").all_inner_texts()
    # what they changed and what this curator changed, and nothing else
    assert sorted(rows) == ["aliases", "definition", "label"]
    conflict.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "workbench-412-1280.png"))
    page.get_by_role("button", name="Re-apply my edit on their version").click()
    page.wait_for_url("**/concepts/evolution?saved=*")
    merged = served.file("evolution")
    assert merged["definition"] == mine
    assert "selection by nature" in merged["aliases"]
    assert merged["label"] == "evolution by natural selection process"

    # revert the definition to what the first edit saved, from the history page
    page.get_by_role("link", name="History").first.click()
    page.wait_for_url("**/concepts/evolution/history")
    assert page.locator(".revision").count() >= 4
    assert "Edited by the first curator." in page.locator(".revision ins").first.inner_text()
    page.screenshot(path=str(shots / "workbench-history-1280.png"), full_page=True)
    buttons = page.locator("[data-revert-to]")
    first_edit = buttons.nth(buttons.count() - 1 - 1)  # the revision of the first edit
    revision = int(first_edit.get_attribute("data-revert-to"))
    first_edit.click()
    page.locator(f"#rev-{revision + 3}").wait_for()  # the revert's own revision
    reverted = served.file("evolution")
    assert reverted["definition"] == definition and reverted["label"] == "evolution"
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(shots / "workbench-history-390.png"), full_page=True)
    page.goto(f"{served.base}/changes")
    assert page.locator(".revision").count() >= 4
    page.screenshot(path=str(shots / "workbench-changes-390.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

    # the store back as files: the edit in the YAML layout, and the data valid
    out = tmp_path / "dumped"
    kg = [sys.executable, "-m", "kg.cli"]
    subprocess.run([*kg, "dump", str(out), "--store", str(served.store)], check=True)
    text = (out / "concepts" / "evolution.yaml").read_text("utf-8")
    assert text.startswith("label: 'evolution'\nkind: optimizer\n")  # as it was written
    assert "Darwinian evolution" in text and "relations:\n  - type: has_objective" in text
    done = subprocess.run([*kg, "validate", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


SELECT_PHRASE = """phrase => {
  const root = document.querySelector(".source-text");
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const at = node.data.indexOf(phrase);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + phrase.length);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    root.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
    return true;
  }
  return false;
}"""


def test_a_new_concept_cited_by_selecting_related_to_two_and_a_mistake_reverted(
    page: Any, served: Served, shots: Path
) -> None:
    sign_in(page, served, "mesa-optimizer")
    page.goto(f"{served.base}/new-concept")
    page.get_by_label("Id").fill("learned-search")
    page.get_by_label("Label").fill("learned search")
    page.get_by_label("Kind").select_option("optimizer")
    page.get_by_label("Definition, in your own words").fill(
        "Search carried out by a learned algorithm that is itself an optimizer."
    )
    # a quote typed by hand is checked as it is typed; the closest passage replaces it
    definition_quotes = page.locator("#concept-form > fieldset[data-list=citations]")
    definition_quotes.get_by_role("button", name="Add a quote").click()
    quote = definition_quotes.locator("textarea[data-field=quote]")
    quote.fill("A mesa-optimiser is a learned algorithm which is itself an optimiser.")
    check = definition_quotes.locator(".quote-check")
    check.get_by_role("button", name="Use this passage").click()
    page.wait_for_function(
        "() => document.querySelector('#concept-form .quote-check').textContent.startsWith('Found')"
    )
    assert "mesa-optimizer" in quote.input_value() and "what-is-inner-alignment" == (
        definition_quotes.locator("input[data-field=source]").input_value()
    )
    # two relations, each cited by a quote typed exactly
    relations = page.locator("#concept-form > fieldset[data-list=relations]")
    for rtype, target in [("is_a", "optimizer"), ("related_to", "mesa-optimizer")]:
        relations.get_by_role("button", name="Add a relation").last.click()
        rel = relations.locator(".relation").last
        rel.locator("select[data-field=type]").select_option(rtype)
        # the target from the site's own combobox of concepts, not a bare datalist
        box = rel.locator("input[data-field=target]")
        box.press_sequentially(target, delay=30)
        rel.locator(f"ul.suggest li[data-id='{target}']").click()
        assert box.input_value() == target and box.get_attribute("aria-expanded") == "false"
        rel.get_by_role("button", name="Add a quote").click()
        rel.locator("input[data-field=source]").fill("what-is-inner-alignment")
        rel.locator("textarea[data-field=quote]").fill(
            "A “mesa-optimizer” is a learned algorithm that is itself an optimizer."
        )
    preview = relations.locator(".relation .preview").first.inner_text()
    assert preview.startswith("Reads: Learned search is a kind of optimizer.")
    page.screenshot(path=str(shots / "workbench-new-1280.png"))
    save(page)
    page.wait_for_url("**/concepts/learned-search?saved=*")
    created = served.file("learned-search")
    assert [(r["type"], r["target"]) for r in created["relations"]] == [
        ("is_a", "optimizer"),
        ("related_to", "mesa-optimizer"),
    ]

    # select a passage on a source page and cite it for the definition
    page.goto(f"{served.base}/sources/what-is-inner-alignment")
    phrase = "the mesa-optimizer is a learned algorithm that is itself an optimizer"
    text = page.locator(".source-text").inner_text()
    phrase = next(p for p in [phrase, "learned algorithm that is itself an optimizer"] if p in text)
    assert page.evaluate(SELECT_PHRASE, phrase)
    cite = page.locator("#cite-form")
    page.wait_for_function(
        "() => document.querySelector('#cite-form .quote-check').textContent.startsWith('Found')"
    )
    chosen = cite.get_by_label("Passage").input_value()
    assert chosen == phrase
    cite.get_by_label("Concept").press_sequentially("learned-sea", delay=30)
    cite.locator("ul.suggest li[data-id='learned-search']").click()  # the site's combobox
    assert cite.get_by_label("Concept").input_value() == "learned-search"
    page.set_viewport_size({"width": 390, "height": 900})
    cite.screenshot(path=str(shots / "workbench-cite-390.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    cite.get_by_role("button", name="Cite it").click()
    page.wait_for_url("**/concepts/learned-search/edit?*")
    attach = page.get_by_label("Attach it to")
    assert "the relation related to → mesa-optimizer" in attach.inner_text()  # offered too
    attach.select_option(label="the definition")
    page.get_by_role("button", name="Attach").click()
    save(page)
    page.wait_for_url("**/concepts/learned-search?saved=*")
    cited = served.file("learned-search")["citations"]
    assert cited[-1] == {"source": "what-is-inner-alignment", "quote": chosen}

    # a mistake, reverted from the history page
    page.get_by_role("link", name="Edit this concept").click()
    page.get_by_label("Label").fill("learned serch")
    save(page)
    page.wait_for_url("**/concepts/learned-search?saved=*")
    assert served.file("learned-search")["label"] == "learned serch"
    page.goto(f"{served.base}/concepts/learned-search/history")
    page.locator("[data-revert-to]").first.click()  # the revision before the mistake
    page.wait_for_function("() => document.querySelectorAll('.revision').length === 4")
    assert served.file("learned-search")["label"] == "learned search"

    # a concept others point at is not deleted, and the page says which point at it
    page.goto(f"{served.base}/concepts/optimizer/edit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete this concept").click()
    page.locator("#form-status li a", has_text="learned-search").wait_for()
    assert served.file("optimizer")["label"] == "optimizer"
    # one nobody points at is
    page.goto(f"{served.base}/concepts/learned-search/edit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete this concept").click()
    page.wait_for_url(f"{served.base}/")
    store = SqliteStore(served.store)
    try:
        assert store.read("concepts/learned-search.yaml") is None
    finally:
        store.close()


def tab_to(page: Any, test: str, most: int = 120) -> None:
    """Press Tab until the focused element passes ``test`` (a JavaScript function of it)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"({test})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {test}")


def test_a_curator_edits_with_the_keyboard_alone(page: Any, served: Served) -> None:
    """Sign in, edit the definition, add an alias and a description, pick a relation's
    target from the combobox and save, pressing keys only: no click, fill or focus()."""
    page.goto(f"{served.base}/concepts/base-optimizer")
    tab_to(page, "e => e.textContent === 'Sign in to edit'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/signin\?next="))
    tab_to(page, "e => e.id === 'token'")
    page.keyboard.type(served.token)
    page.keyboard.press("Enter")
    page.wait_for_url(at_path("/concepts/base-optimizer/edit"))
    before = served.file("base-optimizer")

    tab_to(page, "e => e.id === 'f-aliases'")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("training optimizer")
    page.keyboard.press("Tab")  # to the definition
    page.keyboard.press("Control+A")
    definition = (
        "The optimizer that searches over learned algorithms, such as gradient descent "
        "training a network; what it finds may itself be an optimizer."
    )
    page.keyboard.type(definition)
    page.keyboard.press("Tab")  # to the descriptions
    page.keyboard.press("Control+End")
    if page.evaluate("document.activeElement.value !== ''"):
        page.keyboard.press("Enter")
    page.keyboard.type("the optimizer doing the training")

    # a relation's target, chosen from the suggestions with the arrow keys and Enter
    tab_to(page, "e => e.dataset.field === 'target'")
    old_target = page.evaluate("document.activeElement.value")
    page.keyboard.press("Control+A")
    page.keyboard.type(old_target[:-1], delay=30)
    option = page.locator(f"ul.suggest li[data-id='{old_target}']")
    option.wait_for()
    page.wait_for_load_state("networkidle")  # the list of the last keystroke
    for _ in range(8):
        page.keyboard.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.value") == old_target

    tab_to(page, "e => e.type === 'submit' && e.textContent === 'Save'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/concepts/base-optimizer?saved=*")
    after = served.file("base-optimizer")
    assert after["definition"] == definition
    assert after["aliases"] == [*before["aliases"], "training optimizer"]
    described = "the optimizer doing the training"
    assert after["described_as"] == [*before.get("described_as", []), described]
    assert after["relations"] == before["relations"]
