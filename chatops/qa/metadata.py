"""What QA's modals carry in `private_metadata`: typed (pydantic), dumped to JSON, read back
strictly. Slack returns it untouched with the submission, but it is still checked: anything
that does not parse is a malformed payload, and changes nothing."""
from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PRIVATE_METADATA_MAX = 3000  # Slack's limit

M = TypeVar("M", bound="Metadata")


class Metadata(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def dump(self) -> str:
        text = self.model_dump_json(exclude_none=True)
        if len(text) > PRIVATE_METADATA_MAX:  # the fields are bounded: this is a bug
            raise ValueError(f"private_metadata of {len(text)} characters")
        return text

    @classmethod
    def load(cls: type[M], text: object) -> M | None:
        """The metadata, or None when it is missing or not this shape."""
        if not isinstance(text, str) or not text:
            return None
        try:
            return cls.model_validate_json(text)
        except ValidationError:
            return None


class ChecklistMeta(Metadata):
    """The checklist: which ticket, which agent (the assignee when it was opened), and, for a
    correction, the accepted appeal."""

    ticket: str = Field(max_length=200)
    agent_name: str | None = Field(default=None, max_length=200)
    agent_email: str | None = Field(default=None, max_length=320)
    agent: str | None = Field(default=None, max_length=330)  # a Recipient's string form
    appeal: int | None = None


class AppealMeta(Metadata):
    """The agent's appeal modal: which review."""

    review: int


class RejectMeta(Metadata):
    """A lead's reject-reason modal: which appeal."""

    appeal: int
