//! Routing rules: which OSM `highway=*` ways a mode may use, in which directions, how fast.

use super::TravelMode;
use crate::osm::Tags;

/// Walking speed, km/h (SPEC §3), on every way open to pedestrians.
pub const WALK_SPEED_KMH: f64 = 5.0;

/// Cycling speed, km/h (SPEC §3), on every way open to bicycles.
pub const BIKE_SPEED_KMH: f64 = 15.0;

/// Speed of a bicycle pushed by hand, km/h: on pedestrian streets and footways without a
/// `bicycle=yes|designated|permissive` tag, and wherever `bicycle=dismount`.
pub const BIKE_PUSH_SPEED_KMH: f64 = WALK_SPEED_KMH;

/// Drive speeds per `highway` class, km/h: free-flow urban speeds (no congestion factor; see
/// [`RoadGraphBuilder::drive_speed_factor`](super::RoadGraphBuilder::drive_speed_factor)).
///
/// A numeric `maxspeed` (`50`, `50 km/h`, `30 mph`) lowers the speed of a way but never raises it
/// above its class speed: OSM limits are ceilings, rarely the speed traffic keeps in a city.
/// Classes not listed (tracks, paths, footways, …) are not drivable.
///
/// | class | km/h | class | km/h |
/// |---|---|---|---|
/// | motorway | 100 | motorway_link | 60 |
/// | trunk | 80 | trunk_link | 50 |
/// | primary | 60 | primary_link | 40 |
/// | secondary | 50 | secondary_link | 40 |
/// | tertiary | 40 | tertiary_link | 30 |
/// | unclassified | 30 | residential | 30 |
/// | road (unknown class) | 30 | living_street | 10 |
/// | service | 15 | | |
pub const DRIVE_SPEEDS_KMH: &[(&str, f64)] = &[
    ("motorway", 100.0),
    ("motorway_link", 60.0),
    ("trunk", 80.0),
    ("trunk_link", 50.0),
    ("primary", 60.0),
    ("primary_link", 40.0),
    ("secondary", 50.0),
    ("secondary_link", 40.0),
    ("tertiary", 40.0),
    ("tertiary_link", 30.0),
    ("unclassified", 30.0),
    ("residential", 30.0),
    ("road", 30.0),
    ("living_street", 10.0),
    ("service", 15.0),
];

/// The drive speed of a `highway` class in km/h ([`DRIVE_SPEEDS_KMH`]), `None` if cars may not
/// use it.
///
/// # Example
/// ```
/// use catchment::fence::travel::drive_speed_kmh;
///
/// assert_eq!(drive_speed_kmh("primary"), Some(60.0));
/// assert_eq!(drive_speed_kmh("footway"), None);
/// ```
pub fn drive_speed_kmh(highway: &str) -> Option<f64> {
    DRIVE_SPEEDS_KMH
        .iter()
        .find(|(class, _)| *class == highway)
        .map(|&(_, kmh)| kmh)
}

/// How a mode may use one way: in which directions (relative to the way's node order) and how
/// fast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayAccess {
    /// The mode may travel in the way's direction (first node to last).
    pub forward: bool,
    /// The mode may travel against the way's direction.
    pub backward: bool,
    /// Speed, km/h.
    pub speed_kmh: f64,
}

/// Whether a class admits walking and cycling by default (without a `foot` / `bicycle` tag).
#[derive(Debug, Clone, Copy)]
struct Class {
    walk: bool,
    bike: Bike,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bike {
    No,
    Ride,
    /// Pushed by hand at walking speed unless a `bicycle` tag allows riding.
    Push,
}

/// The walk/bike part of the routing table; drive is [`DRIVE_SPEEDS_KMH`].
fn class(highway: &str) -> Option<Class> {
    let (walk, bike) = match highway {
        "motorway" | "motorway_link" | "trunk" | "trunk_link" => (false, Bike::No),
        "primary" | "primary_link" | "secondary" | "secondary_link" | "tertiary"
        | "tertiary_link" | "unclassified" | "residential" | "road" | "living_street"
        | "service" | "track" | "path" | "cycleway" => (true, Bike::Ride),
        "pedestrian" | "footway" | "platform" | "corridor" => (true, Bike::Push),
        "steps" | "bridleway" | "elevator" => (true, Bike::No),
        _ => return None,
    };
    Some(Class { walk, bike })
}

/// What an access tag value means for the mode it is about.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Grant {
    Deny,
    Allow,
    Dismount,
}

fn grant(value: &str) -> Option<Grant> {
    Some(match value {
        "no" | "private" | "agricultural" | "forestry" | "delivery" | "emergency" | "military"
        | "restricted" | "permit" | "disabled" | "use_sidepath" => Grant::Deny,
        "yes" | "designated" | "permissive" | "destination" | "customers" | "official"
        | "discouraged" => Grant::Allow,
        "dismount" => Grant::Dismount,
        _ => return None,
    })
}

