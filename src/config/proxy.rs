//! [`Proxy`]: an HTTP CONNECT proxy, from the environment or explicit, and `NO_PROXY`
//! matching.

use std::fmt;
use std::net::IpAddr;

use super::Secret;
use crate::error::{Error, Result};

/// An HTTP CONNECT proxy that carries both the Web API calls and the websocket.
///
/// A proxy given explicitly ([`Proxy::new`]) applies to every host but those in its
/// [`no_proxy`](Proxy::no_proxy) list. A proxy taken from the environment
/// ([`Proxy::from_env`]) never carries loopback (`localhost`, `127.0.0.0/8`, `::1`), as Go's
/// standard library does: a corporate `HTTPS_PROXY` cannot swallow a test's connections to
/// a server on `127.0.0.1`.
///
/// ```
/// use slack_rtm::Proxy;
/// let p = Proxy::new("http://user:secret@proxy.internal:3128").unwrap();
/// assert!(!format!("{p:?}").contains("secret"));
/// assert!(p.applies_to("slack.com"));
/// ```
///
/// Built only through [`Proxy::new`] or [`Proxy::from_env`] (then
/// [`no_proxy`](Proxy::no_proxy)); `#[non_exhaustive]` so that settings may be added.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Proxy {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) credentials: Option<(String, Secret)>,
    /// The URL as given, for ureq (it holds the credentials: never logged).
    pub(crate) url: Secret,
    /// `NO_PROXY` entries: hosts (and their subdomains) reached directly.
    pub(crate) no_proxy: Vec<String>,
    /// Loopback is reached directly (a proxy from the environment).
    pub(crate) loopback_direct: bool,
}

impl Proxy {
    /// Parses `http://[user:password@]host[:port]` (port defaults to 80).
    ///
    /// ```
    /// use slack_rtm::Proxy;
    /// let proxy = Proxy::new("http://proxy.internal:3128")?;
    /// assert!(proxy.applies_to("slack.com"));
    /// assert!(Proxy::new("socks5://proxy.internal:1080").is_err());
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] for another scheme or a malformed URL.
    pub fn new(url: &str) -> Result<Self> {
        let uri: ureq::http::Uri = url
            .parse()
            .map_err(|_| Error::Config("proxy URL is not a valid URL".into()))?;
        match uri.scheme_str() {
            Some("http") => {}
            None => return Proxy::new(&format!("http://{url}")),
            Some(other) => {
                return Err(Error::Config(format!(
                    "proxy scheme {other:?} is not supported; use http://"
                )))
            }
        }
        let authority = uri
            .authority()
            .ok_or_else(|| Error::Config("proxy URL has no host".into()))?;
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = authority.port_u16().unwrap_or(80);
        let credentials = authority.as_str().rsplit_once('@').map(|(userinfo, _)| {
            let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
            (user.to_string(), Secret::new(pass))
        });
        Ok(Proxy {
            host,
            port,
            credentials,
            url: Secret::new(url),
            no_proxy: Vec::new(),
            loopback_direct: false,
        })
    }

    /// The proxy named by the environment: `HTTPS_PROXY`, `https_proxy`, `ALL_PROXY` or
    /// `all_proxy` (the first set), with `NO_PROXY` / `no_proxy` honoured and loopback
    /// always reached directly. `None` when none is set or the value is not a valid
    /// `http://` proxy URL. The same as [`Proxy::from_env_vars`] reading the process
    /// environment.
    ///
    /// ```
    /// // With no proxy variables set, there is no proxy.
    /// if std::env::var_os("HTTPS_PROXY").is_none() && std::env::var_os("https_proxy").is_none()
    ///     && std::env::var_os("ALL_PROXY").is_none() && std::env::var_os("all_proxy").is_none() {
    ///     assert!(slack_rtm::Proxy::from_env().is_none());
    /// }
    /// ```
    pub fn from_env() -> Option<Proxy> {
        Proxy::from_env_vars(|name| std::env::var(name).ok())
    }

    /// What [`Proxy::from_env`] decides, reading each variable through `var` instead of the
    /// process environment: a pure function, for tests (setting process-wide variables
    /// races with other threads) and for programs that keep their settings elsewhere.
    ///
    /// ```
    /// use slack_rtm::Proxy;
    ///
    /// let env = |name: &str| match name {
    ///     "HTTPS_PROXY" => Some("http://proxy.corp:3128".to_string()),
    ///     "NO_PROXY" => Some("internal.corp".to_string()),
    ///     _ => None,
    /// };
    /// let proxy = Proxy::from_env_vars(env).unwrap();
    /// assert!(proxy.applies_to("slack.com"));
    /// assert!(!proxy.applies_to("wiki.internal.corp"));
    /// // Loopback never goes to a proxy from the environment.
    /// assert!(!proxy.applies_to("127.0.0.1"));
    /// assert!(!proxy.applies_to("localhost"));
    /// assert!(!proxy.applies_to("::1"));
    /// ```
    pub fn from_env_vars(var: impl Fn(&str) -> Option<String>) -> Option<Proxy> {
        let var = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        let url = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
            .iter()
            .find_map(|k| var(k))?;
        let mut proxy = match Proxy::new(url.trim()) {
            Ok(p) => p,
            Err(e) => {
                log::warn!("ignoring the proxy from the environment: {e}");
                return None;
            }
        };
        proxy.loopback_direct = true;
        if let Some(list) = var("NO_PROXY").or_else(|| var("no_proxy")) {
            proxy = proxy.no_proxy(list.split(','));
        }
        Some(proxy)
    }

    /// Hosts to reach directly: an entry matches the host itself and its subdomains
    /// (`example.com` and `.example.com` both match `api.example.com`); `*` matches all.
    ///
    /// ```
    /// use slack_rtm::Proxy;
    /// let proxy = Proxy::new("http://proxy.internal:3128")?.no_proxy(["example.com"]);
    /// assert!(!proxy.applies_to("api.example.com"));
    /// assert!(proxy.applies_to("slack.com"));
    /// # Ok::<(), slack_rtm::Error>(())
    /// ```
    pub fn no_proxy<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.no_proxy.extend(
            hosts
                .into_iter()
                .map(|h| {
                    h.as_ref()
                        .trim()
                        .trim_start_matches('.')
                        .to_ascii_lowercase()
                })
                .map(|h| match h.rsplit_once(':') {
                    // Drop a port, but not from a bare IPv6 address.
                    Some((host, port))
                        if port.chars().all(|c| c.is_ascii_digit()) && !host.contains(':') =>
                    {
                        host.to_string()
                    }
                    _ => h,
                })
                .filter(|h| !h.is_empty()),
        );
        self
    }

    /// Whether connections to `host` go through this proxy: false when the
    /// [`no_proxy`](Proxy::no_proxy) list names it, and for loopback when the proxy came
    /// from the environment.
    ///
    /// ```
    /// use slack_rtm::Proxy;
    ///
    /// // An explicit proxy applies to whatever the user says, loopback included.
    /// let explicit = Proxy::new("http://127.0.0.1:3128").unwrap();
    /// assert!(explicit.applies_to("127.0.0.1"));
    /// assert!(!explicit.no_proxy(["127.0.0.1"]).applies_to("127.0.0.1"));
    /// ```
    pub fn applies_to(&self, host: &str) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if self.loopback_direct && is_loopback(&host) {
            return false;
        }
        !self.no_proxy.iter().any(|entry| {
            entry == "*"
                || host == *entry
                || host
                    .strip_suffix(entry.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "[redacted]"),
            )
            .field("no_proxy", &self.no_proxy)
            .field("loopback_direct", &self.loopback_direct)
            .finish()
    }
}

