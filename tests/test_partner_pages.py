"""Partner agencies in the browser pages, through the Flask test client: a reviewer inviting an agency
from the debrief page and following its answer there; a partner (no account, only the link from
their email) reading the briefing and sending their agency's contribution; an administrator keeping
the list of agencies.

The API, the secret itself, expiry, revocation, the rate limit and log redaction are in
test_invitations.py; this file is about what people see on the pages.
"""
from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import Agency, Clock, Contribution, Invitation, OutboxEmail, utcnow
from debrief.services.clock_calendar import london_date
from tests.builders import MURDER
from tests.conftest import csrf_token_from

REVIEWER = "riya@police.uk"
ADMIN = "adam@police.uk"
INTERNAL_SUMMARY = "INTERNAL: suspect named as J. Bloggs, known to officers"
BRIEFING = "A man died after being stabbed in Southend on 2 November."

NHS = "Mid and South Essex NHS"
CHILDREN = "Essex Children's Services"
PROBATION = "Probation Service East"
SCHOOL = "Southend High School"
HOUSING = "Southend Housing"


# Reading pages ---------------------------------------------------------------------------------


def text_of(markup: str) -> str:
    """What a person reads: the tags stripped, entities decoded, spaces collapsed."""
    words = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)).split())
    return re.sub(r" ([.,;:)])", r"\1", words)


def main_of(markup: str) -> str:
    return markup.split('id="main-content"', 1)[1].split("</main>", 1)[0]


def error_summary(markup: str) -> list[tuple[str, str]]:
    """The GOV.UK error summary's items, as (message, link)."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', markup, re.S)
    if not found:
        return []
    return [(text_of(message), href)
            for href, message in re.findall(r'<a href="([^"]+)">(.*?)</a>', found.group(0), re.S)]


def success_banner(markup: str) -> str:
    found = re.search(r'govuk-notification-banner--success.*?govuk-notification-banner__heading">(.*?)</p>',
                      markup, re.S)
    return text_of(found.group(1)) if found else ""


def partner_section(markup: str) -> str:
    """The debrief page's "Partner agencies" section."""
    return markup.split('id="partners"', 1)[1].split('id="meeting"', 1)[0]


def partner_blocks(markup: str) -> dict[str, str]:
    """Each invited agency's part of the section, by agency name."""
    blocks = {}
    for block in partner_section(markup).split('<div class="rd-partner')[1:]:
        name = text_of(re.search(r"<h3[^>]*>(.*?)<strong", block, re.S).group(1))
        blocks[name] = block
    return blocks


def state_tag(block: str) -> str:
    return text_of(re.search(r'<strong class="govuk-tag[^"]*">(.*?)</strong>', block, re.S).group(1))


def email_status_tag(block: str) -> str:
    found = re.search(r'data-email-status="[^"]*">\s*<strong class="govuk-tag[^"]*">(.*?)</strong>', block, re.S)
    return text_of(found.group(1))


def withdraw_link(block: str) -> str:
    return re.search(r'href="(/invitations/\d+/revoke)"', block).group(1)


def withdraw(browser, debrief: dict, agency: str):
    """Withdraws an agency's invitation as a reviewer does: the link, the confirmation page, its button."""
    action = withdraw_link(partner_blocks(debrief_page(browser, debrief))[agency])
    question = browser.get(action)
    assert question.status_code == 200
    return browser.post(action, data={"csrf_token": csrf_token_from(question.get_data(as_text=True))})


def outside_details(block: str) -> str:
    return re.sub(r'<details.*?</details>', "", block, flags=re.S)


def inside_details(block: str) -> str:
    found = re.search(r'<details.*?</details>', block, re.S)
    return found.group(0) if found else ""


