//! Ghost registrations: each `hello` says how many sockets Slack counts for the app
//! (`num_connections`); more than this client holds means other processes share the app,
//! or registrations of dead sockets linger (they count toward the limit of 10). Pure.

/// How many sockets Slack counts beyond the `held` ones this client has open (the one
/// that just said hello included); `None` when it counts no more, or did not say.
pub(crate) fn ghosts(reported: Option<u32>, held: usize) -> Option<usize> {
    let reported = usize::try_from(reported?).ok()?;
    (reported > held).then(|| reported - held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_counting_what_the_client_holds_is_no_ghost() {
        assert_eq!(ghosts(Some(2), 2), None);
        assert_eq!(ghosts(Some(1), 2), None);
        assert_eq!(ghosts(None, 1), None);
    }

    #[test]
    fn slack_counting_more_than_the_client_holds_reports_the_difference() {
        assert_eq!(ghosts(Some(4), 1), Some(3));
    }
}
