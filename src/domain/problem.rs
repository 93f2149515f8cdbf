//! A failure as both front ends show it: the cause first (status, error code, message), then
//! where (the request, its ids shortened), the request id to quote, and the fix when known.
//! Built from API and sign-in errors by `workspace::problem`; shown whole by the monitor's error
//! view and in one line wherever space is short.

use super::resource::short_id;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// "401 Unauthorized"; `None` when no answer came (or nothing was sent).
    pub status: Option<String>,
    /// The service's error code ("TokenExpired", "INVALID_STATE").
    pub code: Option<String>,
    /// What went wrong, in the service's words (or ours: "no answer after 30 s").
    pub message: String,
    /// "GET /v1/workspaces/8f2e6a10-…/sessions": the method and path (never the query).
    pub request: Option<String>,
    pub request_id: Option<String>,
    /// What to do about it, when known.
    pub fix: Option<String>,
}

impl Problem {
    /// A problem known only by its message.
    pub fn text(message: impl Into<String>) -> Problem {
        Problem {
            status: None,
            code: None,
            message: message.into(),
            request: None,
            request_id: None,
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Option<String>) -> Problem {
        self.fix = fix;
        self
    }

    /// The cause: "403 PERMISSION_DENIED: User does not have permission".
    pub fn cause(&self) -> String {
        let mut head: Vec<&str> = Vec::new();
        if let Some(s) = &self.status {
            head.push(s);
        }
        if let Some(c) = &self.code {
            // "401 Unauthorized Unauthorized" says nothing twice.
            if !self.status.as_deref().is_some_and(|s| s.ends_with(c.as_str())) {
                head.push(c);
            }
        }
        if head.is_empty() { self.message.clone() } else { format!("{}: {}", head.join(" "), self.message) }
    }

    /// One line, the cause first, then the request with short ids and the request id:
    /// "403 PERMISSION_DENIED: User does not have permission · GET /api/2.1/clusters/list · request 9f1c2b7e".
    pub fn summary(&self) -> String {
        let mut out = self.cause();
        if let Some(r) = &self.request {
            out += &format!(" · {}", shorten_path(r));
        }
        if let Some(id) = &self.request_id {
            out += &format!(" · request {}", short_id(id));
        }
        out
    }

    /// Every part, labelled, for reading whole.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(r) = &self.request {
            out.push(("Request", r.clone()));
        }
        out.push(("Status", self.status.clone().unwrap_or_else(|| "no answer".into())));
        if let Some(c) = &self.code {
            out.push(("Code", c.clone()));
        }
        out.push(("Message", self.message.clone()));
        if let Some(id) = &self.request_id {
            out.push(("Request id", id.clone()));
        }
        if let Some(fix) = &self.fix {
            out.push(("Fix", fix.clone()));
        }
        out
    }

    /// Whether the service said the thing is not there (404).
    pub fn is_not_found(&self) -> bool {
        self.status.as_deref().is_some_and(|s| s.starts_with("404"))
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

/// A request line with every id in its path cut to 8 characters:
/// "GET /v1/workspaces/8f2e6a10-1111-4222-8333-444455556666/lakehouses" → "GET /v1/workspaces/8f2e6a10…/lakehouses".
pub fn shorten_path(request: &str) -> String {
    let (method, path) = request.split_once(' ').unwrap_or(("", request));
    let path: Vec<String> = path
        .split('/')
        .map(|segment| {
            let short = short_id(segment);
            if short.len() < segment.len() {
                format!("{short}…")
            } else if segment.len() > 24 {
                format!("{}…", segment.chars().take(8).collect::<String>())
            } else {
                segment.to_string()
            }
        })
        .collect();
    let path = path.join("/");
    if method.is_empty() { path } else { format!("{method} {path}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied() -> Problem {
        Problem {
            status: Some("401 Unauthorized".into()),
            code: Some("TokenExpired".into()),
            message: "Access token has expired.".into(),
            request: Some(
                "GET /v1/workspaces/8f2e6a10-1111-4222-8333-444455556666/lakehouses/4b1c2d3e-0000-4000-8000-00000000a1b2/livyapi/versions/2023-12-01/sessions"
                    .into(),
            ),
            request_id: Some("9f1c2b7e-3d4a-4c5b-8e6f-7a8b9c0d1e2f".into()),
            fix: Some("sign in again".into()),
        }
    }

    #[test]
    fn the_cause_comes_first_and_ids_are_short() {
        assert_eq!(
            denied().summary(),
            "401 Unauthorized TokenExpired: Access token has expired. · GET /v1/workspaces/8f2e6a10…/lakehouses/4b1c2d3e…/livyapi/versions/2023-12-01/sessions · request 9f1c2b7e"
        );
        let p = Problem { code: Some("Unauthorized".into()), ..denied() };
        assert!(p.cause().starts_with("401 Unauthorized: Access"), "{}", p.cause());
        assert_eq!(Problem::text("no answer after 30 s").summary(), "no answer after 30 s");
    }

    #[test]
    fn the_whole_problem_keeps_every_part() {
        let fields = denied().fields();
        let labels: Vec<&str> = fields.iter().map(|(l, _)| *l).collect();
        assert_eq!(labels, ["Request", "Status", "Code", "Message", "Request id", "Fix"]);
        assert!(fields[0].1.contains("8f2e6a10-1111-4222-8333-444455556666"), "whole here");
    }
}