def select_options(markup: str, name: str) -> dict[str, str]:
    """A select's options, as {label: value}."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', markup, re.S).group(0)
    return {text_of(label): value for value, label in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>',
                                                                  select, re.S)}


def long_date(day) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def path_of(url: str) -> str:
    return urlsplit(url).path


# The people and the debrief --------------------------------------------------------------------


@pytest.fixture
def agency_ids(app) -> dict[str, int]:
    with app.app_context():
        agencies = [Agency(name=name, kind=kind) for name, kind in (
            (NHS, "health"), (CHILDREN, "childrens_services"), (PROBATION, "probation"),
            (SCHOOL, "education"), (HOUSING, "housing"))]
        db.session.add_all(agencies)
        db.session.commit()
        return {agency.name: agency.id for agency in agencies}


@pytest.fixture
def reviewer(make_user, browser_of):
    make_user(REVIEWER, "reviewer", name="Riya Reviewer")
    return browser_of(REVIEWER)


@pytest.fixture
def open_debrief(client, api_token, reviewer):
    """Opens a debrief through the API (the debrief form has its own tests) and returns it."""

    def open_(**changes) -> dict:
        body = {**MURDER, "summary": INTERNAL_SUMMARY, "partner_briefing": BRIEFING, **changes}
        response = client.post("/api/v1/debriefs", json=body, headers=api_token(REVIEWER))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return open_


@pytest.fixture
def debrief(open_debrief, agency_ids) -> dict:
    return open_debrief()


def invite_through_form(browser, debrief: dict, **data):
    form_page = f"/debriefs/{debrief['id']}/invitations/new"
    token = csrf_token_from(browser.get(form_page).get_data(as_text=True))
    return browser.post(form_page, data={"csrf_token": token, **data})


def invite(browser, debrief: dict, agency_id: int, mailbox, email: str = "dr.jones@nhs.net") -> str:
    """Invites an agency through the form; returns the path of the link the contact was emailed."""
    before = len(mailbox)
    response = invite_through_form(browser, debrief, agency=str(agency_id), email=email, name="")
    assert response.status_code == 302
    assert len(mailbox) == before + 1
    return path_of(re.search(r"https?://\S+/invite/\S+", mailbox[-1].get_content()).group(0))


def send_contribution(partner, link: str, **answers):
    token = csrf_token_from(partner.get(link).get_data(as_text=True))
    return partner.post(link, data={"csrf_token": token, **answers})


def debrief_page(browser, debrief: dict) -> str:
    response = browser.get(f"/debriefs/{debrief['id']}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def invitation_count(read_db) -> int:
    return read_db(lambda s: s.scalar(sa.select(sa.func.count(Invitation.id))))


# A reviewer invites an agency ------------------------------------------------------------------


def test_a_reviewer_invites_a_named_contact_from_the_debrief_page(app, reviewer, debrief, agency_ids, mailbox):
    page = debrief_page(reviewer, debrief)
    assert f'href="/debriefs/{debrief["id"]}/invitations/new"' in partner_section(page)

    form = reviewer.get(f"/debriefs/{debrief['id']}/invitations/new").get_data(as_text=True)
    assert select_options(form, "agency") == {"Choose an agency": "", **{
        name: str(agency_ids[name]) for name in sorted(agency_ids)}}

    response = invite_through_form(reviewer, debrief, agency=str(agency_ids[NHS]), email="Dr.Jones@NHS.net",
                                   name="Dr Sam Jones")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/debriefs/{debrief['id']}#partners")
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert success_banner(page) == (f"Invitation for {NHS} queued for dr.jones@nhs.net. Its email status shows "
                                    "when the email has gone. The link in it works for that person only.")
    block = partner_blocks(page)[NHS]
    assert state_tag(block) == "Sent"
    assert email_status_tag(block) == "Email sent"  # the mail server has taken it
    assert "Dr Sam Jones (dr.jones@nhs.net)" in text_of(block)
    assert "No contribution yet." in text_of(block)

    assert len(mailbox) == 1
    email = mailbox[0]
    assert email["To"] == "dr.jones@nhs.net"
    assert email.get_content().startswith("Hello Dr Sam Jones,")
    assert email.get_content().rstrip().endswith("Questions: Riya Reviewer, riya@police.uk")  # who to ask
    link = re.search(r"https?://\S+/invite/\S+", email.get_content()).group(0)
    opened = app.test_client().get(path_of(link))  # the contact's own browser: no staff session
    assert opened.status_code == 200
    assert debrief["reference"] in opened.get_data(as_text=True)
    assert BRIEFING in opened.get_data(as_text=True)


@pytest.mark.parametrize("data,field,message", [
    ({"agency": "", "email": "dr.jones@nhs.net"}, "agency", "Select the agency"),
    ({"agency": "{nhs}", "email": "dr.jones at nhs.net"}, "email",
     "Enter an email address in the correct format, like name@nhs.net"),
    ({"agency": "{nhs}", "email": "  "}, "email", "Enter the contact's email address"),
    ({"agency": "{withdrawn}", "email": "head@school.sch.uk"}, "agency", "Select an agency from the list"),
])
def test_a_mistake_in_the_invitation_form_is_explained_and_nothing_is_sent(app, reviewer, debrief, agency_ids,
                                                                          mailbox, read_db, data, field, message):
    with app.app_context():
        db.session.execute(sa.update(Agency).where(Agency.name == SCHOOL).values(active=False))
        db.session.commit()
    chosen = data["agency"].format(nhs=agency_ids[NHS], withdrawn=agency_ids[SCHOOL])

    response = invite_through_form(reviewer, debrief, **{**data, "agency": chosen})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page
    assert error_summary(page) == [(message, f"#{field}")]
    assert f'id="{field}-error"' in page  # the message is beside the field too
    assert invitation_count(read_db) == 0
    assert mailbox == []


def test_a_withdrawn_agency_is_not_offered(app, reviewer, debrief, agency_ids):
    with app.app_context():
        db.session.execute(sa.update(Agency).where(Agency.name == SCHOOL).values(active=False))
        db.session.commit()
    form = reviewer.get(f"/debriefs/{debrief['id']}/invitations/new").get_data(as_text=True)
    assert SCHOOL not in select_options(form, "agency")
    assert NHS in select_options(form, "agency")


def test_the_reviewer_is_warned_before_inviting_to_a_debrief_with_no_partner_briefing(
        reviewer, open_debrief, agency_ids):
    without = open_debrief(crime_reference="42/1/26", partner_briefing=None)
    with_briefing = open_debrief(crime_reference="42/2/26")

    warned = reviewer.get(f"/debriefs/{without['id']}/invitations/new").get_data(as_text=True)
    assert "govuk-warning-text" in warned
    assert "This debrief has no partner briefing yet: the partner will see no description" in text_of(warned)
    assert f'href="/debriefs/{without["id"]}/edit"' in warned

    not_warned = reviewer.get(f"/debriefs/{with_briefing['id']}/invitations/new").get_data(as_text=True)
    assert "govuk-warning-text" not in not_warned and "no partner briefing" not in not_warned


def test_with_no_agencies_set_up_the_reviewer_is_told_to_ask_an_administrator(reviewer, open_debrief):
    debrief = open_debrief()  # no agencies exist
    response = reviewer.get(f"/debriefs/{debrief['id']}/invitations/new")
    assert response.status_code == 200
    page = main_of(response.get_data(as_text=True))
    assert "No partner agencies have been set up yet. Ask an administrator to add them." in text_of(page)
    assert "<form" not in page and "Send invitation" not in page


# The debrief page's Partner agencies section ---------------------------------------------------


def test_each_agency_shows_its_state_its_respond_by_date_and_its_latest_contribution(
        app, reviewer, debrief, agency_ids, mailbox, read_db):
    links = {name: invite(reviewer, debrief, agency_ids[name], mailbox, email=f"contact{n}@partner.org.uk")
             for n, name in enumerate((NHS, CHILDREN, PROBATION, SCHOOL, HOUSING))}
    app.test_client().get(links[CHILDREN])  # opened, no answer yet
    nurse = app.test_client()
    assert send_contribution(nurse, links[NHS], attending="no", prior_contact="unknown",
                             learning="First thoughts").status_code == 200
    assert send_contribution(nurse, links[NHS], attending="yes", prior_contact="yes",
                             contact_summary="Seen in A&E on 3 May with a stab wound",
                             learning="Share A&E attendances with the police").status_code == 200
    with app.app_context():
        db.session.execute(sa.update(Invitation).where(Invitation.agency_id == agency_ids[SCHOOL])
                           .values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert withdraw(reviewer, debrief, HOUSING).status_code == 302

    blocks = partner_blocks(debrief_page(reviewer, debrief))

    assert {name: state_tag(block) for name, block in blocks.items()} == {
        NHS: "Responded", CHILDREN: "Opened", PROBATION: "Sent", SCHOOL: "Expired", HOUSING: "Revoked"}
    due_dates = dict(read_db(lambda s: s.execute(
        sa.select(Agency.name, Clock.due_date).join(Invitation, Invitation.id == Clock.invitation_id)
        .join(Agency, Agency.id == Invitation.agency_id)).all()))
    assert len(due_dates) == 5
    for name, block in blocks.items():
        assert f"respond by {long_date(due_dates[name])}" in text_of(block), name
    for name in (CHILDREN, PROBATION, SCHOOL, HOUSING):
        assert "No contribution yet." in text_of(blocks[name])

    nhs = blocks[NHS]
    latest = text_of(outside_details(nhs))
    assert "Attending Yes" in latest and "Prior contact Yes" in latest
    assert "Contact Seen in A&E on 3 May with a stab wound" in latest
    assert "Learning Share A&E attendances with the police" in latest
    assert "(version 2)" in latest
    assert "First thoughts" not in latest  # the first version is not passed off as the latest
    earlier = text_of(inside_details(nhs))
    assert earlier.startswith(f"Earlier versions from {NHS}")
    assert "Version 1 Attending No Prior contact Not known Learning First thoughts Sent" in earlier
    assert "Seen in A&E" not in earlier


def test_partner_text_is_shown_escaped_to_the_reviewer(app, reviewer, debrief, agency_ids, mailbox):
    link = invite(reviewer, debrief, agency_ids[NHS], mailbox)
    hostile = "<script>alert('pwned')</script> <b>bold</b> Tom & Jerry said \"hi\""
    partner = app.test_client()
    send_contribution(partner, link, attending="yes", prior_contact="yes", contact_summary=hostile,
                      learning="v1 " + hostile)
    send_contribution(partner, link, attending="yes", prior_contact="yes", contact_summary=hostile,
                      learning="v2 " + hostile)

    block = partner_blocks(debrief_page(reviewer, debrief))[NHS]

    assert "<script>" not in block and "<b>bold</b>" not in block and "Tom & Jerry" not in block
    escaped = "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; Tom &amp; Jerry said &#34;hi&#34;"
    assert block.count(escaped) == 4  # summary and learning, in the latest version and the earlier one
    assert "v1 " + escaped in inside_details(block)


def test_withdrawing_an_invitation_stops_its_link(app, reviewer, debrief, agency_ids, mailbox, read_db):
    link = invite(reviewer, debrief, agency_ids[NHS], mailbox)
    page = debrief_page(reviewer, debrief)
    action = withdraw_link(partner_blocks(page)[NHS])

    refused = reviewer.post(action, data={})  # a forged post, without the page's CSRF token
    assert refused.status_code == 400
    assert state_tag(partner_blocks(debrief_page(reviewer, debrief))[NHS]) == "Sent"
    assert app.test_client().get(link).status_code == 200

    confirmation = reviewer.get(action)  # asks first
    assert confirmation.status_code == 200
    question = confirmation.get_data(as_text=True)
    assert f"Withdraw the invitation to {NHS}?" in text_of(question)
    assert "already answered" not in question
    assert state_tag(partner_blocks(debrief_page(reviewer, debrief))[NHS]) == "Opened"  # not withdrawn yet
    response = reviewer.post(action, data={"csrf_token": csrf_token_from(question)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/debriefs/{debrief['id']}#partners")
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert success_banner(page) == f"The invitation to {NHS} is withdrawn: its link no longer works."
    block = partner_blocks(page)[NHS]
    assert state_tag(block) == "Revoked"
    assert "Withdraw the invitation" not in block
    assert app.test_client().get(link).status_code == 410
    assert read_db(lambda s: s.scalar(sa.select(Invitation.revoked_at))) is not None


def test_withdrawing_says_so_when_the_partner_has_already_answered(app, reviewer, debrief, agency_ids, mailbox):
    link = invite(reviewer, debrief, agency_ids[NHS], mailbox)
    assert send_contribution(app.test_client(), link, attending="yes", prior_contact="no").status_code == 200
    question = reviewer.get(withdraw_link(partner_blocks(debrief_page(reviewer, debrief))[NHS]))
    warning = text_of(re.search(r'id="already-answered".*?</div>', question.get_data(as_text=True), re.S).group(0))
    assert f"{NHS} has already answered (once, last on" in warning
    assert "What they sent is kept; they cannot change it after you withdraw." in warning


def test_a_contact_already_invited_is_refused_with_a_link_to_their_invitation(
        app, reviewer, debrief, agency_ids, mailbox, read_db):
    invite(reviewer, debrief, agency_ids[NHS], mailbox)
    existing_id = read_db(lambda s: s.scalar(sa.select(Invitation.id)))
    response = invite_through_form(reviewer, debrief, agency=str(agency_ids[NHS]), email="DR.JONES@nhs.net")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    ((message, href),) = error_summary(page)
    assert message.startswith("dr.jones@nhs.net already has an invitation to this debrief, sent ") and href == "#email"
    existing = re.search(r'id="existing-invitation"><a class="govuk-link" href="([^"]+)">([^<]+)</a>', page)
    assert existing.group(1) == f"/debriefs/{debrief['id']}#invitation-{existing_id}"
    assert existing.group(2) == "See the invitation dr.jones@nhs.net already has"
    assert f'id="invitation-{existing_id}"' in debrief_page(reviewer, debrief)
    assert invitation_count(read_db) == 1 and len(mailbox) == 1


def test_a_reviewer_sees_an_email_that_failed_and_resends_it(app, reviewer, debrief, agency_ids, mailbox, read_db):
    app.config["MAIL_PORT"], port = 1, app.config["MAIL_PORT"]  # nothing listens there
    try:
        assert invite_through_form(reviewer, debrief, agency=str(agency_ids[NHS]), email="dr.jones@nhs.net",
                                   name="").status_code == 302
        block = partner_blocks(debrief_page(reviewer, debrief))[NHS]
        assert email_status_tag(block) == "Email not sent yet"  # never "sent" before the mail server has it
        with app.app_context():
            db.session.execute(sa.update(OutboxEmail).values(status="failed"))
            db.session.commit()
    finally:
        app.config["MAIL_PORT"] = port
    block = partner_blocks(debrief_page(reviewer, debrief))[NHS]
    assert email_status_tag(block) == "Email failed"
    assert "The email could not be delivered to dr.jones@nhs.net." in text_of(block)
    action = re.search(r'<form method="post" action="(/invitations/\d+/resend)"', block).group(1)
    assert reviewer.post(action, data={}).status_code == 400  # a forged post, without the CSRF token
    response = reviewer.post(action, data={"csrf_token": csrf_token_from(debrief_page(reviewer, debrief))})
    assert response.status_code == 302
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert success_banner(page) == ("The invitation is being emailed to dr.jones@nhs.net again, with a new link. "
                                    "The link in the earlier email still works.")
    assert email_status_tag(partner_blocks(page)[NHS]) == "Email sent"
    (message,) = mailbox
    link = path_of(re.search(r"https?://\S+/invite/\S+", message.get_content()).group(0))
    assert app.test_client().get(link).status_code == 200


@pytest.mark.parametrize("role", ["board", "analyst"])
def test_board_and_analysts_read_the_partner_section_but_cannot_invite_or_withdraw(
        app, make_user, browser_of, reviewer, debrief, agency_ids, mailbox, read_db, role):
    invite(reviewer, debrief, agency_ids[NHS], mailbox)
    make_user(f"{role}@police.uk", role, name=f"A {role}")
    reader = browser_of(f"{role}@police.uk")

    page = debrief_page(reader, debrief)
    section = partner_section(page)
    assert state_tag(partner_blocks(page)[NHS]) == "Sent"
    assert "Invite a partner agency" not in section and "invitations/new" not in section
    assert "Withdraw the invitation" not in section and "/revoke" not in section

    token = csrf_token_from(page)  # a real token from their own page: the refusal is about the role
    invitation_id = read_db(lambda s: s.scalar(sa.select(Invitation.id)))
    assert reader.get(f"/debriefs/{debrief['id']}/invitations/new").status_code == 403
    assert reader.post(f"/debriefs/{debrief['id']}/invitations/new", data={
        "csrf_token": token, "agency": str(agency_ids[CHILDREN]), "email": "x@council.gov.uk"}).status_code == 403
    assert reader.post(f"/invitations/{invitation_id}/revoke", data={"csrf_token": token}).status_code == 403
    assert invitation_count(read_db) == 1 and len(mailbox) == 1
    assert read_db(lambda s: s.scalar(sa.select(Invitation.revoked_at))) is None


# The partner's page ----------------------------------------------------------------------------


@pytest.fixture
def link(reviewer, debrief, agency_ids, mailbox) -> str:
    """The path of the link an NHS contact was emailed."""
    return invite(reviewer, debrief, agency_ids[NHS], mailbox)


@pytest.fixture
def partner(app):
    """The partner's own browser: no staff session."""
    return app.test_client()


