"""Survey rules: what a draft must satisfy before publishing, who answers under which key,
and how answers are checked. Pure: no I/O, time is a parameter."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

MAX_QUESTIONS = 20
MAX_OPTIONS = 10
MIN_OPTIONS = 2
TITLE_MAX = 200
DESCRIPTION_MAX = 1000
QUESTION_MAX = 300
OPTION_MAX = 100
FREE_TEXT_MAX = 1000
MIN_LEAD = timedelta(hours=1)
DEFAULT_REMINDER = timedelta(hours=24)


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    RATING = "rating"
    TEXT = "text"


class Audience(StrEnum):
    RESIDENTS = "residents"  # every verified resident
    HOUSEHOLDS = "households"  # one answer per household
    OWNERS = "owners"  # verified owners only


class DraftError(ValueError):
    """A draft that cannot be published; `code` names the rule, `details` the numbers."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class QuestionDraft:
    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()
    required: bool = True
    max_choices: int | None = None


@dataclass(frozen=True)
class SurveyDraft:
    title: str
    questions: tuple[QuestionDraft, ...]
    scope_unit_ids: tuple[int | None, ...]
    audience: Audience
    deadline: datetime
    description: str | None = None
    anonymous: bool = False
    live_results: bool = True
    reminder: timedelta | None = DEFAULT_REMINDER
    kind: str = "survey"


def check_question(question: QuestionDraft) -> None:
    if not question.text.strip():
        raise DraftError("question_empty")
    if len(question.text) > QUESTION_MAX:
        raise DraftError("question_too_long", limit=QUESTION_MAX, length=len(question.text))
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        if len(question.options) < MIN_OPTIONS:
            raise DraftError("too_few_options", minimum=MIN_OPTIONS)
        if len(question.options) > MAX_OPTIONS:
            raise DraftError("too_many_options", limit=MAX_OPTIONS,
                             count=len(question.options))
        if any(not o.strip() or len(o) > OPTION_MAX for o in question.options):
            raise DraftError("bad_option", limit=OPTION_MAX)
        if len(set(question.options)) != len(question.options):
            raise DraftError("duplicate_option")
    if question.kind is QuestionKind.MULTI:
        chosen = question.max_choices or len(question.options)
        if not 1 <= chosen <= len(question.options):
            raise DraftError("bad_max_choices", limit=len(question.options))


def check_deadline(deadline: datetime, now: datetime) -> None:
    if deadline < now + MIN_LEAD:
        raise DraftError("deadline_too_soon", hours=int(MIN_LEAD.total_seconds() // 3600))


def check_draft(draft: SurveyDraft, now: datetime) -> None:
    """Raises DraftError for the first rule the draft breaks."""
    if not draft.title.strip():
        raise DraftError("title_empty")
    if len(draft.title) > TITLE_MAX:
        raise DraftError("title_too_long", limit=TITLE_MAX, length=len(draft.title))
    if draft.description and len(draft.description) > DESCRIPTION_MAX:
        raise DraftError("description_too_long", limit=DESCRIPTION_MAX,
                         length=len(draft.description))
    if not draft.questions:
        raise DraftError("no_questions")
    if len(draft.questions) > MAX_QUESTIONS:
        raise DraftError("too_many_questions", limit=MAX_QUESTIONS)
    if not draft.scope_unit_ids:
        raise DraftError("no_scope")
    for question in draft.questions:
        check_question(question)
    check_deadline(draft.deadline, now)


def remind_at(draft: SurveyDraft, now: datetime) -> datetime | None:
    """The reminder time, or None when off or when it would fall before publishing."""
    if draft.reminder is None:
        return None
    when = draft.deadline - draft.reminder
    return when if when > now else None


def respondent_key(audience: Audience, *, user_id: int | None, household_id: int) -> str:
    """Who one answer belongs to: the household for one-per-household surveys and for
    door-to-door records, the person otherwise."""
    if audience is Audience.HOUSEHOLDS or user_id is None:
        return f"h{household_id}"
    return f"u{user_id}"


def ballot_key(key: str, salt: str | None) -> str:
    """The key stored with the answers: the respondent key, or its salted hash when the
    survey is anonymous (the salt is wiped at closing)."""
    if salt is None:
        return key
    return hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()


@dataclass(frozen=True)
class AnswerValue:
    """One answer: chosen option ids, a rating, or a text; empty when skipped."""

    option_ids: tuple[int, ...] = ()
    rating: int | None = None
    text: str | None = None

    @property
    def empty(self) -> bool:
        return not self.option_ids and self.rating is None and not self.text


@dataclass(frozen=True)
class QuestionShape:
    """What the answer checker needs to know about a published question."""

    id: int
    kind: QuestionKind
    required: bool
    option_ids: tuple[int, ...] = field(default_factory=tuple)
    max_choices: int | None = None


def check_answer(question: QuestionShape, value: AnswerValue) -> None:
    """Raises DraftError when an answer does not fit its question."""
    if value.empty:
        if question.required:
            raise DraftError("answer_required")
        return
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        if not set(value.option_ids) <= set(question.option_ids) or value.rating or value.text:
            raise DraftError("bad_answer")
        limit = 1 if question.kind is QuestionKind.SINGLE else (
            question.max_choices or len(question.option_ids))
        if len(set(value.option_ids)) != len(value.option_ids) or len(value.option_ids) > limit:
            raise DraftError("too_many_choices", limit=limit)
    elif question.kind is QuestionKind.RATING:
        if value.rating is None or not 1 <= value.rating <= 5 or value.option_ids:
            raise DraftError("bad_answer")
    elif value.text is None or value.option_ids or value.rating is not None:
        raise DraftError("bad_answer")
    elif len(value.text) > FREE_TEXT_MAX:
        raise DraftError("text_too_long", limit=FREE_TEXT_MAX, length=len(value.text))


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
