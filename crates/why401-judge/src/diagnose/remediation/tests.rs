use super::*;
use why401_model::advice::SourceKind;
use why401_model::time::parse_iso;

fn full_facts() -> RemediationFacts {
    RemediationFacts {
        expired_at: parse_iso("2024-03-08T14:05:12Z").map(|s| s.at),
        seconds_before_request: Some(18 * 60 + 33),
        skew_seconds: Some(-420),
        lifetime_seconds: Some(3600),
        required_scopes: vec!["read".into(), "devices:read".into()],
        granted_scopes: vec!["write".into()],
        token_environment: Some("https://auth.staging.example.com".into()),
        request_environment: Some("https://api.example.com".into()),
        header_name: Some("Authentication".into()),
        offered_schemes: vec!["Bearer".into()],
        endpoint: Some("GET /v2/devices".into()),
        probe_url: Some("https://api.example.com/v2/organizations/current".into()),
        signature_masked: false,
        ..Default::default()
    }
}

/// The reference platform's own advice, as its profile's `[advice]` gives it.
fn platform() -> why401_model::advice::ApiFacts {
    why401_model::advice::ApiFacts {
        portal: Some("the admin portal (Settings → API → Applications)".into()),
        refresh_margin_seconds: Some(300),
        ..Default::default()
    }
}

#[test]
fn a_masked_signature_asks_for_the_signature_check_not_a_new_export() {
    let facts = RemediationFacts {
        signature_masked: true,
        ..Default::default()
    };
    let masked = steps(Detail::CredentialRedacted, &facts);
    assert!(masked[0].contains("why401 token --jwks"), "{masked:?}");
    assert!(!masked.iter().any(|s| s.contains("Export the HAR")));
    let har = RemediationFacts {
        source: SourceKind::Har,
        ..Default::default()
    };
    let removed = steps(Detail::CredentialRedacted, &har);
    assert!(removed[0].contains("Export the HAR again"), "{removed:?}");
}

#[test]
fn every_cause_and_detail_gets_one_to_three_steps() {
    for facts in [RemediationFacts::default(), full_facts()] {
        for detail in Detail::ALL {
            let steps = steps(detail, &facts);
            assert!((1..=3).contains(&steps.len()), "{detail}: {steps:?}");
            for step in &steps {
                assert!(step.len() > 20, "{detail}: {step:?}");
                assert!(!step.contains("  "), "{detail}: {step:?}");
            }
        }
    }
}

#[test]
fn expiry_steps_use_the_numbers() {
    let facts = RemediationFacts {
        api: platform(),
        ..full_facts()
    };
    let steps = steps(Detail::JwtExpPassed, &facts);
    assert!(steps[0].contains("2024-03-08T14:05:12Z"), "{}", steps[0]);
    assert!(
        steps[0].contains("18m33s before the request"),
        "{}",
        steps[0]
    );
    assert!(steps[1].contains("55m00s"), "{}", steps[1]);
    assert!(steps[1].contains("300 s"), "{}", steps[1]);
    let plain = super::steps(Detail::ServerSaysExpired, &Default::default());
    assert!(plain[1].contains("60 s") && plain[1].contains("your API's documentation"));
    let neutral = super::steps(Detail::JwtExpPassed, &full_facts());
    assert!(neutral[1].contains("59m00s"), "{}", neutral[1]);
}

#[test]
fn scope_environment_and_skew_steps_use_the_facts() {
    let facts = full_facts();
    let scope = steps(Detail::ScopeNotGranted, &facts);
    assert!(scope[0].contains("`read`, `devices:read`"), "{}", scope[0]);
    assert!(scope[0].contains("this token has: `write`"), "{}", scope[0]);
    assert!(scope[0].contains("GET /v2/devices"), "{}", scope[0]);
    assert!(scope[1].contains("developer portal or admin console"));
    let env = steps(Detail::WrongEnvironment, &facts);
    assert!(env[0].contains("auth.staging.example.com") && env[0].contains("api.example.com"));
    assert!(env[1].contains("separate credentials"));
    let skew = steps(Detail::ClientClockBehind, &facts);
    assert!(skew[0].contains("7m00s behind"), "{}", skew[0]);
    assert!(skew[1].contains("timedatectl") && skew[1].contains("w32tm /resync"));
    let header = steps(Detail::WrongHeaderName, &facts);
    assert!(
        header[0].contains("not in `Authentication`"),
        "{}",
        header[0]
    );
}

