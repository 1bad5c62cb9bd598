//! The directory of peers: people by name, authority, governorate, platform, working group and
//! expertise, each field shown as its person chose (`users.show_*`): to everyone signed in, to
//! their peers (who share one of their platforms), or to nobody but themselves, the
//! coordinators of their platforms and administrators, who see them whole. A filter on a field
//! matches only the people whose field the viewer sees, so that filtering reveals no more than
//! reading.

use std::collections::{HashMap, HashSet};

use entity::{
    coordinator_term, expertise, local_authority, membership, user, working_group_member,
};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::access;
use crate::auth::AuthUser;
use crate::domain::{DirectoryVisibility, MembershipStatus};
use crate::error::ApiError;
use crate::i18n::Text;

/// Who is looking, and whom they see how.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub id: i64,
    /// The platforms whose active members the viewer sees whole: `None` for every person (an
    /// administrator acting for the whole union).
    pub whole: Option<Vec<i64>>,
    /// The platforms whose people are the viewer's peers.
    pub peers: Vec<i64>,
}

/// What one person shows the viewer: `None` for a field they do not see.
#[derive(Debug)]
pub struct Shown {
    pub person: user::Model,
    /// The viewer sees them whole (their email too).
    pub whole: bool,
    pub job_title: Option<Option<String>>,
    pub authority: Option<Option<local_authority::Model>>,
    pub platform_ids: Option<Vec<i64>>,
    pub working_group_ids: Option<Vec<i64>>,
    pub expertise_topic_ids: Option<Vec<i64>>,
}

/// What the directory is asked for.
#[derive(Debug, Default)]
pub struct Filter<'a> {
    /// Words of their name (folded).
    pub name: Option<&'a str>,
    pub local_authority_id: Option<i64>,
    pub governorate: Option<&'a str>,
    pub platform_id: Option<i64>,
    pub working_group_id: Option<i64>,
    /// People who can advise on this topic.
    pub topic_id: Option<i64>,
}

fn active_members_of(platforms: &[i64]) -> SimpleExpr {
    user::Column::Id.in_subquery(
        Query::select()
            .column(membership::Column::UserId)
            .from(membership::Entity)
            .and_where(membership::Column::PlatformId.is_in(platforms.to_vec()))
            .and_where(membership::Column::Status.eq(MembershipStatus::Active))
            .to_owned(),
    )
}

fn open_terms_on(platforms: &[i64]) -> SimpleExpr {
    user::Column::Id.in_subquery(
        Query::select()
            .column(coordinator_term::Column::UserId)
            .from(coordinator_term::Entity)
            .and_where(coordinator_term::Column::PlatformId.is_in(platforms.to_vec()))
            .and_where(coordinator_term::Column::EndedAt.is_null())
            .to_owned(),
    )
}

impl Viewer {
    /// The caller as a viewer of the directory: whom they see whole (the members of the
    /// platforms they coordinate; an administrator everyone) and who their peers are (the people
    /// of their platforms), within the platforms their credential reaches.
    pub async fn of(db: &impl ConnectionTrait, auth: &AuthUser) -> Result<Viewer, ApiError> {
        Ok(Viewer::with_reach(
            auth,
            &access::ReadReach::of(db, auth).await?,
        ))
    }

    /// [`Viewer::of`], from platforms already read.
    pub fn with_reach(auth: &AuthUser, reach: &access::ReadReach) -> Viewer {
        Viewer {
            id: auth.id(),
            // An administrator of everything sees everyone whole.
            whole: (!auth.is_admin()).then(|| reach.managed.clone()),
            peers: reach.own.clone(),
        }
    }

    /// The condition under which the viewer sees a person's field stored in `column`.
    fn sees(&self, column: user::Column) -> Condition {
        let Some(whole) = &self.whole else {
            return Condition::all();
        };
        Condition::any()
            .add(column.eq(DirectoryVisibility::Everyone))
            .add(user::Column::Id.eq(self.id))
            .add(
                Condition::all()
                    .add(column.eq(DirectoryVisibility::Peers))
                    .add(
                        Condition::any()
                            .add(active_members_of(&self.peers))
                            .add(open_terms_on(&self.peers)),
                    ),
            )
            .add(active_members_of(whole))
    }
}

/// A page of the directory: active people matching `filter` with an id after `after`, in id
/// order, `limit` of them, each as the viewer sees them.
pub async fn page(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &Filter<'_>,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<Shown>, ApiError> {
    let mut select = user::Entity::find().filter(user::Column::IsActive.eq(true));
    if let Some(after) = after {
        select = select.filter(user::Column::Id.gt(after));
    }
    let people = select
        .filter(filter.condition(viewer))
        .order_by_asc(user::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    shown(db, viewer, people).await
}

impl Filter<'_> {
    /// The people the filter finds, as a condition on `users`: a filter on a field finds only
    /// people whose field the viewer sees.
    pub fn condition(&self, viewer: &Viewer) -> Condition {
        let filter = self;
        let mut select = Condition::all();
        if let Some(words) = filter.name {
            let in_names = crate::domain::search::names_pattern(words);
            select = select.add(
                user::Column::SearchText
                    .like(sea_orm::sea_query::LikeExpr::new(in_names).escape('\\')),
            );
        }
        if filter.local_authority_id.is_some() || filter.governorate.is_some() {
            select = select.add(viewer.sees(user::Column::ShowAuthority));
            if let Some(a) = filter.local_authority_id {
                select = select.add(user::Column::LocalAuthorityId.eq(a));
            }
            if let Some(g) = filter.governorate {
                select = select.add(
                    user::Column::LocalAuthorityId.in_subquery(
                        Query::select()
                            .column(local_authority::Column::Id)
                            .from(local_authority::Entity)
                            .and_where(local_authority::Column::Governorate.eq(g))
                            .to_owned(),
                    ),
                );
            }
        }
        if filter.platform_id.is_some() || filter.working_group_id.is_some() {
            select = select.add(viewer.sees(user::Column::ShowPlatforms));
            if let Some(p) = filter.platform_id {
                select = select.add(active_members_of(&[p]));
            }
            if let Some(g) = filter.working_group_id {
                select = select.add(
                    user::Column::Id.in_subquery(
                        Query::select()
                            .column(working_group_member::Column::UserId)
                            .from(working_group_member::Entity)
                            .and_where(working_group_member::Column::WorkingGroupId.eq(g))
                            .and_where(working_group_member::Column::LeftAt.is_null())
                            .to_owned(),
                    ),
                );
            }
        }
        if let Some(t) = filter.topic_id {
            select = select.add(viewer.sees(user::Column::ShowExpertise)).add(
                user::Column::Id.in_subquery(
                    Query::select()
                        .column(expertise::Column::UserId)
                        .from(expertise::Entity)
                        .and_where(expertise::Column::TopicId.eq(t))
                        .to_owned(),
                ),
            );
        }
        select
    }
}

