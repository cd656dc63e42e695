"""The helpdesk event (CONTRACT §4) as pydantic models, with errors named by JSON path."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chatops.outside_input import Refused, load_json
from domain.ratings import parse_score
from domain.tickets import Priority, Status

EventType = Literal["ticket.created", "ticket.updated", "ticket.commented", "ticket.closed",
                    "ticket.reopened", "rating.created"]
MAX_BODY = 1024 * 1024  # CONTRACT §3: a larger webhook body is refused with 413
# The validation context under which the native helpdesk routes (CONTRACT §4a) build their
# events: only then are the fields that are not the contract's (`ref`, `partial`) kept.
NATIVE = {"native": True}


def _native_only(value: Any, info: ValidationInfo) -> Any:
    """A field of our own: what `/webhooks/helpdesk` sends there is ignored, like any key the
    contract does not name."""
    return value if info.context and info.context.get("native") else None


def _id_text(value: object) -> object:
    """Helpdesks send ids as strings or numbers; we keep strings."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, BeforeValidator(_id_text), Field(min_length=1, max_length=200)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class EventPerson(_Model):
    name: str = Field(max_length=100_000)
    email: str | None = Field(default=None, max_length=254)  # the longest a mailbox can be
    # The helpdesk's own id of the person (`zendesk:123`), when a native route knows it: a
    # team's `agents` map may name them by it, and their name may come from the helpdesk.
    ref: str | None = Field(default=None, max_length=210)

    @field_validator("ref", mode="before")
    @classmethod
    def _ref_native_only(cls, value: Any, info: ValidationInfo) -> Any:
        return _native_only(value, info)


class EventTicket(_Model):
    id: Id
    subject: str
    url: str
    priority: Priority
    status: Status
    team: str | None = None
    requester: EventPerson
    assignee: EventPerson | None = None
    created_at: datetime

    @field_validator("created_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        return _utc(v)


class EventComment(_Model):
    id: Id
    author: EventPerson
    author_role: str = Field(max_length=40)  # `agent` counts; the column holds 40
    public: bool
    body: str


class EventRating(_Model):
    id: Id
    score: str | int
    comment: str | None = None
    agent: EventPerson | None = None

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, v: object) -> str | int:
        return parse_score(v)


class HelpdeskEvent(_Model):
    id: Id
    type: EventType
    occurred_at: datetime
    ticket: EventTicket
    comment: EventComment | None = None
    rating: EventRating | None = None
    # True when `ticket` holds only what the helpdesk sent about it, not its whole state (a
    # Zendesk CSAT trigger knows neither status nor priority): a known ticket keeps its state.
    partial: bool = False

    @field_validator("partial", mode="before")
    @classmethod
    def _partial_native_only(cls, value: Any, info: ValidationInfo) -> Any:
        return bool(_native_only(value, info))

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        return _utc(v)

    @model_validator(mode="after")
    def _parts_match_type(self) -> HelpdeskEvent:
        if self.type == "ticket.commented" and self.comment is None:
            raise _FieldError("comment", "a ticket.commented event needs a comment")
        if self.type == "rating.created" and self.rating is None:
            raise _FieldError("rating", "a rating.created event needs a rating")
        return self


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _utc(v: datetime) -> datetime:
    try:
        moment = v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000
        raise ValueError("must be between 1970 and 2200") from None
    if not EARLIEST <= moment < LATEST:  # deadlines computed from it must stay representable
        raise ValueError("must be between 1970 and 2200")
    return moment


class _FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class EventRejected(Exception):
    """Why a body is not a helpdesk event: message and the dotted path of the field."""

    def __init__(self, error: str, field: str | None) -> None:
        super().__init__(error)
        self.error = error
        self.field = field


def _path(loc: tuple[object, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif isinstance(item, str) and not item.startswith(("literal[", "function-", "int", "str")):
            parts.append(("." if parts else "") + item)
    return "".join(parts)


def load_object(raw: bytes) -> dict[str, Any]:
    """A webhook body's JSON object, read by chatops/outside_input.py's strict reader (its
    text rule: a NUL or a lone surrogate becomes U+FFFD); EventRejected otherwise."""
    try:
        data = load_json(raw)
    except Refused as exc:
        raise EventRejected(exc.error, exc.field) from None
    if not isinstance(data, dict):
        raise EventRejected("body must be a JSON object", None)
    return data


def parse_event(raw: bytes) -> HelpdeskEvent:
    """Parse and validate; raises EventRejected naming the first thing that is wrong."""
    data = load_object(raw)
    try:
        return HelpdeskEvent.model_validate(data)
    except ValidationError as exc:
        raise rejected(exc) from None


def rejected(exc: ValidationError) -> EventRejected:
    """The first thing pydantic found wrong, named by its dotted path."""
    err = exc.errors()[0]
    ctx_err = err.get("ctx", {}).get("error")
    if isinstance(ctx_err, _FieldError):
        return EventRejected(str(ctx_err), ctx_err.field)
    field = _path(tuple(err["loc"])) or None
    value = err.get("input")
    shown = "" if isinstance(value, (dict, list)) or value is None else f" (got {value!r:.80})"
    return EventRejected(f"{field or 'body'}: {err['msg']}{shown}", field)
