//! Sign-in rate limits (GCRA, the `governor` crate), in this process's memory.
//!
//! Two budgets, both must allow an attempt: one per e-mail address (guessing one
//! person's password) and one per client network (spraying many addresses). The client
//! is the TCP peer, or behind a trusted reverse proxy (`SO_TRUSTED_PROXIES`) the address
//! it forwards (`crate::proxies`, through `extract::ClientIp`). The e-mail key is capped
//! (`accounts::email_key`): over-long text shares one key.
//! With several server instances each keeps its own budgets: the limit is per instance.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// Per e-mail address: 5 attempts at once, then one more every 12 s (5 a minute).
const PER_EMAIL_BURST: u32 = 5;
const PER_EMAIL_PERIOD: Duration = Duration::from_secs(12);
/// Per client network: 30 attempts at once, then one more every 2 s (30 a minute): a
/// hospital's staff behind one address must still be able to start the day.
const PER_NETWORK_BURST: u32 = 30;
const PER_NETWORK_PERIOD: Duration = Duration::from_secs(2);

fn quota(burst: u32, period: Duration) -> Quota {
    Quota::with_period(period)
        .expect("a non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("a non-zero burst"))
}

pub struct SignInLimits {
    by_email: DefaultKeyedRateLimiter<String>,
    by_network: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self::new()
    }
}

impl SignInLimits {
    pub fn new() -> Self {
        Self {
            by_email: RateLimiter::keyed(quota(PER_EMAIL_BURST, PER_EMAIL_PERIOD)),
            by_network: RateLimiter::keyed(quota(PER_NETWORK_BURST, PER_NETWORK_PERIOD)),
        }
    }

    /// Counts one sign-in attempt for `email` (already normalised) from `client`; 429
    /// `rate_limited` when either budget is spent. The network is checked first, so a
    /// throttled client cannot fill memory with new e-mail keys.
    pub fn check(&self, client: Option<IpAddr>, email: &str) -> Result<(), ApiError> {
        if let Some(ip) = client {
            let network = network_of(ip);
            if let Err(not_until) = self.by_network.check_key(&network) {
                let wait = not_until.wait_time_from(self.by_network.clock().now());
                return Err(ApiError::rate_limited(wait));
            }
        }
        if let Err(not_until) = self.by_email.check_key(&email.to_owned()) {
            let wait = not_until.wait_time_from(self.by_email.clock().now());
            return Err(ApiError::rate_limited(wait));
        }
        Ok(())
    }

    /// Drops the keys whose budgets are full again; called once a minute.
    pub fn forget_idle(&self) {
        self.by_email.retain_recent();
        self.by_email.shrink_to_fit();
        self.by_network.retain_recent();
        self.by_network.shrink_to_fit();
    }
}

/// The unit a client is counted by: its IPv4 address, or its IPv6 /64 (one host usually
/// owns a whole /64).
fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::from(octets)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn an_address_gets_five_attempts_then_waits() {
        let limits = SignInLimits::new();
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        for i in 0..PER_EMAIL_BURST {
            assert!(
                limits.check(ip, "a@b.c").is_ok(),
                "attempt {i} is in the burst"
            );
        }
        let refused = limits.check(ip, "a@b.c").unwrap_err();
        assert_eq!(refused.code(), ErrorCode::RateLimited);
        assert!(
            limits.check(ip, "other@b.c").is_ok(),
            "another address has its own budget"
        );
    }

    #[test]
    fn a_network_is_limited_across_addresses() {
        let limits = SignInLimits::new();
        let ip = Some(IpAddr::from([10, 0, 0, 2]));
        for i in 0..PER_NETWORK_BURST {
            assert!(limits.check(ip, &format!("u{i}@b.c")).is_ok());
        }
        assert_eq!(
            limits.check(ip, "fresh@b.c").unwrap_err().code(),
            ErrorCode::RateLimited,
            "spraying addresses from one client is limited too"
        );
        assert!(limits
            .check(Some(IpAddr::from([10, 0, 0, 3])), "fresh@b.c")
            .is_ok());
    }

    #[test]
    fn ipv6_is_counted_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network_of(a), network_of(b));
        assert_ne!(network_of(a), network_of(c));
    }
}
