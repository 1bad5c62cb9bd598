//! Webhooks as the Standard Webhooks specification describes them. An event is written to every
//! matching subscription's deliveries in the transaction of the change it tells about (an
//! outbox); the supervised `webhooks` job delivers them after commit, one subscription at a time
//! per worker and in `(txid, id)` order within it (see `services::changes` for why that order
//! never lets a late commit slip behind), signed with `webhook-id`, `webhook-timestamp` and
//! `webhook-signature: v1,<base64 HMAC-SHA256>` — with both secrets while a rotated one is in its
//! grace period. A failure is retried with exponential backoff and jitter until
//! `give_up_after` (three days); the next message of the subscription waits meanwhile, so order
//! holds. 410 Gone disables the subscription; redirects are not followed; targets in private
//! ranges are refused unless `WEBHOOKS_ALLOW_PRIVATE_TARGETS=true`, checked again at every
//! connection (a name that resolves to a private address is refused too).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use chrono::{DateTime, DurationRound, Utc};
use entity::{webhook_delivery, webhook_subscription};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult,
    QueryFilter, Set, Statement,
};
use serde::Serialize;
use serde_json::Value as Json;
use sha2::Sha256;

use crate::audit::{Action, Entity};
use crate::config::Webhooks as WebhookConfig;
use crate::error::ApiError;
use crate::services::changes::{settled_sql, txid_sql};
use crate::state::AppState;

/// How every signing secret starts.
pub const SECRET_PREFIX: &str = "whsec_";

/// One event type of the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct EventType {
    pub name: &'static str,
    pub en: &'static str,
    pub ar: &'static str,
    /// The schema of the event's `data` (a component of the OpenAPI document).
    pub schema: &'static str,
}

const fn ev(
    name: &'static str,
    en: &'static str,
    ar: &'static str,
    schema: &'static str,
) -> EventType {
    EventType {
        name,
        en,
        ar,
        schema,
    }
}

/// Every event a subscription can ask for.
pub const CATALOGUE: &[EventType] = &[
    ev(
        "workshop.scheduled",
        "A workshop was scheduled (created as scheduled, or moved there from a draft).",
        "جُدولت ورشة عمل.",
        "WorkshopEventData",
    ),
    ev(
        "workshop.updated",
        "A scheduled workshop's details changed (time, place, capacity, minutes, …).",
        "تغيرت تفاصيل ورشة عمل.",
        "WorkshopEventData",
    ),
    ev(
        "workshop.cancelled",
        "A workshop was cancelled.",
        "أُلغيت ورشة عمل.",
        "WorkshopEventData",
    ),
    ev(
        "workshop.completed",
        "A workshop was completed.",
        "اكتملت ورشة عمل.",
        "WorkshopEventData",
    ),
    ev(
        "registration.created",
        "A person took a seat at a workshop.",
        "سُجّل شخص في ورشة عمل.",
        "RegistrationEventData",
    ),
    ev(
        "registration.waitlisted",
        "A person joined a workshop's waiting list.",
        "انضم شخص إلى قائمة انتظار ورشة عمل.",
        "RegistrationEventData",
    ),
    ev(
        "registration.promoted",
        "A waiting person got a freed seat.",
        "حصل شخص من قائمة الانتظار على مقعد.",
        "RegistrationEventData",
    ),
    ev(
        "registration.cancelled",
        "A registration was cancelled.",
        "أُلغي تسجيل.",
        "RegistrationEventData",
    ),
    ev(
        "membership.requested",
        "A person asked to join a platform.",
        "طلب شخص الانضمام إلى منصة.",
        "MembershipEventData",
    ),
    ev(
        "membership.approved",
        "A membership request was approved.",
        "قُبل طلب عضوية.",
        "MembershipEventData",
    ),
    ev(
        "election.opened",
        "A coordinator election was opened on a platform.",
        "فُتحت انتخابات منسق في منصة.",
        "ElectionEventData",
    ),
    ev(
        "election.certified",
        "An election's results were certified.",
        "اعتُمدت نتائج انتخابات.",
        "ElectionEventData",
    ),
    ev(
        "position_paper.status_changed",
        "A position paper moved to another status.",
        "انتقلت ورقة موقف إلى حالة أخرى.",
        "PaperEventData",
    ),
    ev(
        "position_paper.published",
        "A position paper was published.",
        "نُشرت ورقة موقف.",
        "PaperEventData",
    ),
    ev(
        "partnership.step_recorded",
        "A step of a partnership agreement was recorded.",
        "سُجّلت خطوة في اتفاقية شراكة.",
        "PartnershipEventData",
    ),
];

