"""Business rules of the chronogram: generation from the exercise's inputs, manual edits.

The generation itself is the pure :func:`~service.domain.chronogram.engine.generate`; this module
gathers its inputs from the database, merges its result with the entries edited or added by
hand, and saves. Every write first locks the exercise row (``FOR UPDATE``), like the exercise's
own edits: a generation, an entry's edit and a status change queue instead of interleaving.

Entries are renumbered in play order after every change, so ``seq`` is always 1, 2, 3… and
the chronogram's revision (its ETag) moves whenever any of its entries does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, func, select

from service.db.models import Chronogram, ChronogramEntry, Contact, Exercise, Organisation
from service.domain.audit.services import AuditedService, changed_fields, record_event
from service.domain.chronogram.engine import (
    PHASE_RANK,
    PLACEHOLDER,
    ContactFacts,
    ExerciseParameters,
    GeneratedChronogram,
    GeneratedEntry,
    GenerationInputs,
    OrganisationProfile,
    Timing,
    clock_at,
    generate,
    timing,
)
from service.domain.chronogram.schemas import ChronogramChanges, ChronogramEntryCreate, ChronogramEntryUpdate
from service.domain.exercises.rules import readiness_errors
from service.domain.exercises.services import ExerciseService, ensure_not_closed
from service.errors import ConflictError, FieldError, InvalidDataError, NotFoundError, PreconditionFailedError
from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    AuditAction,
    ChronogramEntryOrigin,
    ChronogramEntryStatus,
    ContactRole,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    ExerciseStatus,
    ParticipantRole,
    Phase,
    ResourceType,
    ScenarioType,
    ServiceMode,
)
from service.kit.content import Establishment, Kit, get_kit
from service.kit.context import KitContext
from service.kit.rules import ComponentFacts
from service.lib.etags import check_if_match
from service.lib.geography import load_geography
from service.security.principal import Caller

INVALID_DETAIL = "Certaines valeurs ne respectent pas les règles : voir la liste des erreurs."
CUSTOM_REASON = "Stimulus ajouté à la main."
# Statuses whose chronogram may be (re)generated.
GENERABLE = frozenset({ExerciseStatus.READY, ExerciseStatus.GENERATED})
PLAYED = frozenset({ExerciseStatus.PLAYED, ExerciseStatus.EVALUATED})
MANUAL = frozenset({ChronogramEntryOrigin.EDITED.value, ChronogramEntryOrigin.CUSTOM.value})
# Columns an entry's update may change, as its body names them.
_EDITABLE = ChronogramEntryUpdate.__struct_fields__
# The texts whose placeholders may remain unfilled.
_TEXTS = ("title", "stimulus", "expected_reactions")


# ---------------------------------------------------------------------------------------------
# Inputs of the engine, from the stored rows


def exercise_parameters(exercise: Exercise) -> ExerciseParameters:
    roles = {item["role"] for item in exercise.participants if item.get("count", 0) >= 1}
    return ExerciseParameters(
        exercise_date=exercise.exercise_date,
        start_time=exercise.start_time,
        duration_minutes=exercise.duration_minutes,
        briefing_minutes=exercise.briefing_minutes,
        level=ExerciseLevel(exercise.level),
        format=ExerciseFormat(exercise.format),
        scenario_type=ScenarioType(exercise.scenario_type),
        # A set of roles: the enum's order makes it canonical (hence its hash).
        participant_roles=tuple(role for role in ParticipantRole if role in roles),
        include_perturbations=exercise.include_perturbations,
    )


def generation_inputs(
    organisation: Organisation,
    contacts: Sequence[Contact],
    exercise: Exercise,
    answers: Mapping[str, Any],
    components: Sequence[Mapping[str, Any]],
) -> GenerationInputs:
    return GenerationInputs(
        organisation=OrganisationProfile(
            name=organisation.name,
            short_name=organisation.short_name,
            category=EssmsCategory(organisation.category),
            service_mode=ServiceMode(organisation.service_mode),
            capacity_places=organisation.capacity_places,
            sites_count=organisation.sites_count,
            region_code=organisation.region_code,
            region_name=_region_name(organisation.region_code),
        ),
        parameters=exercise_parameters(exercise),
        answers=dict(answers),
        components=tuple(msgspec.convert(component, ComponentFacts) for component in components),
        contacts=tuple(
            ContactFacts(role=ContactRole(contact.role), name=contact.name) for contact in contacts
        ),
    )


def _region_name(code: str | None) -> str | None:
    region = None if code is None else load_geography().region(code)
    return None if region is None else region.name


def exercise_timing(exercise: Exercise, kit: Kit) -> Timing:
    return timing(exercise_parameters(exercise), kit)


def unresolved_placeholders(title: str, stimulus: str, reactions: Iterable[str]) -> list[str]:
    """Placeholders still written in an entry's texts, in order of appearance."""
    names = [match[1] for text in (title, stimulus, *reactions) for match in PLACEHOLDER.finditer(text)]
    return list(dict.fromkeys(names))