def test_a_partner_who_sends_nothing_is_shown_what_to_answer(partner, link, read_db):
    response = send_contribution(partner, link)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page
    summary = error_summary(page)
    assert summary == [
        ("Select whether someone from your agency will attend the meeting", "#attending"),
        ("Select whether your agency had contact with the people involved", "#prior_contact"),
    ]
    for _message, href in summary:  # each link lands on the first radio of its question
        assert f'id="{href[1:]}" name="{href[1:]}" type="radio"' in page
    assert page.count("govuk-form-group--error") == 2
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Contribution.id)))) == 0


def test_the_contact_summary_is_asked_for_only_when_there_was_contact(partner, link, client, api_token, debrief):
    page = partner.get(link).get_data(as_text=True)
    # The summary box sits in the "Yes" answer's conditional reveal, hidden until Yes is chosen.
    assert re.search(r'value="yes" data-aria-controls="conditional-prior_contact"', page)
    conditional = re.search(r'<div class="([^"]*)" id="conditional-prior_contact">(.*?)</div>\s*</div>', page, re.S)
    assert "govuk-radios__conditional--hidden" in conditional.group(1)
    assert 'name="contact_summary"' in conditional.group(2)

    missing = send_contribution(partner, link, attending="yes", prior_contact="yes", contact_summary="  ")
    assert missing.status_code == 400
    page = missing.get_data(as_text=True)
    assert error_summary(page) == [("Enter a summary of the contact your agency had", "#contact_summary")]
    conditional = re.search(r'<div class="([^"]*)" id="conditional-prior_contact">', page)
    assert "govuk-radios__conditional--hidden" not in conditional.group(1)  # shown again with its error

    typed_then_no = send_contribution(partner, link, attending="yes", prior_contact="no",
                                      contact_summary="Typed before choosing No")
    assert typed_then_no.status_code == 200
    sent = client.get(f"/api/v1/debriefs/{debrief['id']}/contributions", headers=api_token(REVIEWER)).get_json()
    assert [(c["prior_contact"], c["contact_summary"]) for c in sent["items"]] == [("no", None)]