/// Whether a name is in the catalogue.
pub fn is_event_type(name: &str) -> bool {
    CATALOGUE.iter().any(|e| e.name == name)
}

/// The value of a field of an audit entry's changes: the new one when it changed.
/// The value a field took in an audited change (`to` of an update, the value of a creation).
pub fn changed<'a>(changes: &'a serde_json::Map<String, Json>, field: &str) -> Option<&'a Json> {
    let v = changes.get(field)?;
    Some(v.get("to").unwrap_or(v))
}

fn changed_str<'a>(changes: &'a serde_json::Map<String, Json>, field: &str) -> Option<&'a str> {
    changed(changes, field).and_then(Json::as_str)
}

fn previous_str<'a>(changes: &'a serde_json::Map<String, Json>, field: &str) -> Option<&'a str> {
    changes.get(field)?.get("from")?.as_str()
}

/// The webhook events an audited action raises. Exhaustive: a new action decides here what
/// partners are sent.
pub fn events_of(action: Action) -> &'static [&'static str] {
    use crate::domain::{PaperStatus, RegistrationStatus, WorkshopStatus};
    use Action as A;
    match action {
        A::WorkshopCreate {
            status: WorkshopStatus::Scheduled,
        }
        | A::WorkshopTransition {
            to: WorkshopStatus::Scheduled,
        } => &["workshop.scheduled"],
        A::WorkshopCreate { .. } => &[],
        A::WorkshopTransition {
            to: WorkshopStatus::Cancelled,
        } => &["workshop.cancelled"],
        A::WorkshopTransition {
            to: WorkshopStatus::Completed,
        } => &["workshop.completed"],
        A::WorkshopTransition {
            to: WorkshopStatus::Draft,
        } => &[],
        A::RegistrationCreate {
            status: RegistrationStatus::Waitlisted,
        } => &["registration.waitlisted"],
        A::RegistrationCreate { .. } => &["registration.created"],
        A::PositionPaperTransition {
            to: PaperStatus::Published,
        } => &["position_paper.status_changed", "position_paper.published"],
        A::PositionPaperTransition { .. } => &["position_paper.status_changed"],
        A::WorkshopUpdate => &["workshop.updated"],
        A::WorkshopMinutes => &["workshop.updated"],
        A::RegistrationPromote => &["registration.promoted"],
        A::RegistrationCancel => &["registration.cancelled"],
        A::MembershipRequest => &["membership.requested"],
        A::MembershipApprove => &["membership.approved"],
        A::ElectionCreate => &["election.opened"],
        A::ElectionCertify => &["election.certified"],
        A::PartnershipStep => &["partnership.step_recorded"],
        A::ActivityCreate
        | A::ActivityDelete
        | A::ActivitySpending
        | A::ActivityStatus
        | A::ActivityUpdate
        | A::ApiKeyCreate
        | A::ApiKeyRevoke
        | A::ApiKeyRotate
        | A::CalendarTokenCreate
        | A::CalendarTokenRevoke
        | A::CoordinatorTermEnd
        | A::ElectionAcceptNomination
        | A::ElectionNominate
        | A::ElectionVote
        | A::ElectionWithdrawCandidate
        | A::LocalAuthorityCreate
        | A::LocalAuthorityDelete
        | A::LocalAuthorityUpdate
        | A::MembershipLeave
        | A::MembershipReject
        | A::MilestoneCreate
        | A::MilestoneDelete
        | A::MilestoneUpdate
        | A::PartnershipCreate
        | A::PartnershipMeasurement
        | A::PartnershipPayment
        | A::PartnershipUpdate
        | A::PlatformCreate
        | A::PlatformDelete
        | A::PlatformUpdate
        | A::PositionPaperCreate
        | A::PositionPaperEndorse
        | A::PositionPaperUpdate
        | A::PositionPaperWithdrawEndorsement
        | A::RegistrationCheckIn
        | A::RegistrationRecord
        | A::SessionLogin
        | A::SessionLogout
        | A::SessionRefresh
        | A::SessionReuseRevoked
        | A::TaskForceAddMember
        | A::TaskForceCreate
        | A::TaskForceDelete
        | A::TaskForceRemoveMember
        | A::TaskForceUpdate
        | A::TopicCreate
        | A::TopicDelete
        | A::TopicUpdate
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
        | A::WorkingGroupUpdate
        | A::WorkshopAttendance
        | A::WorkshopCheckIns => &[],
    }
}

