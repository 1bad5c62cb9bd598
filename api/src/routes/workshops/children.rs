//! The rows that hang on the workshops, written with the resource in one transaction.

use entity::{agenda_item, workshop, workshop_expert, workshop_material, workshop_platform};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::error::ApiError;

use super::*;

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
        for p in hosts {
            workshop_platform::ActiveModel {
                workshop_id: Set(workshop_id),
                platform_id: Set(*p),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(agenda) = agenda {
        agenda_item::Entity::delete_many()
            .filter(agenda_item::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        for (i, a) in agenda.iter().enumerate() {
            agenda_item::ActiveModel {
                workshop_id: Set(workshop_id),
                position: Set(i as i32 + 1),
                title: Set(a.title.trim().to_owned()),
                title_en: Set(a.title_en.trim().to_owned()),
                speaker: Set(a.speaker.clone()),
                duration_minutes: Set(a.duration_minutes),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(experts) = experts {
        workshop_expert::Entity::delete_many()
            .filter(workshop_expert::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        for e in experts {
            workshop_expert::ActiveModel {
                workshop_id: Set(workshop_id),
                name: Set(e.name.trim().to_owned()),
                name_en: Set(e.name_en.trim().to_owned()),
                email: Set(e.email.clone()),
                organisation: Set(e.organisation.clone()),
                organisation_en: Set(e.organisation_en.trim().to_owned()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if let Some(materials) = materials {
        workshop_material::Entity::delete_many()
            .filter(workshop_material::Column::WorkshopId.eq(workshop_id))
            .exec(db)
            .await?;
        for m in materials {
            workshop_material::ActiveModel {
                workshop_id: Set(workshop_id),
                title: Set(m.title.trim().to_owned()),
                title_en: Set(m.title_en.trim().to_owned()),
                url: Set(m.url.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
