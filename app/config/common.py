"""Building blocks every section of the site file uses: strict models, ids, names in two languages.

Kept apart from `app.config.schema` so that sections defined next to it (notification routes)
can use them without importing the whole file's schema.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

ID = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
PointId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z0-9_.]+$")]


class Strict(BaseModel):
    """Every model of the file refuses unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(Strict):
    """A name in both languages the UI ships in."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


def _names(value: Any) -> Any:
    """A plain string is accepted as the name in both languages."""
    return {"zh": value, "en": value} if isinstance(value, str) else value


NameField = Annotated[Names, Field(description="name: {zh, en} or one string for both")]