#[test]
fn unknown_steps_say_what_evidence_to_collect() {
    let har = RemediationFacts {
        source: SourceKind::Har,
        ..full_facts()
    };
    let steps = steps(Detail::AmbiguousStatement, &har);
    let all = steps.join(" ");
    assert!(all.contains("with sensitive data"), "{all}");
    assert!(all.contains("`Date`"), "{all}");
    assert!(all.contains("curl -v"), "{all}");
    assert!(all.contains("/v2/organizations/current"), "{all}");
    let redacted = super::steps(Detail::CredentialRedacted, &har);
    assert!(redacted[0].contains("with sensitive data"));
}

#[test]
fn evidence_advice_fits_the_kind_of_source() {
    let advice = |source, detail| {
        let facts = RemediationFacts {
            source,
            ..Default::default()
        };
        steps(detail, &facts).join(" ")
    };
    for detail in [Detail::CredentialRedacted, Detail::CredentialNotRecorded] {
        let log = advice(SourceKind::Log, detail);
        assert!(log.contains("log a fingerprint"), "{detail}: {log}");
        assert!(!log.contains("HAR"), "{detail}: {log}");
        let ticket = advice(SourceKind::Ticket, detail);
        assert!(
            !ticket.contains("HAR") && ticket.contains("ask for"),
            "{ticket}"
        );
        let har = advice(SourceKind::Har, detail);
        assert!(har.contains("Export the HAR again"), "{har}");
    }
    let ambiguous = advice(SourceKind::Log, Detail::AmbiguousStatement);
    assert!(!ambiguous.contains("HAR"), "{ambiguous}");
}

#[test]
fn no_expiry_sentence_has_the_wrong_sign() {
    let before = RemediationFacts {
        expired_at: why401_model::time::parse_iso("2024-03-08T14:05:12Z").map(|s| s.at),
        seconds_before_request: Some(120),
        ..Default::default()
    };
    let first = &steps(Detail::ServerSaysExpired, &before)[0];
    assert!(first.contains("2m00s before the request"), "{first}");
    let ahead = RemediationFacts {
        seconds_before_request: Some(-1800),
        ..before.clone()
    };
    let first = &steps(Detail::ServerSaysExpired, &ahead)[0];
    assert!(
        !first.contains("before the request") && !first.contains("30m"),
        "{first}"
    );
    let contradicted = RemediationFacts {
        contradiction: Some("The server says the token is expired, but its `exp …`.".into()),
        ..ahead
    };
    let all = steps(Detail::ServerSaysExpired, &contradicted);
    assert_eq!(
        all[1],
        "The server says the token is expired, but its `exp …`."
    );
}

#[test]
fn cors_preflight_steps_are_for_the_api_owner() {
    let steps = steps(Detail::CorsPreflight, &Default::default());
    assert!(steps.iter().all(|s| s.starts_with("For the API owner")));
    assert!(steps[0].contains("OPTIONS"));
}

#[test]
fn revoked_steps_point_to_the_api_s_own_portal_or_a_neutral_one() {
    for detail in [
        Detail::CredentialRevoked,
        Detail::CredentialsRejected,
        Detail::ClientSecretExpired,
    ] {
        let own = RemediationFacts {
            api: platform(),
            ..Default::default()
        };
        let all = steps(detail, &own).join(" ");
        assert!(
            all.contains("Settings → API → Applications"),
            "{detail}: {all}"
        );
        let neutral = steps(detail, &Default::default()).join(" ");
        assert!(!neutral.contains("Settings → API"), "{detail}: {neutral}");
        assert!(
            neutral.contains("developer portal or admin console"),
            "{neutral}"
        );
    }
}

#[test]
fn captured_facts_are_shortened_and_cleaned() {
    let facts = RemediationFacts {
        token_environment: Some(format!("evil\u{1b}[31m{}", "x".repeat(200))),
        request_environment: Some("prod".into()),
        required_scopes: (0..10).map(|i| format!("s{i}")).collect(),
        ..Default::default()
    };
    let env = steps(Detail::WrongEnvironment, &facts);
    assert!(!env[0].contains('\u{1b}'));
    assert!(env[0].contains('…') && env[0].len() < 300, "{}", env[0]);
    let scope = steps(Detail::ScopeNotGranted, &facts);
    assert!(
        scope[0].contains("and 4 more") && !scope[0].contains("`s6`"),
        "{}",
        scope[0]
    );
}

#[test]
fn durations_read_naturally() {
    assert_eq!(duration(45), "45s");
    assert_eq!(duration(18 * 60 + 33), "18m33s");
    assert_eq!(duration(-(2 * 3600 + 5 * 60)), "2h05m");
    assert_eq!(duration(3 * 86_400 + 4 * 3600), "3d04h");
}
