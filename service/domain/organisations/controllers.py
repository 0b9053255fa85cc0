"""HTTP routes of organisations (ESSMS) and of their crisis directory."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from advanced_alchemy.filters import LimitOffset
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from service.db.models import Contact, Organisation
from service.domain.organisations.schemas import (
    DEPARTEMENT_PATTERN,
    FINESS_PATTERN,
    ContactCreate,
    ContactPage,
    ContactRead,
    ContactSort,
    ContactUpdate,
    OrganisationCreate,
    OrganisationPage,
    OrganisationRead,
    OrganisationSort,
    OrganisationUpdate,
)
from service.domain.organisations.services import ContactService, OrganisationService
from service.errors import problem_responses
from service.kit.catalogue import get_catalogue
from service.kit.codes import Availability, ContactRole, EssmsCategory, ServiceMode
from service.lib.etags import ETAG_HEADER, LOCATION_HEADER, IfMatch, tagged
from service.lib.geography import load_geography
from service.lib.idempotency import IDEMPOTENCY_DEPENDENCIES, REPLAYED_RESPONSE_HEADER, Idempotency
from service.lib.pagination import PAGINATION_DEPENDENCIES, SortOrder
from service.lib.schema import REGION_PATTERN, SEARCH_PATTERN
from service.security.guards import ORGANISATION_MEMBERS, STAFF, allow
from service.security.principal import Caller

ORGANISATIONS_PATH = "/organisations"

OrganisationId = Annotated[UUID, PathParameter(description="Identifiant de l'établissement.")]
ContactId = Annotated[UUID, PathParameter(description="Identifiant du contact.")]
Order = Annotated[SortOrder, QueryParameter(description="Sens du tri.")]


def organisation_read(organisation: Organisation) -> OrganisationRead:
    catalogue, geography = get_catalogue(), load_geography()
    category = EssmsCategory(organisation.category)
    service_mode = ServiceMode(organisation.service_mode)
    region = geography.region(organisation.region_code)
    departement = geography.departement(organisation.departement_code)
    return OrganisationRead(
        id=organisation.id,
        name=organisation.name,
        short_name=organisation.short_name,
        finess_et=organisation.finess_et,
        finess_ej=organisation.finess_ej,
        siren=organisation.siren,
        siret=organisation.siret,
        category=category,
        category_label=catalogue.label(category),
        category_finess_code=catalogue.essms_categories[category].finess_category,
        service_mode=service_mode,
        service_mode_label=catalogue.label(service_mode),
        region_code=organisation.region_code,
        region_name=region.name if region else organisation.region_code,
        departement_code=organisation.departement_code,
        departement_name=departement.name if departement else organisation.departement_code,
        organisme_gestionnaire=organisation.organisme_gestionnaire,
        capacity_places=organisation.capacity_places,
        sites_count=organisation.sites_count,
        revision=organisation.revision,
        created_at=organisation.created_at,
        updated_at=organisation.updated_at,
    )


def contact_read(contact: Contact) -> ContactRead:
    catalogue = get_catalogue()
    role = ContactRole(contact.role)
    availability = Availability(contact.availability)
    return ContactRead(
        id=contact.id,
        organisation_id=contact.organisation_id,
        role=role,
        role_label=catalogue.label(role),
        scope=catalogue.contact_roles[role].scope,
        name=contact.name,
        organisation_name=contact.organisation_name,
        phones=list(contact.phones),
        email=contact.email,
        backup_for_id=contact.backup_for_id,
        availability=availability,
        availability_label=catalogue.label(availability),
        availability_hours=contact.availability_hours,
        notes=contact.notes,
        revision=contact.revision,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
    )


class OrganisationController(Controller):
    path = ORGANISATIONS_PATH
    tags = ["organisations"]
    guards = [allow(*ORGANISATION_MEMBERS)]
    dependencies = {
        "organisations": Provide(create_service_provider(OrganisationService)),
        **PAGINATION_DEPENDENCIES,
        **IDEMPOTENCY_DEPENDENCIES,
    }

    @get(
        "/",
        operation_id="listOrganisations",
        response_description="Page d'établissements.",
        summary="Lister les établissements",
        responses=problem_responses(),
    )
    async def list_organisations(
        self,
        *,
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        page: NamedDependency[LimitOffset],
        sort: Annotated[
            OrganisationSort, QueryParameter(description="Champ de tri.")
        ] = OrganisationSort.NAME,
        order: Order = SortOrder.ASC,
        region_code: Annotated[
            str | None, QueryParameter(pattern=REGION_PATTERN, description="Filtre : code de région.")
        ] = None,
        departement_code: Annotated[
            str | None,
            QueryParameter(pattern=DEPARTEMENT_PATTERN, description="Filtre : code de département."),
        ] = None,
        category: Annotated[
            EssmsCategory | None, QueryParameter(description="Filtre : catégorie d'ESSMS.")
        ] = None,
        finess: Annotated[
            str | None,
            QueryParameter(
                pattern=FINESS_PATTERN,
                description="Filtre : FINESS géographique ou juridique exact.",
            ),
        ] = None,
        q: Annotated[
            str | None,
            QueryParameter(
                min_length=1,
                max_length=100,
                pattern=SEARCH_PATTERN,
                description=(
                    "Recherche, sans tenir compte des majuscules ni des accents, dans le nom, "
                    "le nom court, le gestionnaire et les FINESS."
                ),
            ),
        ] = None,
    ) -> OrganisationPage:
        """Établissements enregistrés, filtrés et paginés."""
        items, total = await organisations.list_organisations(
            caller,
            page=page,
            sort=sort,
            order=order,
            region_code=region_code,
            departement_code=departement_code,
            category=category,
            finess=finess,
            q=q,
        )
        return OrganisationPage(
            items=[organisation_read(item) for item in items],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @post(
        "/",
        operation_id="createOrganisation",
        response_description="Établissement créé.",
        summary="Enregistrer un établissement",
        guards=[allow(*STAFF)],
        responses=problem_responses(409, 413, 415, 422),
        response_headers=[ETAG_HEADER, LOCATION_HEADER, REPLAYED_RESPONSE_HEADER],
    )
    async def create_organisation(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        idempotency: NamedDependency[Idempotency],
        data: JSONBody[OrganisationCreate],
    ) -> Response[OrganisationRead]:
        """Enregistre un établissement ; son FINESS géographique doit être valide et encore inconnu.

        Un compte régional n'enregistre que des établissements de sa région."""
        if (earlier := await idempotency.replay(data, OrganisationRead)) is not None:
            return earlier
        organisation = await organisations.create_organisation(caller, data)
        return await idempotency.remember(
            tagged(
                organisation_read(organisation),
                organisation.revision,
                status_code=201,
                location=request.app.route_reverse("getOrganisation", organisation_id=organisation.id),
            )
        )

    @get(
        "/{organisation_id:uuid}",
        operation_id="getOrganisation",
        name="getOrganisation",
        response_description="L'établissement demandé.",
        summary="Lire un établissement",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_organisation(
        self,
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        organisation_id: OrganisationId,
    ) -> Response[OrganisationRead]:
        """Un établissement, avec les libellés français de ses codes."""
        organisation = await organisations.get_organisation(caller, organisation_id)
        return tagged(organisation_read(organisation), organisation.revision)

    @patch(
        "/{organisation_id:uuid}",
        operation_id="updateOrganisation",
        response_description="L'établissement modifié.",
        summary="Modifier un établissement",
        responses=problem_responses(404, 409, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def update_organisation(
        self,
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        organisation_id: OrganisationId,
        data: JSONBody[OrganisationUpdate],
        if_match: IfMatch = None,
    ) -> Response[OrganisationRead]:
        """Modifie les champs envoyés ; avec If-Match, refuse si l'établissement a changé entre-temps."""
        organisation = await organisations.update_organisation(
            caller, organisation_id, data, if_match=if_match
        )
        return tagged(organisation_read(organisation), organisation.revision)

    @delete(
        "/{organisation_id:uuid}",
        operation_id="deleteOrganisation",
        response_description="Établissement supprimé.",
        summary="Supprimer un établissement",
        guards=[allow(*STAFF)],
        responses=problem_responses(404, 409, 412),
    )
    async def delete_organisation(
        self,
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        organisation_id: OrganisationId,
        if_match: IfMatch = None,
    ) -> None:
        """Supprime l'établissement et son annuaire de crise.

        Un établissement qui a encore des exercices n'est pas supprimé (409
        `organisation_has_exercises`, avec leur nombre et ceux qui sont clôturés) : supprimer
        d'abord les exercices à perdre. Un exercice clôturé ne se supprime pas, et conserve donc
        son établissement."""
        await organisations.delete_organisation(caller, organisation_id, if_match=if_match)


class ContactController(Controller):
    path = ORGANISATIONS_PATH + "/{organisation_id:uuid}/contacts"
    tags = ["contacts"]
    guards = [allow(*ORGANISATION_MEMBERS)]
    dependencies = {
        "organisations": Provide(create_service_provider(OrganisationService)),
        "contacts": Provide(create_service_provider(ContactService)),
        **PAGINATION_DEPENDENCIES,
        **IDEMPOTENCY_DEPENDENCIES,
    }

    @get(
        "/",
        operation_id="listContacts",
        response_description="Page de l'annuaire de crise.",
        summary="Lister l'annuaire de crise",
        responses=problem_responses(404),
    )
    async def list_contacts(
        self,
        *,
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        contacts: NamedDependency[ContactService],
        organisation_id: OrganisationId,
        page: NamedDependency[LimitOffset],
        sort: Annotated[ContactSort, QueryParameter(description="Champ de tri.")] = ContactSort.NAME,
        order: Order = SortOrder.ASC,
        role: Annotated[ContactRole | None, QueryParameter(description="Filtre : rôle.")] = None,
    ) -> ContactPage:
        """Contacts de l'annuaire de crise d'un établissement."""
        organisation = await organisations.get_organisation(caller, organisation_id)
        items, total = await contacts.list_contacts(
            organisation, page=page, sort=sort, order=order, role=role
        )
        return ContactPage(
            items=[contact_read(item) for item in items],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @post(
        "/",
        operation_id="createContact",
        response_description="Contact créé.",
        summary="Ajouter un contact à l'annuaire de crise",
        responses=problem_responses(404, 409, 413, 415, 422),
        response_headers=[ETAG_HEADER, LOCATION_HEADER, REPLAYED_RESPONSE_HEADER],
    )
    async def create_contact(
        self,
        *,
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        request: Request[Any, Any, Any],
        contacts: NamedDependency[ContactService],
        idempotency: NamedDependency[Idempotency],
        organisation_id: OrganisationId,
        data: JSONBody[ContactCreate],
    ) -> Response[ContactRead]:
        """Ajoute un contact ; téléphones et adresse électronique sont vérifiés et normalisés."""
        organisation = await organisations.get_organisation(caller, organisation_id)
        if (earlier := await idempotency.replay(data, ContactRead)) is not None:
            return earlier
        contact = await contacts.create_contact(caller, organisation, data)
        return await idempotency.remember(
            tagged(
                contact_read(contact),
                contact.revision,
                status_code=201,
                location=request.app.route_reverse(
                    "getContact", organisation_id=organisation_id, contact_id=contact.id
                ),
            )
        )

    @get(
        "/{contact_id:uuid}",
        operation_id="getContact",
        name="getContact",
        response_description="Le contact demandé.",
        summary="Lire un contact",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_contact(
        self,
        *,
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        contacts: NamedDependency[ContactService],
        organisation_id: OrganisationId,
        contact_id: ContactId,
    ) -> Response[ContactRead]:
        """Un contact de l'annuaire de crise."""
        organisation = await organisations.get_organisation(caller, organisation_id)
        contact = await contacts.get_contact(organisation, contact_id)
        return tagged(contact_read(contact), contact.revision)

    @patch(
        "/{contact_id:uuid}",
        operation_id="updateContact",
        response_description="Le contact modifié.",
        summary="Modifier un contact",
        responses=problem_responses(404, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def update_contact(
        self,
        *,
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        contacts: NamedDependency[ContactService],
        organisation_id: OrganisationId,
        contact_id: ContactId,
        data: JSONBody[ContactUpdate],
        if_match: IfMatch = None,
    ) -> Response[ContactRead]:
        """Modifie les champs envoyés du contact."""
        organisation = await organisations.get_organisation(caller, organisation_id)
        contact = await contacts.update_contact(caller, organisation, contact_id, data, if_match=if_match)
        return tagged(contact_read(contact), contact.revision)

    @delete(
        "/{contact_id:uuid}",
        operation_id="deleteContact",
        response_description="Contact supprimé.",
        summary="Supprimer un contact",
        responses=problem_responses(404, 409, 412),
    )
    async def delete_contact(
        self,
        *,
        caller: NamedDependency[Caller],
        organisations: NamedDependency[OrganisationService],
        contacts: NamedDependency[ContactService],
        organisation_id: OrganisationId,
        contact_id: ContactId,
        if_match: IfMatch = None,
    ) -> None:
        """Supprime un contact, sauf s'il est lié par une suppléance (à retirer d'abord)."""
        organisation = await organisations.get_organisation(caller, organisation_id)
        await contacts.delete_contact(caller, organisation, contact_id, if_match=if_match)
