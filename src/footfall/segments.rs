//! Device segments: non-customers, and customers by tier.

use crate::input::Device;
use std::collections::HashMap;

/// Name of the segment of devices that are not customers (or not in the devices input).
pub const NON_CUSTOMER: &str = "non_customer";

/// Maps device keys to segments: index 0 is [`NON_CUSTOMER`], then one per tier, in the study's
/// tier order (or sorted by name when the study lists none).
///
/// # Example
/// ```
/// use catchment::footfall::Segments;
/// use catchment::{Device, DeviceKey};
/// let d = Device { key: DeviceKey(7), tier: Some("gold".into()), age_band: None, gender: None, tags: vec![] };
/// let s = Segments::new(None, &[d]);
/// assert_eq!(s.names(), ["non_customer", "tier_gold"]);
/// assert_eq!((s.segment(7), s.segment(8)), (1, 0));
/// ```
#[derive(Debug, Clone)]
pub struct Segments {
    names: Vec<String>,
    by_device: HashMap<u64, u8>,
}

impl Segments {
    /// Segments from the study's tiers and the devices input.
    pub fn new(tiers: Option<&[String]>, devices: &[Device]) -> Self {
        let mut tiers: Vec<String> = match tiers {
            Some(t) => t.to_vec(),
            None => {
                let mut t: Vec<String> = devices.iter().filter_map(|d| d.tier.clone()).collect();
                t.sort();
                t.dedup();
                t
            }
        };
        // Tiers beyond 255 cannot be told apart; the reader caps nothing, so keep the first 255.
        tiers.truncate(255);
        let index: HashMap<&str, u8> = tiers
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), (i + 1) as u8))
            .collect();
        let by_device = devices
            .iter()
            .filter_map(|d| {
                let seg = *index.get(d.tier.as_deref()?)?;
                Some((d.key.0, seg))
            })
            .collect();
        let mut names = vec![NON_CUSTOMER.to_string()];
        names.extend(tiers.iter().map(|t| format!("tier_{t}")));
        Self { names, by_device }
    }

    /// Segment names, index 0 = non-customers.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there is no segment (never: non-customers always exist).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Segment of a device key.
    #[inline]
    pub fn segment(&self, device: u64) -> usize {
        if self.by_device.is_empty() {
            return 0;
        }
        self.by_device.get(&device).map_or(0, |&s| usize::from(s))
    }
}
