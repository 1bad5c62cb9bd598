//! The platforms that host a workshop or an activity together: the organiser first, then the
//! others, stored as a comma-separated copy beside the join table for the list's single query.

use entity::platform;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::error::ApiError;
use crate::i18n::Text;

/// 422 unless every host platform exists.
pub async fn check_hosts(db: &impl ConnectionTrait, hosts: &[i64]) -> Result<(), ApiError> {
    if hosts.is_empty() {
        return Ok(());
    }
    let found = platform::Entity::find()
        .filter(platform::Column::Id.is_in(hosts.iter().copied()))
        .count(db)
        .await?;
    if found as usize == hosts.len() {
        Ok(())
    } else {
        Err(ApiError::field(
            "/host_platform_ids",
            "not_found",
            Text::new(
                "a host platform does not exist",
                "إحدى المنصات المستضيفة غير موجودة",
            ),
        ))
    }
}

/// The stored form of a host list.
pub fn host_text(hosts: &[i64]) -> String {
    hosts
        .iter()
        .map(|h| h.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads a stored host list.
pub fn parse_hosts(text: &str) -> Vec<i64> {
    host_ids(text).collect()
}

pub use crate::domain::hosts::{host_ids, host_list};

#[cfg(test)]
mod tests {
    #[test]
    fn the_organiser_comes_first_and_nobody_twice() {
        assert_eq!(super::host_list(2, &[3, 2, 5, 3]), vec![2, 3, 5]);
    }
}
