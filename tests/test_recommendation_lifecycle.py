"""The recommendation lifecycle and the closure gate (issue 5), as pure rules.

Every expectation is written out by hand from product.md "Lifecycles" / "The closure gate", api.md
(the transition endpoint, "Learning products") and issue 5 — never computed by calling the code
under test. The table tests run every (from, to, actor) combination: 5 from-statuses (the four real
ones and one the lifecycle does not know) × 4 to-statuses × 8 actors.
"""
from __future__ import annotations

import pytest

from debrief.services.errors import RuleBroken
from debrief.services.recommendation_lifecycle import (
    AWARENESS_ONLY,
    DELIVERED_STATES,
    PRODUCT_KINDS,
    Actor,
    ClosureCode,
    Move,
    ProductFacts,
    Status,
    TransitionRefused,
    allowed_moves,
    check,
    closure_gate_problem,
    product_can_move,
)

# --- the hand-written tables ------------------------------------------------------------------

FROM_STATUSES = ["open", "in_progress", "awaiting_closure", "closed", "archived"]  # "archived": unknown
TO_STATUSES = ["open", "in_progress", "awaiting_closure", "closed"]

ACTORS = {
    "owner": Actor(roles=frozenset({"owner"}), is_owner=True),  # owns this recommendation
    "other_owner": Actor(roles=frozenset({"owner"}), is_owner=False),  # owns someone else's
    "reviewer": Actor(roles=frozenset({"reviewer"}), is_owner=False),
    "learning": Actor(roles=frozenset({"learning"}), is_owner=False),
    "board": Actor(roles=frozenset({"board"}), is_owner=False),
    "analyst": Actor(roles=frozenset({"analyst"}), is_owner=False),
    "admin": Actor(roles=frozenset({"admin"}), is_owner=False),
    "board_owner": Actor(roles=frozenset({"board", "owner"}), is_owner=True),
}

# The only moves the lifecycle allows, and who may make each. Everything else: invalid_transition.
ALLOWED = {
    ("open", "in_progress"): {"owner", "board", "board_owner"},
    ("in_progress", "awaiting_closure"): {"owner", "board", "board_owner"},
    ("awaiting_closure", "closed"): {"board", "board_owner"},
    ("awaiting_closure", "in_progress"): {"board", "board_owner"},
}

# What each allowed move must carry (and so what a bare move is refused for).
REQUIRED_FIELDS = {
    ("open", "in_progress"): {"note"},
    ("in_progress", "awaiting_closure"): {"note"},
    ("awaiting_closure", "closed"): {"closure_code"},
    ("awaiting_closure", "in_progress"): {"rationale"},
}

DELIVERED_BRIEFING = [ProductFacts(kind="briefing", status="delivered")]

ALL_COMBINATIONS = [
    (frm, to, actor) for frm in FROM_STATUSES for to in TO_STATUSES for actor in ACTORS
]


def expected_outcome(frm: str, to: str, actor: str) -> str | None:
    """None for allowed, else the refusal code — read off the ALLOWED table above. Someone who may
    make no move at all (neither the board nor the owner) is refused first, whatever the state."""
    if not any(actor in who for who in ALLOWED.values()):
        return "forbidden"
    if (frm, to) not in ALLOWED:
        return "invalid_transition"
    if actor not in ALLOWED[(frm, to)]:
        return "forbidden"
    return None


def complete_move(to: str) -> Move:
    """A move with everything it could need: a note, a rationale, and a closure code when closing."""
    return Move(
        to=to,
        note="Briefed every response team; evidence attached.",
        closure_code="implemented" if to == "closed" else None,
        rationale="Agreed at the board on 3 March.",
    )


def refusal(current, move, actor, products=()) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as caught:
        check(current, move, actor, list(products))
    return caught.value


# --- the table tests --------------------------------------------------------------------------

def test_the_table_covers_every_combination():
    assert len(ALL_COMBINATIONS) == 5 * 4 * 8
    # Sanity on the hand table itself: 4 allowed pairs, 3 + 3 + 2 + 2 allowed (pair, actor) cells.
    assert sum(len(who) for who in ALLOWED.values()) == 10


