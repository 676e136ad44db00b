"""The recommendation lifecycle and the closure gate: the one place these rules live.

product.md "Lifecycles" and "The closure gate", api.md "Lessons and recommendations" (the
transition endpoint) and "Learning products", issue 5. Pure functions over plain values: no Flask,
no database, no models. The web pages, the API and jobs load the recommendation, describe the actor
and the learning products with the small dataclasses below, and ask `check` before they change
anything. `allowed_moves` and `closure_gate_problem` let a page show only the buttons that will
work, and say why the close button is refused.

The lifecycle (`who` is who may make the move; the owner means the owner of *this* recommendation):

    from              to                 who              needs
    open              in_progress        owner or board   a note (the owner's response / plan)
    in_progress       awaiting_closure   owner or board   a note (what was done)
    awaiting_closure  closed             board            a closure code; see below
    awaiting_closure  in_progress        board            a rationale (why closure is rejected)

Every other pair is `invalid_transition`: the same state, anything out of `closed`, skipping a step
(open → awaiting_closure, open → closed, in_progress → closed), and any status this module does not
know, whether `from` or `to`.

Closing: the closure code must be one of `ClosureCode`. `not_implemented` needs a rationale (the
board accepts the risk). `implemented` and `alternative_action` must pass the closure gate: at least
one learning product delivered or evaluated whose kind is one of `PRODUCT_KINDS` and not
awareness-only (intranet article, email bulletin) — unless the board gives a rationale for closing
without one. `no_longer_applicable` and `superseded` need neither a product nor a rationale.

Order of checks, so that a refusal always names the most fundamental problem:

0. `forbidden` (403) — the actor is neither the board nor this recommendation's owner, so may make
   no move on it at all: who may act is settled before what state it is in (issue 22's
   authorisation matrix), so that such an actor is refused alike in every state.
1. `invalid_transition` (HTTP 409) — the lifecycle does not allow this move at all, whoever asks.
   An actor with no right to move the recommendation learns nothing from this: the current status
   is already visible to every staff role that can see the recommendation.
2. `forbidden` (403) — the move exists but this actor may not make it.
3. `validation_error` (422) — a note, closure code or rationale is missing or wrong. All problems
   are reported at once in `fields`, so a form can mark every field in one go.
4. `closure_gate` (409) — everything else is right, but the gate refuses the closure.

Decisions where the documents are silent:

- A note or rationale counts as given only if it contains non-whitespace text. Anything that is not
  a string (a number sent in JSON, say) counts as not given.
- A closure code that is None or blank (an empty form select) counts as not sent. A closure code
  sent on a move that is not a closure is refused (`validation_error` on `closure_code`): storing
  it would record a closure that never happened. A note or rationale on a
  move that does not need one is accepted, and it is the caller's to store (for example the board's
  note when it closes).
- The board may make the owner's moves too (api.md: "the owner (their own) or the board"), with
  the same note required. A board member who owns the recommendation is simply the board.
- A delivered product of a kind this module does not know does not satisfy the gate (fail closed).
  Only the product statuses `delivered` and `evaluated` count as delivered.
- `allowed_moves` does not hide `closed` when the gate would refuse `implemented`: the board can
  always close with another code, or with a rationale. Pages use `closure_gate_problem` to explain.
- Learning products (`product_can_move`) only ever move forward: planned → in_development →
  delivered → evaluated, and `delivered` may be reached straight from `planned` (a briefing can be
  given without a separate development stage). `evaluated` is reachable only from `delivered`,
  because evaluation needs something that was delivered. Nothing moves backwards or stays put.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from debrief.services import validation
from debrief.vocabulary import (
    CLOSURE_CODE_IN_SENTENCE, PRODUCT_KIND_IN_SENTENCE, PRODUCT_STATUS_IN_SENTENCE, STATUS_IN_SENTENCE,
)
from debrief.services.errors import RuleBroken

__all__ = [
    "AWARENESS_ONLY",
    "Actor",
    "ClosureCode",
    "DELIVERED_STATES",
    "Move",
    "PRODUCT_KINDS",
    "ProductFacts",
    "Status",
    "TransitionRefused",
    "allowed_moves",
    "check",
    "closure_gate_problem",
    "closure_label",
    "product_can_move",
]


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    AWAITING_CLOSURE = "awaiting_closure"
    CLOSED = "closed"


class ClosureCode(StrEnum):
    IMPLEMENTED = "implemented"
    ALTERNATIVE_ACTION = "alternative_action"
    NOT_IMPLEMENTED = "not_implemented"
    NO_LONGER_APPLICABLE = "no_longer_applicable"
    SUPERSEDED = "superseded"


PRODUCT_KINDS = (
    "classroom_training",
    "e_learning",
    "briefing",
    "guidance_update",
    "toolkit",
    "system_change",
    "intranet_article",
    "email_bulletin",
)
AWARENESS_ONLY = frozenset({"intranet_article", "email_bulletin"})
DELIVERED_STATES = frozenset({"delivered", "evaluated"})

_BOARD_ROLE = "board"

# Closure codes that must pass the closure gate (or carry a rationale).
_GATED_CODES = frozenset({ClosureCode.IMPLEMENTED, ClosureCode.ALTERNATIVE_ACTION})



@dataclass(frozen=True)
class Actor:
    """Who is asking. `is_owner`: this person owns *this* recommendation."""

    roles: frozenset[str]
    is_owner: bool


@dataclass(frozen=True)
class ProductFacts:
    """What the gate needs to know about one learning product on the recommendation."""

    kind: str
    status: str


@dataclass(frozen=True)
class Move:
    """The requested transition, as sent to the transition endpoint or the page's form."""

    to: Status
    note: str | None = None
    closure_code: str | None = None
    rationale: str | None = None


