//! Any failure of a workspace call as a `domain::Problem`: the HTTP status with its reason,
//! the service's code and message, the request, the request id, and the fix when known.

use super::{Error, Service, hints};
use crate::api::{ApiError, ErrorKind};
use crate::domain::Problem;

/// `e` as the monitor and the headless commands show it.
pub fn of(service: Service, e: &Error) -> Problem {
    let problem = match e {
        Error::Api(api) => api_problem(api),
        Error::Auth(auth) => Problem { code: Some("sign-in".into()), ..Problem::text(auth.to_string()) },
        other => Problem::text(other.to_string()),
    };
    problem.with_fix(hints::fix(service, e))
}

fn api_problem(e: &ApiError) -> Problem {
    let status = e.status.map(|s| {
        let reason = reqwest::StatusCode::from_u16(s).ok().and_then(|c| c.canonical_reason());
        match (s, reason) {
            (430, _) => "430 Too Many Requests For Capacity".to_string(),
            (_, Some(r)) => format!("{s} {r}"),
            (_, None) => s.to_string(),
        }
    });
    let mut message = e.message.clone();
    if e.kind == ErrorKind::Capacity {
        message += " (the Spark capacity is full; not retried automatically)";
    } else if let Some(wait) = e.retry_after {
        message += &format!(" (retry after {} s)", wait.as_secs());
    }
    Problem {
        status,
        // Databricks' legacy numeric codes say nothing the status does not.
        code: e.code.clone().filter(|_| !e.code_was_numeric),
        message,
        request: (!e.method.is_empty()).then(|| format!("{} {}", e.method, e.path)),
        request_id: e.request_id.clone(),
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderMap;

    use super::*;

    #[test]
    fn an_api_error_becomes_a_problem_with_its_parts() {
        let body = br#"{"errorCode":"TokenExpired","message":"Access token has expired.","requestId":"9f1c2b7e-3d4a-4c5b-8e6f-7a8b9c0d1e2f"}"#;
        let api = ApiError::from_response(
            "GET",
            "/v1/workspaces/8f2e6a10-1111-4222-8333-444455556666/lakehouses/x/livyapi/versions/2023-12-01/sessions",
            401,
            &HeaderMap::new(),
            body,
            jiff::Timestamp::UNIX_EPOCH,
        );
        let p = of(Service::Fabric, &Error::Api(api));
        assert_eq!(p.status.as_deref(), Some("401 Unauthorized"));
        assert_eq!(p.code.as_deref(), Some("TokenExpired"));
        assert!(p.summary().starts_with(
            "401 Unauthorized TokenExpired: Access token has expired. · GET /v1/workspaces/8f2e6a10…/"
        ));
        assert!(p.summary().ends_with("· request 9f1c2b7e"), "{}", p.summary());
        assert!(p.fix.is_some_and(|f| f.contains("token was refused")));
    }
}
