from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from kg.cli import main
from kg.curate import open_store
from kg.load import load_graph
from kg.rdf import graph_from_rdf
from kg.store import data_files


def test_validate_ok(good_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(good_dir)]) == 0
    assert capsys.readouterr().out == "ok: 11 concepts, 18 relations, 29 citations, 2 sources\n"


def test_validate_lists_every_problem(good_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(good_dir.parent / "bad")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 15 problem(s) in the data\n")
    assert (
        "  bad/concepts/mesa-optimizer.yaml:9: dangling target 'optimzer': no such concept "
        "(did you mean 'optimizer'?)" in err
    )


def test_validate_shipped_data_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_dangling_target_and_invented_quote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data", data)
    path = data / "concepts" / "base-optimizer.yaml"
    text = path.read_text("utf-8").replace("target: mesa-optimizer", "target: mesa-optimiser", 1)
    text = text.replace(
        "citations:\n",
        "citations:\n  - source: what-is-inner-alignment\n"
        "    quote: SGD is the only optimizer that matters.\n",
        1,
    )
    path.write_text(text, "utf-8")
    assert main(["validate", str(data)]) == 1
    err = capsys.readouterr().err
    assert "data/concepts/base-optimizer.yaml:" in err
    assert "dangling target 'mesa-optimiser'" in err and "did you mean 'mesa-optimizer'?" in err
    assert (
        "quote not found in source 'what-is-inner-alignment': "
        "'SGD is the only optimizer that matters.'" in err
    )


def test_show(good_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--data", str(good_dir), "learned optimisers"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("mesa-optimizer  (optimizer, id mesa-optimizer)\n")
    assert "The mesa-optimizer is produced by the base optimizer." in out
    assert '"A mesa-optimizer is itself an optimizer."' in out


def test_search(good_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--data", str(good_dir), "mesa optimzer"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "fuzzy" in first and "mesa-optimizer" in first
    assert main(["search", "--data", str(good_dir), "qqqqzzzz"]) == 1


def test_relate(good_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relate", "--data", str(good_dir), "natural selection", "mesa optimizer"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("**Evolution** and **the mesa-optimizer** are linked through humans")
    assert "[^1]: \u201cEvolution produced humans.\u201d" in out


def test_unknown_term(good_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relate", "--data", str(good_dir), "evolutoin thing", "humans"]) == 2
    err = capsys.readouterr().err
    assert "No concept matches 'evolutoin thing'" in err and "did you mean: evolution" in err


def test_stats(good_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--data", str(good_dir)]) == 0
    assert "concepts   11" in capsys.readouterr().out


def test_ask(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "what", "is", "a", "mesa", "optimiser"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[define: mesa-optimizer]\n\n**Mesa-optimizer** (optimizer): ")
    assert "\n[^1]: \u201c" in out


def test_ask_json_and_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["ask", "--json", "What is reward hacking?"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert (body["intent"], body["missing"]) == ("unknown", ["reward hacking"])


def test_annotate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "text.txt"
    path.write_text("Mesa-optimisers and the base objective; mesa optimizers.", "utf-8")
    assert main(["annotate", str(path), "--first-only"]) == 0
    assert capsys.readouterr().out == (
        "0\t15\tmesa-optimizer\tMesa-optimisers\n24\t38\tbase-objective\tbase objective\n"
    )


def test_export_to_a_file_and_to_standard_output(
    good_dir: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    base = "https://example.org/kg/"
    out = tmp_path / "kg.ttl"
    assert main(["export", "--data", str(good_dir), "--base", base, "-o", str(out)]) == 0
    assert (
        capsysbinary.readouterr().err
        == f"wrote {out.stat().st_size:,} bytes of turtle to {out}\n".encode()
    )
    assert list(tmp_path.iterdir()) == [out]  # the side file was renamed
    assert main(["export", "--data", str(good_dir), "--base", base, "--format", "nt"]) == 0
    nt = capsysbinary.readouterr().out
    content = load_graph(good_dir).content()
    assert graph_from_rdf(out.read_bytes(), "turtle", base).content() == content
    assert graph_from_rdf(nt, "ntriples", base).content() == content


@pytest.mark.parametrize("where", ["a directory", "a failed rename"])
def test_export_that_cannot_be_written_leaves_nothing_behind(
    where: str,
    good_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "kg.ttl"
    if where == "a directory":
        target.mkdir()
    else:  # the export is written in full, then cannot take its place

        def refuse(src: object, dst: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(os, "replace", refuse)
    assert main(["export", "--data", str(good_dir), "-o", str(target)]) == 1
    assert capsys.readouterr().err.startswith(f"error: cannot write {target}: ")
    assert list(tmp_path.iterdir()) == ([target] if target.exists() else [])


def test_tokens_are_created_listed_and_revoked(
    good_dir: Path, store_at: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = store_at
    assert (
        main(
            [
                "token",
                "create",
                "alice",
                "--store",
                store,
                "--data",
                str(good_dir),
                "--scope",
                "relations:write",
            ]
        )
        == 0
    )
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("kgt_")
    assert main(["token", "list", "--store", store]) == 0
    listed = capsys.readouterr().out
    # kgt_ID_KEY, where the key is URL-safe base64 and may itself hold "_" (even first)
    _prefix, _, rest = secret.partition("_")
    token_id, _, key = rest.partition("_")
    assert len(key) >= 40
    assert listed.startswith(token_id) and "alice" in listed and "relations:write" in listed
    assert "concepts:write" not in listed and key not in listed
    opened = open_store(store, None)
    assert opened.check_token(secret) is not None
    assert main(["token", "revoke", token_id, "--store", store]) == 0
    assert opened.check_token(secret) is None
    assert main(["token", "revoke", token_id, "--store", store]) == 1
    assert "no live token" in capsys.readouterr().err
    assert main(["token", "list", "--store", store]) == 0
    assert "revoked 20" in capsys.readouterr().out
    opened.close()


def test_token_needs_a_store(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KG_STORE_PATH", raising=False)
    monkeypatch.delenv("KG_STORE_URL", raising=False)
    assert main(["token", "list"]) == 2
    assert "name the store" in capsys.readouterr().err


def test_dump_writes_the_store_back(
    good_dir: Path, tmp_path: Path, store_at: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = store_at
    opened = open_store(store, good_dir)
    rel = "concepts/evolution.yaml"
    content, at = opened.read(rel)  # type: ignore[misc]
    opened.commit(
        {rel: content.replace(b"evolution", b"evolution", 1) + b"# edited\n"},
        "alice",
        expected={rel: at},
    )
    opened.close()
    out = tmp_path / "out"
    shutil.copytree(good_dir, out)
    assert main(["dump", str(out), "--store", str(store)]) == 0
    assert "wrote 1 changed file(s)" in capsys.readouterr().err
    assert (out / rel).read_bytes().endswith(b"# edited\n")
    assert dict(data_files(out)).keys() == dict(data_files(good_dir)).keys()


def test_store_import_commits_what_a_directory_changed(
    good_dir: Path,
    tmp_path: Path,
    store_at: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = store_at
    open_store(store, good_dir).close()
    pulled = tmp_path / "pulled"
    shutil.copytree(good_dir, pulled)
    evolution = pulled / "concepts" / "evolution.yaml"
    evolution.write_bytes(evolution.read_bytes() + b"# reviewed\n")
    assert main(["store-import", str(pulled), "--store", str(store), "--author", "git"]) == 0
    assert "committed 1 changed file(s)" in capsys.readouterr().err
    opened = open_store(store, None)
    assert opened.history("concepts/evolution.yaml")[-1].author == "git"
    head = opened.head()
    assert main(["store-import", str(pulled), "--store", str(store)]) == 0
    assert "holds" in capsys.readouterr().err and opened.head() == head
    # a directory that does not load is refused whole
    (pulled / "concepts" / "broken.yaml").write_text("label: x\n")
    (pulled / "concepts" / "evolution.yaml").unlink()
    assert main(["store-import", str(pulled), "--store", str(store)]) == 1
    assert "lacks required field" in capsys.readouterr().err and opened.head() == head
    opened.close()


def test_store_commands_fail_cleanly(
    good_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "none" / "kg.sqlite3")
    assert main(["token", "list", "--store", missing]) == 2
    assert "there is no store at" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()  # listing made no store
    store = str(tmp_path / "kg.sqlite3")
    assert main(["token", "create", "two\nlines", "--store", store, "--data", str(good_dir)]) == 2
    assert "one line" in capsys.readouterr().err
    assert main(["token", "create", "ok", "--store", store, "--data", str(good_dir)]) == 0
    capsys.readouterr()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert main(["dump", str(a_file), "--store", store]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_a_store_migrates_to_postgresql_and_back_whole(
    good_dir: Path,
    tmp_path: Path,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = str(tmp_path / "first.sqlite3")
    opened = open_store(first, good_dir)
    rel = "concepts/evolution.yaml"
    content, at = opened.read(rel)  # type: ignore[misc]
    opened.commit({rel: content + b"# edited\n"}, "alice", expected={rel: at})
    opened.commit({"concepts/gone.yaml": b"x"}, "bob")
    opened.commit({"concepts/gone.yaml": None}, "bob")
    _, secret = opened.create_token("carol", ("concepts:write",))
    revoked, _ = opened.create_token("dave", ("concepts:write",))
    opened.revoke_token(revoked.id)
    log = opened.changes(0, 100_000)
    opened.close()

    assert main(["store-migrate", first, pg_url]) == 0
    assert f"{len(log)} revisions" in capsys.readouterr().err
    moved = open_store(pg_url, None)
    assert moved.changes(0, 100_000) == log  # numbers, times, authors, before and after
    assert moved.check_token(secret) is not None and len(moved.tokens()) == 2
    moved.close()
    # the commands take the URL from the environment too
    monkeypatch.setenv("KG_STORE_URL", pg_url)
    assert main(["token", "list"]) == 0
    assert "carol" in capsys.readouterr().out
    out_pg, out_sqlite = tmp_path / "from-pg", tmp_path / "from-sqlite"
    assert main(["dump", str(out_pg)]) == 0

    back = str(tmp_path / "back.sqlite3")
    assert main(["store-migrate", pg_url, back]) == 0
    assert main(["dump", str(out_sqlite), "--store", back]) == 0
    assert dict(data_files(out_pg)) == dict(data_files(out_sqlite))
    assert (out_pg / rel).read_bytes().endswith(b"# edited\n")
    # a store that holds anything already is not migrated into
    assert main(["store-migrate", first, pg_url]) == 2
    assert "holds a store already" in capsys.readouterr().err
    assert main(["store-migrate", str(tmp_path / "none.sqlite3"), back]) == 2


def test_a_token_made_to_expire_says_until_when(
    good_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "kg.sqlite3")
    made = ["token", "create", "bea", "--store", store, "--data", str(good_dir)]
    assert main([*made, "--expires", "90d"]) == 0
    out = capsys.readouterr()
    secret = out.out.strip()
    opened = open_store(store, None)
    token = opened.check_token(secret)
    assert token is not None and token.expires is not None
    days = dt.datetime.fromisoformat(token.expires) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=89) < days <= dt.timedelta(days=90)
    assert f"until {token.expires}" in out.err
    assert main(["token", "list", "--store", store]) == 0
    assert f"live until {token.expires}" in capsys.readouterr().out
    opened.close()
    for wrong in ("90", "0d", "3 months", "-1d", "1y"):
        assert main([*made, f"--expires={wrong}"]) == 2, wrong
        assert "is not a duration" in capsys.readouterr().err
