"""the board's figures from indexes and kept counts: recommendations by status and learning products by
kind kept by triggers, each invitation's deadline beside it, indexes for the dashboard's filters

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 10:30:00

Counting every learning product, every recommendation and a year of partner engagement on each view
of the board's pages grew with all history (bench/README.md, issue 24). Three things change that:

- `recommendation_counts` (by status and owner) and `learning_product_counts` (by kind, status,
  incident type and theme) (models/figures.py) hold those counts, and
  triggers keep them: each INSERT, UPDATE or DELETE of the rows they count adds to or takes from them
  in the same statement, so they are exactly as current as the rows themselves, however the rows
  were written. On PostgreSQL the triggers run once per statement over its transition tables (a
  COPY of 50,000 products costs one grouped upsert); SQLite has only row triggers.
- `invitations.respond_by` is a copy of the invitation's deadline clock's `due_at`, set by a
  trigger on `clocks`, so partner engagement reads a year of invitations from one index instead of
  looking up each one's clock.
- Indexes for the dashboard's filters and the overdue lists.

Every trigger writes `recommendation_counts` before `learning_product_counts`, and each statement
its rows in key order, so two transactions take the counts' row locks in the same order.

Deletes: a debrief, recommendation or product deleted (by hand: the application deletes none) takes
its products out of the counts; a cascade is counted once, by the row deleted first (BEFORE DELETE
on debriefs and recommendations, while what a product is counted under can still be read). A
product never moves to another recommendation, and a debrief's theme row is never updated in place
(the application replaces it); neither is followed.
"""
import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

NOT_CLOSED = sa.text("status <> 'closed'")
STILL_TO_DO = sa.text("status IN ('open', 'in_progress')")
AWAITING_CLOSURE = sa.text("status = 'awaiting_closure'")
UNANSWERED = sa.text("delivered_at IS NOT NULL AND responded_at IS NULL AND revoked_at IS NULL")
INVITATION_COLUMNS = ['id', 'agency_id', 'opened_at', 'responded_at', 'revoked_at', 'expires_at', 'delivered_at']

# The counting, written once as templates; each trigger fills in where its rows come from.

#: Adds `change` for each recommendation of `{moved}` (status, debrief_id, owner_id, id, change) under
#: its status, whether it is tracked (has a debrief), whether it has a product, and its owner (0: none).
RECOMMENDATIONS = """
INSERT INTO recommendation_counts (status, tracked, with_product, owner_id, count)
SELECT status, tracked, with_product, owner_id, sum(change) FROM (
    SELECT moved.status, moved.debrief_id IS NOT NULL AS tracked,
           EXISTS (SELECT 1 FROM learning_products p WHERE p.recommendation_id = moved.id) AS with_product,
           coalesce(moved.owner_id, 0) AS owner_id, moved.change
    FROM {moved} AS moved) AS counted
GROUP BY status, tracked, with_product, owner_id HAVING sum(change) <> 0 ORDER BY 1, 2, 3, 4
ON CONFLICT (status, tracked, with_product, owner_id)
DO UPDATE SET count = recommendation_counts.count + excluded.count
"""

#: Moves each recommendation in `{touched}` (id) that now has `{now}` products and had `{before}`
#: from one with_product row to the other (its products were the first added, or the last taken).
FIRST_OR_LAST_PRODUCT = """
INSERT INTO recommendation_counts (status, tracked, with_product, owner_id, count)
SELECT r.status, r.debrief_id IS NOT NULL, side.with_product, coalesce(r.owner_id, 0), sum(side.change)
FROM {touched} AS touched
JOIN recommendations r ON r.id = touched.id
CROSS JOIN (SELECT {had} AS with_product, -1 AS change UNION ALL SELECT {has}, 1) AS side
WHERE {condition}
GROUP BY r.status, r.debrief_id IS NOT NULL, side.with_product, coalesce(r.owner_id, 0) ORDER BY 1, 2, 3, 4
ON CONFLICT (status, tracked, with_product, owner_id)
DO UPDATE SET count = recommendation_counts.count + excluded.count
"""

