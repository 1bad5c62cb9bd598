//! What partners and people are told of a change, written beside its audit entry in the same
//! transaction: the resource's row in the changes feed (`services::events::changes`), the webhook events
//! it raises (`services::events::webhooks`) and the notices in people's inboxes
//! (`services::events::notifications`). The audit trail already records every write with its entity, its
//! platform and what changed, so this one hook sees every change and no handler can forget one.

pub mod changes;
pub mod notifications;
pub mod webhooks;

use chrono::{DateTime, Utc};
use entity::{membership, registration};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QuerySelect, Statement, Value,
};
use serde_json::{Map, Value as Json};

use self::changes::{Change, Op};
use crate::audit::{Action, Actor, Entity, Entry};
use crate::domain::{MailKind, NoticeKind};
use crate::email::Email;
use crate::error::ApiError;
use crate::services::jobs::outbox;

/// An audited change, as the audit entry describes it.
#[derive(Clone, Copy, Debug)]
pub struct Fact<'a> {
    pub action: Action,
    pub entity_id: Option<i64>,
    pub platform_id: Option<i64>,
    pub changes: &'a Map<String, Json>,
}

impl Entry {
    /// Writes the entry on `db` (the write's transaction), and with it what partners and people
    /// are told of the change: its row in the changes feed, its webhook messages, its notices.
    /// On PostgreSQL the entry, the feed's row, the webhook messages and the mail it sends
    /// ([`Entry::mail`]) are one statement.
    pub async fn write(
        mut self,
        db: &impl ConnectionTrait,
        actor: impl Into<Actor>,
        at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let actor = actor.into();
        let fact = Fact {
            action: self.action,
            entity_id: self.entity_id,
            platform_id: self.platform_id,
            changes: &self.changes,
        };
        let told = Told::of(db, &fact, self.owner).await?;
        let mail = std::mem::take(&mut self.mail);
        if db.get_database_backend() == DatabaseBackend::Postgres {
            write_at_once(db, &self, actor, &told, &mail, at).await?;
            if !mail.is_empty() {
                crate::state::Wake::queued_mail();
            }
        } else {
            if let Some(change) = told.change {
                changes::record(db, change, at).await?;
            }
            for (event, data) in &told.events {
                webhooks::enqueue(db, event, fact.platform_id, data, at).await?;
            }
            for (kind, email) in mail {
                outbox::enqueue(db, kind, email, at).await?;
            }
            self.row(actor, at).insert(db).await?;
        }
        if let Some(notice) = told.notice {
            notifications::from_fact(db, notice, &fact, told.owner, at).await?;
        }
        Ok(())
    }
}

