use std::sync::OnceLock;

use actix_web::{get, web};
use serde_json::{Value, json};

use super::{EventTypeCatalogue, EventTypeResponse};
use crate::domain::Bilingual;
use crate::services::events::webhooks::CATALOGUE;

/// The JSON Schema of a message of one event type, with its `data` schema taken from the
/// OpenAPI document (so that the two always agree).
pub fn message_schema(event_type: &str, data_schema: &str) -> Value {
    static SCHEMAS: OnceLock<Value> = OnceLock::new();
    let schemas = SCHEMAS.get_or_init(|| {
        serde_json::to_value(crate::openapi::collected())
            .map(|d| d["components"]["schemas"].clone())
            .unwrap_or_default()
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["type", "timestamp", "data"],
        "properties": {
            "type": {"const": event_type},
            "timestamp": {"type": "string", "format": "date-time"},
            "data": schemas[data_schema].clone()
        }
    })
}

/// The events a subscription can ask for, each with the JSON Schema of its messages (public).
#[utoipa::path(
    tag = "webhooks",
    security(()),
    responses((status = 200, body = EventTypeCatalogue))
)]
#[get("/webhooks/event-types")]
pub async fn list_event_types() -> web::Json<EventTypeCatalogue> {
    web::Json(EventTypeCatalogue {
        items: CATALOGUE
            .iter()
            .map(|e| EventTypeResponse {
                kind: e.name.to_owned(),
                description: Bilingual {
                    ar: e.ar.to_owned(),
                    en: e.en.to_owned(),
                },
                schema: message_schema(e.name, e.schema),
            })
            .collect(),
    })
}
