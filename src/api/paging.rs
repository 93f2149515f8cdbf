//! Lazy paging: a list is a stream of pages fetched one at a time, so a caller that needs the
//! first 60 of 100 000 runs makes three requests, not four thousand.

use std::future::Future;
use std::sync::Arc;

use futures::stream::{BoxStream, StreamExt, TryStreamExt};

use super::error::ApiError;
use super::wire::{Fetched, excerpt};

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<Fetched<T>>,
    /// The total the service reports, when it does (Livy `totalCountOfMatchedItems`, SCIM
    /// `totalResults`, cluster events `total_count`).
    pub total: Option<u64>,
}

/// The pages of a list, fetched on demand.
pub struct Pages<T> {
    stream: BoxStream<'static, Result<Page<T>, ApiError>>,
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages")
    }
}

/// Where a list stands between two pages.
enum Cursor<C> {
    Next(C),
    /// The service handed out a cursor it had handed out before: its pages would repeat.
    Repeated {
        cursor: C,
        pages: usize,
    },
    Done,
}

impl<T: Send + 'static> Pages<T> {
    /// `fetch(cursor)` returns a page and the cursor of the next one (`None` on the last page).
    /// An empty page also ends the list, so a service that keeps handing out tokens for empty
    /// pages cannot keep us looping; a cursor handed out twice ends it with an error naming it
    /// (rather than rows listed twice). `method` and `path` name the list in that error.
    pub(crate) fn new<C, F, Fut>(method: &'static str, path: impl Into<String>, first: C, fetch: F) -> Self
    where
        C: Clone + PartialEq + std::fmt::Debug + Send + 'static,
        F: Fn(C) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(Page<T>, Option<C>), ApiError>> + Send + 'static,
    {
        let (fetch, path) = (Arc::new(fetch), Arc::new(path.into()));
        let stream = futures::stream::try_unfold(
            (Cursor::Next(first), Vec::new()),
            move |(cursor, mut seen)| {
                let (fetch, path) = (fetch.clone(), path.clone());
                async move {
                    let cursor = match cursor {
                        Cursor::Next(c) => c,
                        Cursor::Done => return Ok(None),
                        Cursor::Repeated { cursor, pages } => {
                            let shown = excerpt(&format!("{cursor:?}"));
                            return Err(ApiError::decode(
                                method,
                                &path,
                                format!(
                                    "the service handed out the page cursor {shown} a second time after {pages} \
                                 pages; stopped there rather than list the same rows again"
                                ),
                            ));
                        }
                    };
                    let (page, next) = fetch(cursor.clone()).await?;
                    seen.push(cursor);
                    let next = match next.filter(|_| !page.items.is_empty()) {
                        None => Cursor::Done,
                        Some(c) if seen.contains(&c) => Cursor::Repeated { cursor: c, pages: seen.len() },
                        Some(c) => Cursor::Next(c),
                    };
                    Ok(Some((page, (next, seen))))
                }
            },
        );
        Self { stream: stream.boxed() }
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Option<Result<Page<T>, ApiError>> {
        self.stream.next().await
    }

    /// Every item, page after page, fetching the next page only when the previous is used up.
    pub fn items(self) -> BoxStream<'static, Result<Fetched<T>, ApiError>> {
        self.stream.map_ok(|page| futures::stream::iter(page.items.into_iter().map(Ok))).try_flatten().boxed()
    }

    /// Up to `limit` items; no page is fetched once `limit` items are in hand.
    pub async fn collect(self, limit: usize) -> Result<Vec<Fetched<T>>, ApiError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.items().take(limit).try_collect().await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;

    use super::*;

    fn numbers(fetched: Arc<AtomicUsize>) -> Pages<u32> {
        // Pages of 3 over 0..10, with the cursor being the offset.
        Pages::new("GET", "/numbers", 0u32, move |offset| {
            fetched.fetch_add(1, Ordering::SeqCst);
            async move {
                let items = (offset..(offset + 3).min(10))
                    .map(|n| Fetched { value: n, raw: json!(n).into() })
                    .collect::<Vec<_>>();
                let next = (offset + 3 < 10).then_some(offset + 3);
                Ok((Page { items, total: Some(10) }, next))
            }
        })
    }

    #[tokio::test]
    async fn only_the_pages_needed_are_fetched() {
        let fetched = Arc::new(AtomicUsize::new(0));
        let got = numbers(fetched.clone()).collect(5).await.unwrap_or_default();
        assert_eq!(got.iter().map(|f| f.value).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        assert_eq!(fetched.load(Ordering::SeqCst), 2);
        let all = numbers(fetched.clone()).collect(usize::MAX).await.unwrap_or_default();
        assert_eq!(all.len(), 10);
        assert_eq!(fetched.load(Ordering::SeqCst), 2 + 4);
    }

    #[tokio::test]
    async fn an_empty_page_ends_the_list() {
        let mut pages = Pages::<u32>::new("GET", "/empty", (), |()| async {
            Ok((Page { items: vec![], total: None }, Some(())))
        });
        assert!(pages.next_page().await.is_some_and(|p| p.is_ok()));
        assert!(pages.next_page().await.is_none());
    }

    #[tokio::test]
    async fn a_repeated_cursor_stops_the_list_with_its_name() {
        // a → b → a: the third page would repeat the first.
        let pages = Pages::<u32>::new("GET", "/api/2.1/clusters/list", None::<&str>, |token| async move {
            let (item, next) = match token {
                None => (1, Some("a")),
                Some("a") => (2, Some("b")),
                _ => (3, Some("a")),
            };
            Ok((
                Page { items: vec![Fetched { value: item, raw: json!(item).into() }], total: None },
                Some(next),
            ))
        });
        let mut items = pages.items();
        let mut got = Vec::new();
        let mut error = None;
        while let Some(item) = items.next().await {
            match item {
                Ok(f) => got.push(f.value),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        assert_eq!(got, vec![1, 2, 3], "every page once");
        let error = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            error.starts_with("GET /api/2.1/clusters/list: the service handed out the page cursor Some(\"a\") a second time after 3 pages"),
            "{error}"
        );
    }
}
