//! Who may write what: every write route of the governance core, workshops and their files,
//! activities, position papers and partnerships × {admin, coordinator of this platform, coordinator of
//! another platform, member, anonymous}, each cell on fresh objects. Every cell also checks the
//! audit trail: a write that succeeds leaves an entry naming the caller, one that is refused
//! leaves nothing.

use chrono::{Duration, Utc};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use tests::{TestApp, spawn_app};

/// The write routes, and every one of them in a list (one name each, in one place).
macro_rules! routes {
    ($($name:ident,)+) => {
        #[derive(Clone, Copy, Debug)]
        enum Route { $($name,)+ }
        const ROUTES: &[Route] = &[$(Route::$name,)+];
    };
}

routes! {
    CreatePlatform,
    UpdatePlatform,
    DeletePlatform,
    RequestMembership,
    ApproveMembership,
    RejectMembership,
    RemoveMember,
    CreateElection,
    Nominate,
    AcceptNomination,
    CastBallot,
    Certify,
    CreateWorkPlan,
    UpdateWorkPlan,
    ApproveWorkPlan,
    DeleteWorkPlan,
    AddAxis,
    AddTopic,
    ReorderTopics,
    UpdateTopic,
    DeleteTopic,
    PutWorkingGroup,
    AddGroupMember,
    RemoveGroupMember,
    CreateTaskForce,
    UpdateTaskForce,
    DeleteTaskForce,
    AddTaskForceMember,
    RemoveTaskForceMember,
    CreateWorkshop,
    UpdateWorkshop,
    TransitionWorkshop,
    PutMinutes,
    RegisterSelf,
    RegisterOther,
    CancelOthersRegistration,
    RecordAttendance,
    CheckIn,
    CreateCalendarToken,
    RevokeCalendarToken,
    CreateActivity,
    UpdateActivity,
    ChangeActivityStatus,
    DeleteActivity,
    CreatePaper,
    UpdatePaper,
    TransitionPaper,
    Endorse,
    WithdrawEndorsement,
    CreatePartnership,
    UpdatePartnership,
    PartnershipStep,
    UploadFile,
    UploadRawFile,
    DeleteFile,
    UploadVersionFile,
    UploadStepFile,
    UploadActivityFile,
    UploadGuide,
    PutPhoto,
    CreatePractice,
    UpdatePractice,
    PublishPractice,
    UploadPracticeFile,
    CreateExchangeRequest,
    DecideExchangeRequest,
    RecordReplication,
    PlanExchange,
    CreateDocument,
    UpdateDocument,
    UploadDocumentVersion,
    PublishDocument,
    FollowTopic,
    CreateDiscussion,
    UpdateDiscussion,
    Reply,
    UpdatePost,
    DeletePost,
    AcceptAnswer,
    ModerateDiscussion,
    HidePost,
    UnhidePost,
    FlagPost,
    DecideFlag,
    FollowDiscussion,
    FollowSpace,
}

/// Expected status for [admin, coordinator here, coordinator elsewhere, member, anonymous].
fn expected(route: Route) -> [u16; 5] {
    use Route::*;
    match route {
        CreatePlatform | CreateTaskForce | AddTaskForceMember => [201, 403, 403, 403, 401],
        UpdatePlatform | UpdateTaskForce | Certify => [200, 403, 403, 403, 401],
        DeletePlatform | DeleteTaskForce | RemoveTaskForceMember => [204, 403, 403, 403, 401],
        // Joining is self-service: the coordinator and the member already belong.
        RequestMembership => [201, 409, 201, 409, 401],
        ApproveMembership | RejectMembership | UpdateWorkPlan | ApproveWorkPlan | ReorderTopics
        | UpdateTopic | UpdateWorkshop | TransitionWorkshop | PutMinutes | RecordAttendance
        | UpdateActivity | ChangeActivityStatus => [200, 200, 403, 403, 401],
        CreateWorkshop | RegisterOther | CreateActivity => [201, 201, 403, 403, 401],
        CancelOthersRegistration | DeleteActivity => [204, 204, 403, 403, 401],
        // Self-service: anyone signed in.
        RegisterSelf | CreateCalendarToken => [201, 201, 201, 201, 401],
        RevokeCalendarToken => [204, 204, 204, 204, 401],
        // Nobody in the fixture is registered for the workshop.
        CheckIn => [409, 409, 409, 409, 401],
        RemoveMember | DeleteWorkPlan | DeleteTopic | RemoveGroupMember => {
            [204, 204, 403, 403, 401]
        }
        CreateElection | CreateWorkPlan | AddAxis | AddTopic | PutWorkingGroup | AddGroupMember => {
            [201, 201, 403, 403, 401]
        }
        // Only active members nominate and vote; the admin is not a member of the platform.
        Nominate | CastBallot => [403, 201, 403, 201, 401],
        // Only the nominee (the member) accepts.
        AcceptNomination => [403, 403, 403, 200, 401],
        // Members draft papers; to anyone outside the platform an unpublished paper is 404.
        CreatePaper => [201, 201, 403, 201, 401],
        // The member is the paper's author.
        UpdatePaper => [200, 200, 404, 200, 401],
        // Adoption is the coordinator's (or an admin's), not the author's.
        TransitionPaper => [200, 200, 404, 403, 401],
        // The admin belongs to no local authority; the coordinator and the member do.
        Endorse => [403, 201, 404, 201, 401],
        // Everyone but the anonymous caller is an admin or from the endorsing authority.
        WithdrawEndorsement => [204, 204, 204, 204, 401],
        // Nobody but the admin is in the international partnerships task force.
        CreatePartnership => [201, 403, 403, 403, 401],
        UpdatePartnership | PartnershipStep => [200, 403, 403, 403, 401],
        // A workshop's materials are its managers': the admin and its platform's coordinator.
        UploadFile | UploadRawFile | UploadActivityFile | UploadGuide => [201, 201, 403, 403, 401],
        DeleteFile => [204, 204, 403, 403, 401],
        // A draft's PDF is its editors': the admin, the coordinator and the member who wrote it;
        // to a coordinator elsewhere the draft is not there.
        UploadVersionFile => [201, 201, 404, 201, 401],
        // The agreements' documents are the task force's (here, the admin alone).
        UploadStepFile => [201, 403, 403, 403, 401],
        // One's own photo: anyone signed in.
        PutPhoto => [201, 201, 201, 201, 401],
        // The platform's people share their authority's practices (the admin names one).
        CreatePractice => [201, 201, 403, 201, 401],
        // A draft is its editors' (the member is its contact person) and the coordinators'; to
        // a coordinator elsewhere it is not there.
        UpdatePractice => [200, 200, 404, 200, 401],
        UploadPracticeFile => [201, 201, 404, 201, 401],
        // Publishing is the coordinators'.
        PublishPractice => [200, 200, 404, 403, 401],
        // Anyone of another authority asks to learn a published practice; the admin belongs to
        // none.
        CreateExchangeRequest => [403, 201, 201, 201, 401],
        // The practice's people answer (the member is its contact person) and its coordinators.
        DecideExchangeRequest => [200, 200, 403, 200, 401],
        // The adopting authority's people record it (all but the admin are of that authority;
        // the admin manages the platform).
        RecordReplication => [201, 201, 201, 201, 401],
        // An accepted request becomes an activity at the coordinators' hands.
        PlanExchange => [201, 201, 403, 403, 401],
        // The platform's coordinators plan its documents.
        CreateDocument => [201, 201, 403, 403, 401],
        // A planned document is its platform's and its authors' (the member is its author); to
        // a coordinator elsewhere it is not there.
        UpdateDocument => [200, 200, 404, 200, 401],
        UploadDocumentVersion => [201, 201, 404, 201, 401],
        // Publishing is the coordinators', not the author's.
        PublishDocument => [200, 200, 404, 403, 401],
        // Anyone signed in follows a topic.
        FollowTopic => [204, 204, 204, 204, 401],
        // A platform's discussions are its people's: its members and coordinators (and
        // administrators); the coordinator elsewhere sees them but may not write in them.
        CreateDiscussion | Reply => [201, 201, 403, 201, 401],
        // The member wrote the discussion and the reply; the platform's coordinators moderate.
        UpdateDiscussion | UpdatePost | DeletePost | AcceptAnswer => [200, 200, 403, 200, 401],
        // Moderation is the platform's coordinators' (and administrators').
        ModerateDiscussion | HidePost | UnhidePost | DecideFlag => [200, 200, 403, 403, 401],
        // Whoever reads a reply may flag it.
        FlagPost => [201, 201, 201, 201, 401],
        // Anyone signed in who sees a platform's discussions follows them.
        FollowDiscussion | FollowSpace => [204, 204, 204, 204, 401],
    }
}

