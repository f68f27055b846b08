//! The per-category table: visit weights per activity, default opening hours, dwell times
//! (documented in the `synth` module docs, "POI categories").

use super::hours::OpeningHours;

/// What a device goes out for; each has its own category weights and favourite places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Activity {
    Lunch = 0,
    Errand = 1,
    Leisure = 2,
    Evening = 3,
}

/// Number of activities.
pub(crate) const ACTIVITIES: usize = 4;

/// One row of the table.
#[derive(Debug)]
pub(crate) struct CategoryProfile {
    /// Canonical name first, then aliases.
    pub names: &'static [&'static str],
    /// Weight per activity, in [`Activity`] order.
    pub weights: [f32; ACTIVITIES],
    /// Default opening hours (OSM syntax).
    pub hours: &'static str,
    /// Dwell range, minutes.
    pub dwell: (u32, u32),
    /// Floor-area equivalent (m²) when the POI is used as a workplace.
    pub jobs_m2: f32,
}

const fn row(
    names: &'static [&'static str],
    weights: [f32; ACTIVITIES],
    hours: &'static str,
    dwell: (u32, u32),
    jobs_m2: f32,
) -> CategoryProfile {
    CategoryProfile {
        names,
        weights,
        hours,
        dwell,
        jobs_m2,
    }
}

/// The table; the last row is the default for unknown categories.
pub(crate) static TABLE: &[CategoryProfile] = &[
    row(
        &["supermarket", "grocery", "greengrocer"],
        [0.0, 1.0, 0.2, 0.0],
        "Mo-Sa 08:00-21:00; Su 09:00-13:00",
        (12, 35),
        800.0,
    ),
    row(
        &["convenience", "newsagent", "kiosk"],
        [0.1, 0.6, 0.0, 0.0],
        "07:00-23:00",
        (10, 20),
        120.0,
    ),
    row(
        &["mall", "department_store", "shopping_centre"],
        [0.3, 0.5, 1.0, 0.2],
        "Mo-Sa 10:00-21:00; Su 11:00-19:00",
        (40, 150),
        4000.0,
    ),
    row(
        &["marketplace"],
        [0.2, 0.6, 0.5, 0.0],
        "Tu-Su 07:00-13:00",
        (20, 60),
        400.0,
    ),
    row(
        &["restaurant"],
        [1.0, 0.0, 0.6, 1.0],
        "11:30-15:00,18:30-23:30",
        (35, 100),
        250.0,
    ),
    row(
        &["fast_food", "food_court"],
        [1.0, 0.1, 0.3, 0.3],
        "10:00-23:00",
        (15, 35),
        150.0,
    ),
    row(
        &["cafe", "ice_cream", "coffee"],
        [0.8, 0.1, 0.6, 0.2],
        "07:30-19:30",
        (15, 60),
        120.0,
    ),
    row(
        &["bakery", "pastry", "confectionery"],
        [0.4, 0.5, 0.1, 0.0],
        "Mo-Sa 07:00-19:30; Su 07:00-13:00",
        (10, 15),
        100.0,
    ),
    row(
        &["bar", "pub", "nightclub", "biergarten"],
        [0.0, 0.0, 0.1, 0.8],
        "17:00-02:00",
        (45, 150),
        120.0,
    ),
    row(
        &["cinema", "theatre", "casino", "arts_centre"],
        [0.0, 0.0, 0.4, 0.5],
        "12:00-24:00",
        (100, 180),
        400.0,
    ),
    row(
        &[
            "museum",
            "attraction",
            "gallery",
            "zoo",
            "aquarium",
            "viewpoint",
        ],
        [0.0, 0.0, 0.5, 0.0],
        "10:00-18:00",
        (45, 150),
        300.0,
    ),
    row(
        &["park", "garden", "beach", "playground", "beach_resort"],
        [0.0, 0.0, 0.8, 0.1],
        "06:00-22:00",
        (30, 120),
        0.0,
    ),
    row(
        &[
            "gym",
            "fitness_centre",
            "sports_centre",
            "swimming_pool",
            "stadium",
        ],
        [0.0, 0.1, 0.5, 0.5],
        "06:00-22:00",
        (50, 100),
        200.0,
    ),
    row(
        &[
            "clothes",
            "shoes",
            "jewelry",
            "watches",
            "boutique",
            "electronics",
            "mobile_phone",
            "books",
            "gift",
            "sports",
            "toys",
            "furniture",
            "cosmetics",
            "perfumery",
            "optician",
            "shop",
        ],
        [0.0, 0.3, 0.4, 0.0],
        "Mo-Sa 10:00-19:30",
        (15, 45),
        150.0,
    ),
    row(
        &["pharmacy", "chemist"],
        [0.0, 0.5, 0.0, 0.0],
        "Mo-Sa 08:30-19:30",
        (10, 15),
        100.0,
    ),
    row(
        &["hairdresser", "beauty"],
        [0.0, 0.2, 0.1, 0.0],
        "Tu-Sa 09:00-19:00",
        (30, 75),
        80.0,
    ),
    row(
        &["bank"],
        [0.0, 0.25, 0.0, 0.0],
        "Mo-Fr 09:00-17:00; Sa 09:00-12:00",
        (10, 30),
        400.0,
    ),
    row(&["atm"], [0.0, 0.1, 0.0, 0.0], "24/7", (10, 12), 0.0),
    row(
        &["post_office"],
        [0.0, 0.2, 0.0, 0.0],
        "Mo-Fr 08:30-18:00; Sa 08:30-12:00",
        (10, 25),
        300.0,
    ),
    row(
        &["fuel", "car_wash"],
        [0.0, 0.2, 0.0, 0.0],
        "06:00-22:00",
        (10, 12),
        60.0,
    ),
    row(
        &["hotel", "hostel", "guest_house"],
        [0.0, 0.0, 0.1, 0.1],
        "24/7",
        (30, 90),
        1200.0,
    ),
    row(
        &["school", "kindergarten", "college", "university"],
        [0.0, 0.15, 0.0, 0.0],
        "Mo-Fr 08:00-17:00",
        (10, 20),
        2500.0,
    ),
    row(
        &["hospital", "clinic", "doctors", "dentist"],
        [0.0, 0.1, 0.0, 0.0],
        "24/7",
        (30, 120),
        3000.0,
    ),
    row(
        &["place_of_worship", "church"],
        [0.0, 0.0, 0.2, 0.0],
        "08:00-19:00",
        (45, 90),
        0.0,
    ),
    row(
        &[
            "bus_stop",
            "station",
            "bus_station",
            "subway_entrance",
            "train_station",
            "tram_stop",
            "parking",
            "ferry_terminal",
        ],
        [0.0; ACTIVITIES],
        "05:30-24:00",
        (10, 15),
        50.0,
    ),
    row(
        &["other"],
        [0.0, 0.1, 0.1, 0.0],
        "Mo-Sa 09:00-19:00",
        (15, 45),
        150.0,
    ),
];

