//! A device's roles for one fence (SPEC §4): resident, worker, visitor.

/// One of the roles a device can play for a fence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Its home cell is inside the fence.
    Resident,
    /// Its work cell is inside the fence.
    Worker,
    /// It visited the fence (a stay centred inside) and is neither resident nor worker there.
    Visitor,
}

impl Role {
    /// `"resident"`, `"worker"` or `"visitor"`, the name used in tables.
    ///
    /// # Example
    /// ```
    /// assert_eq!(catchment::mobility::Role::Worker.as_str(), "worker");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Worker => "worker",
            Role::Visitor => "visitor",
        }
    }
}

/// The roles of one device for one fence.
///
/// SPEC §4 counts residents, workers and visitors separately, so a device whose home and work are
/// both inside is a resident *and* a worker (both counts include it); a visitor is neither. The
/// three counts therefore need not add up to the fence's devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FenceRoles {
    /// Home inside.
    pub resident: bool,
    /// Work inside.
    pub worker: bool,
    /// Visited, and neither resident nor worker.
    pub visitor: bool,
}

impl FenceRoles {
    /// Roles from whether the home and work cells are inside the fence and whether the device
    /// visited it.
    ///
    /// # Example
    /// ```
    /// use catchment::mobility::{FenceRoles, Role};
    /// let r = FenceRoles::new(true, true, true);
    /// assert!(r.has(Role::Resident) && r.has(Role::Worker) && !r.has(Role::Visitor));
    /// assert_eq!(FenceRoles::new(false, false, true).primary(), Some(Role::Visitor));
    /// ```
    pub fn new(home_inside: bool, work_inside: bool, visited: bool) -> Self {
        Self {
            resident: home_inside,
            worker: work_inside,
            visitor: visited && !home_inside && !work_inside,
        }
    }

    /// Whether the device has `role` for the fence.
    pub fn has(self, role: Role) -> bool {
        match role {
            Role::Resident => self.resident,
            Role::Worker => self.worker,
            Role::Visitor => self.visitor,
        }
    }

    /// A single role where one is needed (e.g. a profile split by role): resident before worker
    /// before visitor; `None` for a device with no role.
    pub fn primary(self) -> Option<Role> {
        [Role::Resident, Role::Worker, Role::Visitor]
            .into_iter()
            .find(|&r| self.has(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_table() {
        for bits in 0..8_u8 {
            let (h, w, v) = (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0);
            let r = FenceRoles::new(h, w, v);
            assert_eq!(r.resident, h);
            assert_eq!(r.worker, w);
            assert_eq!(r.visitor, v && !h && !w, "{bits:03b}");
            let primary = if h {
                Some(Role::Resident)
            } else if w {
                Some(Role::Worker)
            } else if v {
                Some(Role::Visitor)
            } else {
                None
            };
            assert_eq!(r.primary(), primary);
        }
        assert_eq!(FenceRoles::new(false, false, false), FenceRoles::default());
        assert_eq!(
            [Role::Resident, Role::Worker, Role::Visitor].map(Role::as_str),
            ["resident", "worker", "visitor"]
        );
    }
}
