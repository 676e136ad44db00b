"""The board's figures that count all history, kept by the database itself.

Products by kind (every product ever made, or those of a theme or a type of incident) and the
recommendations by status would otherwise be counted over hundreds of thousands of rows on every
view of the board's pages. Triggers (migration 0018_board_figures_from_indexes) add to and take from
these rows in the same transaction as each change to the rows they count, whichever way the change
is written (the pages, the API, an import, the seed, or SQL typed by hand), so they are never behind.
Nothing in the application writes them.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from debrief.extensions import db


class RecommendationCount(db.Model):
    """How many recommendations have a status, are this force's own (`tracked`: they have a debrief)
    or imported, have at least one learning product or none, and have an owner (`owner_id`; 0 for
    none, as an imported recommendation has none)."""

    __tablename__ = "recommendation_counts"

    status: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    tracked: Mapped[bool] = mapped_column(primary_key=True)
    with_product: Mapped[bool] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # not a foreign key: 0 is nobody
    count: Mapped[int] = mapped_column()


class LearningProductCount(db.Model):
    """How many learning products have a kind and a status, by the incident type of their
    recommendation's debrief ('' for an imported recommendation, which has none). The rows with
    `theme` '' count each product once; a theme's rows count the products of the debriefs that have
    it (a debrief with two themes counts in both)."""

    __tablename__ = "learning_product_counts"

    incident_type_code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    count: Mapped[int] = mapped_column()