#: Adds `change` for each product of `{products}` (recommendation_id, kind, status, change), under its
#: debrief's incident type, once with theme '' and once for each of the debrief's themes. A product
#: whose recommendation or debrief is already gone (a cascade) was taken out by the row deleted first.
PRODUCTS = """
INSERT INTO learning_product_counts (incident_type_code, theme, kind, status, count)
SELECT incident_type_code, theme, kind, status, sum(change) FROM (
    SELECT coalesce(d.incident_type_code, '') AS incident_type_code, '' AS theme, p.kind, p.status, p.change
    FROM {products} AS p
    JOIN recommendations r ON r.id = p.recommendation_id
    LEFT JOIN debriefs d ON d.id = r.debrief_id
    WHERE r.debrief_id IS NULL OR d.id IS NOT NULL
    UNION ALL
    SELECT d.incident_type_code, t.theme, p.kind, p.status, p.change
    FROM {products} AS p
    JOIN recommendations r ON r.id = p.recommendation_id
    JOIN debriefs d ON d.id = r.debrief_id
    JOIN debrief_themes t ON t.debrief_id = d.id) AS counted
GROUP BY incident_type_code, theme, kind, status HAVING sum(change) <> 0 ORDER BY 1, 2, 3, 4
ON CONFLICT (incident_type_code, theme, kind, status)
DO UPDATE SET count = learning_product_counts.count + excluded.count
"""

#: Adds `change` for every product of each debrief in `{debriefs}` (id, incident_type_code, change):
#: a debrief whose incident type changed, or one being deleted.
PRODUCTS_OF_DEBRIEFS = """
INSERT INTO learning_product_counts (incident_type_code, theme, kind, status, count)
SELECT incident_type_code, theme, kind, status, sum(change) FROM (
    SELECT d.incident_type_code, '' AS theme, p.kind, p.status, d.change
    FROM {debriefs} AS d
    JOIN recommendations r ON r.debrief_id = d.id
    JOIN learning_products p ON p.recommendation_id = r.id
    UNION ALL
    SELECT d.incident_type_code, t.theme, p.kind, p.status, d.change
    FROM {debriefs} AS d
    JOIN debrief_themes t ON t.debrief_id = d.id
    JOIN recommendations r ON r.debrief_id = d.id
    JOIN learning_products p ON p.recommendation_id = r.id) AS counted
GROUP BY incident_type_code, theme, kind, status HAVING sum(change) <> 0 ORDER BY 1, 2, 3, 4
ON CONFLICT (incident_type_code, theme, kind, status)
DO UPDATE SET count = learning_product_counts.count + excluded.count
"""

#: Adds `change` for every product of the debrief of each theme row in `{themes}` (debrief_id, theme,
#: change), under that theme alone: a theme given to a debrief, or taken away (unless the debrief
#: itself is being deleted, which took out all of it).
PRODUCTS_OF_THEMES = """
INSERT INTO learning_product_counts (incident_type_code, theme, kind, status, count)
SELECT d.incident_type_code, t.theme, p.kind, p.status, sum(t.change)
FROM {themes} AS t
JOIN debriefs d ON d.id = t.debrief_id
JOIN recommendations r ON r.debrief_id = d.id
JOIN learning_products p ON p.recommendation_id = r.id
GROUP BY d.incident_type_code, t.theme, p.kind, p.status HAVING sum(t.change) <> 0 ORDER BY 1, 2, 3, 4
ON CONFLICT (incident_type_code, theme, kind, status)
DO UPDATE SET count = learning_product_counts.count + excluded.count
"""


def _row(prefix: str, columns: str, change: int) -> str:
    """A one-row table of a row trigger's OLD or NEW values, with `change`."""
    values = ", ".join(f"{prefix}.{column} AS {column}" for column in columns.split(", "))
    return f"(SELECT {values}, {change} AS change)"


def _old_and_new(columns: str) -> str:
    """A row trigger's OLD values taken away and its NEW values added."""
    return f"({_row('OLD', columns, -1)[1:-1]} UNION ALL {_row('NEW', columns, 1)[1:-1]})"


RECOMMENDATION_COLUMNS = "status, debrief_id, owner_id, id"


# PostgreSQL: one function per trigger, over the statement's transition tables ------------------

RECOMMENDATION_MOVED = ("o.status <> n.status OR (o.debrief_id IS NULL) <> (n.debrief_id IS NULL) "
                        "OR o.owner_id IS DISTINCT FROM n.owner_id")
PG_CHANGED_RECOMMENDATIONS = f"""(
    SELECT o.status, o.debrief_id, o.owner_id, o.id, -1 AS change
    FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {RECOMMENDATION_MOVED}
    UNION ALL
    SELECT n.status, n.debrief_id, n.owner_id, n.id, 1
    FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {RECOMMENDATION_MOVED})"""
PG_TOUCHED = "(SELECT recommendation_id AS id, count(*) AS added FROM {rows} GROUP BY recommendation_id)"
PG_PRODUCTS_NOW = "(SELECT count(*) FROM learning_products p WHERE p.recommendation_id = touched.id)"
PG_CHANGED_DEBRIEFS = """(
    SELECT o.id, o.incident_type_code, -1 AS change FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.incident_type_code <> n.incident_type_code
    UNION ALL
    SELECT n.id, n.incident_type_code, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.incident_type_code <> n.incident_type_code)"""