/// Index of the default row.
pub(crate) fn default_index() -> usize {
    TABLE.len() - 1
}

/// Row index for a category name (lower-cased), default row if unknown.
pub(crate) fn lookup(category: &str) -> usize {
    let c = category.trim().to_ascii_lowercase();
    TABLE
        .iter()
        .position(|r| r.names.contains(&c.as_str()))
        .unwrap_or_else(default_index)
}

/// Parsed default hours of a row.
pub(crate) fn default_hours(index: usize) -> OpeningHours {
    OpeningHours::parse(TABLE[index].hours).unwrap_or(OpeningHours::ALWAYS)
}

/// Whether a category is a bank branch (own or competitor).
pub(crate) fn is_bank(index: usize) -> bool {
    TABLE[index].names[0] == "bank"
}

/// Whether a POI of this category can be a partner (a destination of some activity, not a bank,
/// ATM or transit stop).
pub(crate) fn partner_eligible(index: usize) -> bool {
    let r = &TABLE[index];
    !matches!(
        r.names[0],
        "bank" | "atm" | "bus_stop" | "hotel" | "school" | "hospital" | "place_of_worship"
    ) && r.weights.iter().any(|w| *w > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_hours_parses() {
        for r in TABLE {
            assert!(OpeningHours::parse(r.hours).is_some(), "{}", r.hours);
            assert!(r.dwell.0 >= 10 && r.dwell.0 <= r.dwell.1, "{:?}", r.names);
        }
    }

    #[test]
    fn lookup_aliases() {
        assert_eq!(TABLE[lookup("Department_Store")].names[0], "mall");
        assert_eq!(TABLE[lookup("nonsense")].names[0], "other");
        assert!(is_bank(lookup("bank")));
        assert!(!partner_eligible(lookup("bus_stop")));
        assert!(partner_eligible(lookup("supermarket")));
    }
}
