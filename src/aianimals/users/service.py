"""User use cases: sign-up, login, token checks. The only place that commits user rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.core.clock import utcnow
from aianimals.core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from aianimals.core.ids import new_id
from aianimals.core.passwords import PasswordHasher
from aianimals.core.tokens import new_token, token_digest
from aianimals.users.identities import fold_identifier, folded_identity
from aianimals.users.models import (
    ROLE_ADMIN,
    SIGNUP_WITH_EXISTING_EMAIL,
    AuthToken,
    EmailMessage,
    User,
)
from aianimals.users.notices import signup_with_existing_email
from aianimals.users.password_rules import PASSWORD_MIN_LENGTH, password_refusal
from aianimals.users.schemas import UserCreate, UserLogin
from aianimals.users.token_cache import TokenCache

LOGIN_FAILED = "wrong handle_name, email_address or password"
HANDLE_TAKEN = "handle_name is already registered"
EMAIL_TAKEN = "email_address is already registered"

Identifier = Literal["handle", "email"]
_COLUMNS = {
    "handle": (User.handle_name, User.handle_name_folded),
    "email": (User.email_address, User.email_address_folded),
}
"""Each identifier's column, as stored and folded."""


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued bearer token."""

    user_id: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginTarget:
    """The account a login names, if any, and the name its failures are counted under:
    `user:<id>` for an account, however it was typed; the folded identifier as typed
    (`handle:…`, `email:…`) for none."""

    account: User | None
    key: str


class _EmailTaken(Conflict):
    """The e-mail address belongs to `owner`'s account (told to no one but the owner)."""

    def __init__(self, owner: User) -> None:
        super().__init__(EMAIL_TAKEN)
        self.owner = owner