def test_an_agency_whose_name_ends_in_s_is_named_without_a_possessive(app, reviewer, debrief, agency_ids, mailbox):
    link = invite(reviewer, debrief, agency_ids[CHILDREN], mailbox, email="duty@essex.gov.uk")
    response = send_contribution(app.test_client(), link, attending="yes", prior_contact="no")
    said = text_of(main_of(response.get_data(as_text=True)))
    assert "The review team has the contribution from Essex Children's Services." in said
    assert "Services's" not in said


def test_a_partner_sees_a_clear_confirmation(partner, link, debrief):
    response = send_contribution(partner, link, attending="yes", prior_contact="no",
                                 learning="Our safeguarding referral was not followed up")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    panel = re.search(r'<div class="govuk-panel govuk-panel--confirmation">(.*?)</div>\s*</div>', page, re.S)
    assert panel, "no GOV.UK confirmation panel"
    assert text_of(panel.group(1)) == f"Contribution sent Rapid debrief {debrief['reference']}"
    said = text_of(main_of(page))
    assert f"The review team has the contribution from {NHS}." in said
    assert "If you think of anything else, contact Riya Reviewer at riya@police.uk." in said
    assert 'href="mailto:riya@police.uk"' in page
    assert "<form" not in main_of(page)


def test_a_returning_partner_sees_what_they_sent_and_may_send_it_again(partner, link, debrief):
    send_contribution(partner, link, attending="no", prior_contact="yes",
                      contact_summary="Seen at the GP surgery on 4 May", learning="Flag repeat injuries")

    page = partner.get(link).get_data(as_text=True)
    notice = re.search(r'<div class="govuk-inset-text">(.*?)</div>', page, re.S)
    assert notice and text_of(notice.group(1)).startswith("You sent a response on ")
    assert "the review team keeps every version" in text_of(notice.group(1))
    # Their answers are filled in, ready to change.
    assert re.search(r'name="attending" type="radio" value="no" checked', page)
    assert re.search(r'name="prior_contact" type="radio" value="yes" checked', page)
    assert re.search(r'name="contact_summary"[^>]*>\s*Seen at the GP surgery on 4 May</textarea>', page)
    assert re.search(r'name="learning"[^>]*>\s*Flag repeat injuries</textarea>', page)

    again = send_contribution(partner, link, attending="yes", prior_contact="yes",
                              contact_summary="Seen at the GP surgery on 4 May and 9 May")
    assert again.status_code == 200
    assert f"The review team has the contribution from {NHS} (version 2)." in text_of(again.get_data(as_text=True))


