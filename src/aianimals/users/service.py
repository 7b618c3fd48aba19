"""User use cases: sign-up, login, token checks. The only place that commits user rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aianimals.core.clock import utcnow
from aianimals.core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from aianimals.core.ids import new_id
from aianimals.core.passwords import PasswordHasher
from aianimals.core.tokens import new_token, token_digest
from aianimals.users.models import ROLE_ADMIN, AuthToken, User
from aianimals.users.password_rules import PASSWORD_MIN_LENGTH, password_problem
from aianimals.users.schemas import UserCreate, UserLogin

LOGIN_FAILED = "wrong handle_name, email_address or password"


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued bearer token."""

    user_id: str
    token: str
    expires_at: datetime


class UserService:
    """Accounts and sessions."""

    def __init__(self, session: Session, hasher: PasswordHasher, token_ttl: timedelta) -> None:
        self.session = session
        self.hasher = hasher
        self.token_ttl = token_ttl

    def sign_up(self, request: UserCreate, *, min_length: int = PASSWORD_MIN_LENGTH) -> User:
        """Create an account; a taken handle or e-mail is a 409, a password the policy
        refuses (`min_length` and the rules of `password_rules`) a 422."""
        email = str(request.email_address)
        problem = password_problem(
            request.password,
            handle_name=request.handle_name,
            email_address=email,
            min_length=min_length,
        )
        if problem:
            raise InvalidInput(problem)
        taken = self.session.scalar(
            select(User.id).where(
                or_(User.handle_name == request.handle_name, User.email_address == email)
            )
        )
        if taken is not None:
            raise Conflict("handle_name or email_address is already registered")
        user = User(
            id=new_id(),
            handle_name=request.handle_name,
            email_address=email,
            password_hash=self.hasher.hash(request.password),
            age=request.age,
            gender=request.gender,
        )
        self.session.add(user)
        try:
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            raise Conflict("handle_name or email_address is already registered") from error
        return user

    def sign_up_admin(self, request: UserCreate) -> User:
        """Create an administrator account (portal access); a taken handle or e-mail is a 409."""
        user = self.sign_up(request)
        user.role = ROLE_ADMIN
        self.session.commit()
        return user

    def has_admin(self) -> bool:
        """True when at least one active administrator exists."""
        query = select(User.id).where(User.role == ROLE_ADMIN, User.deactivated.is_(False))
        return self.session.scalar(query.limit(1)) is not None

    def log_in(self, request: UserLogin) -> IssuedToken:
        """Check the password (same cost for unknown users) and issue a token."""
        query = select(User)
        if request.handle_name:
            query = query.where(User.handle_name == request.handle_name)
        else:
            query = query.where(User.email_address == request.email_address)
        user = self.session.scalar(query)
        valid = self.hasher.verify(user.password_hash if user else None, request.password)
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
        row = self.session.get(AuthToken, token_digest(token))
        if row is None or row.expires_at <= utcnow():
            raise Unauthorized("the token is unknown or has expired; log in again")
        user = self.session.get(User, row.user_id)
        if user is None or user.deactivated:
            raise Unauthorized("the account is deactivated")
        return user

    def log_out(self, token: str) -> None:
        """Revoke a token."""
        self.session.execute(delete(AuthToken).where(AuthToken.digest == token_digest(token)))
        self.session.commit()

    def get(self, user_id: str) -> User:
        """A user by id."""
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFound(f"no user with id {user_id}")
        return user
