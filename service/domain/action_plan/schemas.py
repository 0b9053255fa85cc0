"""Wire format of the RETEX action plan: actions, their status history, suggestions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from service.domain.action_plan.engine import NotProposedReason
from service.kit.codes import ActionHorizon, ActionStatus, ParticipantRole, Rating
from service.lib.schema import (
    CreatedAt,
    Limit,
    MultilineText,
    Offset,
    RequestStruct,
    RequiredText,
    ResourceId,
    ResponseStruct,
    Revision,
    Total,
    UpdatedAt,
)

MAX_LINKED_ITEMS = 30

Title = Annotated[
    RequiredText,
    Meta(
        max_length=200,
        description="Intitulé de l'action.",
        examples=["Fiabiliser l'annuaire de crise hors SI"],
    ),
]
Description = Annotated[
    MultilineText, Meta(max_length=4000, description="Ce qu'il faut faire, concrètement.")
]
Horizon = Annotated[
    ActionHorizon,
    Meta(description="Horizon de réalisation après l'exercice : 0–30, 30–90, 90–120 ou 120–300 jours."),
]
DueDate = Annotated[
    date,
    Meta(
        description=(
            "Échéance (AAAA-MM-JJ), jamais avant la date de l'exercice (422 `due_before_exercise`). "
            "Absente ou null : dérivée de l'exercice, date de l'exercice + fin de l'horizon "
            "(30, 90, 120 ou 300 jours) ; null pour un exercice sans date."
        ),
        examples=["2026-04-11"],
    ),
]
DueDateOverridden = Annotated[
    bool,
    Meta(description="true quand l'échéance a été fixée à la main ; false quand elle suit l'horizon."),
]
OwnerRole = Annotated[ParticipantRole, Meta(description="Fonction qui porte l'action.")]
ContactRef = Annotated[
    UUID,
    Meta(description="Contact de l'annuaire de crise du même établissement qui suit l'action (422 sinon)."),
]
Status = Annotated[ActionStatus, Meta(description="Avancement de l'action.")]
Reason = Annotated[
    RequiredText,
    Meta(
        max_length=1000,
        description=(
            "Motif du changement d'avancement, gardé dans l'historique ; obligatoire pour rouvrir une "
            "action faite ou modifier une action abandonnée (422 `reason_required`)."
        ),
    ),
]
ItemCode = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        description="Code d'item du référentiel de compétences (ex. GC_ANNUAIRE).",
    ),
]
LinkedItems = Annotated[
    list[ItemCode],
    Meta(
        max_length=MAX_LINKED_ITEMS,
        description="Items de compétence auxquels l'action répond (codes de GET /api/v1/kit/competencies).",
    ),
]
Label = Annotated[str, Meta(description="Libellé français du code.")]
LibraryCode = Annotated[
    str | None,
    Meta(description="Action type de la bibliothèque du kit dont elle est issue (null si écrite à la main)."),
]


class ActionCreate(RequestStruct):
    """Action du plan RETEX, créée « À faire »."""

    title: Title
    horizon: Horizon
    owner_role: OwnerRole
    description: Description | None = None
    due_date: DueDate | None = None
    contact_id: ContactRef | None = None
    competency_items: LinkedItems = msgspec.field(default_factory=list)


class ActionUpdate(RequestStruct):
    """Modification partielle : seuls les champs envoyés changent.

    `due_date: null` rend l'échéance à l'horizon ; changer d'horizon déplace une échéance qui
    suivait l'horizon, pas une échéance fixée à la main. `status` fait avancer l'action ;
    l'historique garde qui, quand, d'où, vers où et pourquoi (`reason`)."""

    title: Title | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET
    horizon: Horizon | UnsetType = UNSET
    due_date: DueDate | UnsetType | None = UNSET
    owner_role: OwnerRole | UnsetType = UNSET
    contact_id: ContactRef | UnsetType | None = UNSET
    competency_items: LinkedItems | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    reason: Reason | UnsetType = UNSET


class StatusChangeRead(ResponseStruct):
    """Un changement d'avancement de l'action."""

    from_status: Annotated[ActionStatus | None, Meta(description="Avancement d'avant (null à la création).")]
    from_status_label: Annotated[str | None, Meta(description="Libellé français de l'avancement d'avant.")]
    to_status: Annotated[ActionStatus, Meta(description="Nouvel avancement.")]
    to_status_label: Label
    changed_at: Annotated[datetime, Meta(description="Date du changement (UTC).")]
    changed_by: Annotated[str, Meta(description="Compte ou clé d'API qui l'a fait.")]
    reason: Annotated[str | None, Meta(description="Motif donné.")]


class LinkedItemRead(ResponseStruct):
    """Item de compétence auquel l'action répond."""

    code: ItemCode
    label: Annotated[str, Meta(description="Libellé français de l'item.")]
    family_code: Annotated[str, Meta(description="Famille de compétences de l'item.")]


