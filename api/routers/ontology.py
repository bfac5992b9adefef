from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from api.deps import get_settings
from api.negotiation import RDF_CONTENT, FormatParam, negotiate, rdf_response
from api.routers import problems
from api.schemas import KindOut, ModalTemplates, Ontology, RelationTypeOut
from api.settings import ServerSettings
from kg.ontology import KINDS, RELATION_TYPES
from kg.rdf import ontology_triples

router = APIRouter(prefix="/v1", tags=["ontology"])


@router.get(
    "/ontology",
    response_model=Ontology,
    responses={
        **problems(400, 406, 422),
        200: {
            "description": "the ontology; as RDF (OWL) when the Accept header or `format` "
            "asks for it",
            "content": RDF_CONTENT,
        },
    },
)
def ontology(
    request: Request,
    format: FormatParam = None,
    settings: ServerSettings = Depends(get_settings),
) -> Ontology | Response:
    """The kinds of concept and the relation types, with their sentence templates."""
    fmt = negotiate(request, format)
    if fmt is not None:
        return rdf_response(ontology_triples(settings.base_iri), fmt, settings.base_iri)
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
