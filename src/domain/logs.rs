//! What a read of an item's logs says about the lines before the first one it returned.

/// Whether there is more before the first line shown, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Earlier {
    /// The lines start at the beginning.
    #[default]
    None,
    /// The service has earlier lines: a larger read brings them (`g` at the top).
    More,
    /// The service keeps only these; the rest is elsewhere, as the text says.
    Elsewhere(String),
}
