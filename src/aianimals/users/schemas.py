"""Wire shapes of users: private fields only ever go to their owner."""

from __future__ import annotations

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from aianimals.core.wire import Line, UtcDatetime
from aianimals.users.password_rules import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    password_refusal,
)

_ONE_IDENTIFIER: JsonDict = {
    "anyOf": [
        {"required": [name], "properties": {name: {"type": "string"}}}
        for name in ("handle_name", "email_address")
    ]
}
"""The schema's form of `_one_identifier`: a handle name or an e-mail address is given."""


class UserLogin(BaseModel):
    """Log in by handle name or e-mail address (one of them at least)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_ONE_IDENTIFIER)

    handle_name: Line | None = Field(default=None, min_length=1, max_length=64)
    email_address: Line | None = Field(default=None, min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)

    @model_validator(mode="after")
    def _one_identifier(self) -> UserLogin:
        if not self.handle_name and not self.email_address:
            msg = "give handle_name or email_address"
            raise ValueError(msg)
        return self


class UserLoginResponse(BaseModel):
    """A bearer token for the `token` or `Authorization: Bearer` header."""

    user_id: str
    token: str
    expires_at: UtcDatetime


class UserCreate(BaseModel):
    """Sign-up. The password must not contain the handle name or the e-mail address's local
    part, nor be one of the most common passwords."""

    model_config = ConfigDict(extra="forbid")

    handle_name: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    email_address: EmailStr = Field(max_length=254)
    password: str = Field(
        min_length=PASSWORD_MIN_LENGTH,
        max_length=PASSWORD_MAX_LENGTH,
        description=f"at least {PASSWORD_MIN_LENGTH} characters (`auth.password_min_length`); "
        "not the handle name, the e-mail address's local part or a common password",
    )
    age: int | None = Field(default=None, ge=0, le=150)
    gender: int | None = Field(default=None, ge=0, le=2)

    @field_validator("password")
    @classmethod
    def _acceptable_password(cls, password: str, info: ValidationInfo) -> str:
        problem = password_refusal(
            password,
            handle_name=str(info.data.get("handle_name", "")),
            email_address=str(info.data.get("email_address", "")),
        )
        if problem:
            # The error's `type` is the rule's code, so a client can say it in its language.
            raise PydanticCustomError(problem.code, problem.message)
        return password


class UserResponse(BaseModel):
    """A user as they see themselves."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    handle_name: str
    email_address: str
    age: int | None
    gender: int | None
    deactivated: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime


class PublicUserResponse(BaseModel):
    """A user as others see them: no e-mail, age or gender."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    handle_name: str
    created_at: UtcDatetime
