//! What no route matched: 405 with `Allow` when the path exists under another method, else 404.

use actix_web::{HttpRequest, web};

use crate::error::ApiError;
use crate::openapi::RouteTable;

pub async fn not_found_or_method(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<&'static str, ApiError> {
    match routes.allowed(req.path()) {
        Some(methods) => Err(ApiError::MethodNotAllowed(methods)),
        None => Err(ApiError::not_found()),
    }
}
