//! sea-orm entities: table shapes only. Rules and behaviour live in the `api` crate.

pub mod action_token;
pub mod coordinator_term;
pub mod election;
pub mod election_ballot;
pub mod election_candidate;
pub mod election_voter;
pub mod local_authority;
pub mod membership;
pub mod platform;
pub mod refresh_token;
pub mod seed_run;
pub mod task_force;
pub mod task_force_member;
pub mod topic;
pub mod user;
pub mod work_plan;
pub mod work_plan_axis;
pub mod working_group;
pub mod working_group_member;
