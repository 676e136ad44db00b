"""Welsh beside English for partner agencies: an invitation has a language (chosen on the form or in the
API, else the agency's), its emails are written in it, and the partner's pages open in it; the person's
own choice (the language link) still wins, and the link's secret stays where it was. Staff emails from
the scheduler are in the language each person chose."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.i18n import day_month_year, in_language
from debrief.models import Agency, Invitation, User, as_if_now, utcnow
from debrief.services.clock_calendar import LONDON
from tests.builders import EMAIL, MURDER, make_staff, open_debrief, recommended
from tests.conftest import csrf_token_from
from tests.html import ENGLISH_WORDS, english_left, error_summary, parse

REVIEWER = "riya@police.uk"
REVIEWER_NAME = "Riya Reviewer"
NHS = "Mid and South Essex NHS"
NHS_CY = "GIG Canol a De Essex"
COUNCIL = "Cyngor Sir Ynys Môn"  # an agency whose own language is Welsh
FORCE = "Demonstration Constabulary"
BRIEFING = "Bu farw dyn ar ôl cael ei drywanu."


def html_lang(response) -> str:
    return parse(response.get_data(as_text=True)).find("html").attrs["lang"]


def english_in(text: str, allow: tuple[str, ...] = ()) -> list[str]:
    """The lines of an email that still read as English (english_left for plain text): names, addresses,
    links and references in `allow` are taken out first."""
    found = []
    for line in text.splitlines():
        for allowed in sorted(allow, key=len, reverse=True):
            line = line.replace(allowed, " ")
        line = re.sub(r"https?://\S+|\S+@\S+", " ", line)
        words = {word.strip(".,:;!?()“”‘’'\"–—-").lower() for word in line.split()}
        if words & ENGLISH_WORDS:
            found.append(line.strip())
    return found


@pytest.fixture
def reviewer(make_user, api_token):
    make_user(REVIEWER, "reviewer", name=REVIEWER_NAME)
    return api_token(REVIEWER)


@pytest.fixture
def agencies(app):
    with app.app_context():
        db.session.add_all([Agency(name=NHS, name_cy=NHS_CY, kind="health"),
                            Agency(name=COUNCIL, kind="local_authority", language="cy")])
        db.session.commit()


@pytest.fixture
def debrief(client, reviewer, agencies):
    response = client.post("/api/v1/debriefs", json={**MURDER, "partner_briefing": BRIEFING}, headers=reviewer)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def invite(client, reviewer, debrief, **body):
    payload = {"agency": NHS, "email": "dr.jones@nhs.net", "name": "Dr Sam Jones", **body}
    return client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", json=payload, headers=reviewer)


def path_of(url: str) -> str:
    return urlsplit(url).path


#: What a Welsh email or page may show in English: names, references and the service's name.
def names(debrief) -> tuple[str, ...]:
    return (REVIEWER_NAME, "Dr Sam Jones", FORCE, debrief["reference"], NHS_CY, COUNCIL, "Rapid Debrief")


# The language of an invitation ---------------------------------------------------------------------------


def test_an_invitation_made_in_welsh_through_the_api_sends_a_welsh_email(app, client, reviewer, debrief, mailbox):
    response = invite(client, reviewer, debrief, language="cy")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["language"] == "cy" and body["agency"] == NHS  # codes and stored names never change

    [email] = mailbox
    subject, text = email["Subject"], email.get_content()
    assert subject == f"Ôl-drafodaeth gyflym {debrief['reference']}: rhannwch yr hyn y mae eich asiantaeth yn ei wybod"
    assert text.startswith("Helo Dr Sam Jones,\n\n")
    assert NHS_CY in text and NHS not in text  # the agency's Welsh name, to a Welsh reader
    assert body["url"] in text and "Cwestiynau: Riya Reviewer, riya@police.uk" in text
    expires = datetime.fromisoformat(body["expires_at"])
    with app.app_context(), in_language("cy"):
        assert day_month_year(expires) in text  # "6 Rhagfyr 2026": Babel's Welsh month
    assert english_in(subject, names(debrief)) == []
    assert english_in(text, names(debrief)) == []

    listed = client.get(f"/api/v1/debriefs/{debrief['id']}/invitations", headers=reviewer).get_json()
    assert [item["language"] for item in listed["items"]] == ["cy"]


def test_without_a_language_the_api_takes_the_agencys(client, reviewer, debrief, mailbox):
    welsh = invite(client, reviewer, debrief, agency=COUNCIL, email="swyddog@ynysmon.llyw.cymru").get_json()
    english = invite(client, reviewer, debrief).get_json()
    assert (welsh["language"], english["language"]) == ("cy", "en")
    chosen = invite(client, reviewer, debrief, agency=COUNCIL, email="arall@ynysmon.llyw.cymru", language="en")
    assert chosen.get_json()["language"] == "en"  # the reviewer's choice beats the agency's
    subjects = {email["To"]: email["Subject"] for email in mailbox}
    assert subjects["swyddog@ynysmon.llyw.cymru"].startswith("Ôl-drafodaeth gyflym")
    assert subjects["dr.jones@nhs.net"].startswith("Rapid debrief")
    assert subjects["arall@ynysmon.llyw.cymru"].startswith("Rapid debrief")


@pytest.mark.parametrize("language", ["fr", "CY", "", 1, ["cy"], {"code": "cy"}, True])
def test_a_language_other_than_en_or_cy_is_refused(client, reviewer, debrief, mailbox, read_db, language):
    response = invite(client, reviewer, debrief, language=language)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and set(error["fields"]) == {"language"}
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Invitation.id)))) == 0
    assert mailbox == []


def test_the_api_says_why_in_welsh_when_asked(client, reviewer, debrief):
    response = client.post(f"/api/v1/debriefs/{debrief['id']}/invitations", headers={**reviewer, "Accept-Language": "cy"},
                           json={"agency": NHS, "email": "dr.jones@nhs.net", "language": "fr"})
    assert response.get_json()["error"]["fields"]["language"] == "rhaid iddo fod yn en (Saesneg) neu’n cy (Cymraeg)"


def test_the_reviewer_chooses_welsh_on_the_form_and_sees_it_listed(client, auth, reviewer, debrief, mailbox, read_db):
    auth.sign_in(REVIEWER)
    form = client.get(f"/debriefs/{debrief['id']}/invitations/new").get_data(as_text=True)
    radios = {element.attrs["value"]: element for element in parse(form).find_all("input", type="radio")}
    assert set(radios) == {"en", "cy"}
    labels = {label.attrs.get("for"): (label.text, label.attrs.get("lang")) for label in parse(form).find_all("label")}
    assert labels[radios["cy"].attrs["id"]] == ("Cymraeg", "cy") and labels[radios["en"].attrs["id"]] == ("English", "en")

    nhs = read_db(lambda s: s.scalar(sa.select(Agency.id).where(Agency.name == NHS)))
    response = client.post(f"/debriefs/{debrief['id']}/invitations/new", data={
        "csrf_token": csrf_token_from(form), "agency": str(nhs), "name": "Dr Sam Jones", "email": "dr.jones@nhs.net",
        "language": "cy"})
    assert response.status_code == 302
    [email] = mailbox
    assert english_in(email["Subject"] + "\n" + email.get_content(), names(debrief)) == []

    page = client.get(f"/debriefs/{debrief['id']}").get_data(as_text=True)
    assert parse(page).find("span", cls="rd-invitation-language").text == "Emails and page in Welsh"

    refused = client.post(f"/debriefs/{debrief['id']}/invitations/new", data={
        "csrf_token": csrf_token_from(form), "agency": str(nhs), "email": "kim@nhs.net", "language": "fr"})
    assert refused.status_code == 400
    assert "Select the language of the invitation: English or Cymraeg" in refused.get_data(as_text=True)


#: The navigation's words, which another part of the work translates (not the partners' pages).
NAVIGATION = ("Debriefs", "Import recommendations")


def test_the_invitation_form_reads_in_welsh(client, auth, reviewer, debrief):
    auth.sign_in(REVIEWER)
    client.get("/?lang=cy")
    form = client.get(f"/debriefs/{debrief['id']}/invitations/new")
    assert html_lang(form) == "cy"
    html = form.get_data(as_text=True)
    assert "Gwahodd asiantaeth bartner" in html
    assert english_left(html, allow=names(debrief) + (NHS, *NAVIGATION)) == []
    errors = client.post(f"/debriefs/{debrief['id']}/invitations/new",
                         data={"csrf_token": csrf_token_from(html), "agency": "", "email": ""})
    html = errors.get_data(as_text=True)
    assert errors.status_code == 400 and "Dewiswch yr asiantaeth" in html and "Rhowch gyfeiriad e-bost y cyswllt" in html
    assert english_left(html, allow=names(debrief) + (NHS, *NAVIGATION)) == []


# The partner's pages ---------------------------------------------------------------------------------------


def test_the_partners_page_opens_in_the_invitations_language(client, reviewer, debrief, mailbox):
    url = invite(client, reviewer, debrief, language="cy").get_json()["url"]
    page = client.get(path_of(url), headers={"Accept-Language": "en-GB,en;q=0.9"})  # an English browser
    assert page.status_code == 200 and html_lang(page) == "cy"
    html = page.get_data(as_text=True)
    assert f"Ôl-drafodaeth gyflym {debrief['reference']}" in html and BRIEFING in html
    assert NHS_CY in html
    assert english_left(html, allow=names(debrief)) == []
    # The character count counts in Welsh too, as the partner types.
    assert "Gallwch ddefnyddio hyd at 5,000 nod" in html and "Mae gennych %{count} nod ar ôl" in html

    english = invite(client, reviewer, debrief, email="kim@nhs.net").get_json()["url"]
    assert html_lang(client.get(path_of(english), headers={"Accept-Language": "cy"})) == "en"


def test_a_partner_form_error_reads_in_welsh(client, reviewer, debrief, mailbox):
    path = path_of(invite(client, reviewer, debrief, language="cy").get_json()["url"])
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, "prior_contact": "yes"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Mae problem wedi codi" in html
    assert [message for message, _link in error_summary(html)] == [
        "Dewiswch a fydd rhywun o’ch asiantaeth yn dod i’r cyfarfod",
        "Rhowch grynodeb o’r cysylltiad a gafodd eich asiantaeth",
    ]
    assert english_left(html, allow=names(debrief)) == []

    sent = client.post(path, data={"csrf_token": token, "attending": "yes", "prior_contact": "no",
                                   "learning": "Dim"})
    assert sent.status_code == 200 and html_lang(sent) == "cy"
    thanks = sent.get_data(as_text=True)
    assert "Cyfraniad wedi’i anfon" in thanks
    assert english_left(thanks, allow=names(debrief) + (REVIEWER,)) == []


def test_a_withdrawn_or_expired_link_says_so_in_welsh(app, client, reviewer, debrief, mailbox):
    made = invite(client, reviewer, debrief, language="cy").get_json()
    assert client.post(f"/api/v1/invitations/{made['id']}/revoke", headers=reviewer).status_code == 200
    gone = client.get(path_of(made["url"]))
    assert gone.status_code == 410 and html_lang(gone) == "cy"
    html = gone.get_data(as_text=True)
    assert "wedi’i dynnu’n ôl" in html and "Anfon e-bost at Riya Reviewer" in html
    assert english_left(html, allow=names(debrief) + (REVIEWER,)) == []

    expired = invite(client, reviewer, debrief, language="cy", email="kim@nhs.net").get_json()
    with app.app_context():
        db.session.execute(sa.update(Invitation).where(Invitation.id == expired["id"])
                           .values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    html = client.get(path_of(expired["url"])).get_data(as_text=True)
    assert "wedi dod i ben" in html and english_left(html, allow=names(debrief) + (REVIEWER,)) == []

    unknown = client.get("/invite/this-link-was-cut-short", headers={"Accept-Language": "cy"})
    assert unknown.status_code == 404 and html_lang(unknown) == "cy"
    assert english_left(unknown.get_data(as_text=True)) == []


def test_the_language_link_on_the_partners_page_keeps_the_secret_where_it_was(client, reviewer, debrief, mailbox):
    path = path_of(invite(client, reviewer, debrief, language="cy").get_json()["url"])
    page = client.get(path)
    link = parse(page.get_data(as_text=True)).find("a", hreflang="en")
    assert link.attrs["href"] == f"{path}?lang=en"

    switched = client.get(link.attrs["href"])
    assert switched.status_code == 303 and switched.headers["Location"] == path
    assert switched.headers["Referrer-Policy"] == "no-referrer" and switched.headers["Cache-Control"] == "no-store"
    token = path.rsplit("/", 1)[1]
    assert token not in switched.headers.get("Set-Cookie", "")
    assert [header for header, value in switched.headers.items() if token in value] == ["Location"]

    english = client.get(path)  # their own choice beats the invitation's language
    assert html_lang(english) == "en" and "Rapid debrief" in english.get_data(as_text=True)
    assert english.headers["Referrer-Policy"] == "no-referrer" and english.headers["Cache-Control"] == "no-store"
    back = client.get(f"{path}?lang=cy")
    assert back.status_code == 303 and back.headers["Location"] == path
    assert html_lang(client.get(path)) == "cy"


# Reminders from the scheduler ----------------------------------------------------------------------------

#: Monday 2 March 2026, 09:00 in London.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


def tick(runner, when: datetime) -> None:
    result = runner.invoke(args=["jobs", "tick", "--now", when.isoformat()])
    assert result.exit_code == 0, result.output


@pytest.fixture
def staff(make_user, api_token):
    return make_staff(make_user, api_token)


@pytest.fixture
def march_debrief(client, staff):
    with as_if_now(T0.astimezone(timezone.utc)):
        return open_debrief(client, staff["reviewer"], occurred_at=(T0 - timedelta(hours=3)).isoformat(),
                            reported_at=(T0 - timedelta(hours=2)).isoformat())


def test_a_partners_reminder_is_in_the_invitations_language(app, client, runner, staff, march_debrief, agencies,
                                                            mailbox):
    with as_if_now(T0.astimezone(timezone.utc)):
        made = client.post(f"/api/v1/debriefs/{march_debrief['id']}/invitations", headers=staff["reviewer"],
                           json={"agency": NHS, "email": "dr.jones@nhs.net", "name": "Dr Sam Jones", "language": "cy"})
    assert made.status_code == 201, made.get_json()
    mailbox.clear()
    tick(runner, datetime(2026, 3, 4, 9, 0, tzinfo=LONDON))  # three working days before Monday 9 March
    reminder = next(m for m in mailbox if m["To"] == "dr.jones@nhs.net")
    subject, text = reminder["Subject"], reminder.get_content()
    assert subject == (f"Nodyn atgoffa: ôl-drafodaeth gyflym {march_debrief['reference']}: dyddiad dyledus ymateb "
                       "eich asiantaeth yw dydd Llun 9 Mawrth 2026")
    assert "/invite/" in text and NHS_CY in text
    allow = names(march_debrief) + (march_debrief["reference"],)
    assert english_in(subject, allow) == [] and english_in(text, allow) == []


def test_a_staff_reminder_is_in_the_language_they_chose(app, client, runner, read_db, staff, march_debrief, mailbox):
    def choose_welsh(session):
        session.execute(sa.update(User).where(User.email == EMAIL["owner"]).values(language="cy"))
        session.commit()

    read_db(choose_welsh)
    with as_if_now(T0.astimezone(timezone.utc)):
        recommendation = recommended(client, staff["reviewer"], march_debrief["id"], due_date="2026-03-12")
    mailbox.clear()
    tick(runner, datetime(2026, 3, 5, 9, 0, tzinfo=LONDON))  # due in seven days
    to_owner = [m for m in mailbox if m["To"] == EMAIL["owner"]]
    assert [m["Subject"] for m in to_owner] == [f"Dyddiad dyledus {recommendation['reference']} yw dydd Iau 12 Mawrth 2026"]
    text = to_owner[0].get_content()
    assert text.startswith("Helo Olu Owner,") and "wedi’i ddyrannu i chi" in text
    assert english_in(text, ("Olu Owner", recommendation["reference"])) == []
    # The reviewer chose nothing: their reminders stay in English.
    tick(runner, datetime(2026, 3, 10, 9, 0, tzinfo=LONDON))
    assert any(m["Subject"].startswith("Overdue: ") for m in mailbox if m["To"] == EMAIL["reviewer"])
