"""An establishment or service (ESSMS), identified by its FINESS géographique."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from service.db.base import Base
from service.lib.text import fold

if TYPE_CHECKING:
    from service.db.models.contact import Contact


class Organisation(Base):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(80))
    finess_et: Mapped[str] = mapped_column(String(9), unique=True)
    finess_ej: Mapped[str | None] = mapped_column(String(9))
    siren: Mapped[str | None] = mapped_column(String(9))
    siret: Mapped[str | None] = mapped_column(String(14))
    category: Mapped[str] = mapped_column(String(32), index=True)
    service_mode: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    organisme_gestionnaire: Mapped[str | None] = mapped_column(String(200))
    capacity_places: Mapped[int | None] = mapped_column(Integer)
    sites_count: Mapped[int] = mapped_column(Integer, default=1)
    # Derived on every write (below) with service.lib.text.fold: ``q`` searches search_text,
    # sorting by name uses sort_name. Text: folding can lengthen a name (« ﷺ » spells out).
    search_text: Mapped[str] = mapped_column(Text, default="")
    sort_name: Mapped[str] = mapped_column(Text, default="", index=True)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="noload",
    )


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _derive_folded_text(_mapper: Mapper[Organisation], _connection: Connection, target: Organisation) -> None:
    searchable = (
        target.name,
        target.short_name,
        target.organisme_gestionnaire,
        target.finess_et,
        target.finess_ej,
    )
    target.search_text = fold(" ".join(value for value in searchable if value))
    target.sort_name = fold(target.name)
