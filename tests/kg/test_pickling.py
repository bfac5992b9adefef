"""kg.pickling: models pickled as their fields, and many models of one class as a table
of columns whose rows every other reference shares."""

from __future__ import annotations

import pickle

import pytest
from pydantic import BaseModel, ConfigDict

from kg import pickling
from kg.model import Citation, Relation

CITE = Citation(source="s", quote="An optimizer searches.", start=0, end=22)


def _relations() -> list[Relation]:
    return [
        Relation(source="a", type="is_a", target="b", citations=(CITE,)),
        Relation(source="b", type="produces", target="c", citations=(CITE,), note="why"),
        # built as the loader builds them: fields taken as checked
        pickling.model(
            Relation,
            {
                "source": "c",
                "type": "contrasts_with",
                "target": "a",
                "citations": (CITE,),
                "note": None,
                "modality": "does_not",
            },
            set(Relation.model_fields),
        ),
    ]


def test_a_table_comes_back_as_the_same_models_shared_wherever_they_are_held() -> None:
    rels = _relations()
    by_source = {r.source: [r] for r in rels}
    table, held, again = pickle.loads(
        pickling.dumps((pickling.Table(Relation, rels), by_source, rels[1]))
    )
    assert type(table) is tuple and table == tuple(rels)
    assert [r.model_fields_set for r in table] == [r.model_fields_set for r in rels]
    assert [r.model_dump() for r in table] == [r.model_dump() for r in rels]
    assert [hash(r) for r in table] == [hash(r) for r in rels]
    # every other reference is to the table's own objects, not to copies
    assert all(held[r.source][0] is r for r in table)
    assert again is table[1]
    assert table[0].citations[0] is table[1].citations[0]
    with pytest.raises(ValueError):  # frozen, as built by pydantic
        table[0].note = "changed"


def test_a_table_is_smaller_than_the_models_one_by_one() -> None:
    rels = [
        Relation(source=f"c{i}", type="is_a", target=f"c{i + 1}", citations=(CITE,))
        for i in range(100)
    ]
    assert len(pickling.dumps(pickling.Table(Relation, rels))) < len(pickling.dumps(rels))


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str


def test_models_a_table_cannot_hold_are_pickled_one_by_one() -> None:
    rows = [_Open(name="x", more=1), _Open(name="y")]
    table = pickle.loads(pickling.dumps(pickling.Table(_Open, rows)))
    assert table == tuple(rows) and table[0].model_extra == {"more": 1}
    mixed = pickle.loads(pickling.dumps(pickling.Table(Relation, [*_relations(), CITE])))
    assert mixed[-1] == CITE and mixed[0] == _relations()[0]


def test_one_table_per_pickle() -> None:
    rels = _relations()
    with pytest.raises(ValueError, match="one table"):
        pickling.dumps((pickling.Table(Relation, rels), pickling.Table(Relation, rels)))


def test_a_table_may_hold_the_rows_of_a_table_before_it() -> None:
    rels = _relations()
    other = Citation(source="s", quote="searches", start=12, end=20)
    cites = [CITE, other]
    table_of_cites, table_of_rels, one = pickle.loads(
        pickling.dumps((pickling.Table(Citation, cites), pickling.Table(Relation, rels), rels[0]))
    )
    assert table_of_cites == tuple(cites) and table_of_rels == tuple(rels)
    assert all(r.citations[0] is table_of_cites[0] for r in table_of_rels)
    assert one is table_of_rels[0]
