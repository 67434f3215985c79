"""Producer profiles and teams: onboarding, profile and bank details, staff, helpers."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalog import audit
from catalog.audit import Actor
from catalog.images import delete_image
from catalog.models import (
    HelperGrant,
    MemberRole,
    Producer,
    ProducerKind,
    ProducerMember,
    ProducerStatus,
)
from catalog.workspace.errors import NotAllowed, WorkspaceError
from catalog.workspace.models import Invitation
from market import banks, places
from market.accounts.models import Role, User
from market.dbtypes import utcnow
from market.extensions import db
from market.mail import send_mail
from market.text import holder_name, slugify
from market.urls import public_url

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=7)
PROFILE_FIELDS = (
    "name",
    "kind",
    "commune_code",
    "area_slug",
    "address",
    "phone",
    "story",
    "photo",
)
BANK_FIELDS = ("bank_bin", "bank_account", "bank_holder")


@dataclass
class Profile:
    """What a producer tells shoppers about itself."""

    name: str
    kind: ProducerKind
    commune_code: str
    area_slug: str
    address: str
    phone: str
    story: str


@dataclass
class BankAccount:
    """Where VietQR transfers for the producer go; all empty means cash only."""

    bank_bin: str | None
    account: str | None
    holder: str | None


def _check_profile(profile: Profile) -> None:
    place = places.home_place(profile.commune_code, profile.area_slug)
    if place is None:
        field = "place" if places.home_place(profile.commune_code, None) is None else "area"
        raise WorkspaceError(_l("Choose your commune from the list."), field=field)
    profile.commune_code, profile.area_slug = place[0], place[1] or ""
    if not profile.name.strip():
        raise WorkspaceError(_l("Enter the name shoppers will see."), field="name")


def _check_bank(bank: BankAccount) -> BankAccount:
    given = [bool(bank.bank_bin), bool(bank.account), bool(bank.holder)]
    if not any(given):
        return BankAccount(None, None, None)
    if not all(given):
        raise WorkspaceError(
            _l("Fill in the bank, the account number and the holder's name, or none of them."),
            field="bank_account",
        )
    if banks.bank_by_bin(bank.bank_bin) is None:
        raise WorkspaceError(_l("Choose your bank from the list."), field="bank_bin")
    account = "".join((bank.account or "").split())
    if not account.isdigit() or not 6 <= len(account) <= 19:
        raise WorkspaceError(
            _l("An account number has 6 to 19 digits, without letters."), field="bank_account"
        )
    holder = holder_name(bank.holder or "")
    if not holder or len(holder) > 50:
        raise WorkspaceError(
            _l("Enter the holder's name as the bank shows it (up to 50 letters)."),
            field="bank_holder",
        )
    return BankAccount(bank.bank_bin, account, holder)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "nha-san-xuat"
    taken = set(db.session.scalars(sa.select(Producer.slug).where(Producer.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_producer(
    user: User, profile: Profile, bank: BankAccount, photo_key: str | None
) -> Producer:
    """Register a producer owned by ``user``; it stays pending until a manager verifies it."""
    _check_profile(profile)
    bank = _check_bank(bank)
    producer = Producer(
        slug=_unique_slug(profile.name),
        name=profile.name.strip(),
        kind=profile.kind,
        commune_code=profile.commune_code,
        area_slug=profile.area_slug or None,
        address=profile.address.strip(),
        phone=profile.phone,
        story=profile.story.strip(),
        photo=photo_key,
        bank_bin=bank.bank_bin,
        bank_account=bank.account,
        bank_holder=bank.holder,
        status=ProducerStatus.PENDING,
    )
    db.session.add(producer)
    db.session.add(ProducerMember(producer=producer, user_id=user.id, role=MemberRole.OWNER))
    db.session.flush()
    audit.record(
        producer.id,
        Actor(user.id, "owner"),
        "producer.create",
        "producer",
        producer.id,
        summary=producer.name,
        after=audit.snapshot(producer, (*PROFILE_FIELDS, *BANK_FIELDS)),
    )
    db.session.commit()
    logger.info("Producer %s registered by user %s", producer.slug, user.id)
    return producer


def update_profile(
    producer: Producer, profile: Profile, actor: Actor, photo_key: str | None = None
) -> None:
    """Change what shoppers see about the producer (not its bank account)."""
    _check_profile(profile)
    before = audit.snapshot(producer, PROFILE_FIELDS)
    old_photo = producer.photo
    producer.name = profile.name.strip()
    producer.kind = profile.kind
    producer.commune_code = profile.commune_code
    producer.area_slug = profile.area_slug or None
    producer.address = profile.address.strip()
    producer.phone = profile.phone
    producer.story = profile.story.strip()
    if photo_key is not None:
        producer.photo = photo_key
    _record_change(producer, actor, "producer.update", before, PROFILE_FIELDS)
    db.session.commit()
    if photo_key is not None and old_photo and old_photo != photo_key:
        delete_image(old_photo)


def update_bank(producer: Producer, bank: BankAccount, actor: Actor) -> None:
    """Change where VietQR transfers go; only the owner may."""
    if not actor.is_owner:
        raise NotAllowed(_l("Only the owner can change the bank account."))
    bank = _check_bank(bank)
    before = audit.snapshot(producer, BANK_FIELDS)
    producer.bank_bin, producer.bank_account, producer.bank_holder = (
        bank.bank_bin,
        bank.account,
        bank.holder,
    )
    _record_change(producer, actor, "producer.bank", before, BANK_FIELDS)
    db.session.commit()


def _record_change(
    producer: Producer, actor: Actor, action: str, before: dict, fields: tuple[str, ...]
) -> None:
    """Audit what changed among ``fields`` since ``before`` (nothing when nothing changed)."""
    old, new = audit.changed(before, audit.snapshot(producer, fields))
    if new:
        audit.record(
            producer.id,
            actor,
            action,
            "producer",
            producer.id,
            summary=producer.name,
            before=old,
            after=new,
        )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_staff(producer: Producer, login: str, actor: Actor) -> str:
    """Invite the holder of an email or mobile number; returns the secret for the link.

    An email address gets the link by mail, queued in the invitation's own transaction: it is
    sent if and only if the invitation exists, even if this process dies right after the commit.
    """
    if not actor.is_owner:
        raise NotAllowed(_l("Only the owner can invite staff."))
    already = db.session.scalar(
        sa.select(ProducerMember.id)
        .join(User, User.id == ProducerMember.user_id)
        .where(
            ProducerMember.producer_id == producer.id,
            sa.or_(User.email == login, User.phone == login),
        )
    )
    if already is not None:
        raise WorkspaceError(_l("This person is already in your team."), field="login")
    now = utcnow()
    for old in db.session.scalars(
        sa.select(Invitation).where(
            Invitation.producer_id == producer.id,
            Invitation.login == login,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        old.revoked_at = now  # a new link replaces any earlier one
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        producer_id=producer.id,
        login=login,
        token_hash=_token_hash(token),
        invited_by_id=actor.user_id,
        expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        producer.id,
        actor,
        "team.invite",
        "invitation",
        invitation.id,
        summary=login,
        after={"login": login},
    )
    if "@" in login:
        _mail_invitation(producer, login, token, actor)
    db.session.commit()
    return token


def _mail_invitation(producer: Producer, login: str, token: str, actor: Actor) -> None:
    """Queue the invitation link to ``login`` in the current transaction."""
    inviter = db.session.get(User, actor.user_id)
    send_mail(
        login,
        _("Join %(name)s on Chợ Quê", name=producer.name),
        _(
            "%(inviter)s invites you to help sell for %(name)s on Chợ Quê.\n"
            "Open this link within 7 days, signed in with this email:\n%(link)s",
            inviter=inviter.name if inviter else "",
            name=producer.name,
            link=public_url("workspace.invitation", token=token),
        ),
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation a link's secret belongs to, or None."""
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    if invitation is None or not invitation.is_open(utcnow()):
        return None
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> None:
    """Join the producer as staff; the user must sign in with the invited email or number."""
    if invitation.login not in (user.email, user.phone):
        raise WorkspaceError(
            _l(
                "This invitation is for %(login)s. Sign in with that account to accept it.",
                login=invitation.login,
            )
        )
    invitation.accepted_at = utcnow()
    member = db.session.scalar(
        sa.select(ProducerMember).where(
            ProducerMember.producer_id == invitation.producer_id,
            ProducerMember.user_id == user.id,
        )
    )
    if member is None:
        db.session.add(
            ProducerMember(
                producer_id=invitation.producer_id, user_id=user.id, role=MemberRole.STAFF
            )
        )
    audit.record(
        invitation.producer_id,
        Actor(user.id, "staff"),
        "team.join",
        "user",
        user.id,
        summary=user.name,
        after={"login": invitation.login},
    )
    db.session.commit()


