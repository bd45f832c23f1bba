//! Back-office sessions (revocable, listed to their user) and sign-in
//! failure counters, kept in the database so every instance shares them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    RevokedAt,
    ClientAddress,
    UserAgent,
}

#[derive(DeriveIden)]
enum SignInThrottles {
    Table,
    Key,
    Failures,
    LockedUntil,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string_len(Sessions::Id, 64).primary_key())
                    .col(integer(Sessions::UserId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                    .col(string_len_null(Sessions::ClientAddress, 64))
                    .col(string_len_null(Sessions::UserAgent, 300))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sessions_user_created")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .col(Sessions::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInThrottles::Table)
                    .col(string_len(SignInThrottles::Key, 200).primary_key())
                    .col(integer(SignInThrottles::Failures))
                    .col(timestamp_with_time_zone_null(SignInThrottles::LockedUntil))
                    .col(timestamp_with_time_zone(SignInThrottles::UpdatedAt))
                    .to_owned(),
            )
            .await
    }
}
