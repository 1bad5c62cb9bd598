//! A local authority's part in the programme: its people, the platforms they are members of,
//! the practices it shared and adopted, and the workshops its people attended. A person who
//! keeps their platforms from anyone (`users.show_platforms`) is counted among the authority's
//! people but not on a platform.

use sea_orm::{ConnectionTrait, Statement};

use crate::domain::{DirectoryVisibility, MembershipStatus, PracticeStatus, RegistrationStatus};
use crate::error::ApiError;

/// What an authority's overview counts.
#[derive(Debug, Default)]
pub struct Overview {
    pub people: i64,
    /// Per platform, its active members from the authority who show their platforms to
    /// everyone, in platform order.
    pub platforms: Vec<(i64, i64)>,
    pub practices_shared: i64,
    pub practices_adopted: i64,
    pub workshops_attended: i64,
}

/// The overview of authority `id` (two statements).
pub async fn overview(db: &impl ConnectionTrait, id: i64) -> Result<Overview, ApiError> {
    let backend = db.get_database_backend();
    let shared = [PracticeStatus::Published, PracticeStatus::Archived]
        .map(|s| format!("'{}'", s.as_str()))
        .join(", ");
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT \
                 (SELECT COUNT(*) FROM users WHERE local_authority_id = $1 AND is_active) AS people, \
                 (SELECT COUNT(*) FROM practices WHERE local_authority_id = $1 AND status IN ({shared})) AS shared, \
                 (SELECT COUNT(*) FROM practice_replications WHERE local_authority_id = $1) AS adopted, \
                 (SELECT COUNT(DISTINCT r.workshop_id) FROM registrations r JOIN users u ON u.id = r.user_id \
                  WHERE u.local_authority_id = $1 AND r.status = '{attended}') AS attended",
                attended = RegistrationStatus::Attended.as_str(),
            ),
            [id.into()],
        ))
        .await?
        .ok_or_else(|| ApiError::Unexpected("a SELECT without FROM answered no row".into()))?;
    let platforms = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT m.platform_id, COUNT(*) AS members FROM memberships m \
                 JOIN users u ON u.id = m.user_id \
                 WHERE u.local_authority_id = $1 AND u.is_active AND m.status = '{active}' \
                 AND u.show_platforms = '{everyone}' \
                 GROUP BY m.platform_id ORDER BY m.platform_id",
                active = MembershipStatus::Active.as_str(),
                everyone = DirectoryVisibility::Everyone.as_str(),
            ),
            [id.into()],
        ))
        .await?
        .into_iter()
        .map(|r| Ok((r.try_get("", "platform_id")?, r.try_get("", "members")?)))
        .collect::<Result<Vec<(i64, i64)>, sea_orm::DbErr>>()?;
    Ok(Overview {
        people: row.try_get("", "people")?,
        platforms,
        practices_shared: row.try_get("", "shared")?,
        practices_adopted: row.try_get("", "adopted")?,
        workshops_attended: row.try_get("", "attended")?,
    })
}
