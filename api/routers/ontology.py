from __future__ import annotations

from fastapi import APIRouter

from api.schemas import KindOut, ModalTemplates, Ontology, RelationTypeOut
from kg.ontology import KINDS, RELATION_TYPES

router = APIRouter(prefix="/v1", tags=["ontology"])


@router.get("/ontology", response_model=Ontology)
def ontology() -> Ontology:
    """The kinds of concept and the relation types, with their sentence templates."""
    return Ontology(
        kinds=[KindOut(name=k.name, description=k.description) for k in KINDS.values()],
        relation_types=[
            RelationTypeOut(
                name=t.name,
                description=t.description,
                forward=t.forward,
                inverse=t.inverse,
                inverse_name=t.inverse_name,
                symmetric=t.symmetric,
                broader=t.hierarchical,
                modalities={
                    m: ModalTemplates(forward=f, inverse=i) for m, (f, i) in t.modal.items()
                },
            )
            for t in RELATION_TYPES.values()
        ],
    )