/// The people as the viewer sees them, with what they show read for all of them at once.
pub async fn shown(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    people: Vec<user::Model>,
) -> Result<Vec<Shown>, ApiError> {
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let memberships: Vec<(i64, i64)> = membership::Entity::find()
        .select_only()
        .columns([membership::Column::UserId, membership::Column::PlatformId])
        .filter(membership::Column::UserId.is_in(ids.clone()))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .order_by_asc(membership::Column::PlatformId)
        .into_tuple()
        .all(db)
        .await?;
    let terms: Vec<(i64, i64)> = coordinator_term::Entity::find()
        .select_only()
        .columns([
            coordinator_term::Column::UserId,
            coordinator_term::Column::PlatformId,
        ])
        .filter(coordinator_term::Column::UserId.is_in(ids.clone()))
        .filter(coordinator_term::Column::EndedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let groups: Vec<(i64, i64)> = working_group_member::Entity::find()
        .select_only()
        .columns([
            working_group_member::Column::UserId,
            working_group_member::Column::WorkingGroupId,
        ])
        .filter(working_group_member::Column::UserId.is_in(ids.clone()))
        .filter(working_group_member::Column::LeftAt.is_null())
        .order_by_asc(working_group_member::Column::WorkingGroupId)
        .into_tuple()
        .all(db)
        .await?;
    let topics: Vec<(i64, i64)> = expertise::Entity::find()
        .select_only()
        .columns([expertise::Column::UserId, expertise::Column::TopicId])
        .filter(expertise::Column::UserId.is_in(ids.clone()))
        .order_by_asc(expertise::Column::TopicId)
        .into_tuple()
        .all(db)
        .await?;
    let authority_ids: HashSet<i64> = people.iter().filter_map(|p| p.local_authority_id).collect();
    let authorities: HashMap<i64, local_authority::Model> = local_authority::Entity::find()
        .filter(local_authority::Column::Id.is_in(authority_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let of = |pairs: &[(i64, i64)], person: i64| -> Vec<i64> {
        let mut out: Vec<i64> = pairs
            .iter()
            .filter(|(u, _)| *u == person)
            .map(|(_, x)| *x)
            .collect();
        out.dedup();
        out
    };
    Ok(people
        .into_iter()
        .map(|p| {
            let platforms = of(&memberships, p.id);
            let on = |list: &[i64]| platforms.iter().any(|x| list.contains(x));
            let whole = p.id == viewer.id
                || match &viewer.whole {
                    None => true,
                    Some(w) => on(w),
                };
            let peer =
                on(&viewer.peers) || of(&terms, p.id).iter().any(|x| viewer.peers.contains(x));
            let sees = |level: DirectoryVisibility| {
                whole
                    || level == DirectoryVisibility::Everyone
                    || (level == DirectoryVisibility::Peers && peer)
            };
            Shown {
                whole,
                job_title: sees(p.show_job_title).then(|| p.job_title.clone()),
                authority: sees(p.show_authority).then(|| {
                    p.local_authority_id
                        .and_then(|a| authorities.get(&a).cloned())
                }),
                working_group_ids: sees(p.show_platforms).then(|| of(&groups, p.id)),
                expertise_topic_ids: sees(p.show_expertise).then(|| of(&topics, p.id)),
                platform_ids: sees(p.show_platforms).then_some(platforms),
                person: p,
            }
        })
        .collect())
}

/// Replaces the topics `user_id` can advise on; 422 `not_found` on
/// `/expertise_topic_ids/{i}` for one that is not a topic.
pub async fn set_expertise(
    db: &impl ConnectionTrait,
    user_id: i64,
    topic_ids: &[i64],
) -> Result<(), ApiError> {
    let known: Vec<i64> = entity::topic::Entity::find()
        .select_only()
        .column(entity::topic::Column::Id)
        .filter(entity::topic::Column::Id.is_in(topic_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut kept: Vec<i64> = Vec::with_capacity(topic_ids.len());
    for (i, t) in topic_ids.iter().enumerate() {
        if !known.contains(t) {
            return Err(ApiError::field(
                &format!("/expertise_topic_ids/{i}"),
                "not_found",
                Text::new("no topic has this id", "لا يوجد موضوع بهذا الرقم"),
            ));
        }
        if !kept.contains(t) {
            kept.push(*t);
        }
    }
    expertise::Entity::delete_many()
        .filter(expertise::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if kept.is_empty() {
        return Ok(());
    }
    expertise::Entity::insert_many(kept.into_iter().map(|t| expertise::ActiveModel {
        user_id: Set(user_id),
        topic_id: Set(t),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(())
}
