"""Wire format of the chronogram: its generation, its entries, and their manual edits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from service.kit.codes import (
    Channel,
    ChronogramEntryOrigin,
    ChronogramEntryStatus,
    FacilitatorRole,
    InjectSender,
    ParticipantRole,
    Phase,
)
from service.lib.schema import (
    Limit,
    MultilineText,
    Offset,
    RequestStruct,
    RequiredText,
    ResponseStruct,
    Total,
)

MAX_REACTIONS = 20
MAX_ITEMS = 30

Label = Annotated[str, Meta(description="Libellé français du code.")]
ExerciseRef = Annotated[UUID, Meta(description="Exercice du chronogramme.")]
OffsetMinutes = Annotated[
    int,
    Meta(
        ge=-1440,
        le=1440,
        description=(
            "Minutes depuis T0, le début du jeu (négatif pendant la mise en situation). Une ligne "
            "reste dans la séance : de −briefing_minutes à duration_minutes − briefing_minutes."
        ),
    ),
]
ClockTime = Annotated[
    str | None,
    Meta(
        description=(
            "Heure légale de Paris (HH:MM), d'après la date et l'heure de début de l'exercice ; "
            "null tant qu'elles ne sont pas fixées."
        ),
        examples=["09:45"],
    ),
]
EntryPhase = Annotated[Phase, Meta(description="Phase de l'exercice.")]
Sender = Annotated[InjectSender, Meta(description="Émetteur : le rôle que joue l'animation.")]
Facilitator = Annotated[
    FacilitatorRole,
    Meta(description="Animateur qui joue l'émetteur pendant l'exercice (colonne « Animateur »)."),
]
ObservationText = (
    Annotated[
        MultilineText,
        Meta(
            max_length=4000,
            description="Ce que les animateurs ont noté sur cette ligne en la jouant ; null si rien.",
        ),
    ]
    | None
)
Recipient = Annotated[ParticipantRole, Meta(description="Destinataire : la fonction des joueurs visée.")]
EntryChannel = Annotated[Channel, Meta(description="Canal de transmission du stimulus.")]
Title = Annotated[RequiredText, Meta(max_length=200, description="Intitulé court du stimulus.")]
Stimulus = Annotated[
    MultilineText,
    Meta(min_length=1, max_length=4000, description="Contenu du stimulus, tel que le reçoivent les joueurs."),
]
Reaction = Annotated[RequiredText, Meta(max_length=1000, description="Une réaction attendue des joueurs.")]
Reactions = Annotated[
    list[Reaction], Meta(max_length=MAX_REACTIONS, description="Réactions attendues (20 au plus).")
]
ItemCode = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Z][A-Z0-9_]*$",
        description="Code d'un item du référentiel de compétences (GET /api/v1/kit/competencies).",
    ),
]
Items = Annotated[
    list[ItemCode],
    Meta(max_length=MAX_ITEMS, description="Items de compétences que la ligne permet d'évaluer."),
]
Status = Annotated[
    ChronogramEntryStatus,
    Meta(
        description=(
            "PLANNED : la ligne sera jouée ; SENT : jouée ; SHIFTED : jouée à une autre minute que "
            "prévu ; SKIPPED : écartée par les animateurs, gardée pour mémoire."
        )
    ),
]
Origin = Annotated[
    ChronogramEntryOrigin,
    Meta(
        description=(
            "GENERATED : produite par la génération ; EDITED : générée puis modifiée à la main ; "
            "CUSTOM : ajoutée à la main. Une régénération ne remplace que les lignes GENERATED."
        )
    ),
]
InjectCode = Annotated[
    str | None,
    Meta(description="Code du stimulus de la bibliothèque dont vient la ligne (null si ajoutée à la main)."),
]
Version = Annotated[str, Meta(description="Version.")]
InputsDigest = Annotated[
    str,
    Meta(
        description=(
            "Empreinte SHA-256 des données d'entrée de la génération (établissement, paramètres, "
            "questionnaire, SI, annuaire de crise) : la même empreinte, avec les mêmes versions, "
            "donne le même chronogramme."
        )
    ),
]
EntryRevision = Annotated[
    int | None,
    Meta(
        description=(
            "Version de la ligne, citée par son ETag ; null dans un aperçu (dry_run) pour une ligne nouvelle."
        )
    ),
]


class ChronogramEntryRead(ResponseStruct):
    """Une ligne du chronogramme : quand, qui envoie quoi à qui, ce qui est attendu, et pourquoi."""

    id: Annotated[
        UUID | None,
        Meta(description="Identifiant (UUIDv7) ; null dans un aperçu (dry_run) pour une ligne nouvelle."),
    ]
    exercise_id: ExerciseRef
    seq: Annotated[int, Meta(ge=1, description="Numéro de la ligne dans l'ordre du jeu (N°).")]
    offset_minutes: OffsetMinutes
    clock_time: ClockTime
    phase: EntryPhase
    phase_label: Label
    sender: Sender
    sender_label: Label
    facilitator: Facilitator
    facilitator_label: Label
    recipient: Recipient
    recipient_label: Label
    channel: EntryChannel
    channel_label: Label
    title: Title
    stimulus: Stimulus
    expected_reactions: Reactions
    competency_items: Items
    inject_code: InjectCode
    reason: Annotated[
        str,
        Meta(
            description=(
                "Pourquoi la ligne est là, en français : la règle de la bibliothèque qui a joué "
                "(ex. « DUI hébergé en SaaS »), ou « Toujours joué : … » pour un jalon obligatoire."
            )
        ),
    ]
    routing_note: Annotated[
        str | None,
        Meta(
            description=(
                "Quand le destinataire prévu ne joue pas : à qui le stimulus a été adressé à sa place."
            )
        ),
    ]
    play_if: Annotated[
        str | None,
        Meta(
            description=(
                "Quand jouer la ligne, pour les animateurs (ex. « Seulement si personne n'a encore "
                "signalé l'incident »), null si elle est toujours jouée."
            )
        ),
    ]
    observation: ObservationText
    unresolved_placeholders: Annotated[
        list[str],
        Meta(
            description=(
                "Champs à compléter restés sans valeur (ex. editeur_dui) : ils apparaissent tels quels, "
                "entre accolades, dans le texte."
            )
        ),
    ]
    origin: Origin
    origin_label: Label
    status: Status
    status_label: Label
    revision: EntryRevision


class LeftOutRead(ResponseStruct):
    """Un stimulus qui convenait à l'exercice mais n'a pas été retenu."""

    inject_code: Annotated[str, Meta(description="Code du stimulus de la bibliothèque.")]
    reason: Annotated[str, Meta(description="Pourquoi il n'a pas été retenu, en français.")]


class ChronogramRead(ResponseStruct):
    """Chronogramme d'un exercice : ses lignes dans l'ordre du jeu et leur provenance."""

    exercise_id: ExerciseRef
    library_version: Annotated[Version, Meta(description="Version de la bibliothèque de stimuli utilisée.")]
    generator_version: Annotated[Version, Meta(description="Version du moteur de génération.")]
    inputs_sha256: InputsDigest
    briefing_minutes: Annotated[int, Meta(ge=0, description="Mise en situation, avant T0 (minutes).")]
    play_minutes: Annotated[int, Meta(ge=1, description="Temps de jeu, de T0 à la FINEX (minutes).")]
    debriefing_minutes: Annotated[
        int, Meta(ge=0, description="Débriefing à chaud, après la FINEX (minutes).")
    ]
    generated_at: Annotated[
        datetime | None, Meta(description="Dernière génération (UTC) ; null dans un aperçu (dry_run).")
    ]
    entries: Annotated[list[ChronogramEntryRead], Meta(description="Toutes les lignes, dans l'ordre du jeu.")]
    left_out: Annotated[
        list[LeftOutRead],
        Meta(description="Stimuli qui convenaient mais n'ont pas été retenus, et pourquoi."),
    ]
    revision: Annotated[
        int | None,
        Meta(description=("Version du chronogramme, citée par son ETag ; null dans un aperçu (dry_run).")),
    ]


Codes = Annotated[list[str], Meta(description="Codes de stimuli de la bibliothèque, dans l'ordre du jeu.")]
EntryIds = Annotated[list[UUID], Meta(description="Identifiants de lignes.")]


class ChronogramChanges(ResponseStruct):
    """Ce que la (re)génération change par rapport au chronogramme précédent."""

    added: Annotated[Codes, Meta(description="Stimuli nouveaux (tous, à la première génération).")]
    removed: Annotated[Codes, Meta(description="Stimuli générés la fois précédente qui ne le sont plus.")]
    kept: Annotated[Codes, Meta(description="Stimuli générés les deux fois.")]
    kept_edited_entries: Annotated[
        EntryIds, Meta(description="Lignes générées puis modifiées à la main, conservées telles quelles.")
    ]
    kept_custom_entries: Annotated[EntryIds, Meta(description="Lignes ajoutées à la main, conservées.")]
    discarded_entries: Annotated[
        EntryIds,
        Meta(description="Lignes modifiées ou ajoutées à la main, abandonnées (discard_manual_edits=true)."),
    ]


class ChronogramGeneration(ResponseStruct):
    """Résultat d'une génération (ou de son aperçu) : le chronogramme et ce qui a changé."""

    dry_run: Annotated[bool, Meta(description="true : simple aperçu, rien n'a été enregistré.")]
    changes: Annotated[
        ChronogramChanges,
        Meta(description="Stimuli ajoutés, retirés et conservés ; lignes manuelles gardées."),
    ]
    chronogram: Annotated[
        ChronogramRead, Meta(description="Le chronogramme enregistré, ou celui qui le serait (aperçu).")
    ]