# ---------------------------------------------------------------------------------------------
# Checks


def ensure_generable(
    exercise: Exercise,
    answers: Mapping[str, Any],
    components: Sequence[Any],
    kit: KitContext,
    establishment: Establishment,
) -> None:
    """409 unless the exercise is READY (or GENERATED, to regenerate) with complete inputs;
    ``exercise_not_ready`` names what is missing."""
    status = ExerciseStatus(exercise.status)
    ensure_not_closed(status)
    if status in PLAYED:
        raise ConflictError(
            "L'exercice a déjà été joué : son chronogramme ne se régénère plus.",
            code="exercise_already_played",
        )
    errors: list[FieldError] = (
        []
        if status in GENERABLE
        else [
            FieldError(
                field="status",
                code="not_ready",
                message=(
                    "L'exercice est à l'étape « Brouillon » : passez-le à « Prêt » (status READY) une "
                    "fois le questionnaire métier complet et le SI décrit."
                ),
            )
        ]
    )
    problems = readiness_errors(answers, components, kit.content, establishment, kit.catalogue)
    errors += map(FieldError.of, problems)
    if errors:
        raise ConflictError(
            "L'exercice n'est pas prêt pour générer son chronogramme : voir ce qui manque dans la liste.",
            code="exercise_not_ready",
            errors=errors,
        )


def window_errors(offset: int, exercise: Exercise, kit: Kit) -> list[FieldError]:
    """An entry stays within the session: from the start of the briefing to the end of the
    debriefing."""
    window = exercise_timing(exercise, kit)
    if window.first_offset <= offset <= window.last_offset:
        return []
    return [
        FieldError(
            field="offset_minutes",
            code="outside_exercise_window",
            message=(
                f"En dehors de la séance : de {window.first_offset} (début de la mise en situation) "
                f"à {window.last_offset} minutes (fin du débriefing) après T0."
            ),
        )
    ]


def item_errors(items: Sequence[str], kit: Kit) -> list[FieldError]:
    return [
        FieldError(
            field=f"competency_items[{index}]",
            code="unknown_competency_item",
            message=f"« {code} » n'est pas un item du référentiel de compétences.",
        )
        for index, code in enumerate(items)
        if code not in kit.item_families
    ]


def text_errors(state: Mapping[str, Any]) -> list[FieldError]:
    """Spaces alone are no stimulus (the body's text arrives trimmed, blank as None)."""
    if "stimulus" in state and not state["stimulus"]:
        return [FieldError(field="stimulus", code="blank", message="Stimulus vide : écrivez son contenu.")]
    return []


def _raise_if_invalid(errors: Sequence[FieldError]) -> None:
    if errors:
        raise InvalidDataError(INVALID_DETAIL, errors=errors)


# ---------------------------------------------------------------------------------------------
# Regeneration plan


@dataclass
class Generation:
    """A chronogram as generated (saved, or a preview made of unsaved rows) and its changes."""

    exercise: Exercise
    chronogram: Chronogram
    entries: list[ChronogramEntry]
    changes: ChronogramChanges
    dry_run: bool