class UserService:
    """Accounts and sessions."""

    def __init__(
        self,
        session: Session,
        hasher: PasswordHasher,
        token_ttl: timedelta,
        *,
        tokens: TokenCache | None = None,
    ) -> None:
        self.session = session
        self.hasher = hasher
        self.token_ttl = token_ttl
        self.tokens = tokens
        """Recently verified tokens (the API's); None reads every token from the store."""

    def sign_up(self, request: UserCreate, *, min_length: int = PASSWORD_MIN_LENGTH) -> User:
        """Create an account. A password the policy refuses (`min_length` and the rules of
        `password_rules`) is a 422, a handle taken up to case a 409: handles are public.

        An e-mail address taken up to case is not said: the answer is an account that
        looks new but is never stored, and the address's owner gets a notice in the e-mail
        outbox. Both paths hash the password and commit one row, so they take about as long.
        """
        try:
            return self._create(request, min_length)
        except _EmailTaken as taken:
            return self._notify_owner(taken.owner, request)

    def sign_up_admin(self, request: UserCreate) -> User:
        """Create an administrator account (portal access); a taken handle or e-mail is a 409."""
        user = self._create(request, PASSWORD_MIN_LENGTH)
        user.role = ROLE_ADMIN
        self.session.commit()
        return user

    def _create(self, request: UserCreate, min_length: int) -> User:
        """The new account, stored; Conflict for a taken handle, _EmailTaken for a taken
        e-mail address (both up to case), InvalidInput for a refused password."""
        email = str(request.email_address)
        problem = password_refusal(
            request.password,
            handle_name=request.handle_name,
            email_address=email,
            min_length=min_length,
        )
        if problem:
            raise InvalidInput(problem.message, field="password", reason=problem.code)
        handle_folded, email_folded = folded_identity(request.handle_name, email)
        if self._owner("handle", request.handle_name, handle_folded):
            raise Conflict(HANDLE_TAKEN, field="handle_name", reason="taken")
        password_hash = self.hasher.hash(request.password)
        owner = self._owner("email", email, email_folded)
        if owner is not None:
            raise _EmailTaken(owner)
        user = User(
            id=new_id(),
            handle_name=request.handle_name,
            email_address=email,
            password_hash=password_hash,
            age=request.age,
            gender=request.gender,
        )
        self.session.add(user)
        try:
            self.session.commit()
        except IntegrityError as error:  # another sign-up took a name meanwhile
            self.session.rollback()
            if self._owner("handle", request.handle_name, handle_folded):
                raise Conflict(HANDLE_TAKEN, field="handle_name", reason="taken") from error
            owner = self._owner("email", email, email_folded)
            if owner is not None:
                raise _EmailTaken(owner) from error
            raise
        return user

    def _owner(self, identifier: Identifier, value: str, folded: str) -> User | None:
        """The account whose handle or e-mail address is `value`: the one spelled exactly so
        first (only accounts left unfolded by migration 0006 can tie), else the one whose
        folded value is `folded`."""
        column, folded_column = _COLUMNS[identifier]
        exact = column == value
        query = select(User).where(or_(exact, folded_column == folded))
        return self.session.scalar(query.order_by(exact.desc()).limit(1))

    def _notify_owner(self, owner: User, request: UserCreate) -> User:
        """Tell the owner of the taken address; answer with an account that is never stored."""
        now = utcnow()
        body = signup_with_existing_email(owner.handle_name, request.handle_name, now)
        self.session.add(
            EmailMessage(
                id=new_id(),
                to_address=owner.email_address,
                kind=SIGNUP_WITH_EXISTING_EMAIL,
                body=body,
                created_at=now,
            )
        )
        self.session.commit()
        return User(
            id=new_id(),
            handle_name=request.handle_name,
            email_address=str(request.email_address),
            age=request.age,
            gender=request.gender,
            deactivated=False,
            created_at=now,
            updated_at=now,
        )

    def has_admin(self) -> bool:
        """True when at least one active administrator exists."""
        query = select(User.id).where(User.role == ROLE_ADMIN, User.deactivated.is_(False))
        return self.session.scalar(query.limit(1)) is not None

    def login_target(self, request: UserLogin) -> LoginTarget:
        """The account a login names, by its handle or e-mail address up to case."""
        identifier: Identifier = "handle" if request.handle_name else "email"
        typed = request.handle_name or request.email_address or ""
        folded = fold_identifier(typed)
        account = self._owner(identifier, typed, folded)
        return LoginTarget(account, f"user:{account.id}" if account else f"{identifier}:{folded}")

    def log_in(self, request: UserLogin) -> IssuedToken:
        """Check the password (same cost for unknown users) and issue a token."""
        return self.log_in_as(self.login_target(request), request.password)

    def log_in_as(self, target: LoginTarget, password: str) -> IssuedToken:
        """Check `password` for the account `target` found (the same cost when it found
        none) and issue a token; 401 for a wrong password, or no or a deactivated account."""
        user = target.account
        valid = self.hasher.verify(user.password_hash if user else None, password)
        if user is None or not valid or user.deactivated:
            raise Unauthorized(LOGIN_FAILED)
        now = utcnow()
        token = new_token()
        expires_at = now + self.token_ttl
        self.session.execute(
            delete(AuthToken).where(AuthToken.user_id == user.id, AuthToken.expires_at < now)
        )
        self.session.add(
            AuthToken(
                digest=token_digest(token), user_id=user.id, created_at=now, expires_at=expires_at
            )
        )
        self.session.commit()
        return IssuedToken(user_id=user.id, token=token, expires_at=expires_at)

    def authenticate(self, token: str) -> User:
        """The active user a token belongs to; 401 when unknown or expired."""
        held = self.verified_user(token)
        if held is not None:
            return held
        digest, now = token_digest(token), utcnow()
        row = self.session.get(AuthToken, digest)
        if row is None or row.expires_at <= now:
            raise Unauthorized("the token is unknown or has expired; log in again")
        user = self.session.get(User, row.user_id)
        if user is None or user.deactivated:
            raise Unauthorized("the account is deactivated")
        if self.tokens is not None:
            self.tokens.remember(digest, user, row.expires_at)
        return user

    def verified_user(self, token: str) -> User | None:
        """The token's user if this process verified the token in the last seconds (no
        read of the store, so safe on the event loop); None otherwise."""
        if self.tokens is None:
            return None
        return self.tokens.user(self.session, token_digest(token), utcnow())

    def log_out(self, token: str) -> None:
        """Revoke a token."""
        digest = token_digest(token)
        self.session.execute(delete(AuthToken).where(AuthToken.digest == digest))
        self.session.commit()
        if self.tokens is not None:
            self.tokens.forget(digest)

    def get(self, user_id: str) -> User:
        """A user by id."""
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFound(f"no user with id {user_id}")
        return user
