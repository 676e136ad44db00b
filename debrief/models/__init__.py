"""The data model. Importing this package registers every table with SQLAlchemy."""
from debrief.models.audit import AuditEvent, RecordView
from debrief.models.clocks import Clock, ClockState
from debrief.models.deaths import (
    ApparentCause, Classification, Death, DeathAnalysis, DeathReport, DeathSource, Indicator, LinkedSeries,
    LocationType, PossibleMatch, ReferenceCounter, ReportPairDecision, SeriesStatus, Sex, Substance,
    linked_series_members,
)
from debrief.models.debriefs import (
    Debrief, DebriefStatus, DebriefTheme, MeetingAttendee, Relationship, Theme, VictimSex, Weapon,
)
from debrief.models.figures import LearningProductCount, RecommendationCount
from debrief.models.imports import RecommendationAwaitingVectors, RecommendationImport
from debrief.models.library import (
    LibraryForce, LibraryItem, LibraryItemKind, LibraryItemTheme, LibraryItemUse, LibraryItemVector, LibraryUse,
)
from debrief.models.learning import (
    BoardDecision, LearningProduct, Lesson, LessonCategory, Priority, Recommendation, RecommendationSource,
    RecommendationUpdate, recommendation_lessons,
)
from debrief.models.outbox import OutboxEmail
from debrief.models.partners import (
    Agency, AgencyType, Contribution, Invitation, InvitationState,
)
from debrief.models.reference import IncidentType
from debrief.models.repeats import RecommendationVector, RepeatDecision, RepeatLink
from debrief.models.sharing import DraftStatus, LibraryDraft, LibraryPull, LibrarySend, OtherForceRecommendation
from debrief.models.staff import ApiToken, Role, SignInSession, User, UserRole
from debrief.models.throttling import FailedAttempt
from debrief.models.types import UTCDateTime, as_if_now, utcnow

__all__ = [
    "ApparentCause", "Classification", "Death", "DeathAnalysis", "DeathReport", "DeathSource", "Indicator",
    "LinkedSeries", "LocationType", "PossibleMatch", "ReferenceCounter", "ReportPairDecision", "SeriesStatus", "Sex", "Substance",
    "linked_series_members",
    "LearningProductCount", "RecommendationCount",
    "BoardDecision", "LearningProduct", "Lesson", "LessonCategory", "Priority", "Recommendation",
    "RecommendationSource", "RecommendationUpdate", "recommendation_lessons",
    "LibraryForce", "LibraryItem", "LibraryItemKind", "LibraryItemTheme", "LibraryItemUse", "LibraryItemVector",
    "LibraryUse",
    "RecommendationAwaitingVectors", "RecommendationImport", "RecommendationVector", "RepeatDecision", "RepeatLink",
    "Agency", "AgencyType", "Contribution", "Invitation", "InvitationState", "OutboxEmail",
    "ApiToken", "AuditEvent", "Clock", "ClockState", "Debrief", "DebriefStatus",
    "DebriefTheme", "FailedAttempt", "IncidentType", "MeetingAttendee", "RecordView", "Relationship", "Role",
    "SignInSession", "Theme", "User", "UserRole",
    "UTCDateTime", "VictimSex", "Weapon", "as_if_now", "utcnow",
    "DraftStatus", "LibraryDraft", "LibraryPull", "LibrarySend", "OtherForceRecommendation",
]