def test_an_expired_or_withdrawn_link_says_so_in_the_services_design_and_names_the_reviewer(
        app, reviewer, debrief, agency_ids, mailbox, read_db):
    expired = invite(reviewer, debrief, agency_ids[NHS], mailbox)
    withdrawn = invite(reviewer, debrief, agency_ids[CHILDREN], mailbox, email="duty@essex.gov.uk")
    with app.app_context():
        db.session.execute(sa.update(Invitation).where(Invitation.agency_id == agency_ids[NHS])
                           .values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    withdraw(reviewer, debrief, CHILDREN)

    for path, why in ((expired, "has expired"), (withdrawn, "has been withdrawn")):
        response = app.test_client().get(path)
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert 'class="govuk-template' in page and "govuk-service-navigation" in page and "OFFICIAL-SENSITIVE" in page
        main = main_of(page)
        assert re.search(r'<h1 class="govuk-heading-l">\s*This invitation is no longer open\s*</h1>', main)
        assert (f"This invitation to rapid debrief {debrief['reference']} {why}. If you still have information "
                "to share, contact Riya Reviewer at riya@police.uk.") in text_of(main)
        # The reference (nothing about the incident) lets their email say which debrief it is about.
        assert (f'href="mailto:riya@police.uk?subject=Rapid%20debrief%20{debrief["reference"]}">'
                "Email Riya Reviewer</a>") in main
        assert "<form" not in main and BRIEFING not in page


def test_an_unknown_link_is_a_404_page_in_the_services_design(app, link):
    response = app.test_client().get(link[:-3] + "xyz")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'class="govuk-template' in page and "govuk-service-navigation" in page
    main = main_of(page)
    assert re.search(r'<h1 class="govuk-heading-l">\s*Link not recognised\s*</h1>', main)
    assert "This link is not recognised. Check it was copied in full from your email." in text_of(main)
    assert "contact the person named at the end of the email that invited you" in text_of(main)
    assert "Page not found" not in page  # the partner's page, not the staff error page
    assert "Sign in" not in main and "home page" not in main


def test_the_internal_summary_never_appears_on_any_partner_page(app, reviewer, debrief, agency_ids, mailbox, partner,
                                                               link):
    pages = [partner.get(link), send_contribution(partner, link),
             send_contribution(partner, link, attending="yes", prior_contact="yes"),
             send_contribution(partner, link, attending="yes", prior_contact="no"), partner.get(link)]
    with app.app_context():
        db.session.execute(sa.update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    pages += [partner.get(link), partner.get("/invite/not-a-real-link")]

    assert [p.status_code for p in pages] == [200, 400, 400, 200, 200, 410, 404]
    assert "Contribution sent" in pages[3].get_data(as_text=True)
    for response in pages:
        page = response.get_data(as_text=True)
        assert "J. Bloggs" not in page and "INTERNAL" not in page, response.request.path
        assert "Internal summary" not in page


# Administrators keep the list of agencies ------------------------------------------------------


@pytest.fixture
def admin(make_user, browser_of):
    make_user(ADMIN, "admin", name="Adam Admin")
    return browser_of(ADMIN)


def add_agency(admin, **data):
    token = csrf_token_from(admin.get("/admin/agencies").get_data(as_text=True))
    return admin.post("/admin/agencies", data={"csrf_token": token, **data})


def agency_rows(markup: str) -> list[list[str]]:
    body = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', markup, re.S)
    if not body:
        return []
    return [[text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)]


def test_an_administrator_adds_an_agency_that_reviewers_can_then_invite(admin, reviewer, debrief, read_db):
    response = add_agency(admin, name="  North Essex Mental Health Partnership ", kind="mental_health")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert success_banner(page) == "North Essex Mental Health Partnership can now be invited to debriefs."
    assert ["North Essex Mental Health Partnership", "Mental health", "In use",
            "Welsh name North Essex Mental Health Partnership Withdraw North Essex Mental Health Partnership"] in agency_rows(page)

    form = reviewer.get(f"/debriefs/{debrief['id']}/invitations/new").get_data(as_text=True)
    added = read_db(lambda s: s.scalar(sa.select(Agency.id).where(
        Agency.name == "North Essex Mental Health Partnership")))
    assert select_options(form, "agency")["North Essex Mental Health Partnership"] == str(added)


def test_an_agency_name_already_in_the_list_is_refused(admin, agency_ids, read_db):
    response = add_agency(admin, name="mid and south essex nhs", kind="health")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_summary(page) == [("An agency with this name already exists", "#name")]
    assert 'value="mid and south essex nhs"' in page  # what they typed is kept to correct
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Agency.id)))) == len(agency_ids)