/// What one change tells: its feed row, its webhook events with their data, its notice.
struct Told {
    change: Option<Change>,
    events: Vec<(&'static str, Json)>,
    notice: Option<NoticeKind>,
    owner: Option<(i64, Option<i64>)>,
}

impl Told {
    /// Decides (`tells`) and gathers what the telling needs: the owner of a registration or
    /// membership is read only when the writer did not say and something names it.
    async fn of(
        db: &impl ConnectionTrait,
        fact: &Fact<'_>,
        owner: Option<(i64, Option<i64>)>,
    ) -> Result<Told, ApiError> {
        let Tells {
            feed,
            webhooks: events,
            notice,
        } = tells(fact.action);
        let none = Told {
            change: None,
            events: Vec::new(),
            notice: None,
            owner: None,
        };
        let Some(id) = fact.entity_id else {
            return Ok(none);
        };
        if feed.is_none() && events.is_empty() && notice.is_none() {
            return Ok(none);
        }
        let entity = fact.action.entity();
        let owner = match owner {
            Some(o) => Some(o),
            None => owner_of(db, entity, id).await?,
        };
        let change = feed.map(|op| Change {
            entity_type: entity.as_str(),
            entity_id: id,
            op,
            platform_id: fact.platform_id,
            user_id: owner.map(|(user, _)| user),
        });
        let events = if events.is_empty() {
            Vec::new()
        } else {
            let data = webhooks::data_of(entity, id, fact.platform_id, fact.changes, owner);
            events.iter().map(|e| (*e, data.clone())).collect()
        };
        Ok(Told {
            change,
            events,
            notice,
            owner,
        })
    }
}

/// The entry, its feed row (the resource's earlier row gone), its webhook messages to every
/// enabled subscription that wants them and its mail, in one statement (PostgreSQL).
async fn write_at_once(
    db: &impl ConnectionTrait,
    entry: &Entry,
    actor: Actor,
    told: &Told,
    mail: &[(MailKind, Email)],
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let backend = db.get_database_backend();
    let txid = changes::txid_sql(backend);
    let mut values: Vec<Value> = vec![
        at.into(),
        actor.user_id.into(),
        actor.api_key_id.into(),
        entry.action.name().into(),
        entry.action.entity().as_str().into(),
        entry.entity_id.into(),
        entry.platform_id.into(),
        serde_json::to_string(&entry.changes)
            .unwrap_or_default()
            .into(),
    ];
    let mut parts = Vec::new();
    if let Some(c) = told.change {
        let n = values.len();
        values.extend([
            c.entity_type.into(),
            c.entity_id.into(),
            c.op.as_str().into(),
            c.user_id.into(),
        ]);
        parts.push(format!(
            "old AS (DELETE FROM change_log WHERE entity_type = ${a} AND entity_id = ${b} RETURNING version), \
             feed AS (INSERT INTO change_log (txid, entity_type, entity_id, op, version, platform_id, user_id, changed_at) \
             SELECT {txid}, ${a}, ${b}, ${c}, COALESCE((SELECT MAX(version) FROM old), 0) + 1, $7, ${d}, $1)",
            a = n + 1,
            b = n + 2,
            c = n + 3,
            d = n + 4,
        ));
    }
    if !told.events.is_empty() {
        let mut rows = Vec::new();
        for (event, data) in &told.events {
            let (msg_id, payload) = webhooks::message(event, data, at)?;
            let n = values.len();
            values.extend([msg_id.into(), (*event).into(), payload.into()]);
            rows.push(format!("(${}, ${}, ${})", n + 1, n + 2, n + 3));
        }
        values.push(entry.platform_id.map(|p| p.to_string()).into());
        let platform = values.len();
        parts.push(format!(
            "hooks AS (INSERT INTO webhook_deliveries (subscription_id, txid, msg_id, event_type, \
             platform_id, payload, status, attempts, next_attempt_at, created_at) \
             SELECT s.id, {txid}, e.msg_id, e.event_type, $7, e.payload, 'pending', 0, $1, $1 \
             FROM webhook_subscriptions s JOIN (VALUES {}) AS e (msg_id, event_type, payload) \
             ON s.event_types LIKE '%\"' || e.event_type || '\"%' \
             WHERE s.enabled AND {} RETURNING 1)",
            rows.join(", "),
            webhooks::wants_platform_sql(platform),
        ));
    }
    parts.extend(outbox::insert_part(&mut values, mail, 1));
    let with = if parts.is_empty() {
        String::new()
    } else {
        format!("WITH {} ", parts.join(", "))
    };
    let insert = format!(
        "{with}INSERT INTO audit_log (at, actor_id, api_key_id, action, entity_type, entity_id, \
         platform_id, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    );
    if told.events.is_empty() {
        db.execute_raw(Statement::from_sql_and_values(backend, insert, values))
            .await?;
        return Ok(());
    }
    // How many messages went out with it: the webhook job is woken only when some did.
    let queued = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!("{insert} RETURNING (SELECT count(*) FROM hooks) AS queued"),
            values,
        ))
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    if queued > 0 {
        crate::state::Wake::queued_webhooks();
    }
    Ok(())
}

/// Deletes a row by id and records it with its last state: 404 when there is none, 409
/// `still_referenced` while other rows refer to it. `entry` names the action for the row.
pub async fn delete_recorded<E>(
    db: &impl ConnectionTrait,
    id: i64,
    entry: impl FnOnce(&E::Model) -> Entry,
    actor: impl Into<Actor>,
    at: DateTime<Utc>,
) -> Result<E::Model, ApiError>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
    E::Model: Sync,
{
    let current = crate::db::find_or_404::<E>(db, id).await?;
    delete_row::<E>(db, id, &current, entry(&current), actor, at).await?;
    Ok(current)
}

/// Deletes a row already read (and checked) and records it with that state; 409
/// `still_referenced` while other rows refer to it.
pub async fn delete_row<E>(
    db: &impl ConnectionTrait,
    id: i64,
    row: &E::Model,
    entry: Entry,
    actor: impl Into<Actor>,
    at: DateTime<Utc>,
) -> Result<(), ApiError>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::delete_by_id(id)
        .exec(db)
        .await
        .map_err(ApiError::from_delete)?;
    entry.deleted(row).write(db, actor, at).await
}