/// The `data` of workshop events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkshopEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    /// The workshop's status after the change (absent from the change: `null`).
    #[schema(max_length = 24)]
    pub status: Option<String>,
    #[schema(max_length = 24)]
    pub previous_status: Option<String>,
    /// Where to read the workshop.
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of registration events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationEventData {
    pub id: i64,
    pub workshop_id: Option<i64>,
    pub user_id: Option<i64>,
    pub platform_id: Option<i64>,
    #[schema(max_length = 24)]
    pub status: Option<String>,
    /// Where to read the workshop's registrations.
    #[schema(max_length = 200)]
    pub url: Option<String>,
}

/// The `data` of membership events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MembershipEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    pub user_id: Option<i64>,
    #[schema(max_length = 24)]
    pub status: Option<String>,
    /// Where to read the platform's members.
    #[schema(max_length = 200)]
    pub url: Option<String>,
}

/// The `data` of election events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ElectionEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    #[schema(max_length = 24)]
    pub status: Option<String>,
    /// Where to read the election.
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of position paper events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaperEventData {
    pub id: i64,
    pub platform_id: Option<i64>,
    #[schema(max_length = 24)]
    pub status: Option<String>,
    #[schema(max_length = 24)]
    pub previous_status: Option<String>,
    /// Where to read the paper.
    #[schema(max_length = 200)]
    pub url: String,
}

/// The `data` of partnership events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnershipEventData {
    /// The agreement.
    pub id: i64,
    /// The step recorded.
    pub step_id: Option<i64>,
    /// The agreement's status after the step, and before it.
    #[schema(max_length = 24)]
    pub status: Option<String>,
    #[schema(max_length = 24)]
    pub previous_status: Option<String>,
    /// Where to read the agreement's steps.
    #[schema(max_length = 200)]
    pub url: String,
}

/// What an event's `data` holds: the resource (its id and where to read it), its platform, and
/// what the change was about. `owner` is a registration's or membership's person (and a
/// registration's workshop).
pub fn data_of(
    entity: Entity,
    id: i64,
    platform_id: Option<i64>,
    changes: &serde_json::Map<String, Json>,
    owner: Option<(i64, Option<i64>)>,
) -> Json {
    let status = changed_str(changes, "status").map(str::to_owned);
    let previous_status = previous_str(changes, "status").map(str::to_owned);
    let user_id = owner.map(|(u, _)| u);
    let data = match entity {
        Entity::Workshop => serde_json::to_value(WorkshopEventData {
            id,
            platform_id,
            status,
            previous_status,
            url: format!("/api/v1/workshops/{id}"),
        }),
        Entity::Registration => {
            let workshop_id = owner.and_then(|(_, w)| w);
            serde_json::to_value(RegistrationEventData {
                id,
                workshop_id,
                user_id,
                platform_id,
                status,
                url: workshop_id.map(|w| format!("/api/v1/workshops/{w}/registrations")),
            })
        }
        Entity::Membership => serde_json::to_value(MembershipEventData {
            id,
            platform_id,
            user_id,
            status,
            url: platform_id.map(|p| format!("/api/v1/platforms/{p}/members")),
        }),
        Entity::Election => serde_json::to_value(ElectionEventData {
            id,
            platform_id,
            status,
            url: format!("/api/v1/elections/{id}"),
        }),
        Entity::PositionPaper => serde_json::to_value(PaperEventData {
            id,
            platform_id,
            status,
            previous_status,
            url: format!("/api/v1/position-papers/{id}"),
        }),
        _ => serde_json::to_value(PartnershipEventData {
            id,
            step_id: changes
                .get("step")
                .and_then(|s| s.get("id"))
                .and_then(Json::as_i64),
            status,
            previous_status,
            url: format!("/api/v1/partnerships/{id}/steps"),
        }),
    };
    data.unwrap_or(Json::Null)
}

/// The body of a message, as signed and sent.
#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: String,
    data: &'a Json,
}