@pytest.mark.parametrize("data,errors", [
    ({"name": "Southend Youth Justice Service", "kind": ""}, [("Select the type of agency", "#kind")]),
    ({"name": "Southend Youth Justice Service", "kind": "police"}, [("Select the type of agency from the list",
                                                                     "#kind")]),
    ({"name": "", "kind": "youth_justice"}, [("Enter the agency's name", "#name")]),
])
def test_an_agency_needs_a_name_and_a_type(admin, read_db, data, errors):
    response = add_agency(admin, **data)
    assert response.status_code == 400
    assert error_summary(response.get_data(as_text=True)) == errors
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Agency.id)))) == 0


def test_a_withdrawn_agency_cannot_be_invited_until_it_is_restored(admin, reviewer, debrief, agency_ids, mailbox):
    invite(reviewer, debrief, agency_ids[SCHOOL], mailbox, email="head@school.sch.uk")
    page = admin.get("/admin/agencies").get_data(as_text=True)
    token = csrf_token_from(page)
    withdraw = f"/admin/agencies/{agency_ids[SCHOOL]}/withdraw"
    assert f'action="{withdraw}"' in page

    response = admin.post(withdraw, data={"csrf_token": token})
    assert response.status_code == 302
    page = admin.get("/admin/agencies").get_data(as_text=True)
    assert success_banner(page) == f"{SCHOOL} is withdrawn: past invitations stay."
    assert [SCHOOL, "Education", "Withdrawn", f"Welsh name {SCHOOL} Restore {SCHOOL}"] in agency_rows(page)
    form = reviewer.get(f"/debriefs/{debrief['id']}/invitations/new").get_data(as_text=True)
    assert SCHOOL not in select_options(form, "agency")
    assert state_tag(partner_blocks(debrief_page(reviewer, debrief))[SCHOOL]) == "Sent"  # past invitation stays

    assert admin.post(f"/admin/agencies/{agency_ids[SCHOOL]}/restore", data={"csrf_token": token}).status_code == 302
    page = admin.get("/admin/agencies").get_data(as_text=True)
    assert success_banner(page) == f"{SCHOOL} can be invited again."
    assert [SCHOOL, "Education", "In use", f"Welsh name {SCHOOL} Withdraw {SCHOOL}"] in agency_rows(page)
    form = reviewer.get(f"/debriefs/{debrief['id']}/invitations/new").get_data(as_text=True)
    assert select_options(form, "agency")[SCHOOL] == str(agency_ids[SCHOOL])


