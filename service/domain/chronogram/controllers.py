"""HTTP routes of the chronogram: generation (or its preview), reading, manual edits of entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from advanced_alchemy.filters import LimitOffset
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from service.db.models import Chronogram, ChronogramEntry, Exercise
from service.domain.chronogram.schemas import (
    ChronogramEntryCreate,
    ChronogramEntryPage,
    ChronogramEntryRead,
    ChronogramEntryUpdate,
    ChronogramGeneration,
    ChronogramRead,
    LeftOutRead,
)
from service.domain.chronogram.services import ChronogramService, Generation, exercise_timing
from service.domain.exercises.controllers import EXERCISES_PATH, ExerciseId
from service.errors import problem_responses
from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    Channel,
    ChronogramEntryOrigin,
    ChronogramEntryStatus,
    FacilitatorRole,
    InjectSender,
    ParticipantRole,
    Phase,
)
from service.kit.content import get_kit
from service.kit.context import KitDependency
from service.lib.etags import ETAG_HEADER, LOCATION_HEADER, IfMatch, tagged
from service.lib.idempotency import IDEMPOTENCY_DEPENDENCIES, REPLAYED_RESPONSE_HEADER, Idempotency
from service.lib.pagination import PAGINATION_DEPENDENCIES
from service.lib.time import format_clock
from service.security.guards import ORGANISATION_MEMBERS, allow
from service.security.principal import Caller

EntryId = Annotated[UUID, PathParameter(description="Identifiant de la ligne du chronogramme.")]
GENERATION_ETAG_HEADER = ResponseHeader(
    name="ETag",
    description="Version du chronogramme enregistré (absent d'un aperçu dry_run, qui n'enregistre rien).",
    documentation_only=True,
    required=False,
)


def entry_read(entry: ChronogramEntry) -> ChronogramEntryRead:
    catalogue = get_catalogue()
    phase, sender = Phase(entry.phase), InjectSender(entry.sender)
    recipient, channel = ParticipantRole(entry.recipient), Channel(entry.channel)
    origin, status = ChronogramEntryOrigin(entry.origin), ChronogramEntryStatus(entry.status)
    facilitator = FacilitatorRole(entry.facilitator)
    return ChronogramEntryRead(
        id=entry.id,
        exercise_id=entry.exercise_id,
        seq=entry.seq,
        offset_minutes=entry.offset_minutes,
        clock_time=format_clock(entry.clock_time),
        phase=phase,
        phase_label=catalogue.label(phase),
        sender=sender,
        sender_label=catalogue.label(sender),
        facilitator=facilitator,
        facilitator_label=catalogue.label(facilitator),
        recipient=recipient,
        recipient_label=catalogue.label(recipient),
        channel=channel,
        channel_label=catalogue.label(channel),
        title=entry.title,
        stimulus=entry.stimulus,
        expected_reactions=list(entry.expected_reactions),
        competency_items=list(entry.competency_items),
        inject_code=entry.inject_code,
        reason=entry.reason,
        routing_note=entry.routing_note,
        play_if=entry.play_if,
        observation=entry.observation,
        unresolved_placeholders=list(entry.unresolved_placeholders),
        origin=origin,
        origin_label=catalogue.label(origin),
        status=status,
        status_label=catalogue.label(status),
        revision=entry.revision,
    )


def chronogram_read(
    exercise: Exercise, chronogram: Chronogram, entries: Sequence[ChronogramEntry]
) -> ChronogramRead:
    window = exercise_timing(exercise, get_kit())
    return ChronogramRead(
        exercise_id=exercise.id,
        library_version=chronogram.library_version,
        generator_version=chronogram.generator_version,
        inputs_sha256=chronogram.inputs_sha256,
        briefing_minutes=window.briefing_minutes,
        play_minutes=window.play_minutes,
        debriefing_minutes=window.debriefing_minutes,
        generated_at=chronogram.generated_at,
        entries=[entry_read(entry) for entry in entries],
        left_out=[LeftOutRead(**item) for item in chronogram.left_out],
        revision=chronogram.revision,
    )


def generation_response(generation: Generation) -> Response[ChronogramGeneration]:
    body = ChronogramGeneration(
        dry_run=generation.dry_run,
        changes=generation.changes,
        chronogram=chronogram_read(generation.exercise, generation.chronogram, generation.entries),
    )
    if generation.dry_run:
        return Response(body)
    return tagged(body, generation.chronogram.revision)


class ChronogramController(Controller):
    path = EXERCISES_PATH + "/{exercise_id:uuid}/chronogram"
    tags = ["chronogram"]
    guards = [allow(*ORGANISATION_MEMBERS)]
    dependencies = {
        "chronograms": Provide(create_service_provider(ChronogramService)),
        **PAGINATION_DEPENDENCIES,
        **IDEMPOTENCY_DEPENDENCIES,
    }

    @post(
        "/",
        operation_id="generateChronogram",
        status_code=200,
        response_description="Le chronogramme généré (ou son aperçu) et ce qui a changé.",
        summary="Générer le chronogramme",
        responses=problem_responses(404, 409, 412),
        response_headers=[GENERATION_ETAG_HEADER],
    )
    async def generate_chronogram(
        self,
        *,
        caller: NamedDependency[Caller],
        chronograms: NamedDependency[ChronogramService],
        kit: KitDependency,
        exercise_id: ExerciseId,
        dry_run: Annotated[
            bool,
            QueryParameter(description="true : renvoyer l'aperçu sans rien enregistrer ni changer d'étape."),
        ] = False,
        discard_manual_edits: Annotated[
            bool,
            QueryParameter(
                description=(
                    "true : abandonner aussi les lignes modifiées ou ajoutées à la main (conservées sinon)."
                )
            ),
        ] = False,
        if_match: IfMatch = None,
    ) -> Response[ChronogramGeneration]:
        """Construit le chronogramme à partir de l'établissement, des paramètres, du questionnaire
        métier, de la description du SI et de l'annuaire de crise, avec la bibliothèque de stimuli
        du kit ; chaque ligne dit pourquoi elle est là.

        L'exercice doit être READY (il passe alors à GENERATED) ou GENERATED (régénération) ;
        sinon 409 `exercise_not_ready` nommant ce qui manque, `exercise_already_played` ou
        `exercise_closed`. Une régénération conserve les lignes modifiées ou ajoutées à la main
        (sauf `discard_manual_edits=true`) et rend compte des stimuli ajoutés, retirés et
        conservés. Mêmes données d'entrée, même bibliothèque : même chronogramme."""
        generation = await chronograms.generate_chronogram(
            caller,
            exercise_id,
            dry_run=dry_run,
            discard_manual_edits=discard_manual_edits,
            if_match=if_match,
            kit=kit,
        )
        return generation_response(generation)

    @get(
        "/",
        operation_id="getChronogram",
        response_description="Le chronogramme de l'exercice.",
        summary="Lire le chronogramme",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_chronogram(
        self,
        *,
        caller: NamedDependency[Caller],
        chronograms: NamedDependency[ChronogramService],
        exercise_id: ExerciseId,
    ) -> Response[ChronogramRead]:
        """Toutes les lignes dans l'ordre du jeu, leur provenance et les stimuli non retenus ;
        404 `chronogram_not_found` tant qu'il n'a pas été généré."""
        exercise, chronogram, entries = await chronograms.get_chronogram(caller, exercise_id)
        return tagged(chronogram_read(exercise, chronogram, entries), chronogram.revision)

    @get(
        "/entries",
        operation_id="listChronogramEntries",
        response_description="Page de lignes du chronogramme.",
        summary="Lister les lignes du chronogramme",
        responses=problem_responses(404),
    )
    async def list_chronogram_entries(
        self,
        *,
        caller: NamedDependency[Caller],
        chronograms: NamedDependency[ChronogramService],
        exercise_id: ExerciseId,
        page: NamedDependency[LimitOffset],
        phase: Annotated[Phase | None, QueryParameter(description="Filtre : phase.")] = None,
        recipient: Annotated[
            ParticipantRole | None, QueryParameter(description="Filtre : fonction destinataire.")
        ] = None,
        status: Annotated[
            ChronogramEntryStatus | None, QueryParameter(description="Filtre : prévue ou écartée.")
        ] = None,
    ) -> ChronogramEntryPage:
        """Lignes du chronogramme dans l'ordre du jeu, filtrées et paginées."""
        items, total = await chronograms.list_entries(
            caller, exercise_id, page=page, phase=phase, recipient=recipient, status=status
        )
        return ChronogramEntryPage(
            items=[entry_read(item) for item in items], total=total, limit=page.limit, offset=page.offset
        )

    @post(
        "/entries",
        operation_id="addChronogramEntry",
        response_description="Ligne ajoutée.",
        summary="Ajouter un stimulus au chronogramme",
        responses=problem_responses(404, 409, 413, 415, 422),
        response_headers=[ETAG_HEADER, LOCATION_HEADER, REPLAYED_RESPONSE_HEADER],
    )
    async def add_chronogram_entry(
        self,
        *,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        chronograms: NamedDependency[ChronogramService],
        idempotency: NamedDependency[Idempotency],
        exercise_id: ExerciseId,
        data: JSONBody[ChronogramEntryCreate],
    ) -> Response[ChronogramEntryRead]:
        """Ajoute un stimulus écrit à la main (origine CUSTOM), conservé par les régénérations.

        Il doit tomber dans la séance, de la mise en situation au débriefing (422
        `outside_exercise_window` sinon) ; ses items de compétences sont ceux du référentiel ;
        un exercice clôturé ne se modifie plus (409 `exercise_closed`)."""
        await chronograms.exercises.get_exercise(caller, exercise_id)
        if (earlier := await idempotency.replay(data, ChronogramEntryRead)) is not None:
            return earlier
        exercise, entry = await chronograms.add_entry(caller, exercise_id, data)
        return await idempotency.remember(
            tagged(
                entry_read(entry),
                entry.revision,
                status_code=201,
                location=request.app.route_reverse(
                    "getChronogramEntry", exercise_id=exercise.id, entry_id=entry.id
                ),
            )
        )

    @get(
        "/entries/{entry_id:uuid}",
        operation_id="getChronogramEntry",
        name="getChronogramEntry",
        response_description="La ligne demandée.",
        summary="Lire une ligne du chronogramme",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_chronogram_entry(
        self,
        *,
        caller: NamedDependency[Caller],
        chronograms: NamedDependency[ChronogramService],
        exercise_id: ExerciseId,
        entry_id: EntryId,
    ) -> Response[ChronogramEntryRead]:
        """Une ligne du chronogramme, avec les libellés français de ses codes."""
        _, _, entry = await chronograms.get_entry(caller, exercise_id, entry_id)
        return tagged(entry_read(entry), entry.revision)

    @patch(
        "/entries/{entry_id:uuid}",
        operation_id="updateChronogramEntry",
        response_description="La ligne modifiée.",
        summary="Modifier, décaler ou écarter une ligne du chronogramme",
        responses=problem_responses(404, 409, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def update_chronogram_entry(
        self,
        *,
        caller: NamedDependency[Caller],
        chronograms: NamedDependency[ChronogramService],
        exercise_id: ExerciseId,
        entry_id: EntryId,
        data: JSONBody[ChronogramEntryUpdate],
        if_match: IfMatch = None,
    ) -> Response[ChronogramEntryRead]:
        """Modifie les champs envoyés : textes, destinataire, canal, minute (décalage), statut.

        Une ligne générée ainsi modifiée devient EDITED et survit aux régénérations ; la
        nouvelle minute reste dans la séance (422 `outside_exercise_window`)."""
        _, entry = await chronograms.update_entry(caller, exercise_id, entry_id, data, if_match=if_match)
        return tagged(entry_read(entry), entry.revision)

    @delete(
        "/entries/{entry_id:uuid}",
        operation_id="deleteChronogramEntry",
        response_description="Ligne supprimée.",
        summary="Supprimer une ligne du chronogramme",
        responses=problem_responses(404, 409, 412),
    )
    async def delete_chronogram_entry(
        self,
        *,
        caller: NamedDependency[Caller],
        chronograms: NamedDependency[ChronogramService],
        exercise_id: ExerciseId,
        entry_id: EntryId,
        if_match: IfMatch = None,
    ) -> None:
        """Supprime la ligne. Une ligne générée reviendra à la prochaine régénération : pour
        l'écarter durablement, passez-la plutôt à `status` SKIPPED."""
        await chronograms.delete_entry(caller, exercise_id, entry_id, if_match=if_match)