/// What an audited action tells: whether the changes feed carries it (and as what operation on
/// its resource), which webhook events it raises, and which notice it may put in inboxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tells {
    pub feed: Option<Op>,
    pub webhooks: &'static [&'static str],
    pub notice: Option<NoticeKind>,
}

/// The one decision per action, exhaustive: a new action (or status) does not compile until it
/// says what mirrors, partners and inboxes are told. A workshop's edit tells its registrants
/// only when it moved the workshop (`notifications::from_fact` reads which fields changed).
pub fn tells(action: Action) -> Tells {
    use crate::domain::{
        DocumentStatus, ExchangeStatus, PaperStatus, PracticeStatus, RegistrationStatus,
        WorkshopStatus,
    };
    use Action as A;
    let (feed, webhooks, notice): (Option<Op>, &'static [&'static str], Option<NoticeKind>) =
        match action {
            A::ActivityCreate
            | A::LocalAuthorityCreate
            | A::MilestoneCreate
            | A::PlatformCreate
            | A::PositionPaperCreate
            | A::PracticeCreate
            | A::DocumentCreate
            | A::TaskForceCreate
            | A::TopicCreate
            | A::WorkshopCreate {
                status: WorkshopStatus::Draft,
            }
            | A::WorkshopCreate {
                status: WorkshopStatus::Completed,
            }
            | A::WorkshopCreate {
                status: WorkshopStatus::Cancelled,
            } => (Some(Op::Create), &[], None),
            A::ActivityDelete
            | A::LocalAuthorityDelete
            | A::MilestoneDelete
            | A::PlatformDelete
            | A::TaskForceDelete
            | A::TopicDelete => (Some(Op::Delete), &[], None),
            A::ActivitySpending
            | A::ActivityStatus
            | A::ActivityUpdate
            | A::LocalAuthorityUpdate
            | A::MilestoneUpdate
            | A::PlatformUpdate
            | A::PositionPaperUpdate
            | A::PracticeUpdate
            | A::DocumentUpdate
            | A::DocumentTransition {
                to: DocumentStatus::Planned,
            }
            | A::DocumentTransition {
                to: DocumentStatus::Draft,
            }
            | A::DocumentTransition {
                to: DocumentStatus::Archived,
            }
            | A::PracticeTransition {
                to: PracticeStatus::Draft,
            }
            | A::PracticeTransition {
                to: PracticeStatus::Submitted,
            }
            | A::PracticeTransition {
                to: PracticeStatus::Archived,
            }
            | A::RegistrationCheckIn
            | A::RegistrationRecord
            | A::TaskForceUpdate
            | A::TopicUpdate
            | A::WorkshopAttendance
            | A::WorkshopCheckIns
            | A::WorkshopTransition {
                to: WorkshopStatus::Draft,
            } => (Some(Op::Update), &[], None),
            A::ElectionCertify => (None, &["election.certified"], None),
            A::ExchangeRequestCreate => (
                None,
                &["exchange.requested"],
                Some(NoticeKind::ExchangeRequested),
            ),
            A::ExchangeRequestDecide {
                to: ExchangeStatus::Accepted,
            }
            | A::ExchangeRequestDecide {
                to: ExchangeStatus::Declined,
            } => (
                None,
                &["exchange.decided"],
                Some(NoticeKind::ExchangeDecided),
            ),
            // Nothing goes back to asked.
            A::ExchangeRequestDecide {
                to: ExchangeStatus::Requested,
            } => (None, &[], None),
            A::PracticeReplicate => (None, &["practice.replicated"], None),
            A::DiscussionCreate => (Some(Op::Create), &["discussion.created"], None),
            A::DiscussionUpdate | A::DiscussionModerate => (Some(Op::Update), &[], None),
            A::AnswerAccept => (Some(Op::Update), &["answer.accepted"], None),
            // Followers of the discussion and of its space are told, and whom it mentions.
            A::PostCreate => (
                Some(Op::Create),
                &["post.created"],
                Some(NoticeKind::DiscussionReply),
            ),
            // A deleted reply stays in its thread as a tombstone.
            A::PostUpdate | A::PostDelete | A::PostUnhide => (Some(Op::Update), &[], None),
            // Its author is told why.
            A::PostHide => (Some(Op::Update), &[], Some(NoticeKind::PostHidden)),
            // The space's coordinators have something in their queue; the reply is unchanged.
            A::FlagCreate => (None, &[], Some(NoticeKind::PostFlagged)),
            A::FlagDecide | A::DiscussionFollow | A::DiscussionUnfollow => (None, &[], None),
            A::PracticeTransition {
                to: PracticeStatus::Published,
            } => (
                Some(Op::Update),
                &["practice.published"],
                Some(NoticeKind::PracticePublished),
            ),
            A::DocumentTransition {
                to: DocumentStatus::Published,
            } => (Some(Op::Update), &["document.published"], None),
            A::FileCreate => (Some(Op::Create), &["file.attached"], None),
            // A file the scanner found infected is removed as any other.
            A::FileDelete => (Some(Op::Delete), &["file.removed"], None),
            // The uploader learns why their file is gone.
            A::FileInfected => (
                Some(Op::Delete),
                &["file.removed"],
                Some(NoticeKind::FileInfected),
            ),
            // A file the scanner passed: its status changed.
            A::FileScanned => (Some(Op::Update), &[], None),
            A::ElectionCreate => (None, &["election.opened"], Some(NoticeKind::ElectionOpened)),
            A::MembershipApprove => (
                None,
                &["membership.approved"],
                Some(NoticeKind::MembershipApproved),
            ),
            A::MembershipReject => (None, &[], Some(NoticeKind::MembershipRejected)),
            A::MembershipRequest => (
                None,
                &["membership.requested"],
                Some(NoticeKind::MembershipRequested),
            ),
            A::PartnershipStep => (None, &["partnership.step_recorded"], None),
            A::PositionPaperEndorse => (None, &[], Some(NoticeKind::PositionPaperEndorsed)),
            A::RegistrationCancel => (Some(Op::Update), &["registration.cancelled"], None),
            A::RegistrationPromote => (
                Some(Op::Update),
                &["registration.promoted"],
                Some(NoticeKind::RegistrationPromoted),
            ),
            A::WorkshopMinutes => (Some(Op::Update), &["workshop.updated"], None),
            A::WorkshopUpdate => (
                Some(Op::Update),
                &["workshop.updated"],
                Some(NoticeKind::WorkshopChanged),
            ),
            A::WorkshopCreate {
                status: WorkshopStatus::Scheduled,
            } => (Some(Op::Create), &["workshop.scheduled"], None),
            A::WorkshopTransition {
                to: WorkshopStatus::Scheduled,
            } => (Some(Op::Update), &["workshop.scheduled"], None),
            A::WorkshopTransition {
                to: WorkshopStatus::Completed,
            } => (Some(Op::Update), &["workshop.completed"], None),
            A::WorkshopTransition {
                to: WorkshopStatus::Cancelled,
            } => (
                Some(Op::Update),
                &["workshop.cancelled"],
                Some(NoticeKind::WorkshopCancelled),
            ),
            A::RegistrationCreate {
                status: RegistrationStatus::Registered,
            }
            | A::RegistrationCreate {
                status: RegistrationStatus::Cancelled,
            }
            | A::RegistrationCreate {
                status: RegistrationStatus::Attended,
            }
            | A::RegistrationCreate {
                status: RegistrationStatus::NoShow,
            } => (Some(Op::Create), &["registration.created"], None),
            A::RegistrationCreate {
                status: RegistrationStatus::Waitlisted,
            } => (Some(Op::Create), &["registration.waitlisted"], None),
            A::PositionPaperTransition {
                to: PaperStatus::Draft,
            }
            | A::PositionPaperTransition {
                to: PaperStatus::Submitted,
            }
            | A::PositionPaperTransition {
                to: PaperStatus::Withdrawn,
            } => (Some(Op::Update), &["position_paper.status_changed"], None),
            A::PositionPaperTransition {
                to: PaperStatus::InReview,
            } => (
                Some(Op::Update),
                &["position_paper.status_changed"],
                Some(NoticeKind::PositionPaperInReview),
            ),
            A::PositionPaperTransition {
                to: PaperStatus::Adopted,
            } => (
                Some(Op::Update),
                &["position_paper.status_changed"],
                Some(NoticeKind::PositionPaperAdopted),
            ),
            A::PositionPaperTransition {
                to: PaperStatus::Published,
            } => (
                Some(Op::Update),
                &["position_paper.status_changed", "position_paper.published"],
                None,
            ),
            A::ApiKeyCreate
            | A::ApiKeyRevoke
            | A::ApiKeyRotate
            | A::CalendarTokenCreate
            | A::CalendarTokenRevoke
            | A::TopicFollow
            | A::TopicUnfollow
            | A::CoordinatorTermEnd
            | A::ElectionAcceptNomination
            | A::ElectionNominate
            | A::ElectionVote
            | A::ElectionWithdrawCandidate
            | A::MembershipLeave
            | A::PartnershipCreate
            | A::PartnershipMeasurement
            | A::PartnershipPayment
            | A::PartnershipUpdate
            | A::PositionPaperWithdrawEndorsement
            | A::SessionLogin
            | A::SessionLogout
            | A::SessionRefresh
            | A::SessionReuseRevoked
            | A::TaskForceAddMember
            | A::TaskForceRemoveMember
            | A::UserAcceptInvitation
            | A::UserCreate
            | A::UserDelete
            | A::UserEmailVerificationRequest
            | A::UserEmailVerify
            | A::UserPasswordChange
            | A::UserPasswordReset
            | A::UserPasswordResetRequest
            | A::UserUpdate
            | A::UserUpdateSelf
            | A::WebhookCreate
            | A::WebhookDelete
            | A::WebhookReplay
            | A::WebhookReplayRange
            | A::WebhookRotateSecret
            | A::WebhookUpdate
            | A::WorkPlanAddAxis
            | A::WorkPlanApprove
            | A::WorkPlanCreate
            | A::WorkPlanDelete
            | A::WorkPlanReorderTopics
            | A::WorkPlanUpdate
            | A::WorkingGroupAddMember
            | A::WorkingGroupCreate
            | A::WorkingGroupRemoveMember
            | A::WorkingGroupUpdate => (None, &[], None),
        };
    Tells {
        feed,
        webhooks,
        notice,
    }
}

