"""The words for every stored code, in one place, marked for translation: statuses, closure codes,
lesson categories, product kinds, audiences, themes, weapons, roles, agency types, death report codes...

Pages, Word documents, emails and CSV downloads all read a code's words from here, so a code reads the
same everywhere and in the person's language (the values are lazy: each is looked up when it is shown).
Reference data an administrator edits (incident types, agencies) carries its Welsh beside its English in
the database instead (`IncidentType.label_cy`, `Agency.name_cy`): see `localised()`.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: The homicide prevention framework's themes.
THEME = {
    "serious_violence": _l("Serious violence"),
    "drugs": _l("Drugs"),
    "vulnerability": _l("Vulnerability"),
    "domestic_abuse": _l("Domestic abuse"),
}

WEAPON = {
    "knife": _l("Knife or sharp instrument"),
    "firearm": _l("Firearm"),
    "blunt": _l("Blunt instrument"),
    "other": _l("Other weapon"),
    "none": _l("No weapon (for example hitting, kicking, strangulation)"),
    "unknown": _l("Not known"),
}

#: The victim's relationship to the suspect.
RELATIONSHIP = {
    "partner": _l("Partner"),
    "ex_partner": _l("Ex-partner"),
    "family": _l("Family member"),
    "acquaintance": _l("Friend or acquaintance"),
    "stranger": _l("Stranger"),
    "other": _l("Other"),
    "unknown": _l("Not known"),
}

VICTIM_SEX = {
    "female": _l("Female"),
    "male": _l("Male"),
    "unknown": _l("Not known"),
}

DEBRIEF_STATUS = {
    "open": _l("Open"),
    "meeting_held": _l("Meeting held"),
    "report_issued": _l("Report issued"),
    "monitoring": _l("Monitoring"),
    "closed": _l("Closed"),
}

AGENCY_TYPE = {
    "health": _l("Health"),
    "mental_health": _l("Mental health"),
    "local_authority": _l("Local authority"),
    "childrens_services": _l("Children's services"),
    "education": _l("Education"),
    "probation": _l("Probation"),
    "youth_justice": _l("Youth justice"),
    "housing": _l("Housing"),
    "violence_reduction_unit": _l("Violence reduction unit"),
    "other": _l("Other"),
}

ROLE = {
    "reviewer": _l("Reviewer (Major Investigation Team)"),
    "owner": _l("Recommendation owner"),
    "learning": _l("Learning and development"),
    "board": _l("Governance board"),
    "analyst": _l("Analyst"),
    "admin": _l("Administrator"),
}

#: A debrief's fields, as its history names them ("changed the area from ... to ...").
DEBRIEF_FIELD = {
    "incident_type": _l("type of incident"),
    "crime_reference": _l("crime reference"),
    "operation_name": _l("operation name"),
    "occurred_at": _l("when it happened"),
    "reported_at": _l("when it was reported"),
    "area": _l("area"),
    "summary": _l("internal summary"),
    "partner_briefing": _l("partner briefing"),
    "themes": _l("themes"),
    "victim_age": _l("victim's age"),
    "victim_sex": _l("victim's sex"),
    "relationship_to_suspect": _l("relationship"),
    "domestic": _l("domestic"),
    "weapon": _l("weapon"),
    "prior_police_contact": _l("prior police contact"),
    "held_at": _l("meeting time"),
    "attendees": _l("attendees"),
    "meeting_scheduled_for": _l("planned meeting time"),
}

#: A recommendation's status.
STATUS = {
    "open": _l("Open"),
    "in_progress": _l("In progress"),
    "awaiting_closure": _l("Awaiting closure"),
    "closed": _l("Closed"),
}

#: ... as a sentence says it: "It is already closed."
STATUS_IN_SENTENCE = {
    "open": _l("open"),
    "in_progress": _l("in progress"),
    "awaiting_closure": _l("awaiting closure"),
    "closed": _l("closed"),
}

#: How the board closed a recommendation.
CLOSURE_CODE = {
    "implemented": _l("Implemented"),
    "alternative_action": _l("Alternative action taken"),
    "not_implemented": _l("Not implemented (the board accepts the risk)"),
    "no_longer_applicable": _l("No longer applicable"),
    "superseded": _l("Superseded by another recommendation"),
}

#: ... as a sentence says it: "cannot be closed as implemented".
CLOSURE_CODE_IN_SENTENCE = {
    "implemented": _l("implemented"),
    "alternative_action": _l("alternative action"),
    "not_implemented": _l("not implemented"),
    "no_longer_applicable": _l("no longer applicable"),
    "superseded": _l("superseded"),
}

PRIORITY = {
    "high": _l("High"),
    "medium": _l("Medium"),
    "low": _l("Low"),
}

#: Where a recommendation came from.
SOURCE = {
    "debrief": _l("This debrief"),
    "partner": _l("A partner agency"),
    "dhr": _l("Domestic homicide review"),
    "child_practice_review": _l("Child safeguarding practice review"),
    "iopc": _l("IOPC"),
    "coroner_pfd": _l("Coroner's prevention of future deaths report"),
    "sar": _l("Safeguarding adults review"),
    "inspection": _l("Inspection"),
    "other_force": _l("Another force"),
}

LESSON_CATEGORY = {
    "risk_assessment": _l("Risk assessment"),
    "information_sharing": _l("Information sharing"),
    "supervision": _l("Supervision"),
    "training": _l("Training"),
    "policy": _l("Policy"),
    "partnership": _l("Partnership working"),
    "notable_practice": _l("Notable practice"),
    "other": _l("Other"),
}

#: Where a lesson came from (Lesson.source).
LESSON_FROM = {
    "police": _l("Police review"),
    "partner": _l("Partner agency"),
}

#: A learning product's kind.
PRODUCT_KIND = {
    "classroom_training": _l("Classroom training"),
    "e_learning": _l("E-learning"),
    "briefing": _l("Briefing"),
    "guidance_update": _l("Guidance or policy change"),
    "toolkit": _l("Toolkit"),
    "system_change": _l("System change"),
    "intranet_article": _l("Intranet article (awareness only)"),
    "email_bulletin": _l("Email bulletin (awareness only)"),
}

#: ... as a sentence says it.
PRODUCT_KIND_IN_SENTENCE = {
    "classroom_training": _l("classroom training"),
    "e_learning": _l("e-learning"),
    "briefing": _l("briefing"),
    "guidance_update": _l("guidance update"),
    "toolkit": _l("toolkit"),
    "system_change": _l("system change"),
    "intranet_article": _l("intranet article"),
    "email_bulletin": _l("email bulletin"),
}

PRODUCT_STATUS = {
    "planned": _l("Planned"),
    "in_development": _l("In development"),
    "delivered": _l("Delivered"),
    "evaluated": _l("Evaluated"),
}

#: ... as a sentence says it.
PRODUCT_STATUS_IN_SENTENCE = {
    "planned": _l("planned"),
    "in_development": _l("in development"),
    "delivered": _l("delivered"),
    "evaluated": _l("evaluated"),
}

#: Who a learning product is for.
AUDIENCE = {
    "response": _l("Response officers"),
    "neighbourhood": _l("Neighbourhood policing"),
    "public_protection": _l("Public protection"),
    "call_handling": _l("Call handling"),
    "investigation": _l("Investigation"),
    "custody": _l("Custody"),
    "supervisors": _l("Supervisors"),
    "partners": _l("Partner agencies"),
}

#: An owner's update.
UPDATE_KIND = {
    "response": _l("Response and plan"),
    "progress": _l("Progress"),
    "completion": _l("What was done"),
    "evidence": _l("Evidence"),
}

#: A board decision.
DECISION = {
    "close": _l("Closed"),
    "reject_closure": _l("Closure rejected"),
    "extend": _l("Due date extended"),
    "escalate": _l("Escalated"),
}

#: A recommendation's and a learning product's fields, as their history names them.
RECOMMENDATION_FIELD = {
    "text": _l("text"),
    "owner": _l("owner"),
    "due_date": _l("due date"),
    "priority": _l("priority"),
    "lessons": _l("linked lessons"),
    "status": _l("status"),
    "closure_code": _l("closure code"),
    "delivered_on": _l("delivered on"),
    "reached_count": _l("people reached"),
    "evidence": _l("evidence"),
}

#: Who reported a death.
DEATH_SOURCE = {
    "police": _l("Police sudden-death report"),
    "nhs": _l("NHS (ambulance, emergency department, mortuary)"),
    "local_authority": _l("Local authority (social care, registrar)"),
}

DEATH_SOURCE_SHORT = {
    "police": _l("Police"),
    "nhs": _l("NHS"),
    "local_authority": _l("Local authority"),
}

#: Where a person was found, as "found in ..." needs it.
LOCATION_TYPE = {
    "dwelling": _l("a home"),
    "care_home": _l("a care home"),
    "hospital": _l("a hospital"),
    "hostel": _l("a hostel"),
    "hotel": _l("a hotel"),
    "street": _l("the street"),
    "public_open_space": _l("a public open space"),
    "place_of_worship_grounds": _l("the grounds of a place of worship"),
    "river_or_water": _l("a river or water"),
    "railway": _l("the railway"),
    "woodland": _l("woodland"),
    "vehicle": _l("a vehicle"),
    "workplace": _l("a workplace"),
    "custody": _l("custody"),
    "other": _l("another place"),
}

#: A death's apparent cause.
CAUSE = {
    "natural": _l("Natural causes"),
    "drug_related": _l("Drug-related"),
    "alcohol_related": _l("Alcohol-related"),
    "hanging": _l("Hanging"),
    "fall_from_height": _l("Fall from height"),
    "drowning": _l("Drowning"),
    "railway": _l("Railway"),
    "trauma_blunt": _l("Blunt trauma"),
    "trauma_sharp": _l("Sharp trauma"),
    "burns": _l("Burns"),
    "hypothermia": _l("Hypothermia"),
    "road_traffic": _l("Road traffic"),
    "unexplained": _l("Unexplained"),
    "other": _l("Other"),
}

SUBSTANCE = {
    "alcohol": _l("alcohol"),
    "heroin": _l("heroin"),
    "methadone": _l("methadone"),
    "cocaine": _l("cocaine"),
    "crack_cocaine": _l("crack cocaine"),
    "benzodiazepine": _l("benzodiazepines"),
    "pregabalin": _l("pregabalin"),
    "ghb": _l("GHB"),
    "ketamine": _l("ketamine"),
    "mdma": _l("MDMA"),
    "amphetamine": _l("amphetamine"),
    "spice": _l("spice"),
    "fentanyl": _l("fentanyl"),
    "nitazene": _l("nitazenes"),
    "insulin": _l("insulin"),
    "paracetamol": _l("paracetamol"),
    "antidepressant": _l("antidepressants"),
    "other": _l("another substance"),
}

#: What the scene and the person's history showed.
INDICATOR = {
    "no_signs_of_disturbance": _l("no signs of disturbance"),
    "signs_of_disturbance": _l("signs of disturbance"),
    "partially_clothed": _l("partially clothed"),
    "body_moved": _l("body moved"),
    "unknown_companion": _l("an unknown companion"),
    "signs_of_sexual_activity": _l("signs of sexual activity"),
    "injuries_inconsistent": _l("injuries inconsistent with the account"),
    "head_injury": _l("a head injury"),
    "ligature_not_from_scene": _l("a ligature not from the scene"),
    "recent_domestic_abuse_report": _l("a recent domestic abuse report"),
    "night_out": _l("a night out"),
    "lives_alone": _l("lived alone"),
    "known_to_social_care": _l("known to social care"),
    "homeless": _l("homeless"),
    "property_disturbed": _l("property disturbed"),
    "cold_caller_reported": _l("a cold caller reported"),
    "accelerant_suspected": _l("accelerant suspected"),
    "multiple_seats_of_fire": _l("several seats of fire"),
    "hypoglycaemia": _l("hypoglycaemia"),
    "not_diabetic": _l("not diabetic"),
    "found_by_stranger": _l("found by a stranger"),
    "found_by_relative": _l("found by a relative"),
    "found_by_carer": _l("found by a carer"),
    "previous_overdose": _l("a previous overdose"),
    "recent_prison_release": _l("recently released from prison"),
}

#: A death's initial classification.
CLASSIFICATION = {
    "non_suspicious": _l("Non-suspicious"),
    "unexplained": _l("Unexplained"),
    "suspicious": _l("Suspicious"),
    "homicide": _l("Homicide"),
}

#: A dead person's recorded sex.
SEX = {
    "male": _l("Male"),
    "female": _l("Female"),
    "unknown": _l("Not known"),
}

#: A linked series' status.
SERIES_STATUS = {
    "candidate": _l("Candidate"),
    "confirmed": _l("Confirmed"),
    "dismissed": _l("Dismissed"),
}

#: A death report's fields.
DEATH_FIELD = {
    "source_reference": _l("Source's reference"),
    "reported_at": _l("Reported"),
    "found_at": _l("Found"),
    "family_name": _l("Family name"),
    "given_names": _l("Given names"),
    "date_of_birth": _l("Date of birth"),
    "sex": _l("Sex"),
    "nhs_number": _l("NHS number"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "location_type": _l("Place found"),
    "apparent_cause": _l("Apparent cause"),
    "substances": _l("Substances"),
    "indicators": _l("What the scene and history showed"),
    "initial_classification": _l("Initial classification"),
    "narrative": _l("Narrative"),
}

#: "found ..." for each location type.
FOUND = {
    "dwelling": _l("at home"),
    "care_home": _l("in a care home"),
    "hospital": _l("in hospital"),
    "hostel": _l("in a hostel"),
    "hotel": _l("in a hotel"),
    "street": _l("in the street"),
    "public_open_space": _l("in a public open space"),
    "place_of_worship_grounds": _l("in the grounds of a place of worship"),
    "river_or_water": _l("in a river or water"),
    "railway": _l("on the railway"),
    "woodland": _l("in woodland"),
    "vehicle": _l("in a vehicle"),
    "workplace": _l("at a workplace"),
    "custody": _l("in custody"),
    "other": _l("in another kind of place"),
}

#: Each cause as "both ..." reads it.
BOTH_CAUSE = {
    "natural": _l("apparently natural"),
    "drug_related": _l("drug-related"),
    "alcohol_related": _l("alcohol-related"),
    "hanging": _l("hangings"),
    "fall_from_height": _l("falls from height"),
    "drowning": _l("drownings"),
    "railway": _l("railway deaths"),
    "trauma_blunt": _l("blunt trauma"),
    "trauma_sharp": _l("sharp trauma"),
    "burns": _l("burns"),
    "hypothermia": _l("hypothermia"),
    "road_traffic": _l("road traffic deaths"),
    "unexplained": _l("unexplained"),
    "other": _l("of another cause"),
}

#: "both men", "women aged 20–29".
PEOPLE = {
    "male": _l("men"),
    "female": _l("women"),
}


# Staff, sign-in and administration -------------------------------------------------------------------

#: The kinds of record whose opening the read trail keeps (services/read_trail.py).
READ_TRAIL_KIND = {
    "debrief": _l("Debrief"),
    "contribution": _l("Partner contribution"),
    "death": _l("Death"),
    "death_report": _l("Death report"),
}

#: When a clock in the deadline policy applies (deadline_policy.toml `applies_when`).
APPLIES_WHEN = {
    "every_debrief": _l("Every debrief"),
    "homicide": _l("Homicide"),
    "victim_under_18": _l("Victim under 18"),
    "domestic_homicide": _l("Domestic homicide"),
    "adult_offensive_weapon_homicide": _l("Adult offensive weapon homicide"),
    "prior_police_contact": _l("Prior police contact"),
    "each_invitation": _l("Each invitation"),
    "each_recommendation": _l("Each recommendation"),
}

#: The languages an agency's contacts may be invited in, each named in the reader's language.
LANGUAGE_NAME = {
    "en": _l("English"),
    "cy": _l("Welsh"),
}


# Debriefs and deadlines ------------------------------------------------------------------------------


# Partners, invitations and email ---------------------------------------------------------------------

#: An invitation's state (models.InvitationState), as its tag shows it.
INVITATION_STATE = {
    "sent": _l("Sent"),
    "opened": _l("Opened"),
    "responded": _l("Responded"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
}

#: Whether the email carrying an invitation's link has left (invitations.EMAIL_STATUS).
INVITATION_EMAIL_STATUS = {
    "queued": _l("Email not sent yet"),
    "sent": _l("Email sent"),
    "failed": _l("Email failed"),
}

#: A partner's answer to "Did your agency have contact ...?".
PRIOR_CONTACT = {
    "yes": _l("Yes"),
    "no": _l("No"),
    "unknown": _l("Not known"),
}

#: The language of an invitation's emails and partner page, as the debrief page lists it.
INVITATION_LANGUAGE = {
    "en": _l("Emails and page in English"),
    "cy": _l("Emails and page in Welsh"),
}

#: An outbox email's status, as a sentence says it ("this one is pending").
OUTBOX_STATUS_IN_SENTENCE = {
    "pending": _l("pending"),
    "sent": _l("sent"),
    "failed": _l("failed"),
    "replaced": _l("replaced"),
}


#: Personal data the anonymiser takes out of a text before it is shared, as its placeholder says it
#: ("[date of birth]"): debrief/services/anonymiser.py.
PERSONAL_DATA = {
    "person": _l("person"),
    "address": _l("address"),
    "postcode": _l("postcode"),
    "date_of_birth": _l("date of birth"),
    "phone": _l("phone number"),
    "email": _l("email address"),
    "nhs_number": _l("NHS number"),
    "ni_number": _l("National Insurance number"),
    "crime_reference": _l("crime reference"),
    "vehicle_registration": _l("vehicle registration"),
}

#: What a force shared with the national library.
LIBRARY_ITEM_KIND = {
    "lesson": _l("Lesson"),
    "recommendation": _l("Recommendation"),
}


#: A draft shared with the national library (models.DraftStatus).
DRAFT_STATUS = {
    "draft": _l("Draft"),
    "queued": _l("Approved, waiting for the library"),
    "published": _l("Published"),
    "withdrawn": _l("Withdrawn"),
}


# Recommendations, lessons and learning products ------------------------------------------------------


# The board, dashboard, reports and downloads ---------------------------------------------------------



# Deaths and linked series ----------------------------------------------------------------------------


# Word documents and the API --------------------------------------------------------------------------


def words(vocabulary: dict, code: str | None) -> str:
    """A code's words, or the code itself when it is not one this version knows (old data)."""
    if not code:
        return ""
    return str(vocabulary.get(code, code))


def words_for(codes, vocabulary: dict) -> str:
    """Several codes' words, in their order: "heroin, alcohol"."""
    return ", ".join(words(vocabulary, code) for code in codes)


def localised(english: str, welsh: str | None) -> str:
    """Reference data's own words (an incident type's label, an agency's name) in the reader's language:
    the Welsh where the administrator gave one, else the English."""
    from debrief.i18n import current_language

    return welsh if welsh and current_language() == "cy" else english
