"""Building blocks of the REST API that every app's api.py uses (django-ninja).

- `ApiRouter` — a `Router` whose every operation declares the error answers the API gives
  (`ERROR_RESPONSES`: 400, 401, 403, 404, 422) next to its own, so the OpenAPI lists every status
  code a client can get; it also refuses NUL characters in the path and query (PostgreSQL cannot
  store or compare them).
- `InSchema` — the base of every request body: unknown fields are refused (422, and
  `additionalProperties: false` in the OpenAPI), and so are NUL characters in text.
- `PatchSchema` — the base of a PATCH body: `changes()` gives only the fields sent; `null` clears
  optional text (`str | None = None` → ""). `Omitted` (or `omitted(description=…)`) is the default
  of a field that may be left out but not cleared (`name: str = Omitted`): null is a 422.
- Bounded integers: `Id` (a primary key), `IdList`, `Int32`, `PositiveInt32`; `Pagination` (limit
  1–500, offset below 2³¹). Nothing unbounded reaches the database, so a huge number is a 422, not an
  overflow.
- `ClockTime` — a time of day without a zone (pydantic's `format: time` demands an offset).
- `PhotoOut` / `photo_out(photo)` — a photo in an answer: the URL of the checking file view
  (`/files/<key>/<pk>/`, torg.core.photos) with its size.
"""

import datetime as dt
import functools
import typing
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.constants import NOT_SET
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict, WithJsonSchema, model_validator

from torg.core import photos

MAX_BIGINT = 2**63 - 1  # BigAutoField primary keys
MAX_INT32 = 2**31 - 1  # IntegerField / PositiveIntegerField on PostgreSQL
MAX_IDS = 1000  # ids in one request (bulk status change, move)

Id = Annotated[int, Field(ge=1, le=MAX_BIGINT)]
IdList = Annotated[list[Id], Field(min_length=1, max_length=MAX_IDS)]
Int32 = Annotated[int, Field(ge=-MAX_INT32 - 1, le=MAX_INT32)]
PositiveInt32 = Annotated[int, Field(ge=0, le=MAX_INT32)]


# A time of day without a zone ("16:00", "16:00:00"). Pydantic declares dt.time as `format: time`,
# which JSON Schema and RFC 3339 define with a zone offset ("16:00:00Z"), so a plain clock time in an
# answer broke the API's own schema; declared here as what it is.
ClockTime = Annotated[dt.time, WithJsonSchema({
    "type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "description": "A time of day, HH:MM or HH:MM:SS, local time (Europe/Oslo)", "examples": ["16:00"]})]


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def omitted(**kwargs) -> Any:
    """The default of a PATCH field that may be omitted but not sent as null. Pydantic does not
    validate a default, so an omitted field stays unset (`exclude_unset`) while an explicit null
    fails the field's type: 422. The OpenAPI shows no (null) default."""
    return Field(None, json_schema_extra=_no_default, **kwargs)


Omitted: Any = omitted()


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class InSchema(Schema):
    """A request body: unknown fields and NUL characters are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data):
        if _has_nul(data):
            raise ValueError("Text must not contain NUL characters.")
        return data


def _is_optional_text(annotation) -> bool:
    args = typing.get_args(annotation)
    return str in args and type(None) in args


class PatchSchema(InSchema):
    """A PATCH body: only the fields sent change (`changes()`). `null` clears a field: optional text
    (`str | None = None`) becomes empty, since text columns are never NULL; a nullable column
    becomes NULL. A field that cannot be cleared (required text, choices, flags, references) is
    declared with `Omitted` and refuses null with 422."""

    def changes(self) -> dict:
        data = self.dict(exclude_unset=True)
        fields = type(self).model_fields
        return {k: "" if v is None and _is_optional_text(fields[k].annotation) else v for k, v in data.items()}


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    # Input that does not fit the schema: pydantic's list of errors ({type, loc, msg}); a rule of a
    # service: {field: [messages]} ("__all__" for the whole request).
    detail: list[dict[str, Any]] | dict[str, list[str]]


ERROR_RESPONSES = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _refuse_nul_in_url(view):
    @functools.wraps(view)  # its module and name make the operation id, its docstring the description
    def wrapper(request, *args, **kwargs):
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.GET.items()):
            raise ValidationError(_("The address must not contain NUL characters."))
        return view(request, *args, **kwargs)

    return wrapper


class ApiRouter(Router):
    """A Router whose operations also declare `ERROR_RESPONSES` (unless they declare the code)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_decorator(_refuse_nul_in_url, mode="operation")

    def add_api_operation(self, path, methods, view_func, *, response=NOT_SET, **kwargs):
        responses = dict(response) if isinstance(response, dict) else {200: response}
        for code, schema in ERROR_RESPONSES.items():
            responses.setdefault(code, schema)
        return super().add_api_operation(path, methods, view_func, response=responses, **kwargs)


class PhotoOut(Schema):
    """A photo as API answers give it: its address through the checking file view, never a storage path."""

    url: str = Field(description="/files/<key>/<pk>/: answered only to whom the page shows the photo "
                                 "(the same session, or the same API token as `Authorization: Bearer`); "
                                 "404 for anyone else")
    width: int
    height: int


def photo_out(photo) -> PhotoOut:
    return PhotoOut(url=photos.url_for(photo), width=photo.width, height=photo.height)


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_INT32)

