//! Checks shared by workshops and activities.

pub use super::create::check_hosts;

/// The hosting platforms: the organiser first, then the others once each, in the order given.
pub fn host_list(organiser: i64, others: &[i64]) -> Vec<i64> {
    let mut hosts = vec![organiser];
    for p in others {
        if !hosts.contains(p) {
            hosts.push(*p);
        }
    }
    hosts
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_organiser_comes_first_and_nobody_twice() {
        assert_eq!(super::host_list(2, &[3, 2, 5, 3]), vec![2, 3, 5]);
    }
}
