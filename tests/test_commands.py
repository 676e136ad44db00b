"""The command line, exactly as api.md names it: users create, users token, demo."""
import sqlalchemy as sa

from debrief.models import ApiToken, Debrief, Recommendation, User
from debrief.sample_data.demo import DEMO_DEBRIEFS, DEMO_USERS, demo_password
from tests.conftest import make_app


def test_users_create_makes_a_user_with_several_roles(runner, read_db, browser_of):
    result = runner.invoke(args=["users", "create", "Bea@Police.uk", "--name", "Bea Board",
                                 "--role", "board", "--role", "analyst",
                                 "--password", "a-long-enough-password"])
    assert result.exit_code == 0, result.output
    assert "Created bea@police.uk" in result.output
    user = read_db(lambda s: s.scalar(sa.select(User).where(User.email == "bea@police.uk")))
    assert user.role_set == {"board", "analyst"}
    assert browser_of("bea@police.uk", "a-long-enough-password").get("/").status_code == 200


def test_users_create_prompts_for_the_password_when_not_given(runner, browser_of):
    result = runner.invoke(args=["users", "create", "owen@police.uk", "--name", "Owen Owner",
                                 "--role", "owner"], input="typed-in-password\ntyped-in-password\n")
    assert result.exit_code == 0, result.output
    assert "typed-in-password" not in result.output
    assert browser_of("owen@police.uk", "typed-in-password").get("/").status_code == 200


def test_users_create_explains_what_is_wrong(runner, make_user):
    make_user("owen@police.uk", "owner")
    result = runner.invoke(args=["users", "create", "owen@police.uk", "--name", "Owen",
                                 "--role", "owner", "--password", "short"])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert "12 characters" in result.output

    result = runner.invoke(args=["users", "create", "x@police.uk", "--name", "X",
                                 "--role", "wizard", "--password", "a-long-enough-password"])
    assert result.exit_code != 0
    assert "'wizard' is not one of" in result.output


def test_users_token_prints_a_working_token_as_the_last_line_and_stores_only_its_hash(
        runner, make_user, client, read_db):
    make_user("riya@police.uk", "reviewer")
    result = runner.invoke(args=["users", "token", "riya@police.uk"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("rd_") and len(token) > 40

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["email"] == "riya@police.uk"

    stored = read_db(lambda s: s.scalars(sa.select(ApiToken)).all())
    assert len(stored) == 1
    assert token not in (stored[0].token_hash, stored[0].prefix)
    assert len(stored[0].token_hash) == 64


def test_users_token_for_an_unknown_user_fails_clearly(runner):
    result = runner.invoke(args=["users", "token", "nobody@police.uk"])
    assert result.exit_code != 0
    assert "No user with the email address nobody@police.uk" in result.output


def test_demo_creates_one_user_per_role_and_is_safe_to_run_twice(runner, read_db, browser_of):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert first.output == second.output

    debriefs = read_db(lambda s: s.scalars(sa.select(Debrief)).all())
    assert len(debriefs) == len(DEMO_DEBRIEFS) == 3  # not doubled by the second run
    statuses = read_db(lambda s: sorted(s.scalars(sa.select(Recommendation.status)).all()))
    assert statuses == ["awaiting_closure", "open"]  # something for the owner and for the board
    users = read_db(lambda s: s.scalars(sa.select(User)).all())
    assert len(users) == len(DEMO_USERS) == 6
    assert set().union(*(u.role_set for u in users)) == {
        "reviewer", "owner", "learning", "board", "analyst", "admin"}
    for email, _, _ in DEMO_USERS:
        assert f"{email}" in first.output and demo_password(email) in first.output
        assert browser_of(email, demo_password(email)).get("/").status_code == 200


def test_demo_is_refused_in_production(database_url):
    production = make_app(database_url, APP_ENV="production")
    result = production.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refused when APP_ENV=production" in result.output