class ActionRead(ResponseStruct):
    """Action du plan RETEX d'un exercice."""

    id: ResourceId
    exercise_id: Annotated[UUID, Meta(description="Exercice dont le RETEX a décidé l'action.")]
    library_code: LibraryCode
    title: Title
    description: Description | None
    horizon: Horizon
    horizon_label: Label
    due_date: DueDate | None
    due_date_overridden: DueDateOverridden
    owner_role: OwnerRole
    owner_role_label: Label
    contact_id: ContactRef | None
    status: Status
    status_label: Label
    status_changed_at: Annotated[datetime, Meta(description="Date du dernier changement d'avancement (UTC).")]
    status_history: Annotated[
        list[StatusChangeRead], Meta(description="Changements d'avancement, du plus ancien au plus récent.")
    ]
    competency_items: Annotated[list[LinkedItemRead], Meta(description="Items de compétence visés.")]
    overdue: Annotated[
        bool, Meta(description="En retard : encore « À faire » ou « En cours » après son échéance.")
    ]
    revision: Revision
    created_at: CreatedAt
    updated_at: UpdatedAt


class ActionPage(ResponseStruct):
    """Une page d'actions."""

    items: Annotated[list[ActionRead], Meta(description="Actions de la page.")]
    total: Total
    limit: Limit
    offset: Offset


class ActionSort(StrEnum):
    """Champ de tri des actions (sans échéance : en fin de liste)."""

    DUE_DATE = "due_date"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


class RatedItemRead(ResponseStruct):
    """Item de compétence et sa note à l'évaluation de l'exercice."""

    code: ItemCode
    label: Annotated[str, Meta(description="Libellé français de l'item.")]
    family_code: Annotated[str, Meta(description="Famille de compétences de l'item.")]
    rating: Annotated[Rating, Meta(description="Note de l'item à l'évaluation.")]
    rating_label: Annotated[str, Meta(description="Libellé français de la note.")]


class ActionSuggestion(ResponseStruct):
    """Action type proposée pour des items faibles de l'exercice."""

    library_code: Annotated[str, Meta(description="Code de l'action type dans la bibliothèque du kit.")]
    title: Title
    description: Description
    horizon: Horizon
    horizon_label: Label
    due_date: Annotated[
        date | None, Meta(description="Échéance dérivée de l'horizon (null sans date d'exercice).")
    ]
    owner_role: OwnerRole
    owner_role_label: Label
    answers: Annotated[
        list[RatedItemRead],
        Meta(description="Items notés « Non réalisé » ou « Peu satisfaisant » auxquels elle répond."),
    ]
    because: Annotated[
        list[RatedItemRead],
        Meta(
            description=(
                "Les notes qui la font proposer : items faibles sans réponse au plan ni dans une "
                "proposition plus urgente, et (sauf `all=true`) qu'aucune application précédente "
                "n'a lues à ce niveau. Après une modification de l'évaluation : la note qui a changé."
            )
        ),
    ]


class NotProposedRead(ResponseStruct):
    """Item faible sans proposition dans cette réponse, et pourquoi."""

    code: ItemCode
    label: Annotated[str, Meta(description="Libellé français de l'item.")]
    family_code: Annotated[str, Meta(description="Famille de compétences de l'item.")]
    rating: Annotated[Rating, Meta(description="Note de l'item à l'évaluation.")]
    rating_label: Annotated[str, Meta(description="Libellé français de la note.")]
    reason: Annotated[NotProposedReason, Meta(description="Pourquoi il n'a pas de proposition.")]
    explanation: Annotated[str, Meta(description="La raison, en français, pour l'utilisateur.")]
    action_ids: Annotated[
        list[UUID],
        Meta(
            description=(
                "Actions du plan en cause : celles qui y répondent (`ANSWERED_BY_PLAN`), ou celles "
                "créées par l'application qui a lu cette note (`ALREADY_APPLIED`)."
            )
        ),
    ]


class ActionSuggestions(ResponseStruct):
    """Propositions d'actions pour les items faibles ; créées dans le plan avec `apply=true`.

    Appliquer est idempotent pour une même évaluation : la seconde application n'ajoute rien et
    le dit (`already_applied`, `not_proposed`)."""

    exercise_id: Annotated[UUID, Meta(description="Exercice dont l'évaluation est lue.")]
    applied: Annotated[bool, Meta(description="true : `apply=true` a été demandé.")]
    summary: Annotated[str, Meta(description="Ce que dit la réponse, en une ou deux phrases en français.")]
    weak_items: Annotated[
        list[RatedItemRead], Meta(description="Items notés « Non réalisé » ou « Peu satisfaisant ».")
    ]
    suggestions: Annotated[
        list[ActionSuggestion],
        Meta(description="Actions proposées (5 au plus ; toutes avec `all=true`), par horizon."),
    ]
    created: Annotated[
        list[ActionRead],
        Meta(description="Actions créées dans le plan par cet appel (vide sans `apply=true`)."),
    ]
    already_applied: Annotated[
        list[ActionRead],
        Meta(description="Actions du plan créées par une application précédente des propositions."),
    ]
    not_proposed: Annotated[
        list[NotProposedRead], Meta(description="Items faibles sans proposition ici, et pourquoi.")
    ]
    left_out: Annotated[
        int,
        Meta(
            ge=0,
            description=(
                "Items faibles laissés de côté alors qu'une action type y répondrait (limite de 5, "
                "ou lus par une application précédente) : `all=true`, sans `apply`, les montre."
            ),
        ),
    ]