#: (name, table, timing, event, transition tables, body statements)
PG_TRIGGERS = [
    ("recommendations_inserted", "recommendations", "AFTER", "INSERT", "NEW TABLE AS new_rows",
     [RECOMMENDATIONS.format(moved=f"(SELECT {RECOMMENDATION_COLUMNS}, 1 AS change FROM new_rows)")]),
    ("recommendations_updated", "recommendations", "AFTER", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     [RECOMMENDATIONS.format(moved=PG_CHANGED_RECOMMENDATIONS)]),
    ("recommendation_deleting", "recommendations", "BEFORE", "DELETE", None,
     [RECOMMENDATIONS.format(moved=_row("OLD", RECOMMENDATION_COLUMNS, -1)),
      PRODUCTS.format(products="(SELECT recommendation_id, kind, status, -1 AS change FROM learning_products "
                               "WHERE recommendation_id = OLD.id)")]),
    ("products_inserted", "learning_products", "AFTER", "INSERT", "NEW TABLE AS new_rows",
     [FIRST_OR_LAST_PRODUCT.format(touched=PG_TOUCHED.format(rows="new_rows"), had="false", has="true",
                                   condition=f"{PG_PRODUCTS_NOW} = touched.added"),
      PRODUCTS.format(products="(SELECT recommendation_id, kind, status, 1 AS change FROM new_rows)")]),
    ("products_updated", "learning_products", "AFTER", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     [PRODUCTS.format(products="(SELECT recommendation_id, kind, status, -1 AS change FROM old_rows UNION ALL "
                               "SELECT recommendation_id, kind, status, 1 FROM new_rows)")]),
    ("products_deleted", "learning_products", "AFTER", "DELETE", "OLD TABLE AS old_rows",
     [FIRST_OR_LAST_PRODUCT.format(touched=PG_TOUCHED.format(rows="old_rows"), had="true", has="false",
                                   condition=f"{PG_PRODUCTS_NOW} = 0"),
      PRODUCTS.format(products="(SELECT recommendation_id, kind, status, -1 AS change FROM old_rows)")]),
    ("debriefs_updated", "debriefs", "AFTER", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     [PRODUCTS_OF_DEBRIEFS.format(debriefs=PG_CHANGED_DEBRIEFS)]),
    ("debrief_deleting", "debriefs", "BEFORE", "DELETE", None,
     [PRODUCTS_OF_DEBRIEFS.format(debriefs=_row("OLD", "id, incident_type_code", -1))]),
    ("themes_inserted", "debrief_themes", "AFTER", "INSERT", "NEW TABLE AS new_rows",
     [PRODUCTS_OF_THEMES.format(themes="(SELECT debrief_id, theme, 1 AS change FROM new_rows)")]),
    ("themes_deleted", "debrief_themes", "AFTER", "DELETE", "OLD TABLE AS old_rows",
     [PRODUCTS_OF_THEMES.format(themes="(SELECT debrief_id, theme, -1 AS change FROM old_rows)")]),
    ("clocks_inserted", "clocks", "AFTER", "INSERT", "NEW TABLE AS new_rows",
     ["UPDATE invitations i SET respond_by = c.due_at FROM new_rows c WHERE c.invitation_id = i.id"]),
    ("clocks_updated", "clocks", "AFTER", "UPDATE", "NEW TABLE AS new_rows",
     ["UPDATE invitations i SET respond_by = c.due_at FROM new_rows c "
      "WHERE c.invitation_id = i.id AND i.respond_by IS DISTINCT FROM c.due_at"]),
    ("clocks_deleted", "clocks", "AFTER", "DELETE", "OLD TABLE AS old_rows",
     ["UPDATE invitations i SET respond_by = NULL FROM old_rows c WHERE c.invitation_id = i.id"]),
]


def _pg_create(name: str, table: str, timing: str, event: str, transition: str | None, body: list[str]) -> None:
    statements = "".join(f"{statement.strip()};\n" for statement in body)
    returned = "OLD" if timing == "BEFORE" else "NULL"
    op.execute(f"CREATE FUNCTION figures_{name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{statements}"
               f"RETURN {returned};\nEND\n$$")
    level = f"REFERENCING {transition} FOR EACH STATEMENT" if transition else "FOR EACH ROW"
    op.execute(f"CREATE TRIGGER figures_{name} {timing} {event} ON {table} {level} "
               f"EXECUTE FUNCTION figures_{name}()")