struct Fixture {
    admin: String,
    /// The authority of the coordinators, the member and the other member.
    authority: i64,
    coord_id: i64,
    member_id: i64,
    /// A member of the authority, used as applicant, removable member and task-force member.
    other_id: i64,
    tokens: [Option<String>; 5],
    counter: std::cell::Cell<u32>,
}

struct Request {
    method: Method,
    path: String,
    body: Value,
    if_match: bool,
    /// A file to send instead of a JSON body.
    upload: Upload,
}

#[derive(Clone, Copy)]
enum Upload {
    None,
    /// The raw bytes of a PDF.
    Raw,
    /// A PDF in a multipart form.
    Form,
    /// The raw bytes of a PNG image.
    Png,
}

impl Request {
    /// The request, sent with `token` (a bearer token or a key).
    fn send(&self, app: &TestApp, token: Option<&str>) -> reqwest::RequestBuilder {
        let mut rb = app.request(self.method.clone(), &self.path, token);
        if self.if_match {
            rb = rb.header("If-Match", "\"1\"");
        }
        match self.upload {
            Upload::Raw => rb
                .header("Content-Type", "application/pdf")
                .body(crate::files::pdf(2_000)),
            Upload::Form => rb.multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(crate::files::pdf(2_000)).file_name("محضر.pdf"),
            )),
            Upload::Png => {
                let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
                png.resize(1_000, 7);
                rb.header("Content-Type", "image/png").body(png)
            }
            Upload::None if !self.body.is_null() => rb.json(&self.body),
            Upload::None => rb,
        }
    }
}

impl Fixture {
    fn unique(&self, prefix: &str) -> String {
        self.counter.set(self.counter.get() + 1);
        format!("{prefix}-{}", self.counter.get())
    }
}

async fn admin_post(app: &TestApp, fx: &Fixture, path: &str, body: Value) -> Value {
    let res = app.post(path, Some(&fx.admin), &body).await;
    assert!(res.status().is_success(), "set-up {path}: {}", res.status());
    res.json().await.expect("json")
}