/// The person a registration or a membership belongs to (and a registration's workshop).
async fn owner_of(
    db: &impl ConnectionTrait,
    entity: Entity,
    id: i64,
) -> Result<Option<(i64, Option<i64>)>, ApiError> {
    Ok(match entity {
        Entity::Registration => registration::Entity::find_by_id(id)
            .select_only()
            .column(registration::Column::UserId)
            .column(registration::Column::WorkshopId)
            .into_tuple::<(i64, i64)>()
            .one(db)
            .await?
            .map(|(u, w)| (u, Some(w))),
        Entity::Membership => membership::Entity::find_by_id(id)
            .select_only()
            .column(membership::Column::UserId)
            .into_tuple::<i64>()
            .one(db)
            .await?
            .map(|u| (u, None)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status a data-carrying action names, as the trail's diff showed it.
    fn status_of(action: Action) -> &'static str {
        match action {
            Action::WorkshopCreate { status } => status.as_str(),
            Action::WorkshopTransition { to } => to.as_str(),
            Action::RegistrationCreate { status } => status.as_str(),
            Action::PositionPaperTransition { to } => to.as_str(),
            Action::PracticeTransition { to } => to.as_str(),
            Action::DocumentTransition { to } => to.as_str(),
            Action::ExchangeRequestDecide { to } => to.as_str(),
            _ => "-",
        }
    }

    /// What each action tells the feed, partners and inboxes is what the string dispatch told
    /// before actions were typed (`decisions.txt`, written from that code): the feed's and the
    /// webhooks' wire format do not change.
    #[test]
    fn every_action_tells_what_it_told_before() {
        let actual: Vec<String> = crate::audit::every_action()
            .into_iter()
            .map(|a| {
                let told = tells(a);
                let feed = told.feed.map_or("-".to_owned(), |op| {
                    format!("{}:{}", a.entity().as_str(), op.as_str())
                });
                let events = told.webhooks.join(",");
                let notice = told.notice.map_or("-", |k| k.as_str());
                format!(
                    "{} {} feed={feed} webhooks={} notice={notice}",
                    a.name(),
                    status_of(a),
                    if events.is_empty() { "-" } else { &events },
                )
            })
            .collect();
        let mut actual = actual;
        actual.sort_unstable();
        let mut expected: Vec<&str> = include_str!("decisions.txt").lines().collect();
        expected.sort_unstable();
        assert_eq!(actual, expected);
    }
}