def revoke_invitation(producer: Producer, invitation_id: int, actor: Actor) -> None:
    """Cancel an open invitation of this producer."""
    if not actor.is_owner:
        raise NotAllowed(_l("Only the owner can manage the team."))
    invitation = db.session.scalar(
        sa.select(Invitation).where(
            Invitation.id == invitation_id, Invitation.producer_id == producer.id
        )
    )
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        raise WorkspaceError(_l("That invitation is no longer open."))
    invitation.revoked_at = utcnow()
    audit.record(
        producer.id,
        actor,
        "team.uninvite",
        "invitation",
        invitation.id,
        summary=invitation.login,
        before={"login": invitation.login},
    )
    db.session.commit()


def remove_staff(producer: Producer, user_id: int, actor: Actor) -> None:
    """Take a staff member out of the team (an owner cannot be removed here)."""
    if not actor.is_owner:
        raise NotAllowed(_l("Only the owner can manage the team."))
    member = db.session.scalar(
        sa.select(ProducerMember).where(
            ProducerMember.producer_id == producer.id,
            ProducerMember.user_id == user_id,
            ProducerMember.role == MemberRole.STAFF,
        )
    )
    if member is None:
        raise WorkspaceError(_l("That person is not on your staff."))
    audit.record(
        producer.id,
        actor,
        "team.remove",
        "user",
        user_id,
        summary=member.user.name,
        before={"login": member.user.login, "role": "staff"},
    )
    db.session.delete(member)
    db.session.commit()