/// Writes one event to the deliveries of every enabled subscription that wants it (inside the
/// change's transaction). A subscription limited to platforms gets only their events.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    event_type: &str,
    platform_id: Option<i64>,
    data: &Json,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let wanted = format!("%\"{event_type}\"%");
    let subs: Vec<(i64, Option<String>)> = webhook_subscription::Entity::find()
        .select_only_columns()
        .filter(webhook_subscription::Column::Enabled.eq(true))
        .filter(webhook_subscription::Column::EventTypes.like(wanted))
        .into_tuple()
        .all(db)
        .await?;
    let targets: Vec<i64> = subs
        .into_iter()
        .filter(|(_, platforms)| match platforms.as_deref() {
            None => true,
            Some(list) => platform_id.is_some_and(|p| {
                serde_json::from_str::<Vec<i64>>(list).is_ok_and(|l| l.contains(&p))
            }),
        })
        .map(|(id, _)| id)
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let payload = serde_json::to_string(&Envelope {
        kind: event_type,
        timestamp: at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        data,
    })
    .map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let msg_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let backend = db.get_database_backend();
    let sql = format!(
        "INSERT INTO webhook_deliveries (subscription_id, txid, msg_id, event_type, platform_id, \
         payload, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, {}, $2, $3, $4, $5, 'pending', 0, $6, $6)",
        txid_sql(backend)
    );
    for sub in targets {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql.clone(),
            [
                sub.into(),
                msg_id.clone().into(),
                event_type.into(),
                platform_id.into(),
                payload.clone().into(),
                at.into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

trait SelectIdAndPlatforms {
    fn select_only_columns(self) -> Self;
}

impl SelectIdAndPlatforms for sea_orm::Select<webhook_subscription::Entity> {
    fn select_only_columns(self) -> Self {
        use sea_orm::QuerySelect;
        self.select_only()
            .column(webhook_subscription::Column::Id)
            .column(webhook_subscription::Column::PlatformIds)
    }
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// `v1,<signature>` of one message with one secret.
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX)?)
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{msg_id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` value: one signature per secret in use, space-separated.
pub fn signature_header(
    sub: &webhook_subscription::Model,
    msg_id: &str,
    timestamp: i64,
    body: &str,
    now: DateTime<Utc>,
) -> String {
    let mut secrets = vec![sub.secret.as_str()];
    if let (Some(previous), Some(until)) = (&sub.previous_secret, sub.previous_secret_expires_at)
        && until > now
    {
        secrets.push(previous);
    }
    secrets
        .into_iter()
        .filter_map(|s| sign(s, msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether an address is one a webhook may not reach outside development: loopback, private,
/// carrier-grade NAT, link-local, unique-local, site-local, multicast, unspecified,
/// documentation, benchmark, discard-only; and any IPv6 address that carries an IPv4 one a
/// router would reach (IPv4-compatible, -mapped and -translated, NAT64, 6to4, Teredo) when
/// that IPv4 address is itself private.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                // Site-local (deprecated, still routed inside some networks).
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                // Discard-only and local-use NAT64 prefixes.
                || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])
                || (s[0] == 0x0064 && s[1] == 0xff9b && s[2] == 1)
                || embedded_v4(&s)
                    .into_iter()
                    .any(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

/// The IPv4 addresses an IPv6 address carries for translation or tunnelling.
fn embedded_v4(s: &[u16; 8]) -> Vec<std::net::Ipv4Addr> {
    let v4 = |hi: u16, lo: u16| std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    let mut found = Vec::new();
    // IPv4-compatible ::a.b.c.d, IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d.
    if s[..4] == [0, 0, 0, 0] && matches!((s[4], s[5]), (0, 0) | (0, 0xffff) | (0xffff, 0)) {
        found.push(v4(s[6], s[7]));
    }
    // NAT64 well-known prefix 64:ff9b::/96.
    if s[..6] == [0x0064, 0xff9b, 0, 0, 0, 0] {
        found.push(v4(s[6], s[7]));
    }
    // 6to4 2002:a.b.c.d::/48.
    if s[0] == 0x2002 {
        found.push(v4(s[1], s[2]));
    }
    // Teredo 2001:0::/32: the server, and the client (its bits inverted).
    if s[0] == 0x2001 && s[1] == 0 {
        found.push(v4(s[2], s[3]));
        found.push(v4(!s[6], !s[7]));
    }
    found
}

/// What is wrong with a target URL, as a field code and a message: not http(s), not https
/// outside development, or an address in a private range (a name is resolved to check it).
pub async fn target_problem(
    url: &str,
    config: &crate::config::Config,
) -> Option<(&'static str, crate::i18n::Text)> {
    use crate::i18n::Text;
    let parsed = url::Url::parse(url).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some_and(|h| !h.is_empty())
            && u.username().is_empty()
            && u.password().is_none()
    });
    let Some(parsed) = parsed else {
        return Some((
            "url",
            Text::new(
                "An absolute http(s) URL with a host and no user name or password.",
                "رابط http(s) كامل فيه اسم مضيف ومن غير اسم مستخدم أو كلمة مرور.",
            ),
        ));
    };
    let development =
        config.mode == crate::config::Mode::Development || config.webhooks.allow_private_targets;
    if parsed.scheme() != "https" && !development {
        return Some((
            "not_https",
            Text::new(
                "Webhooks are only sent over https.",
                "لا تُرسل الخطافات إلا عبر https.",
            ),
        ));
    }
    if config.webhooks.allow_private_targets {
        return None;
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let private = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => is_private(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_private(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            // Well within a request's time: a name that does not answer by then is checked
            // again at every delivery.
            let lookup = tokio::time::timeout(
                Duration::from_secs(1),
                tokio::net::lookup_host((name.to_owned(), port)),
            )
            .await;
            match lookup {
                // Refused when any address is private; a name that does not resolve now may
                // later, and is checked again at every delivery.
                Ok(Ok(addrs)) => addrs.into_iter().any(|a| is_private(a.ip())),
                _ => false,
            }
        }
        None => true,
    };
    private.then(|| {
        (
            "private_target",
            Text::new(
                "The address is in a private, loopback or link-local range: webhooks only go to public addresses.",
                "العنوان في نطاق خاص أو محلي: لا تُرسل الخطافات إلا إلى عناوين عامة.",
            ),
        )
    })
}

/// Resolves names for deliveries, dropping private addresses unless they are allowed: checked
/// at every connection, so a name that later resolves elsewhere cannot reach inside.
struct PublicOnly {
    allow_private: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = format!("{}:0", name.as_str());
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host(host)
                .await?
                .filter(|a| allow_private || !is_private(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err("the name resolves to no public address".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// The HTTP client of deliveries: bounded time, no redirects, no proxies, private targets
/// refused unless allowed.
pub fn client(config: &WebhookConfig) -> Result<reqwest::Client, ApiError> {
    // The process's TLS provider: ring, which the rest of the service already uses. Installing it
    // twice (a second server in one process) is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.timeout)
        .connect_timeout(config.timeout.min(Duration::from_secs(5)))
        .no_proxy()
        .pool_max_idle_per_host(8)
        .user_agent("experience-exchange-webhooks/1")
        .dns_resolver(Arc::new(PublicOnly {
            allow_private: config.allow_private_targets,
        }))
        .build()
        .map_err(|e| ApiError::Unexpected(format!("webhook client: {e}")))
}

/// How many subscriptions one batch serves at once.
pub const CONCURRENCY: usize = 16;
/// How many messages of one subscription one turn sends, in order.
const PER_TURN: u64 = 200;
/// How long a worker holds a subscription.
const LEASE_SECS: i64 = 60;

/// The wait before retrying after `attempts` failures: `base` doubled per failure, at most
/// 12 hours, with up to a quarter of it added or taken at random.
pub fn backoff(attempts: i32, base: Duration) -> chrono::Duration {
    let doubled = base
        .as_millis()
        .saturating_mul(1u128 << (attempts.clamp(1, 40) - 1))
        .min(12 * 3600 * 1000) as i64;
    let spread = doubled / 4;
    let jitter = if spread > 0 {
        rand::random_range(-spread..=spread)
    } else {
        0
    };
    chrono::Duration::milliseconds((doubled + jitter).max(1))
}

/// What one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    pub delivered: usize,
    /// More is due at once.
    pub more: bool,
}

/// Delivers what is due: leases the subscriptions with due messages and serves each in turn.
pub async fn deliver_due(state: &AppState) -> Result<Batch, ApiError> {
    use futures_util::StreamExt;
    let now = state.clock.now();
    let backend = state.db.get_database_backend();
    let sql = format!(
        "SELECT DISTINCT subscription_id FROM webhook_deliveries \
         WHERE status = 'pending' AND next_attempt_at <= $1 AND {} LIMIT 64",
        settled_sql(backend)
    );
    #[derive(FromQueryResult)]
    struct Due {
        subscription_id: i64,
    }
    let due: Vec<i64> =
        Due::find_by_statement(Statement::from_sql_and_values(backend, sql, [now.into()]))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|d| d.subscription_id)
            .collect();
    if due.is_empty() {
        return Ok(Batch::default());
    }
    let lease = (now + chrono::Duration::seconds(LEASE_SECS))
        .duration_trunc(chrono::TimeDelta::microseconds(1))
        .unwrap_or(now)
        + chrono::Duration::microseconds(rand::random_range(0..1_000_000));
    webhook_subscription::Entity::update_many()
        .col_expr(webhook_subscription::Column::LeaseUntil, Expr::value(lease))
        .filter(webhook_subscription::Column::Id.is_in(due.iter().copied()))
        .filter(webhook_subscription::Column::Enabled.eq(true))
        .filter(
            sea_orm::Condition::any()
                .add(webhook_subscription::Column::LeaseUntil.is_null())
                .add(webhook_subscription::Column::LeaseUntil.lt(now)),
        )
        .exec(&state.db)
        .await?;
    let mine = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Id.is_in(due))
        .filter(webhook_subscription::Column::LeaseUntil.eq(lease))
        .all(&state.db)
        .await?;
    let turns: Vec<Result<(usize, bool), ApiError>> = futures_util::stream::iter(mine)
        .map(|sub| serve(state, sub, lease))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut batch = Batch::default();
    for turn in turns {
        let (delivered, more) = turn?;
        batch.delivered += delivered;
        batch.more |= more;
    }
    Ok(batch)
}

/// One turn of one leased subscription: its due messages in order, stopping at the first that
/// fails (it is retried later, and the rest wait for it). Answers how many succeeded and whether
/// more are due.
async fn serve(
    state: &AppState,
    sub: webhook_subscription::Model,
    lease: DateTime<Utc>,
) -> Result<(usize, bool), ApiError> {
    let outcome = serve_leased(state, &sub).await;
    webhook_subscription::Entity::update_many()
        .col_expr(
            webhook_subscription::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(webhook_subscription::Column::Id.eq(sub.id))
        .filter(webhook_subscription::Column::LeaseUntil.eq(lease))
        .exec(&state.db)
        .await?;
    outcome
}

async fn serve_leased(
    state: &AppState,
    sub: &webhook_subscription::Model,
) -> Result<(usize, bool), ApiError> {
    if let Some(reason) = lost_rights(&state.db, sub).await? {
        disable(state, sub.id, reason).await?;
        return Ok((0, false));
    }
    let backend = state.db.get_database_backend();
    let sql = format!(
        "SELECT * FROM webhook_deliveries WHERE subscription_id = $1 AND status = 'pending' \
         AND {} ORDER BY txid, id LIMIT $2",
        settled_sql(backend)
    );
    let rows = webhook_delivery::Model::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [sub.id.into(), (PER_TURN as i64).into()],
    ))
    .all(&state.db)
    .await?;
    let full = rows.len() as u64 == PER_TURN;
    // Messages go out one after another, in order; what succeeded is written down at the end of
    // the turn, several at a time (a worker that dies before that sends them again: at least
    // once). A failure is written at once, and ends the turn.
    let mut succeeded = Vec::new();
    let mut more = full;
    for row in rows {
        let now = state.clock.now();
        if row.next_attempt_at > now {
            // The head waits for its retry; the rest wait behind it.
            more = false;
            break;
        }
        let (outcome, update) = attempt(state, sub, &row).await;
        match outcome {
            Attempt::Delivered => succeeded.push(update),
            Attempt::Failed | Attempt::Disabled => {
                update.update(&state.db).await?;
                if matches!(outcome, Attempt::Disabled) {
                    disable(state, sub.id, "the endpoint answered 410 Gone").await?;
                }
                more = false;
                break;
            }
        }
    }
    let delivered = succeeded.len();
    record_all(state, succeeded).await?;
    Ok((delivered, more))
}

/// Writes the outcomes of delivered messages, several at a time.
async fn record_all(
    state: &AppState,
    updates: Vec<webhook_delivery::ActiveModel>,
) -> Result<(), ApiError> {
    use futures_util::StreamExt;
    let written: Vec<Result<webhook_delivery::Model, sea_orm::DbErr>> =
        futures_util::stream::iter(updates)
            .map(|u| u.update(&state.db))
            .buffer_unordered(RECORD_CONCURRENCY)
            .collect()
            .await;
    for w in written {
        w?;
    }
    Ok(())
}

/// How many delivery outcomes are written at once.
const RECORD_CONCURRENCY: usize = 4;

enum Attempt {
    Delivered,
    Failed,
    Disabled,
}

/// Sends one message; answers what happened and the row's update that records it.
async fn attempt(
    state: &AppState,
    sub: &webhook_subscription::Model,
    row: &webhook_delivery::Model,
) -> (Attempt, webhook_delivery::ActiveModel) {
    let now = state.clock.now();
    let timestamp = now.timestamp();
    let signature = signature_header(sub, &row.msg_id, timestamp, &row.payload, now);
    let started = Instant::now();
    // A name is checked by the resolver at each connection; an address written in the URL is
    // checked here (it may have been allowed when the subscription was made).
    let literal_private = !state.config.webhooks.allow_private_targets
        && url::Url::parse(&sub.url)
            .ok()
            .and_then(|u| match u.host() {
                Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
                _ => None,
            })
            .is_some_and(is_private);
    let sent = if literal_private {
        Err(None)
    } else {
        state
            .webhook_client
            .post(&sub.url)
            .header("content-type", "application/json")
            .header("webhook-id", &row.msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(row.payload.clone())
            .send()
            .await
            .map_err(Some)
    };
    let latency = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let attempts = row.attempts + 1;
    let (code, error) = match &sent {
        Ok(res) => (Some(res.status().as_u16() as i32), None),
        Err(Some(e)) => (None, Some(describe(e))),
        Err(None) => (None, Some("the address is in a private range".to_owned())),
    };
    let ok = code.is_some_and(|c| (200..300).contains(&c));
    let gone = code == Some(410);
    let mut update = webhook_delivery::ActiveModel {
        id: Set(row.id),
        attempts: Set(attempts),
        last_attempt_at: Set(Some(now)),
        response_code: Set(code),
        latency_ms: Set(Some(latency)),
        last_error: Set(error.clone().or_else(|| {
            code.filter(|c| !(200..300).contains(c))
                .map(|c| format!("the endpoint answered {c}"))
        })),
        ..Default::default()
    };
    let given_up = now - row.created_at
        >= chrono::Duration::from_std(state.config.webhooks.give_up_after).unwrap_or_default();
    let result = if ok {
        update.status = Set("succeeded".to_owned());
        Attempt::Delivered
    } else if gone || given_up {
        update.status = Set("failed".to_owned());
        if gone {
            Attempt::Disabled
        } else {
            Attempt::Failed
        }
    } else {
        update.next_attempt_at = Set(now + backoff(attempts, state.config.webhooks.retry_base));
        Attempt::Failed
    };
    if !ok {
        tracing::warn!(
            subscription = sub.id,
            delivery = row.id,
            attempts,
            code,
            error = error.as_deref().unwrap_or(""),
            "webhook delivery failed"
        );
    }
    (result, update)
}

fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    // The error's own text names the URL (which may carry a token in its query): leave it out.
    what.to_owned()
}

/// Why a subscription may no longer deliver, when its creator lost the rights it was made with:
/// the account is gone or inactive, or (not an administrator) no longer coordinates every
/// platform it names. A subscription never tells more than its creator may see.
pub async fn lost_rights(
    db: &impl ConnectionTrait,
    sub: &webhook_subscription::Model,
) -> Result<Option<&'static str>, ApiError> {
    let creator = entity::user::Entity::find_by_id(sub.created_by)
        .filter(entity::user::Column::IsActive.eq(true))
        .one(db)
        .await?;
    let Some(creator) = creator else {
        return Ok(Some("its creator's account is no longer active"));
    };
    if creator.role == crate::domain::Role::Admin {
        return Ok(None);
    }
    let named: Vec<i64> = sub
        .platform_ids
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    let held = crate::access::coordinated_platforms(db, creator.id).await?;
    if named.is_empty() || named.iter().any(|p| !held.contains(p)) {
        return Ok(Some(
            "its creator no longer coordinates the platforms it names",
        ));
    }
    Ok(None)
}

/// Disables a subscription, saying why.
pub async fn disable(state: &AppState, id: i64, reason: &str) -> Result<(), ApiError> {
    webhook_subscription::Entity::update_many()
        .col_expr(webhook_subscription::Column::Enabled, Expr::value(false))
        .col_expr(
            webhook_subscription::Column::DisabledReason,
            Expr::value(Some(reason.to_owned())),
        )
        .col_expr(
            webhook_subscription::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(webhook_subscription::Column::Version), 1),
        )
        .filter(webhook_subscription::Column::Id.eq(id))
        .exec(&state.db)
        .await?;
    tracing::warn!(subscription = id, reason, "webhook subscription disabled");
    Ok(())
}

/// How long the delivery log keeps a message that succeeded or was given up.
pub const LOG_RETENTION_DAYS: i64 = 30;

/// Removes finished messages older than the log keeps; answers how many went.
pub async fn purge_log(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, ApiError> {
    Ok(webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.ne("pending"))
        .filter(
            webhook_delivery::Column::CreatedAt
                .lt(now - chrono::Duration::days(LOG_RETENTION_DAYS)),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// 409 `limit_reached` when the person already made as many subscriptions as one may.
pub async fn check_subscription_cap(
    db: &impl ConnectionTrait,
    creator: i64,
    config: &WebhookConfig,
) -> Result<(), ApiError> {
    use sea_orm::PaginatorTrait;
    let made = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::CreatedBy.eq(creator))
        .count(db)
        .await?;
    if made >= config.max_subscriptions_per_creator {
        return Err(ApiError::limit_reached(
            "Webhook subscriptions one person may make",
            "اشتراكات الخطافات للشخص الواحد",
            config.max_subscriptions_per_creator,
        ));
    }
    Ok(())
}

/// 422 `too_many` on `/until` when queuing `more` messages would leave more than
/// `WEBHOOK_MAX_QUEUED` waiting for the subscription.
pub async fn check_queue_room(
    db: &impl ConnectionTrait,
    subscription: i64,
    more: u64,
    config: &WebhookConfig,
) -> Result<(), ApiError> {
    use sea_orm::PaginatorTrait;
    let queued = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .count(db)
        .await?;
    if queued + more > config.max_queued {
        return Err(ApiError::field(
            "/until",
            "too_many",
            crate::i18n::Text::new(
                format!(
                    "{queued} messages wait already and a subscription holds at most {} waiting: \
                     replay fewer, or when the queue has drained.",
                    config.max_queued
                ),
                format!(
                    "تنتظر \u{2066}{queued}\u{2069} رسالة بالفعل والحد الأقصى للرسائل المنتظرة \
                     \u{2066}{}\u{2069}: أعد إرسال عدد أقل أو بعد أن تفرغ القائمة.",
                    config.max_queued
                ),
            ),
        ));
    }
    Ok(())
}

/// The ids of the messages waiting for a subscription.
pub async fn waiting_messages(
    db: &impl ConnectionTrait,
    subscription: i64,
) -> Result<std::collections::HashSet<String>, ApiError> {
    use sea_orm::QuerySelect;
    let ids: Vec<String> = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::MsgId)
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Whether a message is waiting already (its first send or a replay): replaying it again then
/// adds nothing.
pub async fn is_waiting(
    db: &impl ConnectionTrait,
    subscription: i64,
    msg_id: &str,
) -> Result<Option<webhook_delivery::Model>, ApiError> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription))
        .filter(webhook_delivery::Column::MsgId.eq(msg_id))
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .one(db)
        .await?)
}

/// Queues one delivery again, as a new attempt of the same message (same `webhook-id`), at the
/// end of its subscription's order.
pub async fn replay(
    db: &impl ConnectionTrait,
    of: &webhook_delivery::Model,
    now: DateTime<Utc>,
) -> Result<webhook_delivery::Model, ApiError> {
    let backend: DatabaseBackend = db.get_database_backend();
    let sql = format!(
        "INSERT INTO webhook_deliveries (subscription_id, txid, msg_id, event_type, platform_id, \
         payload, status, attempts, next_attempt_at, created_at, replay_of) \
         VALUES ($1, {}, $2, $3, $4, $5, 'pending', 0, $6, $6, $7) RETURNING *",
        txid_sql(backend)
    );
    webhook_delivery::Model::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [
            of.subscription_id.into(),
            of.msg_id.clone().into(),
            of.event_type.clone().into(),
            of.platform_id.into(),
            of.payload.clone().into(),
            now.into(),
            of.id.into(),
        ],
    ))
    .one(db)
    .await?
    .ok_or_else(|| ApiError::Unexpected("replay insert returned nothing".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_the_specification_example() {
        // The example of the Standard Webhooks specification.
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn private_ranges_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            // IPv6 forms that carry a private IPv4 address, and other local IPv6 ranges.
            "::127.0.0.1",
            "::ffff:0:7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::808:808",
            "2002:a9fe:a9fe::",
            "2002:7f00:1::1",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2001:0:a00:1::1",
            "fec0::1",
            "100::1",
        ] {
            assert!(is_private(ip.parse().expect("ip")), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "185.12.3.4",
            "2a00:1450::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:0:808:808:0:0:f7f7:f7f7",
        ] {
            assert!(!is_private(ip.parse().expect("ip")), "{ip}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_twelve_hours() {
        let base = Duration::from_secs(5);
        let first = backoff(1, base).num_milliseconds();
        assert!((3750..=6250).contains(&first), "{first}");
        let fourth = backoff(4, base).num_milliseconds();
        assert!((30_000..=50_000).contains(&fourth), "{fourth}");
        let late = backoff(30, base).num_milliseconds();
        assert!(
            (9 * 3600 * 1000..=15 * 3600 * 1000).contains(&late),
            "{late}"
        );
    }

    #[test]
    fn events_follow_the_audited_change() {
        use crate::audit::Action as A;
        use crate::domain::{PaperStatus, RegistrationStatus, WorkshopStatus};
        assert_eq!(
            events_of(A::WorkshopTransition {
                to: WorkshopStatus::Scheduled
            }),
            ["workshop.scheduled"]
        );
        assert!(
            events_of(A::WorkshopCreate {
                status: WorkshopStatus::Draft
            })
            .is_empty()
        );
        assert_eq!(
            events_of(A::PositionPaperTransition {
                to: PaperStatus::Published
            }),
            ["position_paper.status_changed", "position_paper.published"]
        );
        assert_eq!(
            events_of(A::RegistrationCreate {
                status: RegistrationStatus::Waitlisted
            }),
            ["registration.waitlisted"]
        );
        // Every event raised is in the catalogue.
        for action in crate::audit::every_action() {
            for event in events_of(action) {
                assert!(is_event_type(event), "{action:?}: {event}");
            }
        }
    }
}
