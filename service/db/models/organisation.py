"""An establishment or service (ESSMS), identified by its FINESS géographique."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base

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
    # Folded names and numbers (service.lib.text.fold), kept by the service for the ``q`` filter.
    # Text: folding can lengthen a name (« … » becomes « ... »).
    search_text: Mapped[str] = mapped_column(Text, default="")

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="noload",
    )
