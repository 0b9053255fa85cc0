"""All tables, imported together so Alembic and the mappers see the whole schema."""

from service.db.models.contact import Contact
from service.db.models.idempotency_record import IdempotencyRecord
from service.db.models.organisation import Organisation

__all__ = ["Contact", "IdempotencyRecord", "Organisation"]
