//! Lazy paging: a list is a stream of pages fetched one at a time, so a caller that needs the
//! first 60 of 100 000 runs makes three requests, not four thousand.

use std::future::Future;
use std::sync::Arc;

use futures::stream::{BoxStream, StreamExt, TryStreamExt};

use super::error::ApiError;
use super::wire::Fetched;

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

impl<T: Send + 'static> Pages<T> {
    /// `fetch(cursor)` returns a page and the cursor of the next one (`None` on the last page).
    /// An empty page also ends the list, so a service that keeps handing out tokens for empty
    /// pages cannot keep us looping.
    pub(crate) fn new<C, F, Fut>(first: C, fetch: F) -> Self
    where
        C: Send + 'static,
        F: Fn(C) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(Page<T>, Option<C>), ApiError>> + Send + 'static,
    {
        let fetch = Arc::new(fetch);
        let stream = futures::stream::try_unfold(Some(first), move |cursor| {
            let fetch = fetch.clone();
            async move {
                let Some(cursor) = cursor else { return Ok(None) };
                let (page, next) = fetch(cursor).await?;
                let next = next.filter(|_| !page.items.is_empty());
                Ok(Some((page, next)))
            }
        });
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
        Pages::new(0u32, move |offset| {
            fetched.fetch_add(1, Ordering::SeqCst);
            async move {
                let items = (offset..(offset + 3).min(10))
                    .map(|n| Fetched { value: n, raw: json!(n) })
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
        let mut pages =
            Pages::<u32>::new((), |()| async { Ok((Page { items: vec![], total: None }, Some(()))) });
        assert!(pages.next_page().await.is_some_and(|p| p.is_ok()));
        assert!(pages.next_page().await.is_none());
    }
}