@pytest.mark.parametrize(("frm", "to", "actor"), ALL_COMBINATIONS)
def test_every_move_with_what_it_needs(frm, to, actor):
    expected = expected_outcome(frm, to, actor)
    if expected is None:
        assert check(frm, complete_move(to), ACTORS[actor], DELIVERED_BRIEFING) is None
    else:
        error = refusal(frm, complete_move(to), ACTORS[actor], DELIVERED_BRIEFING)
        assert error.code == expected
        assert error.message


@pytest.mark.parametrize(("frm", "to", "actor"), ALL_COMBINATIONS)
def test_every_move_with_nothing_supplied(frm, to, actor):
    """Order of checks: invalid_transition, then forbidden, then the missing fields."""
    expected = expected_outcome(frm, to, actor) or "validation_error"
    error = refusal(frm, Move(to=to), ACTORS[actor], DELIVERED_BRIEFING)
    assert error.code == expected
    if expected == "validation_error":
        assert set(error.fields) == REQUIRED_FIELDS[(frm, to)]
    else:
        assert error.fields == {}


@pytest.mark.parametrize(("frm", "to", "actor"), [c for c in ALL_COMBINATIONS if c[0] in TO_STATUSES])
def test_every_move_given_as_enums(frm, to, actor):
    """Callers may pass Status members as well as strings; the answer is the same."""
    expected = expected_outcome(frm, to, actor)
    move = complete_move(to)
    move = Move(to=Status(to), note=move.note, rationale=move.rationale,
                closure_code=ClosureCode.IMPLEMENTED if to == "closed" else None)
    if expected is None:
        assert check(Status(frm), move, ACTORS[actor], DELIVERED_BRIEFING) is None
    else:
        assert refusal(Status(frm), move, ACTORS[actor], DELIVERED_BRIEFING).code == expected


LABELS = {"open": "open", "in_progress": "in progress", "awaiting_closure": "awaiting closure",
          "closed": "closed", "archived": "archived"}


@pytest.mark.parametrize(
    ("frm", "to"), [(f, t) for f in FROM_STATUSES for t in TO_STATUSES if (f, t) not in ALLOWED]
)
def test_invalid_transition_message_names_from_and_to(frm, to):
    error = refusal(frm, complete_move(to), ACTORS["board"])
    assert error.code == "invalid_transition"
    assert f"from {LABELS[frm]}" in error.message or f"from “{LABELS[frm]}”" in error.message
    assert f"to {LABELS[to]}" in error.message


def test_invalid_transition_messages_in_plain_english():
    assert refusal("open", complete_move("closed"), ACTORS["board"]).message == (
        "A recommendation cannot move from open to closed. "
        "The owner must respond first, which puts it in progress.")
    assert refusal("in_progress", complete_move("closed"), ACTORS["board"]).message == (
        "A recommendation cannot move from in progress to closed. "
        "The owner must first ask for it to be closed.")
    assert refusal("closed", complete_move("in_progress"), ACTORS["board"]).message == (
        "A recommendation cannot move from closed to in progress: once closed, it stays closed.")
    assert refusal("in_progress", complete_move("in_progress"), ACTORS["owner"]).message == (
        "A recommendation cannot move from in progress to in progress: it is already in progress.")
    assert refusal("archived", complete_move("open"), ACTORS["board"]).message == (
        "A recommendation cannot move from “archived” to open: “archived” is not a recommendation status.")


def test_unknown_target_status_is_an_invalid_transition():
    for to in ["reopened", "", "CLOSED", None]:
        error = refusal("awaiting_closure", Move(to=to, closure_code="implemented"), ACTORS["board"],
                        DELIVERED_BRIEFING)
        assert error.code == "invalid_transition"
        assert "not a recommendation status" in error.message


