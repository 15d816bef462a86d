//! One GET against the API server, with Docket's rules: a per-request timeout, the scan's
//! overall deadline, retries with exponential backoff on 429, 5xx and dropped connections
//! (honouring `Retry-After`), and failures classified so callers can say what happened.

use bytes::Bytes;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// Retries of one request before it counts as failed.
pub const MAX_RETRIES: u32 = 5;
/// First backoff step; it doubles per retry up to [`MAX_BACKOFF`].
const BASE_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Why a request did not produce a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// 401: the credentials were rejected.
    Unauthorized(String),
    /// 403, with the server's message.
    Forbidden(String),
    /// 404: this API is not served.
    NotServed,
    /// 410: the continue token expired.
    Expired,
    /// No complete answer within the per-request timeout.
    Timeout(Duration),
    /// The scan's overall deadline passed (or a retry would pass it).
    Deadline { total: Duration, detail: String },
    /// Connection refused, reset or dropped, after retries.
    Transport { attempts: u32, message: String },
    /// Any other status, after retries where they apply.
    Http { code: u16, message: String },
    /// A 200 whose body is not what was asked for.
    BadResponse(String),
}

impl Failure {
    /// One line for coverage reasons and errors.
    pub fn describe(&self) -> String {
        match self {
            Failure::Unauthorized(m) => format!("401 Unauthorized ({m}); refresh the credentials"),
            Failure::Forbidden(m) => format!("403 Forbidden ({m})"),
            Failure::NotServed => "404: not served by this API server".to_string(),
            Failure::Expired => "410 Gone: the continue token expired".to_string(),
            Failure::Timeout(t) => format!(
                "no answer within {} s (per-request timeout; raise --request-timeout)",
                t.as_secs_f64()
            ),
            Failure::Deadline { total, detail } => format!(
                "the scan deadline of {} s was reached{detail} (raise --deadline)",
                total.as_secs()
            ),
            Failure::Transport { attempts, message } => {
                format!("connection failed {attempts} times: {message}")
            }
            Failure::Http { code, message } => format!("HTTP {code}: {message}"),
            Failure::BadResponse(m) => m.clone(),
        }
    }
}

/// Sends GETs through one kube client; shared by every list of a scan.
pub struct Fetcher {
    client: kube::Client,
    request_timeout: Duration,
    deadline: Instant,
    total: Duration,
    requests: AtomicUsize,
}

/// What one attempt produced.
enum Attempt {
    Body(Bytes),
    /// Worth another try after `wait` (zero: use the backoff); `last` is the failure to
    /// report when the retries run out.
    Retry {
        wait: Duration,
        why: String,
        last: Failure,
    },
    Fail(Failure),
}

impl Fetcher {
    pub fn new(
        client: kube::Client,
        request_timeout: Duration,
        deadline: Instant,
        total: Duration,
    ) -> Fetcher {
        Fetcher {
            client,
            request_timeout,
            deadline,
            total,
            requests: AtomicUsize::new(0),
        }
    }