def _new_entry(exercise: Exercise, chronogram_id: UUID | None, generated: GeneratedEntry) -> ChronogramEntry:
    return ChronogramEntry(
        exercise_id=exercise.id,
        chronogram_id=chronogram_id,
        seq=generated.seq,
        offset_minutes=generated.offset_minutes,
        # Set with the numbering, like every entry's.
        clock_time=None,
        phase=generated.phase.value,
        sender=generated.sender.value,
        facilitator=generated.facilitator.value,
        recipient=generated.recipient.value,
        channel=generated.channel.value,
        title=generated.title,
        stimulus=generated.stimulus,
        expected_reactions=list(generated.expected_reactions),
        competency_items=list(generated.competency_items),
        inject_code=generated.inject_code,
        reason=generated.reason,
        routing_note=generated.routing_note,
        play_if=generated.play_if,
        observation=None,
        unresolved_placeholders=list(generated.unresolved_placeholders),
        origin=ChronogramEntryOrigin.GENERATED.value,
        status=ChronogramEntryStatus.PLANNED.value,
    )


def _copy(entry: ChronogramEntry) -> ChronogramEntry:
    """An unsaved twin of a stored entry, for a preview that must not touch the stored one."""
    columns = ChronogramEntry.__table__.columns.keys()
    return ChronogramEntry(**{name: getattr(entry, name) for name in columns if name != "sa_orm_sentinel"})


def play_order(entry: ChronogramEntry) -> tuple[int, int, int]:
    """Entries by minute, then phase; ties keep their previous order."""
    return (entry.offset_minutes, PHASE_RANK[Phase(entry.phase)], entry.seq)


def plan(
    exercise: Exercise,
    chronogram_id: UUID | None,
    existing: Sequence[ChronogramEntry],
    generated: GeneratedChronogram,
    *,
    discard_manual_edits: bool,
) -> tuple[list[ChronogramEntry], list[ChronogramEntry], ChronogramChanges]:
    """(entries kept, entries to add, changes): generated entries are replaced, manual ones kept
    unless discarded; an edited entry stands for its inject in the new generation."""
    # Entries that came from the library (custom ones carry no inject code).
    previous = [entry.inject_code for entry in existing if entry.inject_code]
    codes = [entry.inject_code for entry in generated.entries]
    changes = ChronogramChanges(
        added=[code for code in codes if code not in previous],
        removed=[code for code in dict.fromkeys(previous) if code not in codes],
        kept=[code for code in codes if code in previous],
        kept_edited_entries=[],
        kept_custom_entries=[],
        discarded_entries=[],
    )
    manual = [entry for entry in existing if entry.origin in MANUAL]
    if discard_manual_edits:
        changes.discarded_entries = [entry.id for entry in manual]
        manual = []
    for entry in manual:
        target = (
            changes.kept_custom_entries
            if entry.origin == ChronogramEntryOrigin.CUSTOM
            else changes.kept_edited_entries
        )
        target.append(entry.id)
    edited = {entry.inject_code for entry in manual if entry.inject_code}
    added = [
        _new_entry(exercise, chronogram_id, item)
        for item in generated.entries
        if item.inject_code not in edited
    ]
    return manual, added, changes


def renumber(entries: Sequence[ChronogramEntry], exercise: Exercise) -> list[ChronogramEntry]:
    """Entries in play order, numbered from 1, their clock times from the current parameters;
    only what differs is written (an unchanged entry keeps its revision)."""
    parameters = exercise_parameters(exercise)
    ordered = sorted(entries, key=play_order)
    for seq, entry in enumerate(ordered, start=1):
        clock = clock_at(parameters, entry.offset_minutes)
        if entry.seq != seq:
            entry.seq = seq
        if entry.clock_time != clock:
            entry.clock_time = clock
    return ordered


# ---------------------------------------------------------------------------------------------
# Service