def test_forbidden_messages():
    assert refusal("awaiting_closure", complete_move("closed"), ACTORS["owner"]).message == (
        "Only the governance board can close a recommendation.")
    assert refusal("awaiting_closure", complete_move("in_progress"), ACTORS["owner"]).message == (
        "Only the governance board can reject a request to close a recommendation.")
    assert refusal("open", complete_move("in_progress"), ACTORS["other_owner"]).message == (
        "Only the recommendation's owner or the governance board can respond to a recommendation.")
    assert refusal("in_progress", complete_move("awaiting_closure"), ACTORS["learning"]).message == (
        "Only the recommendation's owner or the governance board can ask for a recommendation to be closed.")


def test_owner_of_this_recommendation_without_the_owner_role_may_still_act():
    """Owning this recommendation is what counts, not the role badge."""
    reviewer_who_owns_it = Actor(roles=frozenset({"reviewer"}), is_owner=True)
    assert check("open", complete_move("in_progress"), reviewer_who_owns_it, []) is None
    assert check("in_progress", complete_move("awaiting_closure"), reviewer_who_owns_it, []) is None
    assert refusal("awaiting_closure", complete_move("closed"), reviewer_who_owns_it,
                   DELIVERED_BRIEFING).code == "forbidden"


def test_someone_with_no_roles_at_all_is_forbidden():
    nobody = Actor(roles=frozenset(), is_owner=False)
    assert refusal("open", complete_move("in_progress"), nobody).code == "forbidden"


# --- the closure gate --------------------------------------------------------------------------

ALL_KINDS = ["classroom_training", "e_learning", "briefing", "guidance_update", "toolkit",
             "system_change", "intranet_article", "email_bulletin"]
AWARENESS_KINDS = {"intranet_article", "email_bulletin"}
GATED_CODES = ["implemented", "alternative_action"]
BOARD = ACTORS["board"]


def close(code: str | None, rationale: str | None = None, note: str | None = None) -> Move:
    return Move(to="closed", closure_code=code, rationale=rationale, note=note)


def test_the_published_constants():
    assert PRODUCT_KINDS == tuple(ALL_KINDS)
    assert AWARENESS_ONLY == frozenset(AWARENESS_KINDS)
    assert DELIVERED_STATES == frozenset({"delivered", "evaluated"})
    assert [s.value for s in Status] == ["open", "in_progress", "awaiting_closure", "closed"]
    assert [c.value for c in ClosureCode] == [
        "implemented", "alternative_action", "not_implemented", "no_longer_applicable", "superseded"]


@pytest.mark.parametrize("code", GATED_CODES)
@pytest.mark.parametrize("state", ["delivered", "evaluated"])
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_gate_with_each_kind_delivered_or_evaluated(kind, state, code):
    products = [ProductFacts(kind=kind, status=state)]
    if kind in AWARENESS_KINDS:
        error = refusal("awaiting_closure", close(code), BOARD, products)
        assert error.code == "closure_gate"
        assert "awareness-only" in error.message
        assert kind.replace("_", " ") in error.message
        # The board records why it closes without one: allowed.
        assert check("awaiting_closure", close(code, rationale="Force-wide change already live."),
                     BOARD, products) is None
    else:
        assert check("awaiting_closure", close(code), BOARD, products) is None


@pytest.mark.parametrize("code", GATED_CODES)
@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("state", ["planned", "in_development"])
def test_gate_with_each_kind_not_yet_delivered(kind, state, code):
    error = refusal("awaiting_closure", close(code), BOARD, [ProductFacts(kind=kind, status=state)])
    assert error.code == "closure_gate"
    assert "No learning product has been delivered" in error.message