class TransitionRefused(RuleBroken):
    """The move is refused. `code` is the API error code; `status` the HTTP status the app's error
    handler uses; `message` is one plain-English sentence (or two) for the person who asked;
    `fields` names each wrong field and says why (for `validation_error`). The words are in the
    asker's language (a page's, or the API's Accept-Language); `code` never changes."""

    _STATUSES = {"invalid_transition": 409, "closure_gate": 409, "forbidden": 403, "validation_error": 422}

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None):
        if code not in self._STATUSES:
            raise ValueError(f"unknown refusal code {code!r}")
        super().__init__(str(message), {name: str(text) for name, text in (fields or {}).items()})
        self.code = code
        self.status = self._STATUSES[code]

    def __repr__(self) -> str:
        return f"TransitionRefused({self.code!r}, {self.message!r}, {self.fields!r})"


# --- the lifecycle -----------------------------------------------------------------------------

_OWNER_OR_BOARD = "owner_or_board"
_BOARD_ONLY = "board"

# (from, to) -> who may make the move. Anything not here is an invalid transition.
_MOVES: dict[tuple[Status, Status], str] = {
    (Status.OPEN, Status.IN_PROGRESS): _OWNER_OR_BOARD,
    (Status.IN_PROGRESS, Status.AWAITING_CLOSURE): _OWNER_OR_BOARD,
    (Status.AWAITING_CLOSURE, Status.CLOSED): _BOARD_ONLY,
    (Status.AWAITING_CLOSURE, Status.IN_PROGRESS): _BOARD_ONLY,
}

_FORBIDDEN_MESSAGES = {
    (Status.OPEN, Status.IN_PROGRESS):
        _l("Only the recommendation's owner or the governance board can respond to a recommendation."),
    (Status.IN_PROGRESS, Status.AWAITING_CLOSURE):
        _l("Only the recommendation's owner or the governance board can ask for a recommendation to be closed."),
    (Status.AWAITING_CLOSURE, Status.CLOSED):
        _l("Only the governance board can close a recommendation."),
    (Status.AWAITING_CLOSURE, Status.IN_PROGRESS):
        _l("Only the governance board can reject a request to close a recommendation."),
}

# What each move needs: (field, message when it is missing).
_NOTE_NEEDED = {
    (Status.OPEN, Status.IN_PROGRESS): _l("Give the owner's response: what they plan to do."),
    (Status.IN_PROGRESS, Status.AWAITING_CLOSURE): _l("Say what has been done."),
}
_REJECTION_RATIONALE = _l("Say why the board is not closing the recommendation.")
_NOT_IMPLEMENTED_RATIONALE = _l("Say why the board accepts the risk of not implementing the recommendation.")
_CODE_MISSING = _l("Choose a closure code.")
_CODE_NOT_CLOSING = _l("A closure code is only given when the board closes a recommendation.")


def _given(text: object) -> bool:
    return isinstance(text, str) and bool(text.strip())


