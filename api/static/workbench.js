// The curator's workbench: saves the edit form through the write API (the session cookie
// and the CSRF token stand in for a bearer token), shows a refused write's problems at the
// fields their JSON Pointers name, resolves a conflict field by field, deletes and reverts.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : "";
  const status = document.getElementById("form-status");
  let errorCount = 0;

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.className = isError ? "field-error" : "saved";
  }

  async function send(method, url, body, etag) {
    const headers = { "X-CSRF-Token": csrf, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (etag) headers["If-Match"] = etag;
    const r = await fetch(url, {
      method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    return { status: r.status, etag: r.headers.get("ETag"), data: data };
  }

  // Each problem of a 422 (invalid data: its pointer; an invalid body: where, body.a.0.b)
  function problemsOf(data) {
    const found = [];
    ((data && data.problems) || []).forEach(function (p) {
      found.push({ pointer: p.pointer || "", message: p.message + (p.hint ? " " + p.hint : "") });
    });
    ((data && data.errors) || []).forEach(function (e) {
      const parts = String(e.where || "").split(".").slice(1);
      found.push({ pointer: parts.length ? "/" + parts.join("/") : "", message: e.message });
    });
    if (!found.length && data && data.detail) found.push({ pointer: "", message: data.detail });
    return found;
  }

  function unauthorised(r) {
    if (r.status !== 401 && r.status !== 403) return false;
    say((r.data && r.data.detail ? r.data.detail + " " : "") + "Sign in again to save.", true);
    return true;
  }

  // A quote is checked against the sources as it is typed (POST /v1/verify, sent as a
  // block quote so that quote marks inside it are words): found, with its place, or the
  // closest passage, which one button puts in its place.
  function setupQuoteChecks(root, verifyUrl, sourceOf) {
    const timers = new WeakMap();
    function output(t) {
      let el = (t.closest("label") || t).nextElementSibling;
      while (el && !el.classList.contains("quote-check")) el = el.nextElementSibling;
      return el;
    }
    async function check(t) {
      const out = output(t);
      const text = t.value.trim();
      if (!out) return;
      if (!text) { out.textContent = ""; return; }
      const body = { text: text.split("\n").map(function (l) { return "> " + l; }).join("\n"),
        min_words: 1, threshold: 0.5 };
      const r = await fetch(verifyUrl, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body) });
      if (!r.ok || t.value.trim() !== text) return; // a newer check is on its way
      const q = ((await r.json()).quotes || [])[0];
      out.innerHTML = "";
      if (!q) { out.textContent = "Too short to check."; return; }
      const m = q.match;
      const wanted = sourceOf(t);
      if (q.status === "exact" && (!wanted || wanted.value === m.source || !wanted.value)) {
        if (wanted && !wanted.value) wanted.value = m.source;
        out.className = "quote-check found";
        out.textContent = "Found in “" + m.title + "”, characters " + m.start + "–" + m.end + ".";
        t.dataset.start = m.start; t.dataset.end = m.end;
        return;
      }
      out.className = "quote-check missing";
      if (!m) { out.textContent = "Not found in any source."; return; }
      out.textContent = (q.status === "exact" ? "Found in another source, “" + m.title + "”: " :
        "Not found as typed. The closest passage, in “" + m.title + "”: ") + "“" + m.text + "” ";
      const use = document.createElement("button");
      use.type = "button"; use.className = "quiet"; use.textContent = "Use this passage";
      use.addEventListener("click", function () {
        t.value = m.text;
        if (wanted) wanted.value = m.source;
        t.focus();
        check(t);
      });
      out.appendChild(use);
    }
    root.addEventListener("input", function (e) {
      const t = e.target;
      if (!t.matches || !t.matches("[data-quote-check]")) return;
      clearTimeout(timers.get(t));
      timers.set(t, setTimeout(function () { check(t); }, 400));
    });
    return check;
  }

  const cite = document.getElementById("cite-form");
  if (cite) setupCite(cite);
  function setupCite(cite) {
    const passage = cite.elements.quote;
    const check = setupQuoteChecks(cite, cite.dataset.verify, function () { return null; });
    const text = document.querySelector(".source-text");
    function take() {
      const sel = window.getSelection();
      if (!sel || sel.isCollapsed || !text.contains(sel.anchorNode)) return;
      const chosen = sel.toString().replace(/\s+/g, " ").trim();
      if (!chosen || chosen === passage.value) return;
      passage.value = chosen;
      check(passage);
    }
    text.addEventListener("mouseup", take);
    text.addEventListener("keyup", take);
    cite.addEventListener("submit", function (e) {
      e.preventDefault();
      const concept = cite.elements.concept.value.trim();
      if (!concept || !passage.value.trim()) return;
      window.location.href = "/concepts/" + encodeURIComponent(concept) + "/edit?source=" +
        encodeURIComponent(cite.dataset.source) + "&quote=" + encodeURIComponent(passage.value.trim());
    });
  }

  const form = document.getElementById("concept-form");
  if (form) setupForm(form);
  const revisions = document.querySelector("ol.revisions[data-revert]");
  if (revisions) setupRevert(revisions);

  function setupForm(form) {
    let original = JSON.parse(document.getElementById("record").textContent);
    const types = {};
    JSON.parse(document.getElementById("relation-types").textContent).forEach(function (t) {
      types[t.name] = t;
    });
    let etag = form.dataset.etag || null;
    const topLists = {};
    Array.from(form.children).forEach(function (c) { if (c.dataset.list) topLists[c.dataset.list] = c; });

    const items = function (list) { return Array.from(list.querySelector(":scope > .items").children); };
    const value = function (item, name) {
      const el = item.querySelector('[data-field="' + name + '"]');
      return el ? el.value.trim() : "";
    };
    const lines = function (text) {
      return text.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    };
    const citations = function (list) {
      return items(list).map(function (item) {
        return { source: value(item, "source"), quote: value(item, "quote") };
      });
    };

    function collect() {
      const rec = JSON.parse(JSON.stringify(original)); // fields the form does not show stay
      delete rec.revision; delete rec.etag;
      if (!form.dataset.cid) rec.id = form.elements.id.value.trim();
      rec.label = form.elements.label.value.trim();
      rec.kind = form.elements.kind.value;
      rec.aliases = lines(form.elements.aliases.value);
      rec.definition = form.elements.definition.value.trim();
      rec.described_as = lines(form.elements.described_as.value);
      rec.citations = citations(topLists.citations);
      rec.relations = items(topLists.relations).map(function (item) {
        const rel = {
          type: value(item, "type"), target: value(item, "target"),
          citations: citations(item.querySelector(":scope > fieldset[data-list]")),
        };
        if (value(item, "modality")) rel.modality = value(item, "modality");
        if (value(item, "note")) rel.note = value(item, "note");
        return rel;
      });
      return rec;
    }

    function newItem(kind, list, data) {
      const template = document.getElementById(kind + "-template");
      const item = template.content.firstElementChild.cloneNode(true);
      list.querySelector(":scope > .items").appendChild(item);
      if (data) fillItem(item, data);
      preview(item);
      return item;
    }
    function fillItem(item, data) {
      Object.keys(data).forEach(function (name) {
        const el = item.querySelector(':scope > label > [data-field="' + name + '"]');
        if (el) el.value = data[name] || "";
      });
      const nested = item.querySelector(":scope > fieldset[data-list]");
      if (nested) (data.citations || []).forEach(function (c) { newItem("citation", nested, c); });
    }
    function fill(rec) {
      form.elements.label.value = rec.label || "";
      form.elements.kind.value = rec.kind || "";
      form.elements.aliases.value = (rec.aliases || []).join("\n");
      form.elements.definition.value = rec.definition || "";
      form.elements.described_as.value = (rec.described_as || []).join("\n");
      ["citations", "relations"].forEach(function (name) {
        topLists[name].querySelector(":scope > .items").innerHTML = "";
        (rec[name] || []).forEach(function (d) {
          newItem(name === "citations" ? "citation" : "relation", topLists[name], d);
        });
      });
    }

    // a relation reads as a sentence while it is edited
    function preview(item) {
      const out = item.querySelector(":scope > .preview");
      if (!out) return;
      const type = types[value(item, "type")];
      const target = value(item, "target") || "…";
      const label = form.elements.label.value.trim() || "this concept";
      if (!type) { out.textContent = ""; return; }
      const text = type.forward.replace(/\{x[abe]?\}/g, label).replace(/\{y[abe]?\}/g, target);
      out.textContent = "Reads: " + text.charAt(0).toUpperCase() + text.slice(1) + ". (" + type.description + ")";
    }
    form.querySelectorAll(".relation").forEach(preview);
    setupQuoteChecks(form, form.dataset.verify, function (t) {
      return t.closest("[data-item]").querySelector('[data-field="source"]');
    });

    // a passage chosen on a source page, attached where the curator says
    const incoming = document.getElementById("incoming");
    if (incoming) {
      const where = document.getElementById("attach-to");
      items(topLists.relations).forEach(function (item, i) {
        const option = document.createElement("option");
        option.value = String(i);
        option.textContent = "the relation " + value(item, "type").replace(/_/g, " ") + " → " + value(item, "target");
        where.appendChild(option);
      });
      document.getElementById("attach").addEventListener("click", function () {
        const list = where.value === "" ? topLists.citations
          : items(topLists.relations)[Number(where.value)].querySelector(":scope > fieldset[data-list]");
        const item = newItem("citation", list, { source: incoming.dataset.source, quote: incoming.dataset.quote });
        incoming.remove();
        const quote = item.querySelector('[data-field="quote"]');
        quote.focus();
        quote.dispatchEvent(new Event("input", { bubbles: true }));
        say("The passage is attached; save to keep it.");
      });
    }
    form.addEventListener("input", function (e) {
      const item = e.target.closest(".relation");
      if (item) preview(item);
    });
    form.addEventListener("change", function (e) {
      const item = e.target.closest(".relation");
      if (item) preview(item);
    });
    form.addEventListener("click", function (e) {
      const add = e.target.closest("[data-add]");
      if (add) {
        const item = newItem(add.dataset.add, add.closest("fieldset"));
        item.querySelector("input, select, textarea").focus();
        return;
      }
      const remove = e.target.closest("[data-remove]");
      if (remove) {
        const list = remove.closest("fieldset");
        remove.closest("[data-item]").remove();
        list.querySelector("[data-add]").focus();
      }
    });

    // where a JSON Pointer points: a field, an item of a list, or the list itself
    function locate(pointer) {
      let scope = form, el = null;
      const parts = pointer.split("/").slice(1);
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (/^\d+$/.test(part)) {
          const list = el && el.querySelector(":scope > .items");
          const item = list && list.children[Number(part)];
          if (!item) break;
          el = scope = item;
          continue;
        }
        const list = Array.from(scope.children).find(function (c) { return c.dataset.list === part; });
        if (list) { el = list; continue; }
        const field = scope === form ? form.querySelector('[data-pointer="/' + part + '"]')
          : scope.querySelector('[data-field="' + part + '"]');
        if (field) el = field;
        break;
      }
      return el;
    }
    function clearErrors() {
      form.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
      form.querySelectorAll("[aria-invalid]").forEach(function (el) {
        el.removeAttribute("aria-invalid"); el.removeAttribute("aria-describedby");
      });
      say("");
    }
    function showProblems(problems) {
      let first = null;
      problems.forEach(function (p) {
        const at = locate(p.pointer) || form;
        const note = document.createElement("p");
        note.className = "field-error";
        note.id = "problem-" + (++errorCount);
        note.textContent = p.message;
        const input = at.matches("input, select, textarea") ? at : at.querySelector("input, select, textarea");
        if (at.matches("input, select, textarea")) at.closest("label").after(note);
        else if (at === form) form.prepend(note);
        else at.appendChild(note);
        if (input && at !== form) {
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", note.id);
        }
        if (!first) first = input || note;
      });
      say(problems.length + (problems.length === 1 ? " problem" : " problems") +
        " kept this from being saved; each is shown at its field.", true);
      if (first) first.focus();
    }

    // compared as values: the order of an object's keys does not matter, nor does a
    // field left out rather than empty (or false)
    const canonical = function (v) {
      if (Array.isArray(v)) return v.map(canonical);
      if (v && typeof v === "object") {
        const out = {};
        Object.keys(v).sort().forEach(function (k) {
          const value = canonical(v[k]);
          if (value !== null) out[k] = value;
        });
        return out;
      }
      return v === undefined || v === null || v === false || v === "" ? null : v;
    };
    const same = function (a, b) {
      return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
    };
    const shown = function (v) {
      if (v === undefined || v === null || v === "") return "(none)";
      if (Array.isArray(v) && v.every(function (x) { return typeof x === "string"; })) return v.join("\n");
      return typeof v === "string" ? v : JSON.stringify(v, null, 1);
    };
    async function conflict(mine) {
      const r = await fetch(form.dataset.recordUrl, { headers: { Accept: "application/json" } });
      const theirs = await r.json();
      const theirEtag = r.headers.get("ETag");
      delete theirs.revision; delete theirs.etag;
      const section = document.getElementById("conflict");
      const body = section.querySelector("tbody");
      body.innerHTML = "";
      const fields = Array.from(new Set(Object.keys(theirs).concat(Object.keys(mine))));
      fields.forEach(function (f) {
        if (same(theirs[f], mine[f])) return; // nothing to choose between
        if (same(theirs[f], original[f]) && same(mine[f], original[f])) return;
        const row = body.insertRow();
        const th = document.createElement("th");
        th.scope = "row"; th.textContent = f;
        row.appendChild(th);
        row.insertCell().textContent = shown(theirs[f]);
        row.insertCell().textContent = same(mine[f], original[f]) ? "(unchanged)" : shown(mine[f]);
      });
      section.hidden = false;
      say("Someone saved this concept after you opened it; see what they changed below.", true);
      const button = document.getElementById("reapply");
      button.onclick = function () {
        const merged = JSON.parse(JSON.stringify(theirs));
        Object.keys(mine).forEach(function (f) { if (!same(mine[f], original[f])) merged[f] = mine[f]; });
        original = theirs;
        etag = theirEtag;
        fill(merged);
        section.hidden = true;
        form.requestSubmit();
      };
      button.focus();
    }

    form.addEventListener("submit", async function (e) {
      e.preventDefault();
      clearErrors();
      const mine = collect();
      say("Saving…");
      const r = await send(form.dataset.cid ? "PUT" : "POST", form.dataset.api, mine, etag);
      if (r.status === 200 || r.status === 201) {
        window.location.href = "/concepts/" + encodeURIComponent(r.data.id) + "?saved=" + r.data.revision;
      } else if (r.status === 412) {
        await conflict(mine);
      } else if (!unauthorised(r)) {
        showProblems(problemsOf(r.data));
      }
    });

    const del = document.getElementById("delete-concept");
    if (del) del.addEventListener("click", async function () {
      if (!window.confirm("Delete " + form.dataset.cid + "? Its history stays, and it can be reverted.")) return;
      clearErrors();
      const r = await send("DELETE", form.dataset.api, undefined, etag);
      if (r.status === 204) { window.location.href = "/"; return; }
      if (r.status === 412) { say("Someone changed it first; reload the page.", true); return; }
      if (unauthorised(r)) return;
      const list = document.createElement("ul");
      list.className = "field-error";
      ((r.data && r.data.problems) || []).forEach(function (p) {
        const li = document.createElement("li");
        const from = /concepts\/([^/]+)\.yaml$/.exec(p.file || "");
        if (from && from[1] !== form.dataset.cid) {
          const a = document.createElement("a");
          a.href = "/concepts/" + encodeURIComponent(from[1]) + "/edit";
          a.textContent = from[1];
          li.append(a, " has a relation to it (line " + p.line + ")");
        } else {
          li.textContent = p.message;
        }
        list.appendChild(li);
      });
      say("It cannot be deleted while other concepts point at it: remove these relations first.", true);
      status.appendChild(list);
    });
  }

  function setupRevert(list) {
    list.addEventListener("click", async function (e) {
      const button = e.target.closest("[data-revert-to]");
      if (!button) return;
      const revision = Number(button.dataset.revertTo);
      say("Reverting…");
      const r = await send("POST", list.dataset.revert, { revision: revision }, list.dataset.etag || null);
      if (r.status === 200 || r.status === 201 || r.status === 204) {
        window.location.reload();
      } else if (!unauthorised(r)) {
        say(problemsOf(r.data).map(function (p) { return p.message; }).join(" "), true);
      }
    });
  }
})();