# SQLite: row triggers, each statement over the one row ------------------------------------------

SQLITE_TRIGGERS = [
    ("recommendations_inserted", "AFTER INSERT ON recommendations", None,
     [RECOMMENDATIONS.format(moved=_row("NEW", RECOMMENDATION_COLUMNS, 1))]),
    ("recommendations_updated", "AFTER UPDATE OF status, debrief_id, owner_id ON recommendations",
     "OLD.status <> NEW.status OR (OLD.debrief_id IS NULL) <> (NEW.debrief_id IS NULL) OR OLD.owner_id IS NOT NEW.owner_id",
     [RECOMMENDATIONS.format(moved=_old_and_new(RECOMMENDATION_COLUMNS))]),
    ("recommendation_deleting", "BEFORE DELETE ON recommendations", None,
     [RECOMMENDATIONS.format(moved=_row("OLD", RECOMMENDATION_COLUMNS, -1)),
      PRODUCTS.format(products="(SELECT recommendation_id, kind, status, -1 AS change FROM learning_products "
                               "WHERE recommendation_id = OLD.id)")]),
    ("products_inserted", "AFTER INSERT ON learning_products", None,
     [FIRST_OR_LAST_PRODUCT.format(touched="(SELECT NEW.recommendation_id AS id)", had="false", has="true",
                                   condition="(SELECT count(*) FROM learning_products p "
                                             "WHERE p.recommendation_id = touched.id) = 1"),
      PRODUCTS.format(products=_row("NEW", "recommendation_id, kind, status", 1))]),
    ("products_updated", "AFTER UPDATE OF recommendation_id, kind, status ON learning_products", None,
     [PRODUCTS.format(products=_old_and_new("recommendation_id, kind, status"))]),
    ("products_deleted", "AFTER DELETE ON learning_products", None,
     [FIRST_OR_LAST_PRODUCT.format(touched="(SELECT OLD.recommendation_id AS id)", had="true", has="false",
                                   condition="NOT EXISTS (SELECT 1 FROM learning_products p "
                                             "WHERE p.recommendation_id = touched.id)"),
      PRODUCTS.format(products=_row("OLD", "recommendation_id, kind, status", -1))]),
    ("debriefs_updated", "AFTER UPDATE OF incident_type_code ON debriefs",
     "OLD.incident_type_code <> NEW.incident_type_code",
     [PRODUCTS_OF_DEBRIEFS.format(debriefs=_old_and_new("id, incident_type_code"))]),
    ("debrief_deleting", "BEFORE DELETE ON debriefs", None,
     [PRODUCTS_OF_DEBRIEFS.format(debriefs=_row("OLD", "id, incident_type_code", -1))]),
    ("themes_inserted", "AFTER INSERT ON debrief_themes", None,
     [PRODUCTS_OF_THEMES.format(themes=_row("NEW", "debrief_id, theme", 1))]),
    ("themes_deleted", "AFTER DELETE ON debrief_themes", None,
     [PRODUCTS_OF_THEMES.format(themes=_row("OLD", "debrief_id, theme", -1))]),
    ("clocks_inserted", "AFTER INSERT ON clocks", "NEW.invitation_id IS NOT NULL",
     ["UPDATE invitations SET respond_by = NEW.due_at WHERE id = NEW.invitation_id"]),
    ("clocks_updated", "AFTER UPDATE OF due_at, invitation_id ON clocks", "NEW.invitation_id IS NOT NULL",
     ["UPDATE invitations SET respond_by = NEW.due_at WHERE id = NEW.invitation_id"]),
    ("clocks_deleted", "AFTER DELETE ON clocks", "OLD.invitation_id IS NOT NULL",
     ["UPDATE invitations SET respond_by = NULL WHERE id = OLD.invitation_id"]),
]


def _sqlite_create(name: str, event: str, when: str | None, body: list[str]) -> None:
    statements = "".join(f"{statement.strip()};\n" for statement in body)
    condition = f" WHEN {when}" if when else ""
    op.execute(f"CREATE TRIGGER figures_{name} {event} FOR EACH ROW{condition}\nBEGIN\n{statements}END")


def _count_what_is_there() -> None:
    op.execute(RECOMMENDATIONS.format(
        moved=f"(SELECT {RECOMMENDATION_COLUMNS}, 1 AS change FROM recommendations)"))
    op.execute(PRODUCTS.format(products="(SELECT recommendation_id, kind, status, 1 AS change FROM learning_products)"))
    op.execute("UPDATE invitations SET respond_by = (SELECT max(c.due_at) FROM clocks c WHERE c.invitation_id = invitations.id)")


