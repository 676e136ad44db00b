"""The deadline policy is configuration: a force changes it in a file, checked when the app starts."""
from pathlib import Path

import pytest

from debrief import ConfigurationError
from debrief.services import deadline_policy
from tests.builders import MURDER
from tests.conftest import SignIn, make_app

SHIPPED = deadline_policy.DEFAULT_POLICY_FILE.read_text()


def test_the_shipped_policy_has_every_debrief_clock_with_a_source():
    policy = deadline_policy.load()
    assert {rule.kind for rule in policy.rules} == {*deadline_policy.DEBRIEF_CLOCK_KINDS, "partner_contribution",
                                                    "recommendation_response", "recommendation_due"}
    assert policy.rule("partner_contribution").days_before_meeting == 2
    assert all(rule.source and rule.label for rule in policy.rules)
    assert policy.rule("child_rapid_review").waits_for == "child_safeguarding_notification"


# The territorial forces of England and Wales, by the place in their name: the shipped policy is a made-up
# force's, so that no reader takes a demonstration's sources for a real force's rules.
REAL_FORCES = (
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "City of London", "Cleveland", "Cumbria",
    "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys", "Essex", "Gloucestershire",
    "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire", "Humberside", "Kent", "Lancashire",
    "Leicestershire", "Lincolnshire", "Merseyside", "Metropolitan", "Norfolk", "North Wales", "North Yorkshire",
    "Northamptonshire", "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire", "Staffordshire",
    "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire", "West Mercia", "West Midlands",
    "West Yorkshire", "Wiltshire",
)


def test_the_shipped_policy_names_no_real_force():
    sources = [rule.source for rule in deadline_policy.load().rules]
    assert [(source, force) for source in sources for force in REAL_FORCES if force in source] == []


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


