"""the default incident classes (migration 0002) get their Welsh labels, where an administrator has
not given one already

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 05:50:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

#: For a Welsh speaker's review (debrief/translations/glossary.md, "Awaiting a Welsh speaker's review").
WELSH = {
    "murder": "Llofruddiaeth",
    "manslaughter": "Dynladdiad",
    "infanticide": "Babanladdiad",
    "corporate_manslaughter": "Dynladdiad corfforaethol",
    "attempted_murder": "Ceisio llofruddio",
    "threats_to_kill": "Bygythiadau i ladd",
    "wounding_with_intent": "Clwyfo gyda bwriad (adran 18)",
    "wounding": "Clwyfo (adran 20)",
    "non_fatal_strangulation": "Tagu neu fygu nad yw’n angheuol",
    "other_serious_violence": "Trais difrifol arall",
}


def upgrade():
    for code, label_cy in WELSH.items():
        op.execute(sa.text("UPDATE incident_types SET label_cy = :label_cy WHERE code = :code AND label_cy IS NULL")
                   .bindparams(code=code, label_cy=label_cy))


def downgrade():
    for code, label_cy in WELSH.items():
        op.execute(sa.text("UPDATE incident_types SET label_cy = NULL WHERE code = :code AND label_cy = :label_cy")
                   .bindparams(code=code, label_cy=label_cy))
