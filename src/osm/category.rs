//! The tag → POI category table.

use super::tags::{TagView, Tags};

/// Anything tags can be looked up in: [`Tags`] and [`TagView`].
pub trait TagSource {
    /// The value of `key`, if present.
    fn tag(&self, key: &str) -> Option<&str>;
}

impl TagSource for Tags {
    fn tag(&self, key: &str) -> Option<&str> {
        self.get(key)
    }
}

impl TagSource for TagView<'_> {
    fn tag(&self, key: &str) -> Option<&str> {
        self.get(key)
    }
}

/// The POI category of an element's tags (table below), or `None`.
///
/// The first matching row wins, top to bottom:
///
/// | OSM tags | category |
/// |---|---|
/// | `amenity=bank` | `bank` (own-brand banks are branches, not POIs) |
/// | `amenity=restaurant` | `restaurant` |
/// | `amenity=cafe` | `cafe` |
/// | `amenity=fast_food` \| `food_court` | `fast_food` |
/// | `amenity=bar` \| `pub` \| `biergarten` \| `nightclub` | `bar` |
/// | `amenity=school` | `school` |
/// | `amenity=college` | `college` |
/// | `amenity=university` | `university` |
/// | `amenity=kindergarten` \| `childcare` | `kindergarten` |
/// | `amenity=pharmacy` | `pharmacy` |
/// | `amenity=hospital` | `hospital` |
/// | `amenity=clinic` | `clinic` |
/// | `amenity=gym` | `gym` |
/// | `amenity=ferry_terminal` | `transit` |
/// | `shop=supermarket` | `supermarket` |
/// | `shop=mall` \| `department_store` | `mall` |
/// | `shop=convenience` | `convenience` |
/// | `shop=clothes` \| `shoes` \| `boutique` \| `fashion` \| `fashion_accessories` | `clothes` |
/// | `shop=*` (any other value except `no`, `vacant`, `disused`) | `shop` |
/// | `healthcare=pharmacy` / `hospital` / `clinic` | `pharmacy` / `hospital` / `clinic` |
/// | `leisure=fitness_centre`, or `leisure=sports_centre` with `sport=fitness` | `gym` |
/// | `tourism=hotel` \| `motel` \| `hostel` \| `guest_house` | `hotel` |
/// | `highway=bus_stop`, `public_transport=platform` \| `stop_position` \| `station`, `railway=station` \| `halt` \| `tram_stop` | `transit` |
///
/// Elements with a `disused:*`/`abandoned:*` prefix are not matched (their main keys are
/// prefixed). ATMs (`amenity=atm`) are not POIs: they are neither partners nor competitor
/// branches.
///
/// # Example
/// ```
/// use catchment::osm::{poi_category, Tags};
///
/// assert_eq!(poi_category(&Tags::from_pairs([("shop", "department_store")])), Some("mall"));
/// assert_eq!(poi_category(&Tags::from_pairs([("highway", "bus_stop")])), Some("transit"));
/// assert_eq!(poi_category(&Tags::from_pairs([("amenity", "atm")])), None);
/// ```
pub fn poi_category<T: TagSource + ?Sized>(tags: &T) -> Option<&'static str> {
    if let Some(a) = tags.tag("amenity") {
        let c = match a {
            "bank" => Some("bank"),
            "restaurant" => Some("restaurant"),
            "cafe" => Some("cafe"),
            "fast_food" | "food_court" => Some("fast_food"),
            "bar" | "pub" | "biergarten" | "nightclub" => Some("bar"),
            "school" => Some("school"),
            "college" => Some("college"),
            "university" => Some("university"),
            "kindergarten" | "childcare" => Some("kindergarten"),
            "pharmacy" => Some("pharmacy"),
            "hospital" => Some("hospital"),
            "clinic" => Some("clinic"),
            "gym" => Some("gym"),
            "ferry_terminal" => Some("transit"),
            _ => None,
        };
        if c.is_some() {
            return c;
        }
    }
    if let Some(s) = tags.tag("shop") {
        match s {
            "no" | "vacant" | "disused" => {}
            "supermarket" => return Some("supermarket"),
            "mall" | "department_store" => return Some("mall"),
            "convenience" => return Some("convenience"),
            "clothes" | "shoes" | "boutique" | "fashion" | "fashion_accessories" => {
                return Some("clothes");
            }
            _ => return Some("shop"),
        }
    }
    rest(tags)
}

/// The rows after `shop`.
fn rest<T: TagSource + ?Sized>(tags: &T) -> Option<&'static str> {
    match tags.tag("healthcare") {
        Some("pharmacy") => return Some("pharmacy"),
        Some("hospital") => return Some("hospital"),
        Some("clinic") => return Some("clinic"),
        _ => {}
    }
    match tags.tag("leisure") {
        Some("fitness_centre") => return Some("gym"),
        Some("sports_centre") if tags.tag("sport") == Some("fitness") => return Some("gym"),
        _ => {}
    }
    if matches!(
        tags.tag("tourism"),
        Some("hotel" | "motel" | "hostel" | "guest_house")
    ) {
        return Some("hotel");
    }
    transit_kind(tags).map(|_| "transit")
}

