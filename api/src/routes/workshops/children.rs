//! The rows that hang on the workshops, written with the resource in one transaction: one
//! insert per kind of row however many.

use entity::{agenda_item, workshop, workshop_expert, workshop_material, workshop_platform};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::error::ApiError;

use super::*;

/// The agenda, experts and materials of a workshop as they are stored (texts trimmed), in
/// their order: what the response shows.
#[derive(Debug, Default)]
pub struct Children {
    pub agenda: Vec<AgendaItem>,
    pub experts: Vec<Expert>,
    pub materials: Vec<Material>,
}

impl Children {
    /// The lists a request gives, as they will be stored.
    pub fn of_request(agenda: &[AgendaItem], experts: &[Expert], materials: &[Material]) -> Self {
        Children {
            agenda: agenda.iter().map(stored_agenda_item).collect(),
            experts: experts.iter().map(stored_expert).collect(),
            materials: materials.iter().map(stored_material).collect(),
        }
    }
}

fn stored_agenda_item(a: &AgendaItem) -> AgendaItem {
    AgendaItem {
        title: a.title.trim().to_owned(),
        title_en: a.title_en.trim().to_owned(),
        speaker: a.speaker.clone(),
        duration_minutes: a.duration_minutes,
    }
}

fn stored_expert(e: &Expert) -> Expert {
    Expert {
        name: e.name.trim().to_owned(),
        name_en: e.name_en.trim().to_owned(),
        email: e.email.clone(),
        organisation: e.organisation.clone(),
        organisation_en: e.organisation_en.trim().to_owned(),
    }
}

fn stored_material(m: &Material) -> Material {
    Material {
        title: m.title.trim().to_owned(),
        title_en: m.title_en.trim().to_owned(),
        url: m.url.clone(),
    }
}

/// Writes the rows of a workshop inserted in this transaction (its `host_ids` written with it):
/// nothing to replace, so no deletes; one insert per kind of row.
pub async fn write_new_children(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    hosts: &[i64],
    children: &Children,
) -> Result<(), ApiError> {
    insert_hosts(db, workshop_id, hosts).await?;
    insert_agenda(db, workshop_id, &children.agenda).await?;
    insert_experts(db, workshop_id, &children.experts).await?;
    insert_materials(db, workshop_id, &children.materials).await
}

/// Replaces the hosts, agenda, experts and materials given (absent lists stay).
pub async fn write_children(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    hosts: Option<&[i64]>,
    agenda: Option<&[AgendaItem]>,
    experts: Option<&[Expert]>,
    materials: Option<&[Material]>,
) -> Result<(), ApiError> {
    if let Some(hosts) = hosts {
        workshop::Entity::update_many()
            .col_expr(
                workshop::Column::HostIds,
                sea_orm::sea_query::Expr::value(crate::services::programme::hosts::host_text(
                    hosts,
                )),
            )
            .filter(workshop::Column::Id.eq(workshop_id))
            .exec(db)
            .await?;
        workshop_platform::Entity::delete_many()
            .filter(workshop_platform::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        insert_hosts(db, workshop_id, hosts).await?;
    }
    if let Some(agenda) = agenda {
        agenda_item::Entity::delete_many()
            .filter(agenda_item::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        let agenda: Vec<AgendaItem> = agenda.iter().map(stored_agenda_item).collect();
        insert_agenda(db, workshop_id, &agenda).await?;
    }
    if let Some(experts) = experts {
        workshop_expert::Entity::delete_many()
            .filter(workshop_expert::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        let experts: Vec<Expert> = experts.iter().map(stored_expert).collect();
        insert_experts(db, workshop_id, &experts).await?;
    }
    if let Some(materials) = materials {
        workshop_material::Entity::delete_many()
            .filter(workshop_material::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        let materials: Vec<Material> = materials.iter().map(stored_material).collect();
        insert_materials(db, workshop_id, &materials).await?;
    }
    Ok(())
}

async fn insert_hosts(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    hosts: &[i64],
) -> Result<(), ApiError> {
    if hosts.is_empty() {
        return Ok(());
    }
    workshop_platform::Entity::insert_many(hosts.iter().map(|p| workshop_platform::ActiveModel {
        workshop_id: Set(workshop_id),
        platform_id: Set(*p),
        ..Default::default()
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn insert_agenda(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    agenda: &[AgendaItem],
) -> Result<(), ApiError> {
    if agenda.is_empty() {
        return Ok(());
    }
    agenda_item::Entity::insert_many(agenda.iter().enumerate().map(|(i, a)| {
        agenda_item::ActiveModel {
            workshop_id: Set(workshop_id),
            position: Set(i as i32 + 1),
            title: Set(a.title.clone()),
            title_en: Set(a.title_en.clone()),
            speaker: Set(a.speaker.clone()),
            duration_minutes: Set(a.duration_minutes),
            ..Default::default()
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn insert_experts(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    experts: &[Expert],
) -> Result<(), ApiError> {
    if experts.is_empty() {
        return Ok(());
    }
    workshop_expert::Entity::insert_many(experts.iter().map(|e| workshop_expert::ActiveModel {
        workshop_id: Set(workshop_id),
        name: Set(e.name.clone()),
        name_en: Set(e.name_en.clone()),
        email: Set(e.email.clone()),
        organisation: Set(e.organisation.clone()),
        organisation_en: Set(e.organisation_en.clone()),
        ..Default::default()
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn insert_materials(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    materials: &[Material],
) -> Result<(), ApiError> {
    if materials.is_empty() {
        return Ok(());
    }
    workshop_material::Entity::insert_many(materials.iter().map(|m| {
        workshop_material::ActiveModel {
            workshop_id: Set(workshop_id),
            title: Set(m.title.clone()),
            title_en: Set(m.title_en.clone()),
            url: Set(m.url.clone()),
            ..Default::default()
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}