class ChronogramService(AuditedService[Chronogram]):
    class Repo(SQLAlchemyAsyncRepository[Chronogram]):
        model_type = Chronogram

    repository_type = Repo
    audited_as = ResourceType.CHRONOGRAM
    count_with_window_function = False

    @property
    def exercises(self) -> ExerciseService:
        return ExerciseService(session=self.repository.session)

    # Reading

    async def chronogram_of(self, exercise: Exercise) -> Chronogram | None:
        statement = select(Chronogram).where(Chronogram.exercise_id == exercise.id)
        chronogram: Chronogram | None = (
            await self.repository.session.execute(statement)
        ).scalar_one_or_none()
        return chronogram

    async def _require_chronogram(self, exercise: Exercise) -> Chronogram:
        chronogram = await self.chronogram_of(exercise)
        if chronogram is None:
            raise NotFoundError(
                "Cet exercice n'a pas encore de chronogramme : générez-le (POST …/chronogram).",
                code="chronogram_not_found",
            )
        return chronogram

    async def entries_of(
        self, chronogram_id: UUID, *conditions: ColumnElement[bool]
    ) -> list[ChronogramEntry]:
        statement = (
            select(ChronogramEntry)
            .where(ChronogramEntry.chronogram_id == chronogram_id, *conditions)
            .order_by(ChronogramEntry.seq, ChronogramEntry.id)
        )
        return list((await self.repository.session.execute(statement)).scalars())

    async def get_chronogram(
        self, caller: Caller, exercise_id: UUID
    ) -> tuple[Exercise, Chronogram, list[ChronogramEntry]]:
        exercise = await self.exercises.get_exercise(caller, exercise_id)
        chronogram = await self._require_chronogram(exercise)
        return exercise, chronogram, await self.entries_of(chronogram.id)

    async def list_entries(
        self,
        caller: Caller,
        exercise_id: UUID,
        *,
        page: LimitOffset,
        phase: Phase | None = None,
        recipient: ParticipantRole | None = None,
        status: ChronogramEntryStatus | None = None,
    ) -> tuple[list[ChronogramEntry], int]:
        exercise = await self.exercises.get_exercise(caller, exercise_id)
        chronogram = await self._require_chronogram(exercise)
        equalities = {"phase": phase, "recipient": recipient, "status": status}
        conditions = [
            ChronogramEntry.chronogram_id == chronogram.id,
            *(getattr(ChronogramEntry, name) == value.value for name, value in equalities.items() if value),
        ]
        session = self.repository.session
        total: int = (
            await session.execute(select(func.count()).select_from(ChronogramEntry).where(*conditions))
        ).scalar_one()
        statement = (
            select(ChronogramEntry)
            .where(*conditions)
            .order_by(ChronogramEntry.seq, ChronogramEntry.id)
            .limit(page.limit)
            .offset(page.offset)
        )
        return list((await session.execute(statement)).scalars()), total

    async def get_entry(
        self, caller: Caller, exercise_id: UUID, entry_id: UUID, *, for_update: bool = False
    ) -> tuple[Exercise, Chronogram, ChronogramEntry]:
        exercise = await self.exercises.get_exercise(caller, exercise_id, for_update=for_update)
        chronogram = await self._require_chronogram(exercise)
        statement = select(ChronogramEntry).where(
            ChronogramEntry.id == entry_id, ChronogramEntry.chronogram_id == chronogram.id
        )
        entry = (await self.repository.session.execute(statement)).scalar_one_or_none()
        if entry is None:
            raise NotFoundError(
                "Aucune ligne de ce chronogramme ne porte cet identifiant.", code="chronogram_entry_not_found"
            )
        return exercise, chronogram, entry

    # Generation

    async def generate_chronogram(
        self,
        caller: Caller,
        exercise_id: UUID,
        *,
        dry_run: bool,
        discard_manual_edits: bool,
        if_match: str | None,
        kit: KitContext,
    ) -> Generation:
        exercises = self.exercises
        exercise = await exercises.get_exercise(caller, exercise_id, for_update=True)
        answers = (await exercises.questionnaire_of(exercise)).answers
        components = (await exercises.information_system_of(exercise)).components
        establishment = await exercises.establishment_of(exercise.organisation_id)
        ensure_generable(exercise, answers, components, kit, establishment)
        current = await self.chronogram_of(exercise)
        if current is not None:
            check_if_match(if_match, current.revision)
        elif if_match is not None:
            raise PreconditionFailedError("Ce chronogramme n'existe pas encore : retirez l'en-tête If-Match.")
        organisation, contacts = await self._organisation_and_directory(exercise)
        inputs = generation_inputs(organisation, contacts, exercise, answers, components)
        generated = generate(inputs, kit)
        existing = await self.entries_of(current.id) if current is not None else []
        kept, added, changes = plan(
            exercise,
            current.id if current is not None else None,
            existing,
            generated,
            discard_manual_edits=discard_manual_edits,
        )
        header = {
            "library_version": generated.library_version,
            "generator_version": generated.generator_version,
            "inputs_sha256": generated.inputs_sha256,
            "left_out": msgspec.to_builtins(generated.left_out),
        }
        if dry_run:
            preview = Chronogram(exercise_id=exercise.id, generated_at=None, revision=None, **header)
            entries = renumber([*map(_copy, kept), *added], exercise)
            return Generation(exercise, preview, entries, changes, dry_run=True)
        return await self._save_generation(
            caller,
            exercise,
            current,
            header=header,
            existing=existing,
            kept=kept,
            added=added,
            changes=changes,
        )

    async def _save_generation(
        self,
        caller: Caller,
        exercise: Exercise,
        current: Chronogram | None,
        *,
        header: dict[str, Any],
        existing: Sequence[ChronogramEntry],
        kept: Sequence[ChronogramEntry],
        added: Sequence[ChronogramEntry],
        changes: ChronogramChanges,
    ) -> Generation:
        session = self.repository.session
        now = datetime.now(UTC)
        if current is None:
            chronogram = await self.create(Chronogram(exercise_id=exercise.id, generated_at=now, **header))
            action = AuditAction.CREATE
        else:
            chronogram = current
            for name, value in header.items():
                setattr(chronogram, name, value)
            chronogram.generated_at = now
            action = AuditAction.UPDATE
        kept_ids = {entry.id for entry in kept}
        for entry in existing:
            if entry.id not in kept_ids:
                await session.delete(entry)
        for entry in added:
            entry.chronogram_id = chronogram.id
            session.add(entry)
        entries = renumber([*kept, *added], exercise)
        region_code = await self.exercises.region_of(exercise)
        if ExerciseStatus(exercise.status) is ExerciseStatus.READY:
            exercise.status = ExerciseStatus.GENERATED.value
            record_event(
                session,
                caller,
                action=AuditAction.UPDATE,
                resource_type=ResourceType.EXERCISE,
                resource_id=exercise.id,
                region_code=region_code,
                fields=["status"],
            )
        await session.flush()
        self.record(caller, action, chronogram.id, region_code=region_code, fields=["entries"])
        return Generation(exercise, chronogram, entries, changes, dry_run=False)

    async def _organisation_and_directory(self, exercise: Exercise) -> tuple[Organisation, list[Contact]]:
        session = self.repository.session
        organisation = (
            await session.execute(select(Organisation).where(Organisation.id == exercise.organisation_id))
        ).scalar_one()
        # Directory order: as the establishment entered its contacts.
        contacts = await session.execute(
            select(Contact)
            .where(Contact.organisation_id == organisation.id)
            .order_by(Contact.created_at, Contact.id)
        )
        return organisation, list(contacts.scalars())

    # Manual edits

    async def add_entry(
        self, caller: Caller, exercise_id: UUID, data: ChronogramEntryCreate
    ) -> tuple[Exercise, ChronogramEntry]:
        exercise, chronogram = await self._lock_chronogram(caller, exercise_id)
        kit = get_kit()
        state = data.provided_fields()
        _raise_if_invalid(
            [
                *window_errors(data.offset_minutes, exercise, kit),
                *text_errors(state),
                *item_errors(data.competency_items, kit),
            ]
        )
        values = _column_values(state)
        if values.get("facilitator") is None:
            values["facilitator"] = get_catalogue().inject_senders[data.sender].facilitator.value
        entries = await self.entries_of(chronogram.id)
        entry = ChronogramEntry(
            exercise_id=exercise.id,
            chronogram_id=chronogram.id,
            # After the entries of the same minute and phase.
            seq=len(entries) + 1,
            clock_time=None,
            inject_code=None,
            reason=CUSTOM_REASON,
            routing_note=None,
            play_if=None,
            unresolved_placeholders=unresolved_placeholders(
                values["title"], values["stimulus"], values["expected_reactions"]
            ),
            origin=ChronogramEntryOrigin.CUSTOM.value,
            **values,
        )
        self.repository.session.add(entry)
        await self._entries_changed(chronogram, [*entries, entry], exercise)
        await self._record_entry(caller, exercise, AuditAction.CREATE, entry.id, fields=list(values))
        return exercise, entry

    async def update_entry(
        self,
        caller: Caller,
        exercise_id: UUID,
        entry_id: UUID,
        data: ChronogramEntryUpdate,
        *,
        if_match: str | None,
    ) -> tuple[Exercise, ChronogramEntry]:
        exercise, chronogram, entry = await self._lock_entry(caller, exercise_id, entry_id, if_match)
        kit = get_kit()
        changes = _column_values(data.provided_fields())
        errors = text_errors(changes)
        if "offset_minutes" in changes:
            errors += window_errors(changes["offset_minutes"], exercise, kit)
        if "competency_items" in changes:
            errors += item_errors(changes["competency_items"], kit)
        _raise_if_invalid(errors)
        before = {name: getattr(entry, name) for name in _EDITABLE}
        fields = changed_fields(before, before | changes)
        if not fields:
            return exercise, entry
        for name in fields:
            setattr(entry, name, changes[name])
        if "recipient" in fields:
            # The generator's routing no longer describes a recipient chosen by hand.
            entry.routing_note = None
        entry.unresolved_placeholders = unresolved_placeholders(
            entry.title, entry.stimulus, entry.expected_reactions
        )
        if entry.origin == ChronogramEntryOrigin.GENERATED:
            entry.origin = ChronogramEntryOrigin.EDITED.value
            fields.append("origin")
        await self._entries_changed(chronogram, await self.entries_of(chronogram.id), exercise)
        await self._record_entry(caller, exercise, AuditAction.UPDATE, entry.id, fields=fields)
        return exercise, entry

    async def delete_entry(
        self, caller: Caller, exercise_id: UUID, entry_id: UUID, *, if_match: str | None
    ) -> None:
        exercise, chronogram, entry = await self._lock_entry(caller, exercise_id, entry_id, if_match)
        session = self.repository.session
        await session.delete(entry)
        await session.flush()
        await self._entries_changed(chronogram, await self.entries_of(chronogram.id), exercise)
        await self._record_entry(caller, exercise, AuditAction.DELETE, entry_id)

    async def _lock_chronogram(self, caller: Caller, exercise_id: UUID) -> tuple[Exercise, Chronogram]:
        exercise = await self.exercises.get_exercise(caller, exercise_id, for_update=True)
        chronogram = await self._require_chronogram(exercise)
        ensure_not_closed(ExerciseStatus(exercise.status))
        return exercise, chronogram

    async def _lock_entry(
        self, caller: Caller, exercise_id: UUID, entry_id: UUID, if_match: str | None
    ) -> tuple[Exercise, Chronogram, ChronogramEntry]:
        exercise, chronogram, entry = await self.get_entry(caller, exercise_id, entry_id, for_update=True)
        check_if_match(if_match, entry.revision)
        ensure_not_closed(ExerciseStatus(exercise.status))
        return exercise, chronogram, entry

    async def _entries_changed(
        self, chronogram: Chronogram, entries: Sequence[ChronogramEntry], exercise: Exercise
    ) -> None:
        """Renumber, and move the chronogram's revision: its representation holds the entries."""
        renumber(entries, exercise)
        chronogram.updated_at = datetime.now(UTC)
        await self.repository.session.flush()

    async def _record_entry(
        self,
        caller: Caller,
        exercise: Exercise,
        action: AuditAction,
        entry_id: UUID,
        *,
        fields: Iterable[str] = (),
    ) -> None:
        record_event(
            self.repository.session,
            caller,
            action=action,
            resource_type=ResourceType.CHRONOGRAM_ENTRY,
            resource_id=entry_id,
            region_code=await self.exercises.region_of(exercise),
            fields=fields,
        )


def _column_values(state: Mapping[str, Any]) -> dict[str, Any]:
    """Body fields (as ``provided_fields`` gives them: codes as text, text trimmed) as column
    values, the texts of lists trimmed too."""
    return {
        name: [item.strip() for item in value] if isinstance(value, list) else value
        for name, value in state.items()
    }
