//! OSM tags: an owned list for selected elements, a borrowed view for filters, and tag filters.

use std::fmt;
use std::sync::Arc;

/// The tags of a selected element, owned, in file order.
///
/// # Example
/// ```
/// use catchment::osm::Tags;
///
/// let tags = Tags::from_pairs([("amenity", "bank"), ("name", "BNP Paribas")]);
/// assert_eq!(tags.get("amenity"), Some("bank"));
/// assert!(tags.get("shop").is_none());
/// assert_eq!(tags.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(Vec<(String, String)>);

impl Tags {
    /// Builds tags from key/value pairs.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` is present (with any value).
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// Whether `key` has the value `value`.
    pub fn has(&self, key: &str, value: &str) -> bool {
        self.get(key) == Some(value)
    }

    /// Iterates over `(key, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no tag.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `filter` accepts these tags.
    ///
    /// # Example
    /// ```
    /// use catchment::osm::{TagFilter, Tags};
    ///
    /// let tags = Tags::from_pairs([("shop", "supermarket")]);
    /// assert!(tags.matches(&TagFilter::has_key("shop")));
    /// ```
    pub fn matches(&self, filter: &TagFilter) -> bool {
        let pairs: Vec<(&str, &str)> = self.iter().collect();
        filter.matches(&TagView::new(&pairs))
    }
}

/// A borrowed view of an element's tags while the file is scanned; what a [`TagFilter`] sees.
///
/// # Example
/// ```
/// use catchment::osm::TagView;
///
/// let pairs = [("highway", "bus_stop"), ("name", "Place d'Armes")];
/// let view = TagView::new(&pairs);
/// assert_eq!(view.get("highway"), Some("bus_stop"));
/// assert!(view.has("highway", "bus_stop"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TagView<'a> {
    pairs: &'a [(&'a str, &'a str)],
}

impl<'a> TagView<'a> {
    /// A view over `pairs`.
    pub fn new(pairs: &'a [(&'a str, &'a str)]) -> Self {
        Self { pairs }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// Whether `key` is present (with any value).
    pub fn contains_key(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| *k == key)
    }

    /// Whether `key` has the value `value`.
    pub fn has(&self, key: &str, value: &str) -> bool {
        self.get(key) == Some(value)
    }

    /// Iterates over `(key, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.pairs.iter().copied()
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there is no tag.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Copies the tags into an owned [`Tags`].
    pub fn to_tags(&self) -> Tags {
        Tags::from_pairs(self.iter())
    }
}

type Predicate = dyn Fn(&TagView<'_>) -> bool + Send + Sync;

/// A predicate on tags that selects elements while the file is read.
///
/// Cheap to clone (shared closure). Build one from a closure with [`TagFilter::new`], or from the
/// common shapes ([`has_key`](Self::has_key), [`any_key`](Self::any_key),
/// [`key_value`](Self::key_value), [`key_in`](Self::key_in)) combined with [`or`](Self::or) and
/// [`and`](Self::and).
///
/// # Example
/// ```
/// use catchment::osm::{TagFilter, TagView};
///
/// // Drivable roads, except private ones.
/// let roads = TagFilter::key_in("highway", &["primary", "secondary", "residential"])
///     .and(TagFilter::new(|t| t.get("access") != Some("private")));
/// assert!(roads.matches(&TagView::new(&[("highway", "primary")])));
/// assert!(!roads.matches(&TagView::new(&[("highway", "primary"), ("access", "private")])));
/// assert!(!roads.matches(&TagView::new(&[("highway", "footway")])));
/// ```
#[derive(Clone)]
pub struct TagFilter(Arc<Predicate>);

impl TagFilter {
    /// A filter from any predicate.
    pub fn new(predicate: impl Fn(&TagView<'_>) -> bool + Send + Sync + 'static) -> Self {
        Self(Arc::new(predicate))
    }

    /// Accepts every element, tagged or not.
    pub fn all() -> Self {
        Self::new(|_| true)
    }

    /// Accepts elements that carry `key`.
    pub fn has_key(key: &str) -> Self {
        let key = key.to_owned();
        Self::new(move |t| t.contains_key(&key))
    }

    /// Accepts elements that carry any of `keys`.
    pub fn any_key(keys: &[&str]) -> Self {
        let keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        Self::new(move |t| t.iter().any(|(k, _)| keys.iter().any(|w| w == k)))
    }

    /// Accepts elements where `key` = `value`.
    pub fn key_value(key: &str, value: &str) -> Self {
        let (key, value) = (key.to_owned(), value.to_owned());
        Self::new(move |t| t.has(&key, &value))
    }

    /// Accepts elements where `key` has one of `values`.
    pub fn key_in(key: &str, values: &[&str]) -> Self {
        let key = key.to_owned();
        let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        Self::new(move |t| t.get(&key).is_some_and(|v| values.iter().any(|w| w == v)))
    }

    /// Accepts what either filter accepts.
    pub fn or(self, other: TagFilter) -> Self {
        Self::new(move |t| self.matches(t) || other.matches(t))
    }

    /// Accepts what both filters accept.
    pub fn and(self, other: TagFilter) -> Self {
        Self::new(move |t| self.matches(t) && other.matches(t))
    }

    /// Whether the filter accepts `tags`.
    pub fn matches(&self, tags: &TagView<'_>) -> bool {
        (self.0)(tags)
    }
}

impl fmt::Debug for TagFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TagFilter(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinators() {
        let f = TagFilter::any_key(&["shop", "amenity"])
            .and(TagFilter::new(|t| !t.has("disused", "yes")));
        assert!(f.matches(&TagView::new(&[("shop", "bakery")])));
        assert!(!f.matches(&TagView::new(&[("shop", "bakery"), ("disused", "yes")])));
        assert!(!f.matches(&TagView::new(&[("building", "yes")])));
        let g = TagFilter::key_value("boundary", "administrative").or(TagFilter::has_key("place"));
        assert!(g.matches(&TagView::new(&[("place", "quarter")])));
        assert!(TagFilter::all().matches(&TagView::new(&[])));
    }
}