GATE_FAILURES = {
    "no products": [],
    "briefing planned": [ProductFacts("briefing", "planned")],
    "training in development": [ProductFacts("classroom_training", "in_development")],
    "planned and in development": [ProductFacts("briefing", "planned"),
                                   ProductFacts("toolkit", "in_development")],
    "intranet article delivered": [ProductFacts("intranet_article", "delivered")],
    "email bulletin evaluated": [ProductFacts("email_bulletin", "evaluated")],
    "both awareness kinds delivered": [ProductFacts("intranet_article", "delivered"),
                                       ProductFacts("email_bulletin", "delivered")],
    "intranet delivered, briefing planned": [ProductFacts("intranet_article", "delivered"),
                                             ProductFacts("briefing", "planned")],
    "unknown kind delivered": [ProductFacts("poster", "delivered")],
    "briefing in an unknown state": [ProductFacts("briefing", "cancelled")],
}


@pytest.mark.parametrize("code", GATED_CODES)
@pytest.mark.parametrize("case", list(GATE_FAILURES))
def test_every_gate_failure_is_refused_and_passes_with_a_rationale(case, code):
    products = GATE_FAILURES[case]
    error = refusal("awaiting_closure", close(code), BOARD, products)
    assert error.code == "closure_gate"
    assert error.fields == {}
    assert check("awaiting_closure", close(code, rationale="The board accepts the briefing plan."),
                 BOARD, products) is None
    # A whitespace-only rationale is no rationale.
    assert refusal("awaiting_closure", close(code, rationale="  \n\t "), BOARD, products).code == "closure_gate"
    # The board member who owns it is still the board.
    assert refusal("awaiting_closure", close(code), ACTORS["board_owner"], products).code == "closure_gate"


def test_mix_of_intranet_article_delivered_and_briefing_planned():
    products = [ProductFacts("intranet_article", "delivered"), ProductFacts("briefing", "planned")]
    error = refusal("awaiting_closure", close("implemented"), BOARD, products)
    assert error.code == "closure_gate"
    assert error.message.startswith("The recommendation cannot be closed as implemented. ")
    assert "It has only awareness-only products (intranet article) delivered." in error.message


def test_an_awareness_product_alongside_a_real_one_passes():
    products = [ProductFacts("intranet_article", "delivered"), ProductFacts("e_learning", "evaluated")]
    assert check("awaiting_closure", close("alternative_action"), BOARD, products) is None


@pytest.mark.parametrize("code", ["no_longer_applicable", "superseded"])
@pytest.mark.parametrize("case", list(GATE_FAILURES))
def test_codes_outside_the_gate_need_neither_product_nor_rationale(code, case):
    assert check("awaiting_closure", close(code), BOARD, GATE_FAILURES[case]) is None


def test_not_implemented_needs_a_rationale_and_not_a_product():
    error = refusal("awaiting_closure", close("not_implemented"), BOARD, DELIVERED_BRIEFING)
    assert error.code == "validation_error"
    assert error.fields == {
        "rationale": "Say why the board accepts the risk of not implementing the recommendation."}
    assert refusal("awaiting_closure", close("not_implemented", rationale="   "), BOARD).code == (
        "validation_error")
    # Not a gated code: no product needed once the risk is accepted.
    assert check("awaiting_closure", close("not_implemented", rationale="Cost outweighs the risk."),
                 BOARD, []) is None


def test_a_closure_code_is_required_when_closing():
    for code in [None, "", "   "]:
        error = refusal("awaiting_closure", close(code), BOARD, DELIVERED_BRIEFING)
        assert error.code == "validation_error"
        assert error.fields == {"closure_code": "Choose a closure code."}
        assert error.message == "Choose a closure code."


@pytest.mark.parametrize("code", ["done", "IMPLEMENTED", "closed", 3])
def test_an_unknown_closure_code_is_refused(code):
    error = refusal("awaiting_closure", close(code, rationale="x"), BOARD, DELIVERED_BRIEFING)
    assert error.code == "validation_error"
    assert list(error.fields) == ["closure_code"]
    assert f"“{code}” is not a closure code" in error.fields["closure_code"]
    assert "implemented, alternative_action, not_implemented, no_longer_applicable, superseded" in (
        error.fields["closure_code"])


