//! Local authorities, users, refresh tokens and single-use action tokens.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LocalAuthorities {
    Table,
    Id,
    NameAr,
    NameEn,
    SearchText,
    Kind,
    Governorate,
    Region,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    SearchText,
    NameAr,
    NameEn,
    Gender,
    LocalAuthorityId,
    JobTitle,
    Locale,
    Role,
    IsActive,
    EmailVerifiedAt,
    PasswordHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    Family,
    TokenHash,
    ExpiresAt,
    RotatedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ActionTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LocalAuthorities::Table)
                    .col(big_pk_auto(LocalAuthorities::Id))
                    .col(string_len(LocalAuthorities::NameAr, 200))
                    .col(string_len(LocalAuthorities::NameEn, 200))
                    .col(string_len(LocalAuthorities::SearchText, 400))
                    .col(string_len(LocalAuthorities::Kind, 32))
                    .col(string_len(LocalAuthorities::Governorate, 100))
                    .col(string_len(LocalAuthorities::Region, 16))
                    .col(timestamp_with_time_zone(LocalAuthorities::CreatedAt))
                    .col(timestamp_with_time_zone(LocalAuthorities::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_local_authorities_name_ar")
                    .table(LocalAuthorities::Table)
                    .col(LocalAuthorities::NameAr)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_local_authorities_region_id")
                    .table(LocalAuthorities::Table)
                    .col(LocalAuthorities::Region)
                    .col(LocalAuthorities::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string_len(Users::SearchText, 800))
                    .col(string_len(Users::NameAr, 200))
                    .col(string_len(Users::NameEn, 200))
                    .col(string_len(Users::Gender, 16))
                    .col(big_integer_null(Users::LocalAuthorityId))
                    .col(string_len_null(Users::JobTitle, 200))
                    .col(string_len(Users::Locale, 8))
                    .col(string_len(Users::Role, 16))
                    .col(boolean(Users::IsActive))
                    .col(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
                    .col(string_len_null(Users::PasswordHash, 255))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_local_authority")
                            .from(Users::Table, Users::LocalAuthorityId)
                            .to(LocalAuthorities::Table, LocalAuthorities::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_users_local_authority_id", Users::LocalAuthorityId),
            ("ix_users_role_id", Users::Role),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Users::Table)
                        .col(col)
                        .col(Users::Id)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(big_pk_auto(RefreshTokens::Id))
                    .col(big_integer(RefreshTokens::UserId))
                    .col(string_len(RefreshTokens::Family, 64))
                    .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RotatedAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens_user")
                            .from(RefreshTokens::Table, RefreshTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_refresh_tokens_family")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::Family)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_refresh_tokens_user_id")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ActionTokens::Table)
                    .col(big_pk_auto(ActionTokens::Id))
                    .col(big_integer(ActionTokens::UserId))
                    .col(string_len(ActionTokens::Purpose, 32))
                    .col(string_len_uniq(ActionTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(ActionTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ActionTokens::UsedAt))
                    .col(timestamp_with_time_zone(ActionTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_action_tokens_user")
                            .from(ActionTokens::Table, ActionTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_action_tokens_user_purpose")
                    .table(ActionTokens::Table)
                    .col(ActionTokens::UserId)
                    .col(ActionTokens::Purpose)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ActionTokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RefreshTokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(LocalAuthorities::Table).to_owned())
            .await
    }
}
