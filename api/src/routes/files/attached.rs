//! Files under the rest of the programme's work: a position paper version's PDF, a partnership
//! step's documents, an activity's outputs, a platform's guides, and each person's photo. Each
//! parent takes multipart uploads and lists its files; who may do either is [`super::rules`]'
//! rule for that parent.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, delete, get, post, put, web};
use entity::partnership_step;
use serde::Deserialize;
use utoipa::IntoParams;

use super::upload::{FileUploadForm, attach_form, attach_raw};
use super::{FileList, FileResponse, ListFilesQuery, list_of, rules};
use crate::auth::AuthUser;
use crate::db::find_or_404;
use crate::domain::files::Purpose;
use crate::error::ApiError;
use crate::services::files::{self, Parent};
use crate::state::AppState;

/// The version `number` of paper `id`, or 404 (whether the caller may see it is the parent's
/// rule).
async fn version(state: &AppState, id: i64, number: i32) -> Result<Parent, ApiError> {
    use entity::position_paper_version as v;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let found: Option<i64> = v::Entity::find()
        .select_only()
        .column(v::Column::Id)
        .filter(v::Column::PaperId.eq(id))
        .filter(v::Column::Number.eq(number))
        .into_tuple()
        .one(&state.db)
        .await?;
    found
        .map(Parent::PaperVersion)
        .ok_or_else(ApiError::not_found)
}

/// Attaches the PDF of a position paper's version (its editors: the authors, the platform's
/// coordinators, administrators), from a multipart form as a workshop's files are; a version
/// has one PDF, which a new one replaces, until the paper is adopted (then 409 `not_editable`).
/// The PDF is as visible as the paper, a draft's to its editors alone.
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "Paper id"), ("number" = i32, Path, description = "Version number, from 1")),
    request_body(content = FileUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = FileResponse),
        (status = 409, description = "The paper is adopted: its versions' PDFs no longer change", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the kind's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF (told from the bytes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/position-papers/{id}/versions/{number}/files")]
pub async fn upload_version_file(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    let parent = version(&state, id, number).await?;
    attach_form(&state, &auth, parent, Purpose::PaperPdf, form).await
}

/// A position paper version's PDF (a list of one at most), as visible as the paper; a draft's
/// to its editors alone.
#[utoipa::path(
    tag = "files",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Paper id"), ("number" = i32, Path, description = "Version number, from 1"), ListFilesQuery),
    responses((status = 200, body = FileList))
)]
#[get("/position-papers/{id}/versions/{number}/files")]
pub async fn list_version_files(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
    query: web::Query<ListFilesQuery>,
) -> Result<web::Json<FileList>, ApiError> {
    let (id, number) = path.into_inner();
    let parent = version(&state, id, number).await?;
    list_of(
        &state,
        auth.as_ref(),
        parent,
        None,
        query.limit,
        query.cursor.as_deref(),
    )
    .await
}

/// Step `step_id` of agreement `id`, or 404.
async fn step(state: &AppState, id: i64, step_id: i64) -> Result<Parent, ApiError> {
    let s = find_or_404::<partnership_step::Entity>(&state.db, step_id).await?;
    if s.partnership_id != id {
        return Err(ApiError::not_found());
    }
    Ok(Parent::PartnershipStep(s.id))
}

/// Attaches a document to a step of a partnership agreement (administrators and the
/// international partnerships task force): the signed agreement, the council's minutes, the
/// governor's visa or a supporting document, as a PDF or a scan (PNG, JPEG, WebP), from a
/// multipart form. Signed-in people read them, as they read the agreement.
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "Agreement id"), ("step_id" = i64, Path, description = "Step id")),
    request_body(content = FileUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = FileResponse),
        (status = 413, description = "Larger than the kind's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF or an image (told from the bytes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/partnerships/{id}/steps/{step_id}/files")]
pub async fn upload_step_file(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let (id, step_id) = path.into_inner();
    let parent = step(&state, id, step_id).await?;
    attach_form(&state, &auth, parent, Purpose::StepDocument, form).await
}

/// A partnership step's documents, in the order they were attached (signed-in people).
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "Agreement id"), ("step_id" = i64, Path, description = "Step id"), ListFilesQuery),
    responses((status = 200, body = FileList))
)]
#[get("/partnerships/{id}/steps/{step_id}/files")]
pub async fn list_step_files(
    auth: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    query: web::Query<ListFilesQuery>,
) -> Result<web::Json<FileList>, ApiError> {
    let (id, step_id) = path.into_inner();
    let parent = step(&state, id, step_id).await?;
    list_of(
        &state,
        Some(&auth),
        parent,
        None,
        query.limit,
        query.cursor.as_deref(),
    )
    .await
}

/// Attaches an output to an activity (its platform's managers; the union's activities,
/// administrators): a report, a study, a recording, from a multipart form. Anyone reads it, as
/// anyone reads the activity.
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "Activity id")),
    request_body(content = FileUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = FileResponse),
        (status = 413, description = "Larger than the kind's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a type taken here (told from the bytes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities/{id}/files")]
pub async fn upload_activity_file(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let parent = Parent::Activity(id.into_inner());
    attach_form(&state, &auth, parent, Purpose::Output, form).await
}

/// An activity's outputs, in the order they were attached (public).
#[utoipa::path(
    tag = "files",
    security(()),
    params(("id" = i64, Path, description = "Activity id"), ListFilesQuery),
    responses((status = 200, body = FileList))
)]
#[get("/activities/{id}/files")]
pub async fn list_activity_files(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListFilesQuery>,
) -> Result<web::Json<FileList>, ApiError> {
    let parent = Parent::Activity(id.into_inner());
    let q = query.into_inner();
    list_of(&state, None, parent, None, q.limit, q.cursor.as_deref()).await
}

