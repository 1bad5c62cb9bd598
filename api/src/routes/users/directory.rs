//! The directory of peers: signed-in people look each other up by name, authority,
//! governorate, platform, working group or expertise, and see of each person what they chose
//! to show (`PATCH /me`, `visibility`); coordinators see their platforms' members whole.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::domain::{AuthorityKind, Bilingual, Region};
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::services::accounts::directory::{self, Filter, Shown, Viewer};
use crate::state::AppState;

/// Who to look for; a filter on a field matches only the people whose field the caller sees.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Words in either name, ignoring Arabic diacritics, letter variants and case.
    pub q: Option<String>,
    pub local_authority_id: Option<i64>,
    /// People of the authorities of this governorate.
    #[param(example = "الخليل")]
    pub governorate: Option<String>,
    /// Active members of this platform.
    pub platform_id: Option<i64>,
    /// Members of this working group.
    pub working_group_id: Option<i64>,
    /// People who can advise on this topic.
    pub topic_id: Option<i64>,
}

/// A person's authority, as the directory shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryAuthority {
    pub id: i64,
    pub name: Bilingual,
    pub kind: AuthorityKind,
    pub region: Region,
    #[schema(max_length = 100)]
    pub governorate: String,
}

/// A field a person keeps from the caller.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryField {
    JobTitle,
    Authority,
    Platforms,
    Expertise,
}

/// A person in the directory: their name, and each other field as they show it to the caller
/// (a field they keep from the caller is null and named in `hidden`).
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryEntry {
    pub id: i64,
    pub name: Bilingual,
    #[schema(max_length = 200)]
    pub job_title: Option<String>,
    pub local_authority: Option<DirectoryAuthority>,
    /// The platforms they are an active member of.
    #[schema(max_items = 100)]
    pub platform_ids: Option<Vec<i64>>,
    /// The working groups they are in.
    #[schema(max_items = 100)]
    pub working_group_ids: Option<Vec<i64>>,
    /// The topics they can advise on.
    #[schema(max_items = 20)]
    pub expertise_topic_ids: Option<Vec<i64>>,
    /// Their email: for those who see them whole (themselves, their platforms' coordinators,
    /// administrators).
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    /// The fields they keep from the caller.
    #[schema(max_items = 4)]
    pub hidden: Vec<DirectoryField>,
}

crate::listed!(DirectoryEntry => DirectoryPage, "A page of the directory, in id order.");

impl From<Shown> for DirectoryEntry {
    fn from(s: Shown) -> DirectoryEntry {
        let hidden = [
            (s.job_title.is_none(), DirectoryField::JobTitle),
            (s.authority.is_none(), DirectoryField::Authority),
            (s.platform_ids.is_none(), DirectoryField::Platforms),
            (s.expertise_topic_ids.is_none(), DirectoryField::Expertise),
        ]
        .into_iter()
        .filter_map(|(kept, field)| kept.then_some(field))
        .collect();
        DirectoryEntry {
            id: s.person.id,
            name: Bilingual {
                ar: s.person.name_ar,
                en: s.person.name_en,
            },
            job_title: s.job_title.flatten(),
            local_authority: s.authority.flatten().map(|a| DirectoryAuthority {
                id: a.id,
                name: Bilingual {
                    ar: a.name_ar,
                    en: a.name_en,
                },
                kind: a.kind,
                region: a.region,
                governorate: a.governorate,
            }),
            platform_ids: s.platform_ids,
            working_group_ids: s.working_group_ids,
            expertise_topic_ids: s.expertise_topic_ids,
            email: s.whole.then_some(s.person.email),
            hidden,
        }
    }
}

/// The directory of peers (anyone signed in): active people by name, authority, governorate,
/// platform, working group or expertise, in id order, each showing what they chose to show the
/// caller; the caller's platforms' coordinators see their members whole.
#[utoipa::path(
    tag = "users",
    params(DirectoryQuery),
    responses((status = 200, body = DirectoryPage))
)]
#[get("/directory")]
pub async fn list_directory(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<DirectoryQuery>,
) -> Result<web::Json<DirectoryPage>, ApiError> {
    let q = query.into_inner();
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let viewer = Viewer::of(&state.db, &auth).await?;
    let filter = Filter {
        name: q
            .q
            .as_deref()
            .filter(|t| !crate::domain::search::fold(t).is_empty()),
        local_authority_id: q.local_authority_id,
        governorate: q.governorate.as_deref().map(str::trim),
        platform_id: q.platform_id,
        working_group_id: q.working_group_id,
        topic_id: q.topic_id,
    };
    let rows = directory::page(&state.db, &viewer, &filter, page.after, page.fetch()).await?;
    let (rows, next_cursor) = page.finish(rows, |s| s.person.id);
    Ok(web::Json(DirectoryPage {
        items: rows.into_iter().map(DirectoryEntry::from).collect(),
        next_cursor,
    }))
}

/// One person in the directory (anyone signed in), as they show themselves to the caller; 404
/// for a deactivated account.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = DirectoryEntry))
)]
#[get("/directory/{id}")]
pub async fn get_directory_entry(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<DirectoryEntry>, ApiError> {
    let person = crate::db::find_or_404::<entity::user::Entity>(&state.db, id.into_inner()).await?;
    if !person.is_active {
        return Err(ApiError::not_found());
    }
    let viewer = Viewer::of(&state.db, &auth).await?;
    let shown = directory::shown(&state.db, &viewer, vec![person])
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)?;
    Ok(web::Json(shown.into()))
}
