//! Which providers a scanned code may belong to, by pattern (docs/design.md §7).

use crate::card::CardCode;
use crate::provider::ProviderId;
use regex::Regex;

/// Routes in order. Patterns may overlap (a numeric code can be a Leat hash and a Lightspeed
/// number): every matching provider is a candidate, in the order they were added.
#[derive(Debug, Default, Clone)]
pub struct Router {
    routes: Vec<(ProviderId, Regex)>,
}

impl Router {
    pub fn add(&mut self, provider: ProviderId, pattern: &str) -> Result<(), regex::Error> {
        self.routes.push((provider, Regex::new(pattern)?));
        Ok(())
    }

    pub fn candidates(&self, code: &CardCode) -> Vec<ProviderId> {
        self.routes
            .iter()
            .filter(|(_, re)| re.is_match(code.as_str()))
            .map(|(p, _)| *p)
            .collect()
    }

    pub fn providers(&self) -> impl Iterator<Item = ProviderId> + '_ {
        self.routes.iter().map(|(p, _)| *p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_matching_route_is_a_candidate_in_order() {
        let mut r = Router::default();
        r.add(ProviderId::Zmyle, r"^[A-Z0-9]{4}$").unwrap();
        r.add(ProviderId::Leat, r"^[A-Za-z0-9]{4,64}$").unwrap();
        let code = |s| CardCode::parse(s).unwrap();
        assert_eq!(
            r.candidates(&code("QTHX")),
            vec![ProviderId::Zmyle, ProviderId::Leat]
        );
        assert_eq!(r.candidates(&code("41651")), vec![ProviderId::Leat]);
        assert!(r.candidates(&code("not a card!")).is_empty());
    }
}