    /// Requests sent so far, retries included.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// GET `path_and_query` and return the body of a 200. `on_retry` hears why a retry
    /// waits (for progress displays).
    pub async fn get(
        &self,
        path_and_query: &str,
        accept: &str,
        on_retry: &(dyn Fn(&str) + Sync),
    ) -> Result<Bytes, Failure> {
        let mut attempt = 0;
        loop {
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.deadline_failure(""));
            }
            let limit = self.request_timeout.min(remaining);
            let outcome = match tokio::time::timeout(limit, self.once(path_and_query, accept)).await
            {
                Err(_) if limit < self.request_timeout => {
                    return Err(self.deadline_failure(" while waiting for an answer"))
                }
                Err(_) => Attempt::Fail(Failure::Timeout(self.request_timeout)),
                Ok(a) => a,
            };
            let (wait, why, last) = match outcome {
                Attempt::Body(b) => return Ok(b),
                Attempt::Fail(f) => return Err(f),
                Attempt::Retry { wait, why, last } => (wait, why, last),
            };
            attempt += 1;
            if attempt > MAX_RETRIES {
                return Err(match last {
                    Failure::Transport { message, .. } => Failure::Transport {
                        attempts: attempt,
                        message,
                    },
                    other => other,
                });
            }
            let wait = if wait.is_zero() {
                backoff(attempt)
            } else {
                wait
            };
            if Instant::now() + wait >= self.deadline {
                return Err(self.deadline_failure(&format!(
                    " before a retry after {why} (the server asked to wait {} s)",
                    wait.as_secs_f64()
                )));
            }
            on_retry(&why);
            tokio::time::sleep(wait).await;
        }
    }

    fn deadline_failure(&self, detail: &str) -> Failure {
        Failure::Deadline {
            total: self.total,
            detail: detail.to_string(),
        }
    }

    /// One request: send, read the whole body, classify.
    async fn once(&self, path_and_query: &str, accept: &str) -> Attempt {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let request = match http::Request::get(path_and_query)
            .header(http::header::ACCEPT, accept)
            .body(kube::client::Body::from(Vec::new()))
        {
            Ok(r) => r,
            Err(e) => return Attempt::Fail(Failure::BadResponse(format!("bad request: {e}"))),
        };
        let response = match self.client.send(request).await {
            Ok(r) => r,
            Err(e) => {
                let message = transport_message(&e);
                if is_tls_rejection(&message) {
                    // Retrying cannot fix a certificate the client does not trust.
                    return Attempt::Fail(Failure::Transport {
                        attempts: 1,
                        message: format!(
                            "TLS verification failed ({message}); check the cluster's \
                             certificate-authority / certificate-authority-data in the \
                             kubeconfig"
                        ),
                    });
                }
                return transport_retry(message);
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = match response.into_body().collect_bytes().await {
            Ok(b) => b,
            Err(e) => return transport_retry(format!("the connection dropped mid-answer: {e}")),
        };
        classify(status, retry_after, body)
    }
}

fn classify(status: u16, retry_after: Option<Duration>, body: Bytes) -> Attempt {
    let message = || status_message(&body);
    match status {
        200..=299 => Attempt::Body(body),
        401 => Attempt::Fail(Failure::Unauthorized(message())),
        403 => Attempt::Fail(Failure::Forbidden(message())),
        404 => Attempt::Fail(Failure::NotServed),
        410 => Attempt::Fail(Failure::Expired),
        429 | 500 | 502 | 503 | 504 => Attempt::Retry {
            wait: retry_after
                .or_else(|| retry_after_in_body(&body))
                .unwrap_or(Duration::ZERO),
            why: format!("{status} {}", message()),
            last: Failure::Http {
                code: status,
                message: format!("{} (still failing after {MAX_RETRIES} retries)", message()),
            },
        },
        _ => Attempt::Fail(Failure::Http {
            code: status,
            message: message(),
        }),
    }
}

/// A TLS failure that no retry can fix (untrusted or invalid certificate).
fn is_tls_rejection(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("invalid peer certificate")
        || m.contains("unknownissuer")
        || m.contains("certificate verify")
}

fn transport_retry(message: String) -> Attempt {
    Attempt::Retry {
        wait: Duration::ZERO,
        why: message.clone(),
        last: Failure::Transport {
            attempts: 0,
            message,
        },
    }
}

fn backoff(attempt: u32) -> Duration {
    BASE_BACKOFF
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(6))
        .min(MAX_BACKOFF)
}

/// The `message` of a `Status` body, or the first line of whatever came back.
fn status_message(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| {
            String::from_utf8_lossy(body)
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect()
        })
}

/// `details.retryAfterSeconds` of a 429 `Status`, for servers that send no header.
fn retry_after_in_body(body: &[u8]) -> Option<Duration> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.pointer("/details/retryAfterSeconds")?
        .as_u64()
        .map(Duration::from_secs)
}

/// A transport error with its cause chain (hyper's top-level text alone says little).
fn transport_message(e: &kube::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        let status = |code: u16, body: &str| classify(code, None, Bytes::from(body.to_string()));
        assert!(matches!(status(200, "{}"), Attempt::Body(_)));
        assert!(matches!(
            status(403, r#"{"kind":"Status","message":"pods is forbidden"}"#),
            Attempt::Fail(Failure::Forbidden(m)) if m == "pods is forbidden"
        ));
        assert!(matches!(status(404, ""), Attempt::Fail(Failure::NotServed)));
        assert!(matches!(status(410, ""), Attempt::Fail(Failure::Expired)));
        assert!(matches!(
            status(401, ""),
            Attempt::Fail(Failure::Unauthorized(_))
        ));
        assert!(matches!(
            status(400, "bad"),
            Attempt::Fail(Failure::Http { code: 400, .. })
        ));
        assert!(matches!(status(503, ""), Attempt::Retry { .. }));
    }

    #[test]
    fn retry_after_comes_from_the_header_or_the_status_details() {
        let body = Bytes::from(r#"{"details":{"retryAfterSeconds":3}}"#);
        match classify(429, Some(Duration::from_secs(1)), body.clone()) {
            Attempt::Retry { wait, .. } => assert_eq!(wait, Duration::from_secs(1)),
            _ => panic!("429 must retry"),
        }
        match classify(429, None, body) {
            Attempt::Retry { wait, .. } => assert_eq!(wait, Duration::from_secs(3)),
            _ => panic!("429 must retry"),
        }
    }

    #[test]
    fn certificate_rejections_are_not_retried() {
        assert!(is_tls_rejection(
            "client error (Connect): invalid peer certificate: UnknownIssuer"
        ));
        assert!(!is_tls_rejection("connection refused"));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_millis(250));
        assert_eq!(backoff(2), Duration::from_millis(500));
        assert_eq!(backoff(3), Duration::from_secs(1));
        assert_eq!(backoff(30), MAX_BACKOFF);
    }
}