/// The first access tag of `keys` (most specific first) with a recognised value.
fn first_grant(tags: &Tags, keys: &[&str]) -> Option<Grant> {
    keys.iter().find_map(|k| tags.get(k).and_then(grant))
}

/// Oneway direction from a `oneway`-style value: `Some((forward, backward))`, `None` when the
/// value says nothing (absent or unknown).
fn oneway_value(value: Option<&str>) -> Option<(bool, bool)> {
    match value? {
        "yes" | "true" | "1" => Some((true, false)),
        "-1" | "reverse" => Some((false, true)),
        "no" | "false" | "0" => Some((true, true)),
        // Direction changes during the day: unusable without a timetable.
        "reversible" | "alternating" => Some((false, false)),
        _ => None,
    }
}

/// Vehicle directions: explicit `oneway`, else implied by `junction=roundabout|circular` and
/// `highway=motorway`, else both.
fn vehicle_oneway(tags: &Tags) -> (bool, bool) {
    oneway_value(tags.get("oneway")).unwrap_or_else(|| {
        let implied = matches!(tags.get("junction"), Some("roundabout" | "circular"))
            || tags.has("highway", "motorway");
        (true, !implied)
    })
}

/// Parses a numeric `maxspeed` (`50`, `50 km/h`, `50kmh`, `30 mph`) to km/h.
fn maxspeed_kmh(value: &str) -> Option<f64> {
    let v = value.trim();
    let (num, factor) = if let Some(n) = v.strip_suffix("mph") {
        (n, 1.609_344)
    } else if let Some(n) = v.strip_suffix("km/h").or_else(|| v.strip_suffix("kmh")) {
        (n, 1.0)
    } else {
        (v, 1.0)
    };
    let kmh = num.trim().parse::<f64>().ok()? * factor;
    (kmh.is_finite() && kmh > 0.0).then_some(kmh)
}

