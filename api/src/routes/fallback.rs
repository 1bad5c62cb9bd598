//! What no route matched: `OPTIONS` answers the methods a path takes (204 with `Allow`); any
//! other method 405 with `Allow` when the path exists under another method; else 404.

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::route_table::RouteTable;

pub async fn not_found_or_method(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    match routes.allowed(req.path()) {
        Some(methods) if req.method() == Method::OPTIONS => Ok(HttpResponse::NoContent()
            .insert_header((
                header::ALLOW,
                RouteTable::with_head_and_options(methods).join(", "),
            ))
            .finish()),
        Some(methods) => Err(ApiError::MethodNotAllowed(
            RouteTable::with_head_and_options(methods),
        )),
        None => Err(ApiError::not_found()),
    }
}
