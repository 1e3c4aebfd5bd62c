"""The store's tables as SQLAlchemy Core objects, for queries. The schema itself is made by the migrations
(eligibility/service/migrations/versions), which tests/service check against these definitions."""

from __future__ import annotations

import sqlalchemy as sa

from .core import decision_log_schema

metadata = sa.MetaData()

# key/value settings: the session secret, the activity log's recorded head
meta = sa.Table(
    "service_meta", metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# one row per agency in the store; ``version`` grows with every change to its employees or positions
agencies = sa.Table(
    "agencies", metadata,
    sa.Column("agency", sa.String(80), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("positions_sha256", sa.String(64), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("imported_at", sa.String(40), nullable=False),
)

positions = sa.Table(
    "positions", metadata,
    sa.Column("agency", sa.String(80), sa.ForeignKey("agencies.agency"), primary_key=True),
    sa.Column("position_id", sa.String(200), primary_key=True),
    sa.Column("ord", sa.Integer, nullable=False),
    sa.Column("position_json", sa.Text, nullable=False),
)

# the record as the roster file holds it (canonical JSON), with the fields the service searches on
employees = sa.Table(
    "employees", metadata,
    sa.Column("agency", sa.String(80), sa.ForeignKey("agencies.agency"), primary_key=True),
    sa.Column("employee_id", sa.String(200), primary_key=True),
    sa.Column("ord", sa.Integer, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("supervisor", sa.String(200)),
    sa.Column("record_json", sa.Text, nullable=False),
    sa.Column("record_sha256", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Index("employees_supervisor", "agency", "supervisor"),
)

# who recorded an endorsement through the service, and their comment (the endorsement itself is in the record)
endorsement_notes = sa.Table(
    "endorsement_notes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency", sa.String(80), nullable=False),
    sa.Column("employee_id", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("by_role", sa.String(80), nullable=False),
    sa.Column("toward", sa.String(200), nullable=False),
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("comment", sa.Text),
    sa.Column("account", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Index("endorsement_notes_employee", "agency", "employee_id"),
)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(80), nullable=False),
    sa.Column("agency", sa.String(80)),
    sa.Column("password_hash", sa.Text),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("session_epoch", sa.Integer, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("email", sa.String(320)),  # for digests (migration 0005_routine)
    sa.Column("digest", sa.Boolean, nullable=False, server_default=sa.true()),  # wants the e-mail digest
)

tokens = sa.Table(
    "tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("expires_at", sa.String(40)),  # auth: added by migration 0003_accounts
    sa.Column("revoked_at", sa.String(40)),
    sa.Column("created_by", sa.String(200)),
)

# the activity log: hash-chained, append-only (triggers refuse UPDATE and DELETE)
activity = sa.Table(
    "activity_log", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(60), nullable=False),
    sa.Column("agency", sa.String(80)),
    sa.Column("subject", sa.Text),
    sa.Column("client", sa.String(100)),
    sa.Column("before_sha256", sa.String(64)),
    sa.Column("after_sha256", sa.String(64)),
    sa.Column("changed", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
    sa.Index("activity_log_subject", "subject"),
    sa.Index("activity_log_client", "client"),
)

# routine: each account's secret iCalendar address (its SHA-256), ended by revoked_at (migration 0005_routine)
calendar_feeds = sa.Table(
    "calendar_feeds", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("revoked_at", sa.String(40)),
    sa.Index("calendar_feeds_account", "account_id"),
)

# routine: each digest item sent, once per (account, employee, item, key: the date or version it is about)
digest_items_sent = sa.Table(
    "digest_items_sent", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("agency", sa.String(80), nullable=False),
    sa.Column("employee_id", sa.String(200), nullable=False),
    sa.Column("item", sa.String(60), nullable=False),
    sa.Column("key", sa.String(40), nullable=False),
    sa.Column("sent_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("account_id", "agency", "employee_id", "item", "key", name="digest_items_sent_once"),
)

ACTIVITY_COLUMNS: tuple[str, ...] = tuple(c.name for c in activity.columns)

# auth: (issue 21, migration 0003_accounts) invitations to set one's own password, and the sign-in limits
# one-time links to set an account's password: only the link's SHA-256 is kept
invitations = sa.Table(
    "invitations", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=False),
    sa.Column("used_at", sa.String(40)),
)

# per account name ("name:NAME": the failed password checks of the last 15 minutes, a JSON list of stamps each
# taken before the hash is checked, and the throttled tries since the last check) and per name and address
# ("pair:SHA256": the failures in a row, for the back-off)
sign_in_limits = sa.Table(
    "sign_in_limits", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("recent", sa.Text, nullable=False),
    sa.Column("streak", sa.Integer, nullable=False),
    sa.Column("last_failure", sa.String(40)),
    sa.Column("throttled", sa.Integer, nullable=False),
    sa.Index("sign_in_limits_last_failure", "last_failure"),
)

__all__ = ["ACTIVITY_COLUMNS", "accounts", "activity", "agencies", "calendar_feeds", "digest_items_sent", "employees",
           "endorsement_notes", "meta",
           "metadata", "positions", "tokens"]
__all__ += ["invitations", "sign_in_limits"]  # auth


# store: (branch store, issue 21) every version of every record, who made it and through what; employees marked
# separated by an import (kept, out of teams); where each endorsement came from besides the service's own notes
record_versions = sa.Table(
    "record_versions", metadata,
    sa.Column("agency", sa.String(80), primary_key=True),
    sa.Column("employee_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("record_json", sa.Text, nullable=False),
    sa.Column("record_sha256", sa.String(64), nullable=False),
    sa.Column("via", sa.String(20), nullable=False),  # import, edit, endorsement, restore, separation, stored
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)

separations = sa.Table(
    "separations", metadata,
    sa.Column("agency", sa.String(80), primary_key=True),
    sa.Column("employee_id", sa.String(200), primary_key=True),
    sa.Column("separated_at", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
)

endorsement_sources = sa.Table(
    "endorsement_sources", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency", sa.String(80), nullable=False),
    sa.Column("employee_id", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("by_role", sa.String(80), nullable=False),
    sa.Column("toward", sa.String(200), nullable=False),
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("source", sa.String(10), nullable=False),  # paper (entered by HR) or import (an HR-system file)
    sa.Column("account", sa.String(200), nullable=False),
    sa.Column("reference", sa.Text, nullable=False),  # the paper record's reference, or the imported file's name
    sa.Column("comment", sa.Text),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Index("endorsement_sources_employee", "agency", "employee_id"),
)

__all__ += ["endorsement_sources", "record_versions", "separations"]


# w24a (issue 24 item 3, migration 0006_endorse_flow): what endorsers and supervisors did besides giving an
# endorsement, kept like every endorsement (imports never touch it): a decline or a send-back with its reason, a
# withdrawal of one's own endorsement (the endorsement leaves the record in a new version; this row keeps who, when
# and why), and a supervisor's request to an endorsing role
endorsement_events = sa.Table(
    "endorsement_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency", sa.String(80), nullable=False),
    sa.Column("employee_id", sa.String(200), nullable=False),
    sa.Column("event", sa.String(20), nullable=False),  # declined, sent_back, withdrawn, asked
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("by_role", sa.String(80), nullable=False),  # the endorsing role (asked: the role asked)
    sa.Column("toward", sa.String(200), nullable=False),
    sa.Column("date", sa.String(10), nullable=False),  # withdrawn: the endorsement's date; else the day
    sa.Column("account", sa.String(200), nullable=False),  # who did it
    sa.Column("reason", sa.Text),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Index("endorsement_events_employee", "agency", "employee_id"),
)

__all__ += ["endorsement_events"]
# w24b: (issue 24 item 4) the agency's column mappings for HR-system exports, every saved version kept (the newest
# is the one imports read); via: proposed, edited or uploaded
import_mappings = sa.Table(
    "import_mappings", metadata,
    sa.Column("agency", sa.String(80), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("mapping_text", sa.Text, nullable=False),
    sa.Column("mapping_sha256", sa.String(64), nullable=False),
    sa.Column("via", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("saved_at", sa.String(40), nullable=False),
)

__all__ += ["import_mappings"]
# w26 (issue 26): each agency's rule files as versions in the store: imported, or proposed by one HR account and
# approved (with its effective date) or rejected by another; withdrawn and rejected versions are kept
rules_versions = sa.Table(
    "rules_versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency", sa.String(80), nullable=False),
    sa.Column("rules_version", sa.String(200), nullable=False),
    sa.Column("file_name", sa.String(200), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),  # the rule file's bytes, as hashed
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),  # proposed, approved, rejected, withdrawn
    sa.Column("based_on", sa.Integer),  # the approved version the proposal was made from
    sa.Column("proposed_by", sa.String(200), nullable=False),
    sa.Column("proposed_at", sa.String(40), nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("intended", sa.String(10)),  # the effective date the proposer intends
    sa.Column("effective", sa.String(10)),  # approved: in force from this day (None: from the first day on)
    sa.Column("decided_by", sa.String(200)),
    sa.Column("decided_at", sa.String(40)),
    sa.Column("reason", sa.Text),  # a retroactive date's reason, or why it was rejected or withdrawn
    sa.Column("impact_json", sa.Text),  # the impact shown at approval
    sa.UniqueConstraint("agency", "rules_version", name="rules_versions_label"),
)

__all__ += ["rules_versions"]

# -- logstore: the decision log's two tables, declared in eligibility.audit.schema (the one place), made by the
# migration 0009_decision_log in the store and by the same schema.create in a standalone --log file
decisions = decision_log_schema.decisions.to_metadata(metadata)
decision_log_meta = decision_log_schema.log_meta.to_metadata(metadata)

__all__ += ["decisions", "decision_log_meta"]

# rulespage (issue 26 item 3, migration 0010_rule_sources): the specification text a rules version was drafted from,
# kept with the version (and its SHA-256) so that lint's quote check runs against it in the service
rule_sources = sa.Table(
    "rule_sources", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("rules_versions.id"), nullable=False),
    sa.Column("document", sa.String(200), nullable=False),  # the file name the rule file's citations give
    sa.Column("content", sa.Text, nullable=False),  # the text as uploaded (UTF-8, byte-order mark dropped)
    sa.Column("sha256", sa.String(64), nullable=False),  # of the text's UTF-8 bytes
    sa.Column("kept_by", sa.String(200), nullable=False),
    sa.Column("kept_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("version_id", "document", name="rule_sources_document"),
)

__all__ += ["rule_sources"]
