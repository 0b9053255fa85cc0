"""Business rules of organisations and of their crisis directory. Services never commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from advanced_alchemy.filters import LimitOffset, StatementFilter
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, func, or_, select

from service.db.models import Contact, Exercise, Organisation
from service.domain.audit.services import AuditedService, changed_fields
from service.domain.organisations.rules import (
    default_service_mode,
    normalise_contact_points,
    organisation_errors,
)
from service.domain.organisations.schemas import (
    ContactCreate,
    ContactSort,
    ContactUpdate,
    OrganisationCreate,
    OrganisationSort,
    OrganisationUpdate,
)
from service.errors import ConflictError, FieldError, InvalidDataError, NotFoundError
from service.kit.catalogue import get_catalogue
from service.kit.codes import AuditAction, ContactRole, EssmsCategory, ExerciseStatus, ResourceType
from service.lib.etags import check_if_match
from service.lib.geography import load_geography
from service.lib.pagination import SortOrder, ordering
from service.lib.text import words
from service.security.principal import Caller
from service.security.scopes import ensure_region_writable, visible_organisations

INVALID_DETAIL = "Certaines valeurs ne respectent pas les règles : voir la liste des erreurs."
# Names sort on their folded form: case and accents do not move « Élan » after « Zénith ».
ORGANISATION_SORT_COLUMNS = {OrganisationSort.NAME: "sort_name"}
CONTACT_SORT_COLUMNS = {ContactSort.NAME: "sort_name"}
# The writable columns are exactly the fields a partial update may carry.
_ORGANISATION_COLUMNS = OrganisationUpdate.__struct_fields__
_CONTACT_COLUMNS = ContactUpdate.__struct_fields__


def _exercises(count: int) -> str:
    return f"{count} exercice" if count == 1 else f"{count} exercices"


def _raise_if_invalid(errors: Sequence[FieldError]) -> None:
    if errors:
        raise InvalidDataError(INVALID_DETAIL, errors=errors)


class OrganisationService(AuditedService[Organisation]):
    class Repo(SQLAlchemyAsyncRepository[Organisation]):
        model_type = Organisation

    repository_type = Repo
    audited_as = ResourceType.ORGANISATION
    # A window-function count has no row to ride on past the last page and reports 0:
    # a separate COUNT keeps ``total`` right on every page.
    count_with_window_function = False

    async def get_organisation(
        self, caller: Caller, organisation_id: UUID, *, for_update: bool = False
    ) -> Organisation:
        """Out of the caller's scope reads as missing. ``for_update`` locks the row until commit
        (PostgreSQL), so concurrent edits queue instead of failing on the revision check."""
        organisation = await self.get_one_or_none(
            Organisation.id == organisation_id,
            visible_organisations(caller.principal),
            with_for_update=for_update or None,
        )
        if organisation is None:
            raise NotFoundError(
                "Aucun établissement ne porte cet identifiant.", code="organisation_not_found"
            )
        return organisation

    async def list_organisations(
        self,
        caller: Caller,
        *,
        page: LimitOffset,
        sort: OrganisationSort,
        order: SortOrder,
        region_code: str | None = None,
        departement_code: str | None = None,
        category: EssmsCategory | None = None,
        finess: str | None = None,
        q: str | None = None,
    ) -> tuple[Sequence[Organisation], int]:
        filters: list[StatementFilter | ColumnElement[bool]] = [
            page,
            *ordering(sort, order, ORGANISATION_SORT_COLUMNS),
            visible_organisations(caller.principal),
        ]
        equalities = {
            "region_code": region_code,
            "departement_code": departement_code,
            "category": category,
        }
        filters += [getattr(Organisation, name) == value for name, value in equalities.items() if value]
        if finess:
            filters.append(or_(Organisation.finess_et == finess, Organisation.finess_ej == finess))
        if q:
            filters += [Organisation.search_text.contains(word, autoescape=True) for word in words(q)]
        return await self.get_many_and_count(*filters)

    async def create_organisation(self, caller: Caller, data: OrganisationCreate) -> Organisation:
        state = data.provided_fields()
        if state.get("service_mode") is None:
            state["service_mode"] = default_service_mode(data.category, get_catalogue())
        _raise_if_invalid(organisation_errors(state, load_geography()))
        ensure_region_writable(caller.principal, state["region_code"])
        await self._ensure_finess_free(state["finess_et"])
        organisation = await self.create(Organisation(**state))
        self.record(
            caller, AuditAction.CREATE, organisation.id, region_code=organisation.region_code, fields=state
        )
        return organisation

    async def update_organisation(
        self, caller: Caller, organisation_id: UUID, data: OrganisationUpdate, *, if_match: str | None
    ) -> Organisation:
        organisation = await self.get_organisation(caller, organisation_id, for_update=True)
        check_if_match(if_match, organisation.revision)
        changes = data.provided_fields()
        current = {name: getattr(organisation, name) for name in _ORGANISATION_COLUMNS}
        if "category" in changes and "service_mode" not in changes:
            catalogue = get_catalogue()
            # A mode that merely followed the old category follows the new one; a chosen one stays.
            if current["service_mode"] == default_service_mode(EssmsCategory(current["category"]), catalogue):
                changes["service_mode"] = default_service_mode(changes["category"], catalogue)
        state = current | changes
        _raise_if_invalid(organisation_errors(state, load_geography()))
        if state["region_code"] != current["region_code"]:
            ensure_region_writable(caller.principal, state["region_code"])
        if state["finess_et"] != current["finess_et"]:
            await self._ensure_finess_free(state["finess_et"])
        for name, value in changes.items():
            setattr(organisation, name, value)
        organisation = await self.update(organisation)
        self.record(
            caller,
            AuditAction.UPDATE,
            organisation.id,
            region_code=organisation.region_code,
            fields=changed_fields(current, state),
        )
        return organisation

    async def delete_organisation(
        self, caller: Caller, organisation_id: UUID, *, if_match: str | None
    ) -> None:
        organisation = await self.get_organisation(caller, organisation_id, for_update=True)
        check_if_match(if_match, organisation.revision)
        await self._ensure_no_exercises(organisation)
        self.record(caller, AuditAction.DELETE, organisation.id, region_code=organisation.region_code)
        # Its crisis directory goes with it (ON DELETE CASCADE).
        await self.delete(organisation.id)

    async def _ensure_no_exercises(self, organisation: Organisation) -> None:
        """An establishment with exercises is refused rather than deleted with them.

        The foreign key cascades, so a delete would take every exercise, its evaluation and its
        RETEX action plan along, CLOSED ones included, although a CLOSED exercise is read-only
        and may not be deleted by itself; only the establishment's own audit event would tell.
        The caller deletes the exercises it means to lose first; a CLOSED one keeps its
        establishment. The row lock taken by get_organisation makes a concurrent exercise
        creation wait (PostgreSQL: its foreign key check), so none slips in between."""
        rows = await self.repository.session.execute(
            select(Exercise.status, func.count())
            .where(Exercise.organisation_id == organisation.id)
            .group_by(Exercise.status)
        )
        by_status: dict[str, int] = dict(rows.tuples().all())
        total = sum(by_status.values())
        if not total:
            return
        closed = by_status.get(ExerciseStatus.CLOSED, 0)
        listing = f"/api/v1/exercises?organisation_id={organisation.id}"
        if closed:
            detail = (
                f"Cet établissement a {_exercises(total)}, dont {closed} "
                f"{'clôturé' if closed == 1 else 'clôturés'}\u00a0: un exercice clôturé est conservé "
                "avec son évaluation et son plan d'action RETEX, et l'établissement avec lui. "
                f"Les exercices en cause\u00a0: {listing}."
            )
        else:
            detail = (
                f"Cet établissement a {_exercises(total)}, avec leurs évaluations et leurs plans "
                "d'action RETEX\u00a0: supprimez d'abord ceux que vous voulez vraiment perdre "
                f"({listing}), puis l'établissement."
            )
        raise ConflictError(detail, code="organisation_has_exercises")

    async def _ensure_finess_free(self, finess_et: str) -> None:
        if await self.exists(finess_et=finess_et):
            raise ConflictError(
                f"Un établissement portant le FINESS géographique {finess_et} est déjà enregistré.",
                code="duplicate_finess",
                errors=[
                    FieldError(
                        field="finess_et",
                        code="duplicate",
                        message="Ce numéro FINESS est déjà utilisé.",
                    )
                ],
            )


class ContactService(AuditedService[Contact]):
    class Repo(SQLAlchemyAsyncRepository[Contact]):
        model_type = Contact

    repository_type = Repo
    audited_as = ResourceType.CONTACT
    count_with_window_function = False  # see OrganisationService

    async def get_contact(
        self, organisation: Organisation, contact_id: UUID, *, for_update: bool = False
    ) -> Contact:
        """``organisation`` was read within the caller's scope; ``for_update``: see
        OrganisationService.get_organisation."""
        contact = await self.get_one_or_none(
            id=contact_id, organisation_id=organisation.id, with_for_update=for_update or None
        )
        if contact is None:
            raise NotFoundError(
                "Ce contact n'existe pas dans l'annuaire de cet établissement.",
                code="contact_not_found",
            )
        return contact

    async def list_contacts(
        self,
        organisation: Organisation,
        *,
        page: LimitOffset,
        sort: ContactSort,
        order: SortOrder,
        role: ContactRole | None = None,
    ) -> tuple[Sequence[Contact], int]:
        filters: list[StatementFilter | ColumnElement[bool]] = [
            page,
            *ordering(sort, order, CONTACT_SORT_COLUMNS),
        ]
        filters.append(Contact.organisation_id == organisation.id)
        if role:
            filters.append(Contact.role == role)
        return await self.get_many_and_count(*filters)

    async def create_contact(
        self, caller: Caller, organisation: Organisation, data: ContactCreate
    ) -> Contact:
        state = data.provided_fields()
        await self._validate(organisation.id, state, contact_id=None)
        contact = await self.create(Contact(organisation_id=organisation.id, **state))
        self.record(
            caller, AuditAction.CREATE, contact.id, region_code=organisation.region_code, fields=state
        )
        return contact

    async def update_contact(
        self,
        caller: Caller,
        organisation: Organisation,
        contact_id: UUID,
        data: ContactUpdate,
        *,
        if_match: str | None,
    ) -> Contact:
        contact = await self.get_contact(organisation, contact_id, for_update=True)
        check_if_match(if_match, contact.revision)
        current = {name: getattr(contact, name) for name in _CONTACT_COLUMNS}
        state = current | data.provided_fields()
        await self._validate(organisation.id, state, contact_id=contact.id)
        for name, value in state.items():
            setattr(contact, name, value)
        contact = await self.update(contact)
        self.record(
            caller,
            AuditAction.UPDATE,
            contact.id,
            region_code=organisation.region_code,
            fields=changed_fields(current, state),
        )
        return contact

    async def delete_contact(
        self, caller: Caller, organisation: Organisation, contact_id: UUID, *, if_match: str | None
    ) -> None:
        contact = await self.get_contact(organisation, contact_id, for_update=True)
        check_if_match(if_match, contact.revision)
        if contact.backup_for_id is not None:
            raise ConflictError(
                "Ce contact est le suppléant d'un autre contact : retirez d'abord cette suppléance "
                "(backup_for_id à null) pour que personne ne reste sans suppléant par mégarde.",
                code="contact_is_backup",
            )
        backed_up = await self.count(Contact.backup_for_id == contact.id)
        if backed_up:
            raise ConflictError(
                f"Ce contact a {backed_up} suppléant(s) dans l'annuaire : réaffectez ou retirez "
                "d'abord leur suppléance avant de le supprimer.",
                code="contact_has_backups",
            )
        self.record(caller, AuditAction.DELETE, contact.id, region_code=organisation.region_code)
        await self.delete(contact.id)

    async def _validate(
        self, organisation_id: UUID, state: dict[str, Any], *, contact_id: UUID | None
    ) -> None:
        errors = normalise_contact_points(state)
        backup_for_id = state.get("backup_for_id")
        if backup_for_id is not None:
            if backup_for_id == contact_id:
                errors.append(
                    FieldError(
                        field="backup_for_id",
                        code="self_backup",
                        message="Un contact ne peut pas être son propre suppléant.",
                    )
                )
            elif not await self.exists(id=backup_for_id, organisation_id=organisation_id):
                errors.append(
                    FieldError(
                        field="backup_for_id",
                        code="unknown_contact",
                        message="Le contact suppléé doit appartenir à l'annuaire du même établissement.",
                    )
                )
        _raise_if_invalid(errors)
