"""An entry of an establishment's crisis directory (annuaire de crise)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from advanced_alchemy.types import JsonB
from sqlalchemy import Connection, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from service.db.base import Base
from service.lib.text import fold

if TYPE_CHECKING:
    from service.db.models.organisation import Organisation


class Contact(Base):
    __tablename__ = "contact"

    organisation_id: Mapped[UUID] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    phones: Mapped[list[str]] = mapped_column(JsonB, default=list)
    email: Mapped[str | None] = mapped_column(String(254))
    # No ON DELETE action: the service refuses to delete either side of a suppléance link, and
    # the end-of-statement check still lets an organisation's whole directory go in one cascade.
    backup_for_id: Mapped[UUID | None] = mapped_column(ForeignKey("contact.id"), index=True)
    availability: Mapped[str] = mapped_column(String(16))
    availability_hours: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    # fold(name), derived on every write: the directory sorts « Élodie » among the E.
    sort_name: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship(back_populates="contacts", lazy="noload")


@event.listens_for(Contact, "before_insert")
@event.listens_for(Contact, "before_update")
def _derive_sort_name(_mapper: Mapper[Contact], _connection: Connection, target: Contact) -> None:
    target.sort_name = fold(target.name)
