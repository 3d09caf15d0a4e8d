//! The JSON-log producers this reader knows: each row names a producer, says how to
//! recognise one of its records and how to read it. Rows are tried in order, the most
//! specific first; a record no row recognises is read by the generic mapping. Adding a log
//! dialect is one file with its `matches` and `map`, and one row here.

use super::record::Found;
use super::value::Obj;
use super::{aws, caddy, envoy, gcp, k8s, reqres, semconv, traefik};

/// A producer of JSON log records.
pub struct Producer {
    /// Who writes these records (the row's label; the tests check the labels are unique).
    #[cfg_attr(not(test), allow(dead_code))]
    pub name: &'static str,
    /// Whether a record is this producer's.
    pub matches: fn(&Obj) -> bool,
    /// What one of its records says.
    pub map: fn(&Obj) -> Found,
}

#[rustfmt::skip]
pub static PRODUCERS: &[Producer] = &[
    Producer { name: "OpenTelemetry OTLP/JSON export", matches: semconv::is_otlp_export, map: semconv::map_otlp_export },
    Producer { name: "Caddy", matches: caddy::matches, map: caddy::map },
    Producer { name: "Kubernetes API server audit", matches: k8s::matches, map: k8s::map },
    Producer { name: "OpenTelemetry span", matches: semconv::is_span, map: semconv::map_span },
    Producer { name: "Google Cloud load balancer", matches: gcp::matches, map: gcp::map },
    Producer { name: "Traefik", matches: traefik::matches, map: traefik::map },
    Producer { name: "AWS API Gateway", matches: aws::matches, map: aws::map },
    Producer { name: "Envoy and Istio", matches: envoy::matches, map: envoy::map },
    Producer { name: "Elastic Common Schema", matches: semconv::is_ecs, map: semconv::map_ecs },
    Producer { name: "Kong, pino-http, bunyan (request and response objects)", matches: reqres::matches, map: reqres::map },
];

/// The first producer that recognises `obj`.
pub fn producer_of(obj: &Obj) -> Option<&'static Producer> {
    PRODUCERS.iter().find(|producer| (producer.matches)(obj))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        for (i, producer) in PRODUCERS.iter().enumerate() {
            assert!(
                PRODUCERS[i + 1..].iter().all(|p| p.name != producer.name),
                "{}",
                producer.name
            );
        }
    }
}
