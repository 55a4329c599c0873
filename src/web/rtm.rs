//! [`RtmClient::web`](crate::RtmClient::web): the running bot's door to the Web API.

use super::retry::RetryLimits;
use super::WebClient;

impl crate::RtmClient {
    /// A [`WebClient`] that shares this client's token, `slack_api_url`, TLS and proxy
    /// settings, `http_timeout` and HTTP connection pool, with the default retry limits
    /// (change them with [`WebClient::with_retry_limits`]). It works whether or not the
    /// RTM client is started.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), slack_rtm::Error> {
    /// let rtm = slack_rtm::RtmClient::builder("xoxb-...").build()?;
    /// let web = rtm.web();
    /// println!("{:?}", web.users_get_presence("U0123456")?.presence);
    /// # Ok(()) }
    /// ```
    pub fn web(&self) -> WebClient {
        let shared = self.shared();
        WebClient::from_parts(
            shared.web.clone(),
            shared.config.slack_api_url.clone(),
            RetryLimits::default(),
        )
    }
}