def test_a_closure_code_on_a_move_that_is_not_a_closure_is_refused():
    error = refusal("open", Move(to="in_progress", note="Plan agreed.", closure_code="implemented"),
                    ACTORS["owner"])
    assert error.code == "validation_error"
    assert error.fields == {
        "closure_code": "A closure code is only given when the board closes a recommendation."}
    # A blank one (an empty select on a form) is as good as none.
    assert check("open", Move(to="in_progress", note="Plan agreed.", closure_code=""), ACTORS["owner"], []) is None


def test_validation_comes_before_the_gate():
    """A missing rationale for not_implemented is reported even with no products at all."""
    assert refusal("awaiting_closure", close("not_implemented"), BOARD, []).code == "validation_error"
    assert refusal("awaiting_closure", close(None), BOARD, []).code == "validation_error"


def test_forbidden_comes_before_validation_and_the_gate():
    assert refusal("awaiting_closure", close(None), ACTORS["owner"], []).code == "forbidden"
    assert refusal("awaiting_closure", close("implemented"), ACTORS["learning"], []).code == "forbidden"


# --- notes and rationales -----------------------------------------------------------------------

WHITESPACE = ["", " ", "   \n\t  ", "\u00a0"]


@pytest.mark.parametrize("blank", [None, *WHITESPACE])
def test_owner_response_needs_a_note(blank):
    error = refusal("open", Move(to="in_progress", note=blank), ACTORS["owner"])
    assert error.code == "validation_error"
    assert error.fields == {"note": "Give the owner's response: what they plan to do."}


@pytest.mark.parametrize("blank", [None, *WHITESPACE])
def test_asking_for_closure_needs_a_note_of_what_was_done(blank):
    error = refusal("in_progress", Move(to="awaiting_closure", note=blank), ACTORS["owner"])
    assert error.code == "validation_error"
    assert error.fields == {"note": "Say what has been done."}
    # A rationale is not a note.
    error = refusal("in_progress", Move(to="awaiting_closure", note=blank, rationale="Done."), ACTORS["board"])
    assert error.fields == {"note": "Say what has been done."}


@pytest.mark.parametrize("blank", [None, *WHITESPACE])
def test_rejecting_closure_needs_a_rationale(blank):
    error = refusal("awaiting_closure", Move(to="in_progress", rationale=blank, note="A note"), BOARD)
    assert error.code == "validation_error"
    assert error.fields == {"rationale": "Say why the board is not closing the recommendation."}
    assert check("awaiting_closure", Move(to="in_progress", rationale="No evidence of delivery."),
                 BOARD, []) is None


def test_a_note_that_is_not_text_counts_as_missing():
    assert refusal("open", Move(to="in_progress", note=42), ACTORS["owner"]).fields == {
        "note": "Give the owner's response: what they plan to do."}


def test_every_problem_is_reported_at_once():
    error = refusal("open", Move(to="in_progress", closure_code="implemented"), ACTORS["owner"])
    assert error.code == "validation_error"
    assert set(error.fields) == {"note", "closure_code"}
    assert error.message.startswith("Some of the information is missing or not valid:")


def test_surrounding_whitespace_is_fine_when_there_is_text():
    assert check("open", Move(to="in_progress", note="  Will brief all teams.  "), ACTORS["owner"], []) is None


# --- allowed_moves ------------------------------------------------------------------------------

OWNER_MOVES = {"open": ["in_progress"], "in_progress": ["awaiting_closure"],
               "awaiting_closure": [], "closed": [], "archived": []}
BOARD_MOVES = {"open": ["in_progress"], "in_progress": ["awaiting_closure"],
               "awaiting_closure": ["in_progress", "closed"], "closed": [], "archived": []}
NO_MOVES = {state: [] for state in FROM_STATUSES}
EXPECTED_MOVES = {
    "owner": OWNER_MOVES,
    "other_owner": NO_MOVES,
    "reviewer": NO_MOVES,
    "learning": NO_MOVES,
    "board": BOARD_MOVES,
    "analyst": NO_MOVES,
    "admin": NO_MOVES,
    "board_owner": BOARD_MOVES,
}


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("state", FROM_STATUSES)
def test_allowed_moves(state, actor):
    moves = allowed_moves(state, ACTORS[actor], [])
    assert moves == EXPECTED_MOVES[actor][state]
    assert all(isinstance(move, Status) for move in moves)