/// Attaches a file to a practice (its editors: whoever drafted it, its contact people, its
/// platform's coordinators; not once it is archived): a document, a presentation, a photo, from
/// a multipart form. It is as visible as the practice.
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "Practice id")),
    request_body(content = FileUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = FileResponse),
        (status = 409, description = "The practice is archived", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the kind's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a type taken here (told from the bytes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/practices/{id}/files")]
pub async fn upload_practice_file(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let parent = Parent::Practice(id.into_inner());
    attach_form(&state, &auth, parent, Purpose::PracticeFile, form).await
}

/// A practice's files, in the order they were attached (whoever may see the practice).
#[utoipa::path(
    tag = "files",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Practice id"), ListFilesQuery),
    responses((status = 200, body = FileList))
)]
#[get("/practices/{id}/files")]
pub async fn list_practice_files(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListFilesQuery>,
) -> Result<web::Json<FileList>, ApiError> {
    let parent = Parent::Practice(id.into_inner());
    let q = query.into_inner();
    list_of(
        &state,
        auth.as_ref(),
        parent,
        None,
        q.limit,
        q.cursor.as_deref(),
    )
    .await
}

/// Attaches a guide to a platform (its managers): a guide, a template or a study, such as the
/// engineering platform's project-management guide, from a multipart form. Anyone reads it.
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "Platform id")),
    request_body(content = FileUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = FileResponse),
        (status = 413, description = "Larger than the kind's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a type taken here (told from the bytes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/platforms/{id}/guides")]
pub async fn upload_guide(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let parent = Parent::Guides(id.into_inner());
    attach_form(&state, &auth, parent, Purpose::Guide, form).await
}

/// A platform's guides, in the order they were attached (public).
#[utoipa::path(
    tag = "files",
    security(()),
    params(("id" = i64, Path, description = "Platform id"), ListFilesQuery),
    responses((status = 200, body = FileList))
)]
#[get("/platforms/{id}/guides")]
pub async fn list_guides(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListFilesQuery>,
) -> Result<web::Json<FileList>, ApiError> {
    let parent = Parent::Guides(id.into_inner());
    let q = query.into_inner();
    list_of(&state, None, parent, None, q.limit, q.cursor.as_deref()).await
}

/// A photo's name.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    /// The photo's file name (folders are dropped; its extension is set from what the bytes
    /// are).
    #[param(min_length = 1, max_length = 200)]
    pub name: String,
}

/// Sets the caller's photo from the raw bytes of the body (PNG, JPEG or WebP, told from the
/// bytes; 5 MiB unless the server is configured otherwise), replacing the one before. Signed-in
/// people see it.
#[utoipa::path(
    tag = "me",
    params(PhotoQuery),
    request_body(content = super::upload::PhotoBytes, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = FileResponse),
        (status = 413, description = "Larger than a photo's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PNG, JPEG or WebP image (told from the bytes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/photo")]
pub async fn put_my_photo(
    auth: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PhotoQuery>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let parent = Parent::Person(auth.id());
    let name = query.into_inner().name;
    let untitled = crate::domain::BilingualText::default();
    attach_raw(
        &state,
        &auth,
        parent,
        (Purpose::Photo, &name, untitled),
        body,
    )
    .await
}

/// Removes the caller's photo (404 when they have none).
#[utoipa::path(tag = "me", responses((status = 204, description = "Removed")))]
#[delete("/me/photo")]
pub async fn delete_my_photo(
    auth: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let photo = photo_of(&state, auth.id()).await?;
    files::remove(&state, &auth, photo, state.clock.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A person's photo: its description, with where to read its bytes (signed-in people; 404 when
/// they have none).
#[utoipa::path(
    tag = "files",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = FileResponse))
)]
#[get("/users/{id}/photo")]
pub async fn get_user_photo(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<FileResponse>, ApiError> {
    let id = id.into_inner();
    rules::sees(&state.db, Some(&auth), Parent::Person(id)).await?;
    Ok(web::Json(FileResponse::from(photo_of(&state, id).await?)))
}

async fn photo_of(state: &AppState, person: i64) -> Result<entity::stored_file::Model, ApiError> {
    files::of_parent(
        &state.db,
        Parent::Person(person),
        Some(Purpose::Photo),
        None,
        1,
    )
    .await?
    .pop()
    .ok_or_else(ApiError::not_found)
}

/// Uploads a new version of a document (its authors, its platform's coordinators,
/// administrators) from a multipart form: a PDF or an office document. Versions are numbered
/// from 1 (`document_version`) and never renumbered; the first makes a planned document a draft.
/// An archived document takes no new version (409 `not_editable`).
#[utoipa::path(
    tag = "documents",
    params(("id" = i64, Path, description = "Document id")),
    request_body(content = FileUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = FileResponse),
        (status = 409, description = "The document is archived", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the kind's largest size", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF or an office document (told from the bytes)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/versions")]
pub async fn upload_document_version(
    auth: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let parent = Parent::Document(id.into_inner());
    attach_form(&state, &auth, parent, Purpose::Document, form).await
}

/// A document's versions, oldest first (whoever may see the document).
#[utoipa::path(
    tag = "documents",
    security((), ("bearer" = [])),
    params(("id" = i64, Path, description = "Document id"), ListFilesQuery),
    responses((status = 200, body = FileList))
)]
#[get("/documents/{id}/versions")]
pub async fn list_document_versions(
    auth: Option<AuthUser>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ListFilesQuery>,
) -> Result<web::Json<FileList>, ApiError> {
    let parent = Parent::Document(id.into_inner());
    let q = query.into_inner();
    list_of(
        &state,
        auth.as_ref(),
        parent,
        None,
        q.limit,
        q.cursor.as_deref(),
    )
    .await
}