def upgrade():
    op.create_table(
        'recommendation_counts',
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('tracked', sa.Boolean(), nullable=False),
        sa.Column('with_product', sa.Boolean(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('status', 'tracked', 'with_product', 'owner_id', name=op.f('pk_recommendation_counts')),
    )
    op.create_table(
        'learning_product_counts',
        sa.Column('incident_type_code', sa.String(length=40), nullable=False),
        sa.Column('theme', sa.String(length=30), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('incident_type_code', 'theme', 'kind', 'status', name=op.f('pk_learning_product_counts')),
    )
    op.add_column('invitations', sa.Column('respond_by', sa.DateTime(timezone=True), nullable=True))
    _count_what_is_there()
    if op.get_bind().dialect.name == "postgresql":
        for trigger in PG_TRIGGERS:
            _pg_create(*trigger)
    else:
        for trigger in SQLITE_TRIGGERS:
            _sqlite_create(*trigger)

    op.drop_index('ix_recommendations_not_closed_owner', table_name='recommendations')
    op.create_index('ix_recommendations_not_closed_owner', 'recommendations', ['owner_id', 'due_date', 'id'],
                    postgresql_include=['status', 'debrief_id', 'created_at'],
                    postgresql_where=NOT_CLOSED, sqlite_where=NOT_CLOSED)
    op.create_index('ix_recommendations_still_to_do_due', 'recommendations', ['due_date', 'id'],
                    postgresql_include=['owner_id', 'debrief_id'],
                    postgresql_where=STILL_TO_DO, sqlite_where=STILL_TO_DO)
    op.create_index('ix_recommendations_created', 'recommendations', ['created_at', 'id'], postgresql_include=['debrief_id'])
    op.create_index('ix_recommendations_awaiting_closure', 'recommendations', ['updated_at', 'id'],
                    postgresql_where=AWAITING_CLOSURE, sqlite_where=AWAITING_CLOSURE)
    op.drop_index('ix_learning_products_kind_status', table_name='learning_products')
    op.drop_index('ix_learning_products_recommendation_id', table_name='learning_products')
    op.create_index('ix_learning_products_recommendation_id', 'learning_products', ['recommendation_id'],
                    postgresql_include=['kind', 'status'])
    op.drop_index('ix_debrief_themes_theme', table_name='debrief_themes')
    op.create_index('ix_debrief_themes_theme', 'debrief_themes', ['theme', 'debrief_id'])
    op.create_index('ix_debriefs_incident_type', 'debriefs', ['incident_type_code', 'id'])
    op.drop_index('ix_invitations_created', table_name='invitations')
    op.create_index('ix_invitations_created', 'invitations', ['created_at'],
                    postgresql_include=[*INVITATION_COLUMNS, 'respond_by', 'debrief_id'])
    op.create_index('ix_invitations_unanswered', 'invitations', ['created_at'], postgresql_include=['respond_by', 'expires_at'],
                    postgresql_where=UNANSWERED, sqlite_where=UNANSWERED)


def downgrade():
    op.drop_index('ix_invitations_unanswered', table_name='invitations')
    op.drop_index('ix_invitations_created', table_name='invitations')
    op.create_index('ix_invitations_created', 'invitations', ['created_at'], postgresql_include=INVITATION_COLUMNS)
    op.drop_index('ix_debriefs_incident_type', table_name='debriefs')
    op.drop_index('ix_debrief_themes_theme', table_name='debrief_themes')
    op.create_index('ix_debrief_themes_theme', 'debrief_themes', ['theme'])
    op.drop_index('ix_learning_products_recommendation_id', table_name='learning_products')
    op.create_index('ix_learning_products_recommendation_id', 'learning_products', ['recommendation_id'])
    op.create_index('ix_learning_products_kind_status', 'learning_products', ['kind', 'status'])
    op.drop_index('ix_recommendations_awaiting_closure', table_name='recommendations')
    op.drop_index('ix_recommendations_created', table_name='recommendations')
    op.drop_index('ix_recommendations_still_to_do_due', table_name='recommendations')
    op.drop_index('ix_recommendations_not_closed_owner', table_name='recommendations')
    op.create_index('ix_recommendations_not_closed_owner', 'recommendations', ['owner_id', 'due_date', 'id'],
                    postgresql_include=['status', 'debrief_id'],
                    postgresql_where=NOT_CLOSED, sqlite_where=NOT_CLOSED)

    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, *_ in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS figures_{name}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS figures_{name}()")
    with op.batch_alter_table('invitations') as batch:
        batch.drop_column('respond_by')
    op.drop_table('learning_product_counts')
    op.drop_table('recommendation_counts')