def _code_given(code: object) -> bool:
    """A closure code counts as sent unless it is None or blank (an empty form select)."""
    return code is not None and not (isinstance(code, str) and not code.strip())


def _as_status(value: object) -> Status | None:
    if isinstance(value, Status):
        return value
    try:
        return Status(value)
    except (ValueError, TypeError):
        return None


def _as_code(value: object) -> ClosureCode | None:
    if isinstance(value, ClosureCode):
        return value
    try:
        return ClosureCode(value)
    except (ValueError, TypeError):
        return None


def _label(value: object) -> str:
    status = _as_status(value)
    if status is not None:
        return str(STATUS_IN_SENTENCE[status])
    return f"“{value}”"


_NO_MOVES = _l("Only the recommendation's owner or the governance board can move it through its lifecycle.")


def closure_label(code: object) -> str:
    """A closure code in words, for an email or a message ("implemented", "alternative action")."""
    known = _as_code(code)
    return str(CLOSURE_CODE_IN_SENTENCE[known]) if known is not None else f"“{code}”"


def _is_board(actor: Actor) -> bool:
    return _BOARD_ROLE in actor.roles


def _may(who: str, actor: Actor) -> bool:
    if _is_board(actor):
        return True
    return who == _OWNER_OR_BOARD and actor.is_owner


def _invalid(current: object, to: object) -> TransitionRefused:
    from_status, to_status = _as_status(current), _as_status(to)
    words = {"before": _label(current), "after": _label(to)}
    if from_status is None:
        message = _("A recommendation cannot move from %(before)s to %(after)s: %(before)s is not a "
                    "recommendation status.", **words)
    elif to_status is None:
        message = _("A recommendation cannot move from %(before)s to %(after)s: %(after)s is not a "
                    "recommendation status.", **words)
    elif from_status is to_status:
        message = _("A recommendation cannot move from %(before)s to %(after)s: it is already %(before)s.", **words)
    elif from_status is Status.CLOSED:
        message = _("A recommendation cannot move from %(before)s to %(after)s: once closed, it stays closed.",
                    **words)
    elif from_status is Status.OPEN:
        message = _("A recommendation cannot move from %(before)s to %(after)s. The owner must respond first, "
                    "which puts it in progress.", **words)
    elif from_status is Status.IN_PROGRESS:
        message = _("A recommendation cannot move from %(before)s to %(after)s. The owner must first ask for it "
                    "to be closed.", **words)
    else:
        message = _("A recommendation cannot move from %(before)s to %(after)s.", **words)
    return TransitionRefused("invalid_transition", message)


def _validation_problems(key: tuple[Status, Status], move: Move) -> dict[str, str]:
    problems: dict[str, str] = {}
    if key in _NOTE_NEEDED and not _given(move.note):
        problems["note"] = _NOTE_NEEDED[key]
    if key == (Status.AWAITING_CLOSURE, Status.IN_PROGRESS) and not _given(move.rationale):
        problems["rationale"] = _REJECTION_RATIONALE
    if key == (Status.AWAITING_CLOSURE, Status.CLOSED):
        if not _code_given(move.closure_code):
            problems["closure_code"] = _CODE_MISSING
        elif _as_code(move.closure_code) is None:
            choices = ", ".join(code.value for code in ClosureCode)
            problems["closure_code"] = _("“%(code)s” is not a closure code. Choose one of: %(choices)s.",
                                         code=move.closure_code, choices=choices)
        elif _as_code(move.closure_code) is ClosureCode.NOT_IMPLEMENTED and not _given(move.rationale):
            problems["rationale"] = _NOT_IMPLEMENTED_RATIONALE
    elif _code_given(move.closure_code):
        problems["closure_code"] = _CODE_NOT_CLOSING
    for name, label in (("note", _l("the note")), ("rationale", _l("the board's rationale"))):
        if name not in problems:  # a note given is held to the same length as any other note
            validation.text(getattr(move, name), name, problems, label=label,
                            max_length=validation.LIMITS["recommendation.note"])
    return problems


def _validation_message(problems: dict[str, str]) -> str:
    if len(problems) == 1:
        return next(iter(problems.values()))
    return _("Some of the information is missing or not valid: %(problems)s",
             problems=" ".join(str(problem) for problem in problems.values()))