/// How `mode` may use a way with `tags`, or `None` if it may not.
///
/// Rules (close to the OSRM and Valhalla default profiles):
///
/// | `highway` | walk | bike | drive |
/// |---|---|---|---|
/// | motorway, trunk (+ `_link`) | no | no | yes |
/// | primary … tertiary (+ `_link`), unclassified, residential, road, living_street, service | yes | yes | yes |
/// | track, path, cycleway | yes | yes | no |
/// | pedestrian, footway, platform, corridor | yes | pushed, 5 km/h | no |
/// | steps, bridleway, elevator | yes | no | no |
/// | anything else (construction, proposed, busway, raceway, …) | no | no | no |
///
/// - **Access tags**, most specific first: walk `foot`, `access`; bike `bicycle`, `vehicle`,
///   `access`; drive `motorcar`, `motor_vehicle`, `vehicle`, `access`. The first one with a known
///   value decides: `no`, `private`, `agricultural`, `forestry`, `delivery`, `emergency`,
///   `military`, `restricted`, `permit`, `disabled`, `use_sidepath` deny; `yes`, `designated`,
///   `permissive`, `destination`, `customers`, `official`, `discouraged` allow;
///   `bicycle=dismount` means pushing at walking speed. Only a mode's own tag (`foot`,
///   `bicycle`) opens a class the table closes to it (`footway` + `bicycle=yes` is ridden,
///   `cycleway` + `foot=no` is not walked); `access` and `vehicle` only close. Drive is never
///   opened on a class without a speed.
/// - **Oneway** (drive and bike; walking ignores it): `oneway=yes|true|1` forward only,
///   `-1|reverse` backward only, `no` both, `reversible|alternating` neither (direction
///   changes during the day); implied by `junction=roundabout|circular` and `highway=motorway`.
///   Bikes follow `oneway:bicycle` when present, and ride both ways on
///   `cycleway=opposite|opposite_lane|opposite_track`; a pushed bike ignores oneway.
/// - `motorroad=yes` closes the way to walk and bike unless `foot` / `bicycle` open it.
/// - `area=yes` (pedestrian squares) is walked and pushed along its outline; never driven.
/// - **Speeds**: [`WALK_SPEED_KMH`], [`BIKE_SPEED_KMH`] (pushed: [`BIKE_PUSH_SPEED_KMH`]),
///   drive [`DRIVE_SPEEDS_KMH`] lowered by a numeric `maxspeed`.
///
/// Not modelled: turn restrictions, barriers on nodes, `maxspeed:forward|backward`,
/// conditional restrictions, ferries, time-dependent access.
///
/// # Example
/// ```
/// use catchment::fence::travel::{way_access, TravelMode};
/// use catchment::osm::Tags;
///
/// let street = Tags::from_pairs([("highway", "secondary"), ("oneway", "yes"), ("maxspeed", "30")]);
/// let drive = way_access(&street, TravelMode::Drive).unwrap();
/// assert_eq!((drive.forward, drive.backward, drive.speed_kmh), (true, false, 30.0));
/// let walk = way_access(&street, TravelMode::Walk).unwrap();
/// assert!(walk.forward && walk.backward);
///
/// let motorway = Tags::from_pairs([("highway", "motorway")]);
/// assert!(way_access(&motorway, TravelMode::Walk).is_none());
/// ```
pub fn way_access(tags: &Tags, mode: TravelMode) -> Option<WayAccess> {
    let highway = tags.get("highway")?;
    let class = class(highway)?;
    let area = tags.has("area", "yes");
    let motorroad = tags.has("motorroad", "yes");
    match mode {
        TravelMode::Walk => {
            let open = match tags.get("foot").and_then(grant) {
                Some(g) => g != Grant::Deny,
                None => {
                    class.walk && !motorroad && first_grant(tags, &["access"]) != Some(Grant::Deny)
                }
            };
            open.then_some(WayAccess {
                forward: true,
                backward: true,
                speed_kmh: WALK_SPEED_KMH,
            })
        }
        TravelMode::Bike => {
            let how = match tags.get("bicycle").and_then(grant) {
                Some(Grant::Deny) => Bike::No,
                Some(Grant::Allow) => Bike::Ride,
                Some(Grant::Dismount) => Bike::Push,
                None if motorroad => Bike::No,
                None => match first_grant(tags, &["vehicle", "access"]) {
                    Some(Grant::Deny) => Bike::No,
                    _ => class.bike,
                },
            };
            match how {
                Bike::No => None,
                Bike::Push => Some(WayAccess {
                    forward: true,
                    backward: true,
                    speed_kmh: BIKE_PUSH_SPEED_KMH,
                }),
                Bike::Ride => {
                    let opposite = [
                        "cycleway",
                        "cycleway:left",
                        "cycleway:right",
                        "cycleway:both",
                    ]
                    .iter()
                    .any(|k| tags.get(k).is_some_and(|v| v.starts_with("opposite")));
                    let (forward, backward) = oneway_value(tags.get("oneway:bicycle"))
                        .unwrap_or_else(|| {
                            if opposite {
                                (true, true)
                            } else {
                                vehicle_oneway(tags)
                            }
                        });
                    (forward || backward).then_some(WayAccess {
                        forward,
                        backward,
                        speed_kmh: BIKE_SPEED_KMH,
                    })
                }
            }
        }
        TravelMode::Drive => {
            let class_kmh = drive_speed_kmh(highway)?;
            if area
                || first_grant(tags, &["motorcar", "motor_vehicle", "vehicle", "access"])
                    == Some(Grant::Deny)
            {
                return None;
            }
            let speed_kmh = tags
                .get("maxspeed")
                .and_then(maxspeed_kmh)
                .map_or(class_kmh, |m| m.min(class_kmh));
            let (forward, backward) = vehicle_oneway(tags);
            (forward || backward).then_some(WayAccess {
                forward,
                backward,
                speed_kmh,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(pairs: &[(&str, &str)], mode: TravelMode) -> Option<(bool, bool, f64)> {
        way_access(&Tags::from_pairs(pairs.iter().copied()), mode)
            .map(|a| (a.forward, a.backward, a.speed_kmh))
    }

    #[test]
    fn classes() {
        use TravelMode::*;
        let m = [("highway", "motorway")];
        assert_eq!(access(&m, Walk), None);
        assert_eq!(access(&m, Bike), None);
        // Motorways are implied oneway.
        assert_eq!(access(&m, Drive), Some((true, false, 100.0)));
        let f = [("highway", "footway")];
        assert_eq!(access(&f, Walk), Some((true, true, 5.0)));
        assert_eq!(access(&f, Bike), Some((true, true, 5.0)));
        assert_eq!(access(&f, Drive), None);
        let s = [("highway", "steps")];
        assert_eq!(access(&s, Bike), None);
        let c = [("highway", "cycleway")];
        assert_eq!(access(&c, Bike), Some((true, true, 15.0)));
        assert_eq!(access(&c, Walk), Some((true, true, 5.0)));
        assert_eq!(
            access(&[("highway", "cycleway"), ("foot", "no")], Walk),
            None
        );
        assert_eq!(access(&[("highway", "construction")], Walk), None);
        assert_eq!(access(&[("building", "yes")], Walk), None);
        assert_eq!(
            access(&[("highway", "service")], Drive),
            Some((true, true, 15.0))
        );
    }

    #[test]
    fn access_tags() {
        use TravelMode::*;
        let private = [("highway", "residential"), ("access", "private")];
        assert_eq!(access(&private, Drive), None);
        assert_eq!(access(&private, Walk), None);
        assert_eq!(access(&private, Bike), None);
        // A mode's own tag overrides `access`.
        let ped = [
            ("highway", "residential"),
            ("access", "no"),
            ("foot", "yes"),
        ];
        assert!(access(&ped, Walk).is_some());
        assert_eq!(access(&ped, Drive), None);
        let mv = [("highway", "residential"), ("motor_vehicle", "no")];
        assert_eq!(access(&mv, Drive), None);
        assert!(access(&mv, Bike).is_some());
        let dest = [
            ("highway", "residential"),
            ("access", "no"),
            ("motorcar", "destination"),
        ];
        assert!(access(&dest, Drive).is_some());
        assert_eq!(
            access(&[("highway", "primary"), ("foot", "no")], Walk),
            None
        );
        // `access=yes` does not open a footway to cars, `bicycle=yes` opens it to riding.
        assert_eq!(
            access(&[("highway", "footway"), ("access", "yes")], Drive),
            None
        );
        let fb = [("highway", "footway"), ("bicycle", "yes")];
        assert_eq!(access(&fb, Bike), Some((true, true, 15.0)));
        let dis = [("highway", "residential"), ("bicycle", "dismount")];
        assert_eq!(access(&dis, Bike), Some((true, true, 5.0)));
        let mr = [("highway", "primary"), ("motorroad", "yes")];
        assert_eq!(access(&mr, Walk), None);
        assert!(access(&mr, Drive).is_some());
        let trunk_foot = [("highway", "trunk"), ("foot", "yes")];
        assert!(access(&trunk_foot, Walk).is_some());
    }

    #[test]
    fn oneway() {
        use TravelMode::*;
        for v in ["yes", "true", "1"] {
            let t = [("highway", "residential"), ("oneway", v)];
            assert_eq!(access(&t, Drive), Some((true, false, 30.0)));
            assert_eq!(access(&t, Bike), Some((true, false, 15.0)));
            assert_eq!(access(&t, Walk), Some((true, true, 5.0)));
        }
        let rev = [("highway", "residential"), ("oneway", "-1")];
        assert_eq!(access(&rev, Drive), Some((false, true, 30.0)));
        let rv = [("highway", "residential"), ("oneway", "reversible")];
        assert_eq!(access(&rv, Drive), None);
        assert!(access(&rv, Walk).is_some());
        let ob = [
            ("highway", "residential"),
            ("oneway", "yes"),
            ("oneway:bicycle", "no"),
        ];
        assert_eq!(access(&ob, Bike), Some((true, true, 15.0)));
        assert_eq!(access(&ob, Drive), Some((true, false, 30.0)));
        let opp = [
            ("highway", "residential"),
            ("oneway", "yes"),
            ("cycleway", "opposite_lane"),
        ];
        assert_eq!(access(&opp, Bike), Some((true, true, 15.0)));
        let rb = [("highway", "primary"), ("junction", "roundabout")];
        assert_eq!(access(&rb, Drive), Some((true, false, 60.0)));
        assert_eq!(access(&rb, Walk), Some((true, true, 5.0)));
        let rb_no = [
            ("highway", "primary"),
            ("junction", "roundabout"),
            ("oneway", "no"),
        ];
        assert_eq!(access(&rb_no, Drive), Some((true, true, 60.0)));
    }

    #[test]
    fn speeds() {
        use TravelMode::*;
        let t = |ms: &str| access(&[("highway", "primary"), ("maxspeed", ms)], Drive).map(|a| a.2);
        assert_eq!(t("50"), Some(50.0));
        assert_eq!(t("50 km/h"), Some(50.0));
        assert_eq!(t("90"), Some(60.0));
        assert!((t("30 mph").unwrap() - 48.28032).abs() < 1e-9);
        assert_eq!(t("FR:urban"), Some(60.0));
        assert_eq!(t("none"), Some(60.0));
        assert_eq!(t("0"), Some(60.0));
        assert_eq!(
            access(&[("highway", "living_street")], Drive).unwrap().2,
            10.0
        );
        // The mode speeds ignore maxspeed.
        assert_eq!(
            access(&[("highway", "primary"), ("maxspeed", "3")], Bike)
                .unwrap()
                .2,
            15.0
        );
        assert_eq!(
            access(&[("highway", "pedestrian"), ("area", "yes")], Drive),
            None
        );
        assert!(access(&[("highway", "pedestrian"), ("area", "yes")], Walk).is_some());
    }
}