/// What kind of public-transport element a `transit` POI is; decides which of a pair survives
/// deduplication (a platform is where people wait; a stop position is where the vehicle halts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TransitKind {
    /// `railway=station|halt`, `public_transport=station`, `amenity=ferry_terminal`.
    Station,
    /// `public_transport=platform`, `highway=bus_stop`, `railway=tram_stop`.
    Platform,
    /// `public_transport=stop_position` (without a platform tag).
    StopPosition,
}

/// The transit kind of an element, or `None` when it is not a transit stop.
///
/// # Example
/// ```
/// use catchment::osm::{transit_kind, Tags, TransitKind};
///
/// let stop = Tags::from_pairs([("public_transport", "stop_position"), ("bus", "yes")]);
/// assert_eq!(transit_kind(&stop), Some(TransitKind::StopPosition));
/// let pole = Tags::from_pairs([("public_transport", "platform"), ("highway", "bus_stop")]);
/// assert_eq!(transit_kind(&pole), Some(TransitKind::Platform));
/// ```
pub fn transit_kind<T: TagSource + ?Sized>(tags: &T) -> Option<TransitKind> {
    let pt = tags.tag("public_transport");
    let rw = tags.tag("railway");
    if matches!(rw, Some("station" | "halt"))
        || pt == Some("station")
        || tags.tag("amenity") == Some("ferry_terminal")
    {
        return Some(TransitKind::Station);
    }
    if pt == Some("platform") || tags.tag("highway") == Some("bus_stop") || rw == Some("tram_stop")
    {
        return Some(TransitKind::Platform);
    }
    if pt == Some("stop_position") {
        return Some(TransitKind::StopPosition);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(pairs: &[(&str, &str)]) -> Option<&'static str> {
        poi_category(&TagView::new(pairs))
    }

    #[test]
    fn table() {
        assert_eq!(cat(&[("amenity", "bank"), ("brand", "UBS")]), Some("bank"));
        assert_eq!(cat(&[("shop", "supermarket")]), Some("supermarket"));
        assert_eq!(cat(&[("shop", "mall")]), Some("mall"));
        assert_eq!(cat(&[("shop", "department_store")]), Some("mall"));
        assert_eq!(cat(&[("shop", "convenience")]), Some("convenience"));
        assert_eq!(cat(&[("shop", "shoes")]), Some("clothes"));
        assert_eq!(cat(&[("shop", "jewelry")]), Some("shop"));
        assert_eq!(cat(&[("shop", "vacant")]), None);
        assert_eq!(cat(&[("amenity", "restaurant")]), Some("restaurant"));
        assert_eq!(cat(&[("amenity", "cafe")]), Some("cafe"));
        assert_eq!(cat(&[("amenity", "fast_food")]), Some("fast_food"));
        assert_eq!(cat(&[("amenity", "pub")]), Some("bar"));
        assert_eq!(cat(&[("amenity", "school")]), Some("school"));
        assert_eq!(cat(&[("amenity", "university")]), Some("university"));
        assert_eq!(cat(&[("amenity", "kindergarten")]), Some("kindergarten"));
        assert_eq!(cat(&[("leisure", "fitness_centre")]), Some("gym"));
        assert_eq!(
            cat(&[("leisure", "sports_centre"), ("sport", "fitness")]),
            Some("gym")
        );
        assert_eq!(
            cat(&[("leisure", "sports_centre"), ("sport", "tennis")]),
            None
        );
        assert_eq!(cat(&[("tourism", "hotel")]), Some("hotel"));
        assert_eq!(cat(&[("healthcare", "pharmacy")]), Some("pharmacy"));
        assert_eq!(cat(&[("amenity", "hospital")]), Some("hospital"));
        assert_eq!(cat(&[("amenity", "clinic")]), Some("clinic"));
        assert_eq!(cat(&[("railway", "station")]), Some("transit"));
        assert_eq!(cat(&[("railway", "tram_stop")]), Some("transit"));
        assert_eq!(cat(&[("amenity", "ferry_terminal")]), Some("transit"));
        assert_eq!(cat(&[("amenity", "atm")]), None);
        assert_eq!(cat(&[("amenity", "parking")]), None);
        // amenity rows win over shop rows; an unmatched amenity falls through to later rows.
        assert_eq!(
            cat(&[("amenity", "cafe"), ("shop", "bakery")]),
            Some("cafe")
        );
        assert_eq!(
            cat(&[("amenity", "shelter"), ("highway", "bus_stop")]),
            Some("transit")
        );
        assert_eq!(cat(&[("shop", "no"), ("tourism", "hotel")]), Some("hotel"));
        assert_eq!(cat(&[("disused:shop", "bakery")]), None);
    }

    #[test]
    fn transit_kinds() {
        let k = |p: &[(&str, &str)]| transit_kind(&TagView::new(p));
        assert_eq!(
            k(&[("railway", "station"), ("public_transport", "station")]),
            Some(TransitKind::Station)
        );
        assert_eq!(k(&[("highway", "bus_stop")]), Some(TransitKind::Platform));
        assert_eq!(
            k(&[
                ("public_transport", "stop_position"),
                ("highway", "bus_stop")
            ]),
            Some(TransitKind::Platform)
        );
        assert_eq!(
            k(&[("public_transport", "stop_position")]),
            Some(TransitKind::StopPosition)
        );
        assert_eq!(k(&[("highway", "residential")]), None);
    }
}