def check(current: Status | str, move: Move, actor: Actor, products: Sequence[ProductFacts]) -> None:
    """Return None if `actor` may make `move` on a recommendation now in `current`, with these
    learning products on it; otherwise raise TransitionRefused (see the module docstring for the
    order of checks)."""
    from_status, to_status = _as_status(current), _as_status(move.to)
    key = (from_status, to_status)
    if not (_is_board(actor) or actor.is_owner):
        raise TransitionRefused("forbidden", _FORBIDDEN_MESSAGES.get(key, _NO_MOVES))
    if from_status is None or to_status is None or key not in _MOVES:
        raise _invalid(current, move.to)

    if not _may(_MOVES[key], actor):
        raise TransitionRefused("forbidden", _FORBIDDEN_MESSAGES[key])

    problems = _validation_problems(key, move)
    if problems:
        raise TransitionRefused("validation_error", _validation_message(problems), problems)

    if key == (Status.AWAITING_CLOSURE, Status.CLOSED):
        code = _as_code(move.closure_code)
        if code in _GATED_CODES and not _given(move.rationale):
            problem = closure_gate_problem(products)
            if problem is not None:
                refusal = _("The recommendation cannot be closed as %(closure)s.",
                            closure=CLOSURE_CODE_IN_SENTENCE[code])
                raise TransitionRefused("closure_gate", f"{refusal} {problem}")


def allowed_moves(current: Status | str, actor: Actor, products: Sequence[ProductFacts]) -> list[Status]:
    """The statuses this actor could move the recommendation to now, in lifecycle order, assuming
    they give what the move needs. `closed` is listed for the board even when the gate would refuse
    `implemented`: another closure code, or a rationale, still closes it. `products` is accepted so
    that callers need not change if a future rule depends on them."""
    from_status = _as_status(current)
    if from_status is None:
        return []
    return [to for to in Status if (from_status, to) in _MOVES and _may(_MOVES[(from_status, to)], actor)]


# --- the closure gate --------------------------------------------------------------------------

def _kind_label(kind: str) -> str:
    return str(PRODUCT_KIND_IN_SENTENCE.get(kind, f"“{kind}”"))


def _counts(products: Sequence[ProductFacts]) -> str:
    tally: dict[str, int] = {}
    for product in products:
        label = str(PRODUCT_STATUS_IN_SENTENCE.get(product.status, f"“{product.status}”"))
        tally[label] = tally.get(label, 0) + 1
    # TRANSLATORS: how many learning products are in one state: "2 planned".
    return ", ".join(ngettext("%(num)d %(status)s", "%(num)d %(status)s", count, status=label)
                     for label, count in tally.items())


def closure_gate_problem(products: Sequence[ProductFacts]) -> str | None:
    """Why a closure as implemented or alternative action would be refused without a rationale, in
    words for the board; None if the gate is satisfied."""
    delivered = [p for p in products if p.status in DELIVERED_STATES]
    if any(p.kind in PRODUCT_KINDS and p.kind not in AWARENESS_ONLY for p in delivered):
        return None

    rule = _("It needs at least one delivered learning product that is not awareness-only "
             "(an intranet article or email bulletin), or a board rationale for closing without one.")
    if not products:
        problem = _("No learning product has been delivered: none has been recorded.")
    elif not delivered:
        problem = _("No learning product has been delivered (%(counts)s).", counts=_counts(products))
    else:
        kinds = sorted({p.kind for p in delivered},
                       key=lambda k: (k not in PRODUCT_KIND_IN_SENTENCE, _kind_label(k)))
        labels = ", ".join(_kind_label(k) for k in kinds)
        if all(p.kind in AWARENESS_ONLY for p in delivered):
            problem = _("It has only awareness-only products (%(kinds)s) delivered.", kinds=labels)
        else:
            problem = _("The only products delivered are of a kind that does not count (%(kinds)s).", kinds=labels)
    return f"{problem} {rule}"


# --- learning products -------------------------------------------------------------------------

_PRODUCT_MOVES = frozenset({
    ("planned", "in_development"),
    ("planned", "delivered"),
    ("in_development", "delivered"),
    ("delivered", "evaluated"),
})


def product_can_move(current: str, to: str) -> bool:
    """May a learning product move from `current` to `to`? Forward only: planned → in_development
    → delivered → evaluated, with planned → delivered allowed as a shortcut; evaluated only from
    delivered. (api.md: `delivered` also needs `delivered_on`; that is the caller's validation.)"""
    return (current, to) in _PRODUCT_MOVES
