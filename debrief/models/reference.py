"""Reference data an administrator can extend."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from debrief.extensions import db


class IncidentType(db.Model):
    """An incident class: a homicide class (murder, manslaughter, ...) or a near-miss class."""

    __tablename__ = "incident_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    #: The label in Welsh; pages in Welsh fall back to `label` while it is empty.
    label_cy: Mapped[str | None] = mapped_column(sa.String(120))
    is_homicide: Mapped[bool] = mapped_column()

    @property
    def localised_label(self) -> str:
        """The label in the reader's language."""
        from debrief.vocabulary import localised

        return localised(self.label, self.label_cy)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=100)