def test_allowed_moves_shows_close_even_when_the_gate_would_refuse_implemented():
    """The board can still close with another code or a rationale; the page explains the gate."""
    assert allowed_moves(Status.AWAITING_CLOSURE, BOARD, [ProductFacts("intranet_article", "delivered")]) == [
        Status.IN_PROGRESS, Status.CLOSED]


# --- closure_gate_problem ----------------------------------------------------------------------

RULE = ("It needs at least one delivered learning product that is not awareness-only "
        "(an intranet article or email bulletin), or a board rationale for closing without one.")


def test_closure_gate_problem_messages():
    assert closure_gate_problem([]) == f"No learning product has been delivered: none has been recorded. {RULE}"
    assert closure_gate_problem([ProductFacts("briefing", "planned"), ProductFacts("toolkit", "planned"),
                                 ProductFacts("e_learning", "in_development")]) == (
        f"No learning product has been delivered (2 planned, 1 in development). {RULE}")
    assert closure_gate_problem([ProductFacts("email_bulletin", "delivered"),
                                 ProductFacts("intranet_article", "evaluated")]) == (
        f"It has only awareness-only products (email bulletin, intranet article) delivered. {RULE}")
    assert closure_gate_problem([ProductFacts("intranet_article", "delivered"),
                                 ProductFacts("briefing", "planned")]) == (
        f"It has only awareness-only products (intranet article) delivered. {RULE}")
    assert closure_gate_problem([ProductFacts("poster", "delivered")]) == (
        f"The only products delivered are of a kind that does not count (“poster”). {RULE}")


@pytest.mark.parametrize("kind", sorted(set(ALL_KINDS) - AWARENESS_KINDS))
@pytest.mark.parametrize("state", ["delivered", "evaluated"])
def test_closure_gate_problem_is_none_once_a_real_product_is_delivered(kind, state):
    assert closure_gate_problem([ProductFacts("intranet_article", "delivered"),
                                 ProductFacts(kind, state)]) is None


def test_gate_message_in_the_refusal_is_the_page_explanation():
    products = [ProductFacts("email_bulletin", "delivered")]
    error = refusal("awaiting_closure", close("alternative_action"), BOARD, products)
    assert error.message == (
        "The recommendation cannot be closed as alternative action. "
        f"It has only awareness-only products (email bulletin) delivered. {RULE}")


# --- the refusal itself ---------------------------------------------------------------------------

def test_refusals_carry_the_http_status_the_api_answers_with():
    """TransitionRefused is a RuleBroken, so the app's error handler turns it into api.md's shape."""
    expected = {"invalid_transition": 409, "closure_gate": 409, "forbidden": 403, "validation_error": 422}
    for code, status in expected.items():
        error = TransitionRefused(code, "A sentence.", {"note": "why"} if code == "validation_error" else None)
        assert isinstance(error, RuleBroken)
        assert (error.code, error.status, error.message) == (code, status, "A sentence.")
        assert str(error) == "A sentence."
    assert TransitionRefused("forbidden", "No.").fields == {}
    with pytest.raises(ValueError):
        TransitionRefused("stale", "Not one of ours.")


# --- learning products ---------------------------------------------------------------------------

PRODUCT_STATES = ["planned", "in_development", "delivered", "evaluated", "withdrawn"]  # last: unknown
PRODUCT_ALLOWED = {
    ("planned", "in_development"),
    ("planned", "delivered"),
    ("in_development", "delivered"),
    ("delivered", "evaluated"),
}


@pytest.mark.parametrize(("current", "to"), [(c, t) for c in PRODUCT_STATES for t in PRODUCT_STATES])
def test_product_can_move(current, to):
    assert product_can_move(current, to) is ((current, to) in PRODUCT_ALLOWED)
