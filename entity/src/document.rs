//! A document (وثيقة): a platform's or working group's publication — a guide, a manual, a
//! template, a study, a position paper's final text — from its plan to its archive. Its versions
//! are files (`files.document_id`, numbered by `files.document_version`).

use sea_orm::entity::prelude::*;

use crate::vocab::{DocumentKind, DocumentStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The platform that publishes it (whose coordinators publish it).
    pub platform_id: i64,
    /// The working group that writes it, when one does.
    pub working_group_id: Option<i64>,
    pub kind: DocumentKind,
    pub status: DocumentStatus,
    pub title_ar: String,
    pub title_en: String,
    pub summary_ar: String,
    pub summary_en: String,
    /// The activity it is an output of (`000`: "guide produced").
    pub activity_id: Option<i64>,
    /// The programme milestone it is an output of.
    pub milestone_id: Option<i64>,
    /// The position paper whose final text it is.
    pub position_paper_id: Option<i64>,
    /// Its authors: a JSON list of user ids.
    pub author_ids: String,
    /// Number of the latest version (0 before the first).
    pub current_version: i32,
    /// How many times a version was read whole (or from its first byte).
    pub download_count: i64,
    pub search_text: String,
    /// Who planned it (none for the programme's own reference data).
    pub created_by: Option<i64>,
    /// Optimistic-locking counter (the `ETag`), bumped by every change.
    pub version: i32,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