def open_invitations(producer_id: int) -> list[Invitation]:
    """Invitations of the producer still waiting for an answer."""
    now = utcnow()
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.producer_id == producer_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def invitations_waiting_for(user: User) -> list[Invitation]:
    """Open invitations addressed to the user's email or number."""
    logins = [login for login in (user.email, user.phone) if login]
    if not logins:
        return []
    now = utcnow()
    return list(
        db.session.scalars(
            sa.select(Invitation).where(
                Invitation.login.in_(logins),
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
        )
    )


def members(producer_id: int) -> list[ProducerMember]:
    """The producer's owner and staff, owner first."""
    return list(
        db.session.scalars(
            sa.select(ProducerMember)
            .where(ProducerMember.producer_id == producer_id)
            .order_by(ProducerMember.role.desc(), ProducerMember.created_at)
        )
    )


def active_grants(producer_id: int) -> list[HelperGrant]:
    """Helpers who may currently act for the producer."""
    return list(
        db.session.scalars(
            sa.select(HelperGrant)
            .where(HelperGrant.producer_id == producer_id, HelperGrant.revoked_at.is_(None))
            .order_by(HelperGrant.created_at)
        )
    )


def grant_helper(
    producer: Producer, helper: User | None, actor: Actor, notices: bool = False
) -> HelperGrant:
    """Let a community digital-technology helper act for the producer; with ``notices`` the
    helper also receives the producer's order and payment notices."""
    if not actor.is_owner:
        raise NotAllowed(_l("Only the owner can grant access to a helper."))
    if helper is None or helper.role != Role.HELPER or not helper.active:
        raise WorkspaceError(
            _l("No helper account uses this email or number. Ask your helper which one they use."),
            field="login",
        )
    if any(grant.helper_id == helper.id for grant in active_grants(producer.id)):
        raise WorkspaceError(_l("This helper already has access."), field="login")
    grant = HelperGrant(
        producer_id=producer.id, helper_id=helper.id, granted_by_id=actor.user_id, notices=notices
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(
        producer.id,
        actor,
        "helper.grant",
        "user",
        helper.id,
        summary=helper.name,
        after={"helper": helper.login, "notices": notices},
    )
    db.session.commit()
    return grant


def set_helper_notices(producer: Producer, grant_id: int, notices: bool, actor: Actor) -> None:
    """Start or stop sending the producer's notices to a helper who has access."""
    if not actor.is_owner:
        raise NotAllowed(_l("Only the owner can change what a helper receives."))
    grant = _active_grant(producer, grant_id, _l("That helper has no access."))
    if grant.notices == notices:
        return
    audit.record(
        producer.id,
        actor,
        "helper.notices",
        "user",
        grant.helper_id,
        summary=grant.helper.name,
        before={"notices": grant.notices},
        after={"notices": notices},
    )
    grant.notices = notices
    db.session.commit()


def _active_grant(producer: Producer, grant_id: int, missing: object) -> HelperGrant:
    grant = db.session.scalar(
        sa.select(HelperGrant).where(
            HelperGrant.id == grant_id,
            HelperGrant.producer_id == producer.id,
            HelperGrant.revoked_at.is_(None),
        )
    )
    if grant is None:
        raise WorkspaceError(missing)
    return grant


def revoke_helper(producer: Producer, grant_id: int, actor: Actor) -> None:
    """End a helper's access at once."""
    if not actor.is_owner:
        raise NotAllowed(_l("Only the owner can revoke a helper's access."))
    grant = _active_grant(producer, grant_id, _l("That helper has no access to revoke."))
    grant.revoked_at = utcnow()
    audit.record(
        producer.id,
        actor,
        "helper.revoke",
        "user",
        grant.helper_id,
        summary=grant.helper.name,
        before={"helper": grant.helper.login},
    )
    db.session.commit()
