//! An uploaded file: what its bytes are (kept in the file store under `storage_key`), whose, and
//! where it is attached.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What it is for (`material`, `agenda`, `minutes`, `paper_pdf`, `step_document`, `output`,
    /// `guide`, `photo`), which sets its limits.
    pub purpose: String,
    /// Its parent: exactly one of the following is set.
    /// The workshop it is a material, agenda or minutes of.
    pub workshop_id: Option<i64>,
    /// The position paper version it is the PDF of.
    pub paper_version_id: Option<i64>,
    /// The partnership agreement's step it documents.
    pub partnership_step_id: Option<i64>,
    /// The activity it is an output of.
    pub activity_id: Option<i64>,
    /// The platform it is a guide of.
    pub guide_platform_id: Option<i64>,
    /// The person it is the photo of.
    pub person_id: Option<i64>,
    /// The practice it documents (an attachment or a photo).
    pub practice_id: Option<i64>,
    /// The document it is a version of.
    pub document_id: Option<i64>,
    /// Which version of the document it is, from 1 (with `document_id`).
    pub document_version: Option<i32>,
    /// The platform it counts against (the parent's; none for the union's own).
    pub platform_id: Option<i64>,
    /// Where its bytes are in the file store; never shown.
    pub storage_key: String,
    /// The name it was uploaded with (its extension matching its type).
    pub name: String,
    pub title_ar: String,
    pub title_en: String,
    /// The type its bytes are (sniffed, not the type the client declared).
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// `ready`, or `pending_scan` until the virus scanner has passed it (not downloadable).
    pub status: String,
    /// When the scanning job may take it (again), while it is `pending_scan`.
    pub scan_after: Option<DateTimeUtc>,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