/// `localhost` (and names under it, RFC 6761), `127.0.0.0/8`, `::1` and `::ffff:127.x.y.z`.
/// `host` is lower case, without brackets.
fn is_loopback(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_url_parses_credentials_and_hides_them() {
        let p = Proxy::new("http://u:pw@example.test:8080").unwrap();
        assert_eq!((p.host.as_str(), p.port), ("example.test", 8080));
        assert_eq!(p.credentials.as_ref().unwrap().1.expose(), "pw");
        assert!(Proxy::new("socks5://x:1").is_err());
    }

    #[test]
    fn no_proxy_matches_hosts_and_subdomains() {
        let p = Proxy::new("proxy:3128").unwrap().no_proxy([
            "localhost",
            ".internal.example",
            "10.0.0.1:8080",
        ]);
        assert_eq!(p.port, 3128);
        assert!(!p.applies_to("localhost"));
        assert!(!p.applies_to("api.internal.example"));
        assert!(!p.applies_to("10.0.0.1"));
        assert!(p.applies_to("slack.com"));
        assert!(p.applies_to("notinternal.example"));
        assert!(!Proxy::new("http://p")
            .unwrap()
            .no_proxy(["*"])
            .applies_to("slack.com"));
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_proxy_from_the_environment_never_carries_loopback() {
        let p = Proxy::from_env_vars(env(&[("HTTPS_PROXY", "http://proxy.corp:3128")])).unwrap();
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
            "::ffff:127.0.0.1",
            "localhost",
            "LOCALHOST",
            "localhost.",
            "api.localhost",
        ] {
            assert!(!p.applies_to(host), "{host} went to the proxy");
        }
        for host in [
            "slack.com",
            "128.0.0.1",
            "::2",
            "localhost.example",
            "notlocalhost",
        ] {
            assert!(p.applies_to(host), "{host} bypassed the proxy");
        }
    }

    #[test]
    fn an_explicit_proxy_carries_loopback_unless_no_proxy_names_it() {
        let p = Proxy::new("http://127.0.0.1:3128").unwrap();
        assert!(p.applies_to("127.0.0.1") && p.applies_to("localhost"));
        assert!(!p.no_proxy(["localhost"]).applies_to("localhost"));
    }

    #[test]
    fn the_environment_is_read_in_the_documented_order() {
        let p = Proxy::from_env_vars(env(&[
            ("ALL_PROXY", "http://all:1"),
            ("https_proxy", "http://lower:2"),
            ("NO_PROXY", " slack.com , .corp"),
            ("no_proxy", "ignored.example"),
        ]))
        .unwrap();
        assert_eq!((p.host.as_str(), p.port), ("lower", 2));
        assert!(!p.applies_to("slack.com") && !p.applies_to("a.corp"));
        assert!(p.applies_to("ignored.example"));
        assert!(Proxy::from_env_vars(env(&[("HTTPS_PROXY", "  ")])).is_none());
        assert!(Proxy::from_env_vars(env(&[("HTTPS_PROXY", "socks5://x:1")])).is_none());
        assert!(Proxy::from_env_vars(|_| None).is_none());
    }
}