@pytest.mark.parametrize("role", ["reviewer", "owner", "learning", "board", "analyst"])
def test_only_administrators_manage_agencies(make_user, browser_of, agency_ids, read_db, role):
    make_user(f"{role}@police.uk", role, name=f"A {role}")
    browser = browser_of(f"{role}@police.uk")
    token = csrf_token_from(browser.get("/").get_data(as_text=True))

    assert browser.get("/admin/agencies").status_code == 403
    assert browser.post("/admin/agencies", data={"csrf_token": token, "name": "Rogue Agency",
                                                 "kind": "other"}).status_code == 403
    assert browser.post(f"/admin/agencies/{agency_ids[NHS]}/withdraw",
                        data={"csrf_token": token}).status_code == 403
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(Agency.id)).where(Agency.active.is_(True)))) == 5
    assert read_db(lambda s: s.scalar(sa.select(Agency.id).where(Agency.name == "Rogue Agency"))) is None


# The engagement report's period ----------------------------------------------------------------


def period_query(start, end) -> str:
    return f"start={start.day}&start={start.month}&start={start.year}&end={end.day}&end={end.month}&end={end.year}"


def test_the_engagement_reports_csv_link_downloads_the_period_shown(make_user, browser_of, reviewer, debrief,
                                                                     agency_ids, mailbox):
    invite(reviewer, debrief, agency_ids[NHS], mailbox)
    make_user("bea@police.uk", "board", name="Bea Board")
    board = browser_of("bea@police.uk")
    end = london_date(utcnow())
    start = end - timedelta(days=30)  # not the default period (the last year)

    page = board.get(f"/reports/partner-engagement?{period_query(start, end)}").get_data(as_text=True)
    assert f"from {long_date(start)} to {long_date(end)}" in text_of(page)
    href = html_lib.unescape(re.search(r'href="(/reports/partner-engagement\.csv[^"]*)"', page).group(1))
    download = board.get(href)

    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="partner-engagement-{start.isoformat()}-to-{end.isoformat()}.csv"')
    assert f"{NHS},1,0,0,0,0" in download.get_data(as_text=True)


def test_a_report_date_that_is_not_real_is_explained_not_replaced(make_user, browser_of):
    make_user("bea@police.uk", "board", name="Bea Board")
    board = browser_of("bea@police.uk")
    response = board.get("/reports/partner-engagement?start=31&start=2&start=2026&end=1&end=3&end=2026")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_summary(page) == [("The start of the period must be a real date, like 1 4 2026", "#start-day")]
    assert 'name="start" type="text" value="31"' in page  # what they typed, to correct
    assert "<table" not in page and "No invitations were sent" not in page


def test_the_agencies_list_comes_in_pages_of_fifty(admin, app):
    with app.app_context():
        db.session.add_all(Agency(name=f"Agency {n:02}", kind="health") for n in range(55))
        db.session.commit()
    first = admin.get("/admin/agencies").get_data(as_text=True)
    assert "Agency 00" in first and "Agency 49" in first and "Agency 50" not in first
    assert 'href="/admin/agencies?page=2"' in first
    second = admin.get("/admin/agencies?page=2").get_data(as_text=True)
    assert "Agency 50" in second and "Agency 54" in second and "Agency 49" not in second
