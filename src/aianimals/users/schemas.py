"""Wire shapes of users: private fields only ever go to their owner."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from aianimals.core.wire import UtcDatetime


class UserLogin(BaseModel):
    """Log in by handle name or e-mail address."""

    model_config = ConfigDict(extra="forbid")

    handle_name: str | None = Field(default=None, max_length=64)
    email_address: str | None = Field(default=None, max_length=254)
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
    """Sign-up."""

    model_config = ConfigDict(extra="forbid")

    handle_name: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    email_address: EmailStr = Field(max_length=254)
    password: str = Field(min_length=8, max_length=1024)
    age: int | None = Field(default=None, ge=0, le=150)
    gender: int | None = Field(default=None, ge=0, le=2)


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
