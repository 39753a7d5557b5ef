//! Bearer-token authentication and role checks.

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{TokenInfo, TokenRole};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller(pub TokenInfo);

impl Caller {
    /// Fails with 403 unless the caller's role is at least `role`, in the
    /// order ingest < analyst < admin. `ingest` tokens may only post alerts,
    /// so routes for analysts reject them here.
    pub fn require(&self, role: TokenRole) -> Result<(), ApiError> {
        if self.0.role >= role {
            return Ok(());
        }
        Err(ApiError::Forbidden(format!(
            "this route needs the `{}` role; the token `{}` has `{}`",
            role.as_str(),
            self.0.name,
            self.0.role.as_str()
        )))
    }

    /// Returns the actor recorded in case timelines for this caller.
    pub fn actor(&self) -> moat_runtime::model::Actor {
        moat_runtime::model::Actor::User {
            name: self.0.name.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or(ApiError::Unauthorized)?;
        let token = bearer_token(header).ok_or(ApiError::Unauthorized)?;

        match state.store.authenticate(token).await? {
            Some(info) => Ok(Caller(info)),
            None => Err(ApiError::Unauthorized),
        }
    }
}

/// Returns the token of an `Authorization: Bearer TOKEN` header. The scheme
/// name is case-insensitive, as RFC 7235 section 2.1 requires.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}