def open_murder_with(database_url, policy_path, make_user_name="policy-reviewer@police.uk", **facts) -> dict:
    app = make_app(database_url, DEADLINE_POLICY_FILE=str(policy_path))
    with app.app_context():
        from debrief.extensions import db
        from debrief.services import accounts

        user = accounts.find_by_email(make_user_name) or accounts.create_user(
            email=make_user_name, name="Policy Reviewer", roles=["reviewer"], password="x" * 8 + "abcdefgh",
            actor=None)
        token = accounts.issue_token(user, actor=None)
        db.session.commit()
    response = app.test_client().post("/api/v1/debriefs", json={**MURDER, **facts},
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_force_changes_a_length_without_touching_python(app, database_url, tmp_path):
    path = write(tmp_path, SHIPPED.replace("unit = \"calendar_days\"\nlength = 7\nsource = \"Force policy (Seedshire",
                                           "unit = \"calendar_days\"\nlength = 3\nsource = \"Force policy (Seedshire"))
    body = open_murder_with(database_url, path)
    meeting = next(d for d in body["deadlines"] if d["kind"] == "debrief_meeting")
    assert meeting["due_date"] == "2026-11-05"  # reported 2 November + 3 days


def test_a_force_changes_a_day_type(app, database_url, tmp_path):
    section = SHIPPED.split("[clocks.debrief_report]")[1].split("[clocks.")[0]
    changed = section.replace('unit = "calendar_days"', 'unit = "working_days"').replace("length = 28", "length = 10")
    body = open_murder_with(database_url, write(tmp_path, SHIPPED.replace(section, changed)))
    report = next(d for d in body["deadlines"] if d["kind"] == "debrief_report")
    assert report["due_date"] == "2026-11-16"  # Monday 2 November + 10 working days


def test_a_force_switches_a_clock_off(app, database_url, tmp_path):
    path = write(tmp_path, SHIPPED.replace("[clocks.homicide_index_return]\n",
                                           "[clocks.homicide_index_return]\nenabled = false\n"))
    body = open_murder_with(database_url, path)
    assert "homicide_index_return" not in {d["kind"] for d in body["deadlines"]}


def test_a_force_adds_a_bank_holiday(app, database_url, tmp_path):
    path = write(tmp_path, SHIPPED.replace("extra_bank_holidays = []", "extra_bank_holidays = [2026-11-04]"))
    body = open_murder_with(database_url, path, victim_age=12)
    notification = next(d for d in body["deadlines"] if d["kind"] == "child_safeguarding_notification")
    assert notification["due_date"] == "2026-11-10"  # 3, (4 skipped), 5, 6, 9, 10


@pytest.mark.parametrize("change,message", [
    (('length = 7\n', 'length = "seven"\n'), "length must be a whole number"),
    (('length = 7\n', 'length = 0\n'), "length must be a whole number from 1 to 366"),
    (('unit = "working_days"', 'unit = "fortnights"'), "unit must be one of"),
    (('applies_when = "homicide"', 'applies_when = "tuesdays"'), "applies_when must be one of"),
    (('[clocks.dhr_referral]', '[clocks.dhr_referal]'), "clock 'dhr_referal': not a known clock"),
    (('starts = "met:child_safeguarding_notification"', 'starts = "met:nothing"'), "'nothing' is met"),
    (('source = "Force policy"\n', 'source = ""\n'), "source must be some text"),
    (('label = "Rapid debrief meeting"', 'label = "' + "x" * 81 + '"'), "label must be 80 characters or fewer"),
    (('[clocks.debrief_meeting]\n', '[clocks.debrief_meeting]\ncolour = "red"\n'), "unknown setting 'colour'"),
    (('extra_bank_holidays = []', 'extra_bank_holidays = ["Christmas"]'), "extra_bank_holidays must be a list"),
    (('extra_bank_holidays = []', 'extra_bank_holidays = [2026-12-25T00:00:00]'), "extra_bank_holidays must be"),
    (('[clocks.debrief_meeting]', '[clocks.debrief_meeting'), "not valid TOML"),
])
def test_a_mistake_in_the_policy_stops_the_start_with_a_clear_message(database_url, tmp_path, change, message):
    old, new = change
    assert old in SHIPPED
    path = write(tmp_path, SHIPPED.replace(old, new, 1))
    with pytest.raises(ConfigurationError) as raised:
        make_app(database_url, DEADLINE_POLICY_FILE=str(path))
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_switching_off_a_clock_another_waits_for_is_refused(database_url, tmp_path):
    path = write(tmp_path, SHIPPED.replace("[clocks.child_safeguarding_notification]\n",
                                           "[clocks.child_safeguarding_notification]\nenabled = false\n"))
    with pytest.raises(ConfigurationError, match="child_rapid_review.*switched off"):
        make_app(database_url, DEADLINE_POLICY_FILE=str(path))


def test_every_problem_in_the_file_is_listed_at_once(database_url, tmp_path):
    path = write(tmp_path, SHIPPED.replace("length = 28", "length = -1").replace('unit = "months"', 'unit = "moons"'))
    with pytest.raises(ConfigurationError) as raised:
        make_app(database_url, DEADLINE_POLICY_FILE=str(path))
    assert "debrief_report" in str(raised.value) and "owhr_notification" in str(raised.value)


def test_a_missing_policy_file_is_named(database_url, tmp_path):
    with pytest.raises(ConfigurationError, match="does not exist"):
        make_app(database_url, DEADLINE_POLICY_FILE=str(tmp_path / "nowhere.toml"))


def test_the_admin_page_shows_the_policy_in_force(client, make_user):
    make_user("adam@police.uk", "admin", name="Adam Admin")
    SignIn(client).sign_in("adam@police.uk")
    page = client.get("/admin/deadline-policy").get_data(as_text=True)
    assert "Home Office homicide index return" in page
    assert "HMICFRS, Homicide prevention (2023)" in page
    assert "End of the following day" in page
    assert "When child safeguarding notification is met" in page
