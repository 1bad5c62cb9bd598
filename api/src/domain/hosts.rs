//! The platforms hosting a workshop, kept as a comma-separated list of ids (the organiser
//! first).

/// The ids in a stored host list, in order.
pub fn host_ids(text: &str) -> impl Iterator<Item = i64> + '_ {
    text.split(',').filter_map(|h| h.trim().parse().ok())
}

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
