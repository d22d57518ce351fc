//! Which provider a scanned code belongs to, by pattern (GUIDE §7).

use crate::card::CardCode;
use crate::provider::ProviderId;
use regex::Regex;

/// Routes in order; the first pattern that matches wins.
#[derive(Debug, Default, Clone)]
pub struct Router {
    routes: Vec<(ProviderId, Regex)>,
}

impl Router {
    pub fn add(&mut self, provider: ProviderId, pattern: &str) -> Result<(), regex::Error> {
        self.routes.push((provider, Regex::new(pattern)?));
        Ok(())
    }

    pub fn route(&self, code: &CardCode) -> Option<ProviderId> {
        self.routes
            .iter()
            .find(|(_, re)| re.is_match(code.as_str()))
            .map(|(p, _)| *p)
    }

    pub fn providers(&self) -> impl Iterator<Item = ProviderId> + '_ {
        self.routes.iter().map(|(p, _)| *p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_route_wins() {
        let mut r = Router::default();
        r.add(ProviderId::Zmyle, r"^[A-Z0-9]{4}$").unwrap();
        r.add(ProviderId::Leat, r"^[A-Za-z0-9]{4,64}$").unwrap();
        let code = |s| CardCode::parse(s).unwrap();
        assert_eq!(r.route(&code("QTHX")), Some(ProviderId::Zmyle));
        assert_eq!(r.route(&code("41651")), Some(ProviderId::Leat));
        assert_eq!(r.route(&code("not a card!")), None);
    }
}
