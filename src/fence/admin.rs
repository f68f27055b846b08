//! Admin fences: an admin polygon chosen by code or name.

use super::FenceError;
use crate::input::AdminArea;
use crate::osm::fold_name;

/// The admin area with `code` (exact) or `name` (exact, else equal after case and accent folding).
///
/// # Errors
/// [`FenceError::AdminNotFound`] with up to three close matches (by edit distance on folded
/// names and codes), so a typo shows its fix.
///
/// # Example
/// ```
/// use catchment::{AdminArea, fence::find_admin};
/// let area = |code: &str, name: &str| AdminArea { code: code.into(), name: name.into(),
///     level: "10".into(), population: None, geometry: geo::MultiPolygon::new(vec![]) };
/// let areas = [area("MC-1", "Monte-Carlo"), area("MC-2", "La Condamine")];
/// assert_eq!(find_admin(&areas, "f", None, Some("monte carlo"))?.code, "MC-1");
/// let err = find_admin(&areas, "f", None, Some("Monte Carlos")).unwrap_err();
/// assert!(err.to_string().contains("did you mean \"Monte-Carlo\""));
/// # Ok::<(), catchment::fence::FenceError>(())
/// ```
pub fn find_admin<'a>(
    areas: &'a [AdminArea],
    fence_id: &str,
    code: Option<&str>,
    name: Option<&str>,
) -> Result<&'a AdminArea, FenceError> {
    let (key, value) = match (code, name) {
        (Some(c), _) => ("code", c),
        (None, Some(n)) => ("name", n),
        (None, None) => {
            return Err(FenceError::Invalid {
                branch: String::new(),
                fence: fence_id.to_string(),
                message: "an admin fence needs `code` or `name`".into(),
            });
        }
    };
    let found = if key == "code" {
        areas.iter().find(|a| a.code == value)
    } else {
        let folded = fold_name(value);
        areas
            .iter()
            .find(|a| a.name == value)
            .or_else(|| areas.iter().find(|a| fold_name(&a.name) == folded))
    };
    found.ok_or_else(|| {
        let wanted = fold_name(value);
        let mut scored: Vec<(usize, String)> = areas
            .iter()
            .map(|a| {
                let label = if key == "code" { &a.code } else { &a.name };
                (levenshtein(&wanted, &fold_name(label)), label.clone())
            })
            .collect();
        scored.sort();
        let limit = (wanted.chars().count() / 2).max(2);
        FenceError::AdminNotFound {
            fence: fence_id.to_string(),
            key,
            value: value.to_string(),
            close: scored
                .into_iter()
                .filter(|(d, _)| *d <= limit)
                .take(3)
                .map(|(_, l)| format!("{l:?}"))
                .collect(),
        }
    })
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("same", "same"), 0);
    }
}
