//! Reading one of Leat's lists to its end (docs/providers.md §1.3): every list pages with
//! `page` and answers its `last_page`, whatever its other paging fields are called.

use super::types::Page;
use kassa_core::provider::ProviderError;
use std::future::Future;

/// At most this many pages are read before giving up.
pub const MAX_PAGES: u32 = 10;

/// Every item of a list, `fetch` reading page 1, 2, ... until the last page (or an empty one).
/// `None` when the list has more than [`MAX_PAGES`] pages.
pub async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Option<Vec<T>>, ProviderError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Page<T>, ProviderError>>,
{
    let mut items = Vec::new();
    for number in 1..=MAX_PAGES {
        let page = fetch(number).await?;
        let last = page.items.is_empty() || page.page >= page.last_page;
        items.extend(page.items);
        if last {
            return Ok(Some(items));
        }
    }
    Ok(None)
}