class ChronogramEntryPage(ResponseStruct):
    """Une page de lignes du chronogramme, dans l'ordre du jeu."""

    items: Annotated[list[ChronogramEntryRead], Meta(description="Lignes de la page.")]
    total: Total
    limit: Limit
    offset: Offset


class ChronogramEntryCreate(RequestStruct):
    """Stimulus ajouté à la main ; il reste à sa place lors des régénérations."""

    offset_minutes: OffsetMinutes
    phase: EntryPhase
    sender: Sender
    recipient: Recipient
    channel: EntryChannel
    title: Title
    stimulus: Stimulus
    expected_reactions: Reactions = msgspec.field(default_factory=list)
    competency_items: Items = msgspec.field(default_factory=list)
    status: Status = ChronogramEntryStatus.PLANNED
    # None: the facilitator who usually plays the sender.
    facilitator: Facilitator | None = None
    observation: ObservationText = None


class ChronogramEntryUpdate(RequestStruct):
    """Modification partielle d'une ligne : seuls les champs envoyés changent.

    Changer `offset_minutes` décale la ligne (et son heure) ; `status` SKIPPED l'écarte sans la
    supprimer. Une ligne générée modifiée devient EDITED et survit aux régénérations."""

    offset_minutes: OffsetMinutes | UnsetType = UNSET
    phase: EntryPhase | UnsetType = UNSET
    sender: Sender | UnsetType = UNSET
    recipient: Recipient | UnsetType = UNSET
    channel: EntryChannel | UnsetType = UNSET
    title: Title | UnsetType = UNSET
    stimulus: Stimulus | UnsetType = UNSET
    expected_reactions: Reactions | UnsetType = UNSET
    competency_items: Items | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    facilitator: Facilitator | UnsetType = UNSET
    observation: ObservationText | UnsetType = UNSET