async fn election(app: &TestApp, platform: i64, offsets: [i64; 4]) -> i64 {
    let now = Utc::now();
    let at = |h: i64| now + Duration::hours(h);
    let admin_id: i64 = 1;
    let e = entity::election::ActiveModel {
        platform_id: Set(platform),
        nomination_starts_at: Set(at(offsets[0])),
        nomination_ends_at: Set(at(offsets[1])),
        voting_starts_at: Set(at(offsets[2])),
        voting_ends_at: Set(at(offsets[3])),
        created_by: Set(admin_id),
        certified_at: Set(None),
        certified_by: Set(None),
        cancelled_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("election");
    e.id
}

async fn candidate(app: &TestApp, election: i64, user: i64, by: i64, accepted: bool) -> i64 {
    entity::election_candidate::ActiveModel {
        election_id: Set(election),
        seat: Set(api::domain::Seat::Coordinator),
        user_id: Set(user),
        nominated_by: Set(by),
        accepted_at: Set(accepted.then(Utc::now)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("candidate")
    .id
}

async fn membership(app: &TestApp, platform: i64, user: i64, status: &str) {
    entity::membership::ActiveModel {
        platform_id: Set(platform),
        user_id: Set(user),
        status: Set(api::domain::MembershipStatus::parse(status).expect("a membership status")),
        requested_at: Set(Utc::now()),
        decided_at: Set(None),
        decided_by: Set(None),
        left_at: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("membership");
}

/// A paper on platform `p` written by the member, moved by the admin along `path`.
async fn paper(app: &TestApp, fx: &Fixture, p: i64, path: &[&str]) -> i64 {
    let created = admin_post(
        app,
        fx,
        "/api/v1/position-papers",
        json!({"platform_id": p, "target_body": "وزارة الحكم المحلي", "title": {"ar": "ورقة موقف"},
               "body": {"ar": "النص"}, "author_ids": [fx.member_id]}),
    )
    .await;
    let id = created["id"].as_i64().expect("id");
    for to in path {
        admin_post(
            app,
            fx,
            &format!("/api/v1/position-papers/{id}/transitions"),
            json!({"to": to}),
        )
        .await;
    }
    id
}

fn partnership_body(fx: &Fixture) -> Value {
    json!({"kind": "twinning", "subject": {"ar": "توأمة"}, "supervising_body": "لجنة المتابعة",
           "starts_on": "2027-01-01", "ends_on": "2029-12-31",
           "parties": [{"kind": "local_authority", "local_authority_id": fx.authority},
                       {"kind": "foreign_local_authority", "name": {"ar": "بلدية أجنبية", "en": "A foreign town"}, "country": "FR"}]})
}

async fn plan(app: &TestApp, fx: &Fixture, platform: i64) -> Value {
    admin_post(
        app,
        fx,
        &format!("/api/v1/platforms/{platform}/work-plans"),
        json!({"period": fx.unique("p"), "topics": [{"title": {"ar": "أول"}}, {"title": {"ar": "ثان"}}]}),
    )
    .await
}

/// Builds the objects one cell needs, on a platform `p` where the coordinator sits and the
/// member belongs, and returns the request to try.
async fn prepare(app: &TestApp, fx: &Fixture, route: Route) -> Request {
    use Route::*;
    let p = app.create_platform(&fx.admin, &fx.unique("m")).await;
    app.make_coordinator(p, fx.coord_id, "coordinator").await;
    app.make_member(p, fx.member_id).await;
    let req = |method: Method, path: String, body: Value| Request {
        method,
        path,
        body,
        if_match: false,
        upload: Upload::None,
    };
    match route {
        CreatePlatform => req(
            Method::POST,
            "/api/v1/platforms".into(),
            json!({"name": {"ar": "منصة جديدة"}, "slug": fx.unique("new"), "kind": "thematic"}),
        ),
        UpdatePlatform => Request {
            if_match: true,
            ..req(
                Method::PATCH,
                format!("/api/v1/platforms/{p}"),
                json!({"status": "suspended"}),
            )
        },
        DeletePlatform => {
            // A platform nothing refers to yet (deleting is for admins alone).
            let q = app.create_platform(&fx.admin, &fx.unique("gone")).await;
            req(
                Method::DELETE,
                format!("/api/v1/platforms/{q}"),
                Value::Null,
            )
        }
        RequestMembership => req(
            Method::POST,
            format!("/api/v1/platforms/{p}/members"),
            json!({}),
        ),
        ApproveMembership | RejectMembership => {
            membership(app, p, fx.other_id, "pending").await;
            let verb = if matches!(route, ApproveMembership) {
                "approve"
            } else {
                "reject"
            };
            req(
                Method::POST,
                format!("/api/v1/platforms/{p}/members/{}/{verb}", fx.other_id),
                json!({}),
            )
        }
        RemoveMember => {
            membership(app, p, fx.other_id, "active").await;
            req(
                Method::DELETE,
                format!("/api/v1/platforms/{p}/members/{}", fx.other_id),
                Value::Null,
            )
        }
        CreateElection => {
            let now = Utc::now();
            req(
                Method::POST,
                format!("/api/v1/platforms/{p}/elections"),
                json!({"nomination_starts_at": now + Duration::hours(1), "nomination_ends_at": now + Duration::hours(2),
                       "voting_starts_at": now + Duration::hours(3), "voting_ends_at": now + Duration::hours(4)}),
            )
        }
        Nominate => {
            let e = election(app, p, [-1, 1, 2, 3]).await;
            req(
                Method::POST,
                format!("/api/v1/elections/{e}/candidates"),
                json!({"seat": "coordinator"}),
            )
        }
        AcceptNomination => {
            let e = election(app, p, [-1, 1, 2, 3]).await;
            let c = candidate(app, e, fx.member_id, fx.coord_id, false).await;
            req(
                Method::POST,
                format!("/api/v1/elections/{e}/candidates/{c}/accept"),
                json!({}),
            )
        }
        CastBallot => {
            let e = election(app, p, [-4, -3, -1, 1]).await;
            let c = candidate(app, e, fx.coord_id, fx.coord_id, true).await;
            req(
                Method::POST,
                format!("/api/v1/elections/{e}/ballots"),
                json!({"seat": "coordinator", "candidate_id": c}),
            )
        }
        Certify => {
            let e = election(app, p, [-4, -3, -2, -1]).await;
            candidate(app, e, fx.coord_id, fx.coord_id, true).await;
            req(
                Method::POST,
                format!("/api/v1/elections/{e}/certify"),
                json!({}),
            )
        }
        CreateWorkPlan => req(
            Method::POST,
            format!("/api/v1/platforms/{p}/work-plans"),
            json!({"period": "2030"}),
        ),
        UpdateWorkPlan | ApproveWorkPlan | DeleteWorkPlan | AddAxis | AddTopic | ReorderTopics => {
            let w = plan(app, fx, p).await;
            let id = w["id"].as_i64().expect("id");
            let topics: Vec<i64> = w["topics"]
                .as_array()
                .expect("t")
                .iter()
                .map(|t| t["id"].as_i64().expect("id"))
                .collect();
            match route {
                UpdateWorkPlan => Request {
                    if_match: true,
                    ..req(
                        Method::PATCH,
                        format!("/api/v1/work-plans/{id}"),
                        json!({"title": {"ar": "عنوان"}}),
                    )
                },
                ApproveWorkPlan => Request {
                    if_match: true,
                    ..req(
                        Method::POST,
                        format!("/api/v1/work-plans/{id}/approve"),
                        json!({}),
                    )
                },
                DeleteWorkPlan => req(
                    Method::DELETE,
                    format!("/api/v1/work-plans/{id}"),
                    Value::Null,
                ),
                AddAxis => req(
                    Method::POST,
                    format!("/api/v1/work-plans/{id}/axes"),
                    json!({"name": {"ar": "محور"}}),
                ),
                AddTopic => req(
                    Method::POST,
                    format!("/api/v1/work-plans/{id}/topics"),
                    json!({"title": {"ar": "موضوع"}}),
                ),
                _ => Request {
                    if_match: true,
                    ..req(
                        Method::POST,
                        format!("/api/v1/work-plans/{id}/topics/reorder"),
                        json!({"topic_ids": [topics[1], topics[0]]}),
                    )
                },
            }
        }
        UpdateTopic | DeleteTopic | PutWorkingGroup | AddGroupMember | RemoveGroupMember => {
            let w = plan(app, fx, p).await;
            let t = w["topics"][0]["id"].as_i64().expect("topic");
            match route {
                UpdateTopic => req(
                    Method::PATCH,
                    format!("/api/v1/topics/{t}"),
                    json!({"title": {"ar": "معدل"}}),
                ),
                DeleteTopic => req(Method::DELETE, format!("/api/v1/topics/{t}"), Value::Null),
                PutWorkingGroup => req(
                    Method::PUT,
                    format!("/api/v1/topics/{t}/working-group"),
                    json!({}),
                ),
                _ => {
                    membership(app, p, fx.other_id, "active").await;
                    let res = app
                        .request(
                            Method::PUT,
                            &format!("/api/v1/topics/{t}/working-group"),
                            Some(&fx.admin),
                        )
                        .json(&json!({"lead_user_id": fx.other_id}))
                        .send()
                        .await
                        .expect("group");
                    assert_eq!(res.status(), 201);
                    if matches!(route, AddGroupMember) {
                        req(
                            Method::POST,
                            format!("/api/v1/topics/{t}/working-group/members"),
                            json!({"user_id": fx.member_id}),
                        )
                    } else {
                        req(
                            Method::DELETE,
                            format!("/api/v1/topics/{t}/working-group/members/{}", fx.other_id),
                            Value::Null,
                        )
                    }
                }
            }
        }
        CreateWorkshop
        | UpdateWorkshop
        | TransitionWorkshop
        | RegisterSelf
        | RegisterOther
        | CancelOthersRegistration
        | CheckIn => {
            let now = Utc::now();
            let body = |status: &str| {
                json!({"platform_id": p, "title": {"ar": "ورشة"}, "status": status,
                "starts_at": now + Duration::minutes(30), "ends_at": now + Duration::hours(3), "venue": {"city": "أريحا"}})
            };
            if matches!(route, CreateWorkshop) {
                return req(Method::POST, "/api/v1/workshops".into(), body("draft"));
            }
            let status = if matches!(route, UpdateWorkshop | TransitionWorkshop) {
                "draft"
            } else {
                "scheduled"
            };
            let w = admin_post(app, fx, "/api/v1/workshops", body(status)).await;
            let id = w["id"].as_i64().expect("id");
            match route {
                UpdateWorkshop => Request {
                    if_match: true,
                    ..req(
                        Method::PATCH,
                        format!("/api/v1/workshops/{id}"),
                        json!({"capacity": 5}),
                    )
                },
                TransitionWorkshop => req(
                    Method::POST,
                    format!("/api/v1/workshops/{id}/transitions"),
                    json!({"to": "scheduled"}),
                ),
                RegisterSelf => req(
                    Method::POST,
                    format!("/api/v1/workshops/{id}/registrations"),
                    json!({}),
                ),
                RegisterOther => req(
                    Method::POST,
                    format!("/api/v1/workshops/{id}/registrations"),
                    json!({"user_id": fx.other_id}),
                ),
                CancelOthersRegistration => {
                    admin_post(
                        app,
                        fx,
                        &format!("/api/v1/workshops/{id}/registrations"),
                        json!({"user_id": fx.other_id}),
                    )
                    .await;
                    req(
                        Method::DELETE,
                        format!("/api/v1/workshops/{id}/registrations/{}", fx.other_id),
                        Value::Null,
                    )
                }
                _ => req(
                    Method::POST,
                    format!("/api/v1/workshops/{id}/check-in"),
                    json!({"code": w["check_in_code"]}),
                ),
            }
        }
        PutMinutes | RecordAttendance => {
            let now = Utc::now();
            let w = admin_post(app, fx, "/api/v1/workshops", json!({"platform_id": p, "title": {"ar": "ورشة سابقة"}, "status": "completed",
                "history_reason": "سجل سابق", "starts_at": now - Duration::hours(5), "ends_at": now - Duration::hours(3), "venue": {"city": "أريحا"}})).await;
            let id = w["id"].as_i64().expect("id");
            if matches!(route, PutMinutes) {
                Request {
                    if_match: true,
                    ..req(
                        Method::PUT,
                        format!("/api/v1/workshops/{id}/minutes"),
                        json!({"minutes": {"ar": "محضر"}}),
                    )
                }
            } else {
                entity::registration::ActiveModel {
                    workshop_id: Set(id),
                    user_id: Set(fx.other_id),
                    status: Set(api::domain::RegistrationStatus::Registered),
                    queued_at: Set(now),
                    registered_by: Set(None),
                    checked_in_at: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&app.db)
                .await
                .expect("registration");
                req(
                    Method::POST,
                    format!("/api/v1/workshops/{id}/attendance"),
                    json!({"entries": [{"user_id": fx.other_id, "status": "attended"}]}),
                )
            }
        }
        UploadFile | UploadRawFile | DeleteFile => {
            let now = Utc::now();
            let w = admin_post(app, fx, "/api/v1/workshops", json!({"platform_id": p, "title": {"ar": "ورشة"},
                "status": "scheduled", "starts_at": now + Duration::hours(30), "ends_at": now + Duration::hours(33),
                "venue": {"city": "نابلس"}})).await;
            let id = w["id"].as_i64().expect("id");
            match route {
                UploadFile => Request {
                    upload: Upload::Form,
                    ..req(
                        Method::POST,
                        format!("/api/v1/workshops/{id}/files"),
                        Value::Null,
                    )
                },
                UploadRawFile => Request {
                    upload: Upload::Raw,
                    ..req(
                        Method::POST,
                        format!("/api/v1/workshops/{id}/files/raw?name=agenda.pdf"),
                        Value::Null,
                    )
                },
                _ => {
                    let res = Request {
                        upload: Upload::Raw,
                        ..req(
                            Method::POST,
                            format!("/api/v1/workshops/{id}/files/raw?name=minutes.pdf"),
                            Value::Null,
                        )
                    }
                    .send(app, Some(&fx.admin))
                    .send()
                    .await
                    .expect("upload");
                    assert_eq!(res.status(), 201, "set-up upload");
                    let file: Value = res.json().await.expect("json");
                    req(
                        Method::DELETE,
                        format!("/api/v1/files/{}", file["id"]),
                        Value::Null,
                    )
                }
            }
        }
        UploadVersionFile => {
            let id = paper(app, fx, p, &[]).await;
            Request {
                upload: Upload::Form,
                ..req(
                    Method::POST,
                    format!("/api/v1/position-papers/{id}/versions/1/files"),
                    Value::Null,
                )
            }
        }
        UploadStepFile => {
            let a = admin_post(app, fx, "/api/v1/partnerships", partnership_body(fx)).await;
            let id = a["id"].as_i64().expect("id");
            let steps = app
                .get_json(&format!("/api/v1/partnerships/{id}/steps"), Some(&fx.admin))
                .await;
            let step = steps["items"][0]["id"].as_i64().expect("the opening step");
            Request {
                upload: Upload::Form,
                ..req(
                    Method::POST,
                    format!("/api/v1/partnerships/{id}/steps/{step}/files"),
                    Value::Null,
                )
            }
        }
        UploadActivityFile => {
            let a = admin_post(
                app,
                fx,
                "/api/v1/activities",
                json!({"platform_id": p, "kind": "guide", "title": {"ar": "دليل"}}),
            )
            .await;
            Request {
                upload: Upload::Form,
                ..req(
                    Method::POST,
                    format!("/api/v1/activities/{}/files", a["id"]),
                    Value::Null,
                )
            }
        }
        UploadGuide => Request {
            upload: Upload::Form,
            ..req(
                Method::POST,
                format!("/api/v1/platforms/{p}/guides"),
                Value::Null,
            )
        },
        CreatePractice => req(
            Method::POST,
            "/api/v1/practices".into(),
            json!({"platform_id": p, "local_authority_id": fx.authority,
                   "title": {"ar": "ممارسة"}, "contact_ids": [fx.member_id]}),
        ),
        UpdatePractice | PublishPractice | UploadPracticeFile => {
            let created = admin_post(
                app,
                fx,
                "/api/v1/practices",
                json!({"platform_id": p, "local_authority_id": fx.authority,
                       "title": {"ar": "ممارسة"}, "contact_ids": [fx.member_id]}),
            )
            .await;
            let id = created["id"].as_i64().expect("id");
            match route {
                UpdatePractice => Request {
                    if_match: true,
                    ..req(
                        Method::PATCH,
                        format!("/api/v1/practices/{id}"),
                        json!({"tags": ["GIS"]}),
                    )
                },
                PublishPractice => {
                    admin_post(
                        app,
                        fx,
                        &format!("/api/v1/practices/{id}/transitions"),
                        json!({"to": "submitted"}),
                    )
                    .await;
                    req(
                        Method::POST,
                        format!("/api/v1/practices/{id}/transitions"),
                        json!({"to": "published"}),
                    )
                }
                _ => Request {
                    upload: Upload::Form,
                    ..req(
                        Method::POST,
                        format!("/api/v1/practices/{id}/files"),
                        Value::Null,
                    )
                },
            }
        }
        CreateExchangeRequest | DecideExchangeRequest | RecordReplication | PlanExchange => {
            let other = app
                .create_authority(&fx.admin, &fx.unique("بلدية"), &fx.unique("Town"))
                .await;
            let created = admin_post(
                app,
                fx,
                "/api/v1/practices",
                json!({"platform_id": p, "local_authority_id": other,
                       "title": {"ar": "ممارسة"}, "contact_ids": [fx.member_id]}),
            )
            .await;
            let id = created["id"].as_i64().expect("id");
            for to in ["submitted", "published"] {
                admin_post(
                    app,
                    fx,
                    &format!("/api/v1/practices/{id}/transitions"),
                    json!({"to": to}),
                )
                .await;
            }
            let ask = json!({"message": "نود التعلم", "participants": 3});
            match route {
                CreateExchangeRequest => req(
                    Method::POST,
                    format!("/api/v1/practices/{id}/exchange-requests"),
                    ask,
                ),
                DecideExchangeRequest | PlanExchange => {
                    // Asked by the coordinator, of the fixture's authority.
                    let coordinator = fx.tokens[1].as_deref().expect("the coordinator");
                    let res = app
                        .post(
                            &format!("/api/v1/practices/{id}/exchange-requests"),
                            Some(coordinator),
                            &ask,
                        )
                        .await;
                    assert_eq!(res.status(), 201, "set-up request");
                    let asked: Value = res.json().await.expect("json");
                    let decision = format!("/api/v1/exchange-requests/{}/decision", asked["id"]);
                    let accept = json!({"answer": "accepted"});
                    if let PlanExchange = route {
                        admin_post(app, fx, &decision, accept).await;
                        req(
                            Method::POST,
                            format!("/api/v1/exchange-requests/{}/activity", asked["id"]),
                            json!({"planned_quarter": "2027-Q1"}),
                        )
                    } else {
                        req(Method::POST, decision, accept)
                    }
                }
                _ => req(
                    Method::POST,
                    format!("/api/v1/practices/{id}/replications"),
                    json!({"local_authority_id": fx.authority, "adopted_on": "2026-06-01"}),
                ),
            }
        }
        FollowSpace => req(
            Method::PUT,
            format!("/api/v1/discussion-spaces/platform/{p}/follow"),
            Value::Null,
        ),
        FollowDiscussion => {
            let d = admin_post(
                app,
                fx,
                "/api/v1/discussions",
                json!({"space": {"kind": "platform", "id": p}, "title": {"ar": "نقاش"},
                       "body": {"ar": "نص"}}),
            )
            .await;
            req(
                Method::PUT,
                format!("/api/v1/discussions/{}/follow", d["id"]),
                Value::Null,
            )
        }
        CreateDiscussion => req(
            Method::POST,
            "/api/v1/discussions".into(),
            json!({"space": {"kind": "platform", "id": p}, "title": {"ar": "سؤال"},
                   "body": {"ar": "كيف **نجمع** الرسوم؟"}}),
        ),
        UpdateDiscussion | Reply | UpdatePost | DeletePost | AcceptAnswer | ModerateDiscussion
        | HidePost | UnhidePost | FlagPost | DecideFlag => {
            let member = fx.tokens[3].as_deref();
            let res = app
                .post(
                    "/api/v1/discussions",
                    member,
                    &json!({"space": {"kind": "platform", "id": p}, "kind": "question",
                            "title": {"ar": "سؤال"}, "body": {"en": "How?"}}),
                )
                .await;
            assert_eq!(res.status(), 201, "set-up: a question");
            let d = res.json::<Value>().await.expect("json")["id"]
                .as_i64()
                .expect("id");
            let posts = format!("/api/v1/discussions/{d}/posts");
            if matches!(route, Reply) {
                return req(Method::POST, posts, json!({"body": "هكذا"}));
            }
            if matches!(route, ModerateDiscussion) {
                return req(
                    Method::POST,
                    format!("/api/v1/discussions/{d}/moderation"),
                    json!({"locked": true, "pinned": true}),
                );
            }
            if matches!(route, UpdateDiscussion) {
                return Request {
                    if_match: true,
                    ..req(
                        Method::PATCH,
                        format!("/api/v1/discussions/{d}"),
                        json!({"title": {"en": "A question"}}),
                    )
                };
            }
            let res = app.post(&posts, member, &json!({"body": "هكذا"})).await;
            assert_eq!(res.status(), 201, "set-up: a reply");
            let post = res.json::<Value>().await.expect("json")["id"]
                .as_i64()
                .expect("id");
            match route {
                UpdatePost => Request {
                    if_match: true,
                    ..req(
                        Method::PATCH,
                        format!("{posts}/{post}"),
                        json!({"body": "هكذا تمامًا"}),
                    )
                },
                DeletePost => req(Method::DELETE, format!("{posts}/{post}"), Value::Null),
                HidePost => req(
                    Method::POST,
                    format!("{posts}/{post}/hidden"),
                    json!({"reason": "خارج الموضوع"}),
                ),
                UnhidePost => {
                    admin_post(
                        app,
                        fx,
                        &format!("{posts}/{post}/hidden"),
                        json!({"reason": "خارج الموضوع"}),
                    )
                    .await;
                    req(
                        Method::DELETE,
                        format!("{posts}/{post}/hidden"),
                        Value::Null,
                    )
                }
                FlagPost => req(
                    Method::POST,
                    format!("{posts}/{post}/flags"),
                    json!({"reason": "إساءة"}),
                ),
                DecideFlag => {
                    let flag = admin_post(
                        app,
                        fx,
                        &format!("{posts}/{post}/flags"),
                        json!({"reason": "إساءة"}),
                    )
                    .await;
                    req(
                        Method::POST,
                        format!("/api/v1/discussion-flags/{}/decision", flag["id"]),
                        json!({"outcome": "upheld"}),
                    )
                }
                _ => req(
                    Method::POST,
                    format!("/api/v1/discussions/{d}/accepted-answer"),
                    json!({"post_id": post}),
                ),
            }
        }
        FollowTopic => {
            let w = plan(app, fx, p).await;
            let t = w["topics"][0]["id"].as_i64().expect("topic");
            req(
                Method::PUT,
                format!("/api/v1/topics/{t}/follow"),
                Value::Null,
            )
        }
        CreateDocument => req(
            Method::POST,
            "/api/v1/documents".into(),
            json!({"platform_id": p, "kind": "guide", "title": {"ar": "دليل"}}),
        ),
        UpdateDocument | UploadDocumentVersion | PublishDocument => {
            let created = admin_post(
                app,
                fx,
                "/api/v1/documents",
                json!({"platform_id": p, "kind": "guide", "title": {"ar": "دليل"},
                       "author_ids": [fx.member_id]}),
            )
            .await;
            let id = created["id"].as_i64().expect("id");
            let versions = format!("/api/v1/documents/{id}/versions");
            match route {
                UpdateDocument => Request {
                    if_match: true,
                    ..req(
                        Method::PATCH,
                        format!("/api/v1/documents/{id}"),
                        json!({"title": {"en": "A guide"}}),
                    )
                },
                UploadDocumentVersion => Request {
                    upload: Upload::Form,
                    ..req(Method::POST, versions, Value::Null)
                },
                _ => {
                    let res = Request {
                        upload: Upload::Form,
                        ..req(Method::POST, versions, Value::Null)
                    }
                    .send(app, Some(&fx.admin))
                    .send()
                    .await
                    .expect("version");
                    assert_eq!(res.status(), 201, "set-up: a version");
                    req(
                        Method::POST,
                        format!("/api/v1/documents/{id}/transitions"),
                        json!({"to": "published"}),
                    )
                }
            }
        }
        PutPhoto => Request {
            upload: Upload::Png,
            ..req(
                Method::PUT,
                "/api/v1/me/photo?name=me.png".into(),
                Value::Null,
            )
        },
        CreateCalendarToken => req(Method::POST, "/api/v1/me/calendar-token".into(), json!({})),
        RevokeCalendarToken => req(
            Method::DELETE,
            "/api/v1/me/calendar-token".into(),
            Value::Null,
        ),
        CreateActivity | UpdateActivity | ChangeActivityStatus | DeleteActivity => {
            let w = plan(app, fx, p).await;
            let t = w["topics"][0]["id"].as_i64().expect("topic");
            let res = app
                .request(
                    Method::PUT,
                    &format!("/api/v1/topics/{t}/working-group"),
                    Some(&fx.admin),
                )
                .json(&json!({}))
                .send()
                .await
                .expect("group");
            let group: Value = res.json().await.expect("json");
            let body = json!({"working_group_id": group["id"], "kind": "learning_day", "title": {"ar": "يوم تعليمي"}});
            if matches!(route, CreateActivity) {
                return req(Method::POST, "/api/v1/activities".into(), body);
            }
            let a = admin_post(app, fx, "/api/v1/activities", body).await;
            let id = a["id"].as_i64().expect("id");
            match route {
                UpdateActivity => Request {
                    if_match: true,
                    ..req(
                        Method::PATCH,
                        format!("/api/v1/activities/{id}"),
                        json!({"planned_quarter": "2027-Q1"}),
                    )
                },
                ChangeActivityStatus => req(
                    Method::POST,
                    format!("/api/v1/activities/{id}/status"),
                    json!({"status": "started"}),
                ),
                _ => req(
                    Method::DELETE,
                    format!("/api/v1/activities/{id}"),
                    Value::Null,
                ),
            }
        }
        CreatePaper => req(
            Method::POST,
            "/api/v1/position-papers".into(),
            json!({"platform_id": p, "target_body": "وزارة المالية", "title": {"ar": "ورقة"},
                   "author_ids": [fx.member_id]}),
        ),
        UpdatePaper => {
            let id = paper(app, fx, p, &[]).await;
            Request {
                if_match: true,
                ..req(
                    Method::PATCH,
                    format!("/api/v1/position-papers/{id}"),
                    json!({"body": {"ar": "نص معدل"}}),
                )
            }
        }
        TransitionPaper => {
            let id = paper(app, fx, p, &["in_review"]).await;
            req(
                Method::POST,
                format!("/api/v1/position-papers/{id}/transitions"),
                json!({"to": "adopted"}),
            )
        }
        Endorse => {
            let id = paper(app, fx, p, &["in_review", "adopted"]).await;
            req(
                Method::POST,
                format!("/api/v1/position-papers/{id}/endorsements"),
                json!({"statement": "نؤيد"}),
            )
        }
        WithdrawEndorsement => {
            let id = paper(
                app,
                fx,
                p,
                &["in_review", "adopted", "submitted", "published"],
            )
            .await;
            let res = app
                .post(
                    &format!("/api/v1/position-papers/{id}/endorsements"),
                    fx.tokens[3].as_deref(),
                    &json!({}),
                )
                .await;
            assert_eq!(res.status(), 201, "set-up endorsement");
            req(
                Method::DELETE,
                format!("/api/v1/position-papers/{id}/endorsements/{}", fx.authority),
                Value::Null,
            )
        }
        CreatePartnership => req(
            Method::POST,
            "/api/v1/partnerships".into(),
            partnership_body(fx),
        ),
        UpdatePartnership | PartnershipStep => {
            let created = admin_post(app, fx, "/api/v1/partnerships", partnership_body(fx)).await;
            let id = created["id"].as_i64().expect("id");
            if matches!(route, UpdatePartnership) {
                Request {
                    if_match: true,
                    ..req(
                        Method::PATCH,
                        format!("/api/v1/partnerships/{id}"),
                        json!({"supervising_body": "مكتب الشراكات"}),
                    )
                }
            } else {
                req(
                    Method::POST,
                    format!("/api/v1/partnerships/{id}/steps"),
                    json!({"to": "drafting", "minutes": "محضر"}),
                )
            }
        }
        CreateTaskForce => req(
            Method::POST,
            "/api/v1/task-forces".into(),
            json!({"name": {"ar": "فريق"}, "slug": fx.unique("tf")}),
        ),
        UpdateTaskForce | DeleteTaskForce | AddTaskForceMember | RemoveTaskForceMember => {
            let tf = admin_post(
                app,
                fx,
                "/api/v1/task-forces",
                json!({"name": {"ar": "فريق"}, "slug": fx.unique("tf")}),
            )
            .await;
            let id = tf["id"].as_i64().expect("id");
            match route {
                UpdateTaskForce => Request {
                    if_match: true,
                    ..req(
                        Method::PATCH,
                        format!("/api/v1/task-forces/{id}"),
                        json!({"target_members": 3}),
                    )
                },
                DeleteTaskForce => req(
                    Method::DELETE,
                    format!("/api/v1/task-forces/{id}"),
                    Value::Null,
                ),
                AddTaskForceMember => req(
                    Method::POST,
                    format!("/api/v1/task-forces/{id}/members"),
                    json!({"user_id": fx.other_id}),
                ),
                _ => {
                    admin_post(
                        app,
                        fx,
                        &format!("/api/v1/task-forces/{id}/members"),
                        json!({"user_id": fx.other_id}),
                    )
                    .await;
                    req(
                        Method::DELETE,
                        format!("/api/v1/task-forces/{id}/members/{}", fx.other_id),
                        Value::Null,
                    )
                }
            }
        }
    }
}

/// The newest audit entry.
async fn last_audit(app: &TestApp) -> Option<entity::audit_entry::Model> {
    use sea_orm::{EntityTrait, QueryOrder};
    entity::audit_entry::Entity::find()
        .order_by_desc(entity::audit_entry::Column::Id)
        .one(&app.db)
        .await
        .expect("audit")
}

#[tokio::test]
async fn rights_stop_at_the_platform_for_every_write_route() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let authority = app
        .create_authority(&admin, "بلدية قلقيلية", "Qalqilya")
        .await;
    let (coord_id, coord) = app
        .create_member(&admin, "coord-here@example.org", Some(authority))
        .await;
    let (coord_b_id, coord_b) = app
        .create_member(&admin, "coord-there@example.org", Some(authority))
        .await;
    let (member_id, member) = app
        .create_member(&admin, "member@example.org", Some(authority))
        .await;
    let (other_id, _) = app
        .create_member(&admin, "other@example.org", Some(authority))
        .await;
    let elsewhere = app.platform_id("public-relations").await;
    app.make_coordinator(elsewhere, coord_b_id, "coordinator")
        .await;
    let admin_id = app.get_json("/api/v1/me", Some(&admin)).await["id"]
        .as_i64()
        .expect("admin id");
    let fx = Fixture {
        admin: admin.clone(),
        authority,
        coord_id,
        member_id,
        other_id,
        tokens: [Some(admin), Some(coord), Some(coord_b), Some(member), None],
        counter: std::cell::Cell::new(0),
    };
    let roles = [
        "admin",
        "coordinator here",
        "coordinator elsewhere",
        "member",
        "anonymous",
    ];
    let callers = [
        Some(admin_id),
        Some(coord_id),
        Some(coord_b_id),
        Some(member_id),
        None,
    ];
    let mut failures = Vec::new();
    assert_eq!(ROUTES.len(), 86);
    for &route in ROUTES {
        let want = expected(route);
        for (i, token) in fx.tokens.iter().enumerate() {
            let r = prepare(&app, &fx, route).await;
            let before = last_audit(&app).await;
            let res = r
                .send(&app, token.as_deref())
                .send()
                .await
                .expect("request");
            let got = res.status().as_u16();
            let after = last_audit(&app).await;
            let audited = after.as_ref().map(|e| e.id) != before.as_ref().map(|e| e.id);
            if res.status().is_success() {
                let by = after.as_ref().and_then(|e| e.actor_id);
                if !audited || by != callers[i] {
                    failures.push(format!(
                        "{route:?} as {}: succeeded but the newest audit entry is {after:?}",
                        roles[i]
                    ));
                }
            } else if audited {
                failures.push(format!(
                    "{route:?} as {}: refused ({got}) but audited: {after:?}",
                    roles[i]
                ));
            }
            if got != want[i] {
                let body = res.text().await.unwrap_or_default();
                failures.push(format!(
                    "{route:?} as {}: got {got}, want {} ({body})",
                    roles[i], want[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A key stored directly (the key routes have tests of their own): of `creator`, with `scopes`,
/// limited to `platforms`, expired or revoked as asked. Answers the key.
async fn stored_key(
    app: &TestApp,
    creator: i64,
    scopes: &[String],
    platforms: Option<&[i64]>,
    expired: bool,
    revoked: bool,
) -> (i64, String) {
    let now = app.state.clock.now();
    let key = format!("epk_{}", uuid::Uuid::new_v4().simple());
    let row = entity::api_key::ActiveModel {
        name: Set("matrix".into()),
        prefix: Set(key[..12].to_owned()),
        secret_hash: Set(api::auth::tokens::hash(&key)),
        previous_hash: Set(None),
        previous_expires_at: Set(None),
        created_by: Set(creator),
        scopes: Set(serde_json::to_string(scopes).expect("json")),
        platform_ids: Set(platforms.map(|p| serde_json::to_string(p).expect("json"))),
        rate_limit_per_minute: Set(100_000),
        expires_at: Set(expired.then(|| now - Duration::minutes(1))),
        revoked_at: Set(revoked.then_some(now)),
        last_used_at: Set(None),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("key");
    (row.id, key)
}

/// The routes for people only: a key gets 403 there, whatever its scopes.
fn people_only(route: Route) -> bool {
    matches!(
        route,
        Route::CreateCalendarToken | Route::RevokeCalendarToken | Route::PutPhoto
    )
}

#[tokio::test]
async fn keys_never_exceed_their_creator_for_every_write_route() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let authority = app.create_authority(&admin, "بلدية طوباس", "Tubas").await;
    let (coord_id, coord) = app
        .create_member(&admin, "coord-here@example.org", Some(authority))
        .await;
    let (coord_b_id, coord_b) = app
        .create_member(&admin, "coord-there@example.org", Some(authority))
        .await;
    let (member_id, member) = app
        .create_member(&admin, "member@example.org", Some(authority))
        .await;
    let (other_id, _) = app
        .create_member(&admin, "other@example.org", Some(authority))
        .await;
    let elsewhere = app.platform_id("public-relations").await;
    app.make_coordinator(elsewhere, coord_b_id, "coordinator")
        .await;
    // The coordinator also coordinates a second platform: a key limited to that one must not
    // reach the first.
    let second = app.platform_id("innovation").await;
    app.make_coordinator(second, coord_id, "coordinator").await;
    let admin_id = app.get_json("/api/v1/me", Some(&admin)).await["id"]
        .as_i64()
        .expect("admin id");
    let fx = Fixture {
        admin: admin.clone(),
        authority,
        coord_id,
        member_id,
        other_id,
        tokens: [Some(admin), Some(coord), Some(coord_b), Some(member), None],
        counter: std::cell::Cell::new(0),
    };
    let all: Vec<String> = api::auth::scopes::all(&api::openapi::document())
        .iter()
        .cloned()
        .collect();
    let wrong = vec!["audit:read".to_owned()];
    let kinds = [
        "admin's key, every scope",
        "coordinator's key for this platform",
        "coordinator's key for another platform",
        "coordinator's key without the scope",
        "coordinator's expired key",
        "coordinator's revoked key",
    ];
    let mut failures = Vec::new();
    for &route in ROUTES {
        let people = expected(route);
        for (k, kind) in kinds.iter().enumerate() {
            let r = prepare(&app, &fx, route).await;
            // The newest platform is the one `prepare` made for this cell.
            let here = newest_platform(&app).await;
            let (creator, scopes, platforms, expired, revoked) = match k {
                0 => (admin_id, &all, None, false, false),
                1 => (coord_id, &all, Some(vec![here]), false, false),
                2 => (coord_id, &all, Some(vec![second]), false, false),
                3 => (coord_id, &wrong, Some(vec![here]), false, false),
                4 => (coord_id, &all, Some(vec![here]), true, false),
                _ => (coord_id, &all, Some(vec![here]), false, true),
            };
            let (key_id, key) = stored_key(
                &app,
                creator,
                scopes,
                platforms.as_deref(),
                expired,
                revoked,
            )
            .await;
            let want = match k {
                // A key is no credential there at all, valid or not.
                _ if people_only(route) => 403,
                0 => people[0],
                1 => people[1],
                // Like a coordinator of another platform, except that this person belongs
                // here already (joining again is a conflict).
                2 if matches!(route, Route::RequestMembership) => 409,
                2 => people[2],
                3 => 403,
                _ => 401,
            };
            let before = last_audit(&app).await;
            let res = r.send(&app, Some(&key)).send().await.expect("request");
            let got = res.status().as_u16();
            let after = last_audit(&app).await;
            let audited = after.as_ref().map(|e| e.id) != before.as_ref().map(|e| e.id);
            if res.status().is_success() {
                let as_key = after
                    .as_ref()
                    .is_some_and(|e| e.actor_id == Some(creator) && e.api_key_id == Some(key_id));
                if !audited || !as_key {
                    failures.push(format!(
                        "{route:?} with {kind}: succeeded but the newest audit entry is {after:?}"
                    ));
                }
            } else if audited {
                failures.push(format!(
                    "{route:?} with {kind}: refused ({got}) but audited: {after:?}"
                ));
            }
            if got != want {
                let body = res.text().await.unwrap_or_default();
                failures.push(format!(
                    "{route:?} with {kind}: got {got}, want {want} ({body})"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn newest_platform(app: &TestApp) -> i64 {
    use sea_orm::{EntityTrait, QueryOrder};
    entity::platform::Entity::find()
        .order_by_desc(entity::platform::Column::Id)
        .one(&app.db)
        .await
        .expect("platforms")
        .expect("a platform")
        .id
}
