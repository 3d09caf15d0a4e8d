use chrono::NaiveTime;

use super::*;
use why401_model::exchange::{Body, Location, Request, Response, ServerTime};
use why401_model::time::format_millis;

fn t(text: &str) -> DateTime<Utc> {
    parse_iso(text).unwrap().at
}

fn fmt(at: DateTime<Utc>) -> String {
    format_seconds(&at)
}

fn statement(text: &str) -> Statement {
    Statement {
        source: Source::Challenge,
        field: "error_description".into(),
        text: text.into(),
    }
}

/// An exchange with every time source; `strip` removes them one by one.
fn full_exchange() -> Exchange {
    let mut e = Exchange::new(Location::Entry(0), Request::recorded("GET", "https://x/y"));
    let mut response = Response::new(401);
    response
        .headers
        .push("Date", "Fri, 08 Mar 2024 14:23:45 GMT");
    response.body = Some(Body::from_text(r#"{"timestamp":"2024-03-08T14:23:50Z"}"#));
    e.response = Some(response);
    e.client_time = Some(ClientTime::Instant(t("2024-03-08T14:20:00Z")));
    e
}

#[test]
fn reference_order_statement_date_log_body_client_at() {
    let at = Some(t("2030-01-01T00:00:00Z"));
    let said = [statement(
        "IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '3/8/2024 2:00:00 PM', Current time (UTC): '3/8/2024 2:24:01 PM'.",
    )];
    let mut e = full_exchange();

    let r = reference_time(&e, &said, at).unwrap();
    assert_eq!(fmt(r.at), "2024-03-08T14:24:01Z");
    assert_eq!(
        r.source,
        RefSource::ServerStatement("WWW-Authenticate error_description".into())
    );
    assert!(!r.assumed_utc, "IdentityModel labels the time (UTC)");

    let r = reference_time(&e, &[], at).unwrap();
    assert_eq!(
        (fmt(r.at).as_str(), &r.source),
        ("2024-03-08T14:23:45Z", &RefSource::DateHeader)
    );
    assert_eq!(r.max_confidence(), Confidence::High);

    // Date wins over a log timestamp; without Date the log time is next.
    e.server_time = Some(ServerTime {
        at: t("2024-03-08T14:23:47Z"),
        source: ServerTimeSource::LogTimestamp,
        assumed_utc: true,
    });
    assert_eq!(
        reference_time(&e, &[], at).unwrap().source,
        RefSource::DateHeader
    );
    e.response.as_mut().unwrap().headers = Default::default();
    let r = reference_time(&e, &[], at).unwrap();
    assert_eq!(
        (fmt(r.at).as_str(), &r.source),
        ("2024-03-08T14:23:47Z", &RefSource::ServerLog)
    );
    assert!(r.assumed_utc);

    e.server_time = None;
    let r = reference_time(&e, &[], at).unwrap();
    assert_eq!(r.source, RefSource::BodyTimestamp("timestamp".into()));
    assert_eq!(fmt(r.at), "2024-03-08T14:23:50Z");

    e.response.as_mut().unwrap().body = None;
    let r = reference_time(&e, &[], at).unwrap();
    assert_eq!(
        (fmt(r.at).as_str(), &r.source),
        ("2024-03-08T14:20:00Z", &RefSource::ClientTime)
    );
    assert_eq!(r.max_confidence(), Confidence::Medium);

    // A time of day alone is never a reference.
    e.client_time = Some(ClientTime::TimeOfDay(
        NaiveTime::from_hms_opt(14, 20, 0).unwrap(),
    ));
    let r = reference_time(&e, &[], at).unwrap();
    assert_eq!(
        (fmt(r.at).as_str(), &r.source),
        ("2030-01-01T00:00:00Z", &RefSource::At)
    );
    assert_eq!(r.max_confidence(), Confidence::Medium);

    // Nothing at all: no reference (never the wall clock).
    assert_eq!(reference_time(&e, &[], None), None);
}

#[test]
fn date_in_the_model_is_used_too() {
    let mut e = Exchange::new(Location::Line(1), Request::recorded("GET", "/y"));
    e.response = Some(Response::new(401));
    e.server_time = Some(ServerTime {
        at: t("2024-03-08T14:23:45Z"),
        source: ServerTimeSource::DateHeader,
        assumed_utc: false,
    });
    assert_eq!(
        reference_time(&e, &[], None).unwrap().source,
        RefSource::DateHeader
    );
}

#[test]
fn client_offset_needs_a_server_reference_and_a_dated_client_time() {
    let e = full_exchange();
    let date = reference_time(&e, &[], None).unwrap();
    assert_eq!(client_offset_seconds(&e, &date), Some(225));
    let client = ReferenceTime {
        at: t("2024-03-08T14:20:00Z"),
        source: RefSource::ClientTime,
        assumed_utc: false,
    };
    assert_eq!(client_offset_seconds(&e, &client), None);
}

#[test]
fn leeway_band() {
    let reference = t("2024-03-08T14:23:45Z");
    let at = |s: i64| reference + Duration::seconds(s);
    assert_eq!(band(at(-61), reference, 60), Band::Before);
    assert_eq!(
        band(at(-60), reference, 60),
        Band::Before,
        "exp ≤ ref − leeway"
    );
    assert_eq!(band(at(-59), reference, 60), Band::Inside);
    assert_eq!(band(at(0), reference, 60), Band::Inside);
    assert_eq!(band(at(60), reference, 60), Band::Inside);
    assert_eq!(
        band(at(61), reference, 60),
        Band::After,
        "nbf > ref + leeway"
    );
    assert_eq!(exp_passed(at(-60), reference, 60), Some(true));
    assert_eq!(exp_passed(at(-30), reference, 60), None);
    assert_eq!(exp_passed(at(3600), reference, 60), Some(false));
    assert_eq!(in_future(at(61), reference, 60), Some(true));
    assert_eq!(in_future(at(30), reference, 60), None);
    assert_eq!(in_future(at(-3600), reference, 60), Some(false));
    // Absurd leeways neither panic nor overflow.
    assert_eq!(band(at(0), reference, i64::MAX), Band::Inside);
    assert_eq!(band(at(0), reference, i64::MIN), Band::Before);
    assert_eq!(
        band(DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MAX_UTC, 60),
        Band::Inside
    );
    // Zero leeway: the band is the instant itself.
    assert_eq!(exp_passed(at(0), reference, 0), Some(true));
    assert_eq!(in_future(at(1), reference, 0), Some(true));
}

#[test]
fn claim_checks_and_their_sentences() {
    let reference = ReferenceTime {
        at: t("2024-03-08T14:23:45Z"),
        source: RefSource::DateHeader,
        assumed_utc: false,
    };
    let times = check_claims(
        Some(t("2024-03-08T14:05:12Z")),
        Some(t("2024-03-08T14:24:15Z")),
        Some(t("2024-03-08T15:00:00Z")),
        reference.at,
        60,
    );
    assert!(times.expired());
    assert!(!times.nbf_in_future(), "30 s is inside the leeway");
    assert!(times.iat_in_future());
    assert_eq!(times.undecided().len(), 1);
    assert_eq!(
        times.exp.as_ref().unwrap().describe(&reference, 60),
        "exp 2024-03-08T14:05:12Z is 18m33s before the server's Date 2024-03-08T14:23:45Z"
    );
    assert_eq!(
        times.nbf.as_ref().unwrap().describe(&reference, 60),
        "nbf 2024-03-08T14:24:15Z is within the 60s leeway of the server's Date 2024-03-08T14:23:45Z (decides nothing)"
    );
    assert_eq!(
        times.iat.as_ref().unwrap().describe(&reference, 60),
        "iat 2024-03-08T15:00:00Z is 36m15s after the server's Date 2024-03-08T14:23:45Z"
    );
    assert_eq!(format_duration(45), "45s");
    assert_eq!(format_duration(7500), "2h05m");
    assert_eq!(format_duration(-90000), "1d01h");
}

#[test]
fn stated_current_times_of_real_messages() {
    let cases = [
        // JJWT ExpiredJwtException.
        (
            "JWT expired at 2023-01-01T00:00:00Z. Current time: 2023-01-01T00:05:00Z, a difference of 300000 milliseconds.  Allowed clock skew: 0 milliseconds.",
            "2023-01-01T00:05:00.000Z",
            false,
        ),
        // Entra ID AADSTS700024 (seven fraction digits).
        (
            "AADSTS700024: Client assertion is not within its valid time range. Current time: 2023-02-14T21:04:58.4400651Z, assertion valid from 2023-02-14T21:08:08.0000000Z, expiry time of assertion 2023-02-14T22:08:08.0000000Z. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .",
            "2023-02-14T21:04:58.440Z",
            false,
        ),
        // IdentityModel IDX10223, old format (no UTC label: assumed UTC).
        (
            "IDX10223: Lifetime validation failed. The token is expired. ValidTo: '07/01/2021 16:45:33', Current time: '07/01/2021 16:50:56'.",
            "2021-07-01T16:50:56.000Z",
            true,
        ),
        // IdentityModel, newer format.
        (
            "IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom (UTC): '1/17/2024 3:28:49 PM', Current time (UTC): '1/17/2024 3:21:07 PM'.",
            "2024-01-17T15:21:07.000Z",
            false,
        ),
        // SigV4: the server's time is in the parentheses.
        (
            "Signature expired: 20160610T180547Z is now earlier than 20160610T180612Z (20160610T181112Z - 5 min.)",
            "2016-06-10T18:11:12.000Z",
            false,
        ),
        (
            "Signature not yet current: 20230804T000000Z is still later than 20230803T172233Z (20230803T171733Z + 5 min.)",
            "2023-08-03T17:17:33.000Z",
            false,
        ),
        // S3 RequestTimeTooSkewed.
        (
            "<Error><Code>RequestTimeTooSkewed</Code><RequestTime>20230803T171733Z</RequestTime><ServerTime>2023-08-03T17:33:10Z</ServerTime></Error>",
            "2023-08-03T17:33:10.000Z",
            false,
        ),
    ];
    for (text, want, assumed) in cases {
        let got = stated_current_time(text).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(format_millis(&got.at), want, "{text}");
        assert_eq!(got.assumed_utc, assumed, "{text}");
    }
    assert_eq!(stated_current_time("Jwt is expired"), None);
    assert_eq!(stated_current_time("Current time: soon"), None);
}

#[test]
fn validity_statements() {
    let aad = validity_statement(
        "AADSTS700024: Client assertion is not within its valid time range. Current time: 2023-02-14T21:04:58.4400651Z, assertion valid from 2023-02-14T21:08:08.0000000Z, expiry time of assertion 2023-02-14T22:08:08.0000000Z. Review the documentation.",
    )
    .unwrap();
    assert_eq!(fmt(aad.current), "2023-02-14T21:04:58Z");
    assert_eq!(fmt(aad.valid_from.unwrap()), "2023-02-14T21:08:08Z");
    assert_eq!(fmt(aad.expiry.unwrap()), "2023-02-14T22:08:08Z");
    assert_eq!(
        aad.verdict(60),
        Some(ValidityVerdict::NotYetValid { by_seconds: 189 })
    );
    // The same statement inside a 300 s leeway decides nothing.
    assert_eq!(aad.verdict(300), None);

    let obo = validity_statement(
        "AADSTS500133: Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: 2021-07-02T16:39:29.1436624Z, expiry time of assertion 2021-07-02T16:38:06.0000000Z.",
    )
    .unwrap();
    assert_eq!(obo.valid_from, None);
    assert_eq!(
        obo.verdict(60),
        Some(ValidityVerdict::Expired { by_seconds: 83 })
    );

    let idx = validity_statement(
        "IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '3/8/2024 2:00:00 PM', Current time (UTC): '3/8/2024 2:24:01 PM'.",
    )
    .unwrap();
    assert_eq!(fmt(idx.expiry.unwrap()), "2024-03-08T14:00:00Z");
    assert!(!idx.assumed_utc);
    assert!(matches!(
        idx.verdict(60),
        Some(ValidityVerdict::Expired { .. })
    ));

    let jjwt = validity_statement(
        "JWT expired at 2023-01-01T00:00:00Z. Current time: 2023-01-01T00:05:00Z, a difference of 300000 milliseconds.",
    )
    .unwrap();
    assert_eq!(fmt(jjwt.expiry.unwrap()), "2023-01-01T00:00:00Z");
    let early = validity_statement(
        "JWT must not be accepted before 2023-01-01T00:10:00Z. Current time: 2023-01-01T00:05:00Z, a difference of 300000 milliseconds.",
    )
    .unwrap();
    assert_eq!(
        early.verdict(60),
        Some(ValidityVerdict::NotYetValid { by_seconds: 300 })
    );
    // A current time alone is not a validity statement.
    assert_eq!(
        validity_statement("Current time: 2023-01-01T00:05:00Z"),
        None
    );
    let found = find_validity(&[
        statement("nothing"),
        statement("JWT expired at 2023-01-01T00:00:00Z. Current time: 2023-01-01T00:05:00Z."),
    ])
    .unwrap();
    assert_eq!(found.1, "WWW-Authenticate error_description");
}

#[test]
fn loose_time_formats() {
    let cases = [
        ("2023-05-25 13:21:24Z", "2023-05-25T13:21:24.000Z", false),
        (
            "2024-03-08T14:23:45.123+01:00",
            "2024-03-08T13:23:45.123Z",
            false,
        ),
        ("20160610T180547Z", "2016-06-10T18:05:47.000Z", false),
        ("06/14/2024 16:01:30", "2024-06-14T16:01:30.000Z", true),
        ("6/14/2024 4:01:30 PM", "2024-06-14T16:01:30.000Z", true),
        (
            "Fri, 08 Mar 2024 14:23:45 GMT",
            "2024-03-08T14:23:45.000Z",
            false,
        ),
        ("2024-03-08T14:23:45", "2024-03-08T14:23:45.000Z", true),
    ];
    for (text, want, assumed) in cases {
        let got = parse_loose(text).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(
            (format_millis(&got.at).as_str(), got.assumed_utc),
            (want, assumed),
            "{text}"
        );
    }
    assert_eq!(parse_loose("yesterday"), None);
}
