//! The formula's checks: every refusal names its field, and good formulas pass.

use super::*;

const OPTIONS: &[&str] = &["satisfied", "basically_satisfied", "dissatisfied", "unknown"];
const UNITS: &[&str] = &["A1", "A2", "B1"];

fn d(text: &str) -> Dec {
    text.parse().unwrap()
}

fn check(formula: &Formula) -> Result<(), FormulaError> {
    formula.validate(OPTIONS, UNITS)
}

/// The error and its message, for a formula changed from the default by `change`.
fn fault(change: impl FnOnce(&mut Formula)) -> (FormulaError, String) {
    let mut formula = Formula::default();
    change(&mut formula);
    let error = check(&formula).expect_err("the formula should be refused");
    let message = error.to_string();
    (error, message)
}

#[test]
fn the_default_is_valid() {
    assert_eq!(check(&Formula::default()), Ok(()));
    let f = Formula::default();
    assert_eq!(f.points["basically_satisfied"], d("80"));
    assert_eq!(f.class_weights["panel"], d("0.6"));
    assert_eq!(f.min_valid, 30);
    assert_eq!(f.decimals, 2);
}

#[test]
fn reads_json_with_defaults_numbers_and_strings() {
    let f: Formula =
        serde_json::from_str(r#"{"class_weights": {"panel": 0.7, "public": "0.3"}, "decimals": 3, "rounding": "half_even", "missing_class": "missing"}"#)
            .unwrap();
    assert_eq!(f.class_weights["panel"], d("0.7"));
    assert_eq!(f.class_weights["public"], d("0.3"));
    assert_eq!(f.rounding, Rounding::HalfEven);
    assert_eq!(f.missing_class, MissingClass::Missing);
    assert_eq!(f.points, Formula::default().points);
    assert_eq!(check(&f), Ok(()));
    let round_trip: Formula = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
    assert_eq!(round_trip, f);
    let json = serde_json::to_value(Formula::default()).unwrap();
    assert_eq!(json["class_weights"]["panel"], "0.6");
    assert_eq!(json["rounding"], "half_up");
    assert_eq!(json["missing_class"], "renormalise");
}

#[test]
fn reads_toml_floats_as_the_decimals_written() {
    let text = r#"
        component_points = 20
        decimals = 3
        class_weights = { panel = 0.7, public = "0.3" }
        points = { satisfied = 100, basically_satisfied = 82.5, dissatisfied = 0 }
    "#;
    let f: Formula = toml::from_str(text).unwrap();
    assert_eq!(f.class_weights["panel"], d("0.7"));
    assert_eq!(f.points["basically_satisfied"], d("82.5"));
    assert_eq!(f.component_points, d("20"));
    assert_eq!(check(&f), Ok(()));
    assert!(toml::from_str::<Formula>("weights = 1").is_err());
}

#[test]
fn unknown_fields_and_bad_numbers_are_refused() {
    assert!(serde_json::from_str::<Formula>(r#"{"weights": {}}"#).is_err());
    assert!(serde_json::from_str::<Formula>(r#"{"component_points": "twenty"}"#).is_err());
    assert!(serde_json::from_str::<Formula>(r#"{"rounding": "up"}"#).is_err());
}

#[test]
fn class_weights_must_sum_to_one() {
    let (e, message) = fault(|f| {
        f.class_weights.insert("public".into(), d("0.3"));
    });
    assert_eq!(message, "class_weights must sum to exactly 1, they sum to 0.9");
    assert_eq!(e.field(), "class_weights");
    // 0.1 + 0.2 + 0.7 is 1 exactly, though not in floating point.
    let class_weights = [("panel", "0.1"), ("public", "0.2"), ("other", "0.7")];
    let class_weights = class_weights.iter().map(|(k, v)| (k.to_string(), d(v))).collect();
    assert_eq!(check(&Formula { class_weights, ..Formula::default() }), Ok(()));
}

#[test]
fn weights_must_be_more_than_zero_and_at_most_one() {
    let (e, message) = fault(|f| {
        f.class_weights = [("panel".to_string(), d("1.2")), ("public".to_string(), d("-0.2"))].into();
    });
    assert_eq!(message, "class_weights of `panel` must be more than 0 and at most 1, not 1.2 (leave a class out to exclude it)");
    assert_eq!(e.field(), "class_weights.panel");
    let (_, message) = fault(|f| {
        f.class_weights = [("panel".to_string(), d("1")), ("public".to_string(), d("0"))].into();
    });
    assert!(message.starts_with("class_weights of `public` must be more than 0"), "{message}");
    let (_, message) = fault(|f| f.class_weights.clear());
    assert_eq!(message, "class_weights must name at least one class");
    let (_, message) = fault(|f| {
        f.class_weights = [("".to_string(), d("1"))].into();
    });
    assert_eq!(message, "class_weights names a class with an empty name");
}

#[test]
fn segment_weights_must_sum_to_one_and_need_the_panel() {
    let segments = |pairs: &[(&str, &str)]| Some(pairs.iter().map(|(k, v)| (k.to_string(), d(v))).collect());
    let segment_weights = segments(&[("基层群众", "0.5"), ("企业代表", "0.3"), ("人大代表", "0.2")]);
    assert_eq!(check(&Formula { segment_weights, ..Formula::default() }), Ok(()));
    let (e, message) = fault(|f| f.segment_weights = segments(&[("基层群众", "0.5"), ("企业代表", "0.3")]));
    assert_eq!(message, "segment_weights must sum to exactly 1, they sum to 0.8");
    assert_eq!(e.field(), "segment_weights");
    let (_, message) = fault(|f| f.segment_weights = Some(BTreeMap::new()));
    assert_eq!(message, "segment_weights must name at least one segment");
    let (e, message) = fault(|f| {
        f.segment_weights = segments(&[("基层群众", "1")]);
        f.class_weights = [("public".to_string(), d("1"))].into();
    });
    assert_eq!(message, "segment_weights is set but class_weights does not count the `panel` class");
    assert_eq!(e.field(), "segment_weights");
}

#[test]
fn points_must_be_options_of_the_scale_and_within_0_to_100() {
    let (e, message) = fault(|f| {
        f.points.insert("great".into(), d("100"));
    });
    assert_eq!(message, "points names `great`, which is not an option of the scale");
    assert_eq!(e.field(), "points.great");
    let (e, message) = fault(|f| {
        f.points.insert("dissatisfied".into(), d("120"));
    });
    assert_eq!(message, "points of `dissatisfied` must be between 0 and 100, not 120");
    assert_eq!(e.field(), "points.dissatisfied");
    let (_, message) = fault(|f| {
        f.points.insert("satisfied".into(), d("-1"));
    });
    assert_eq!(message, "points of `satisfied` must be between 0 and 100, not -1");
    let (e, message) = fault(|f| {
        f.points.clear();
    });
    assert_eq!(message, "at least one option must be valid: points names none");
    assert_eq!(e.field(), "points");
}

#[test]
fn the_lowest_option_must_score_zero_unless_allowed() {
    let (e, message) = fault(|f| {
        f.points.insert("dissatisfied".into(), d("10"));
    });
    assert_eq!(
        message,
        "the lowest valid option `dissatisfied` scores 10; it must score 0 unless allow_nonzero_lowest is set"
    );
    assert_eq!(e.field(), "points.dissatisfied");
    let mut f = Formula::default();
    f.points.insert("dissatisfied".into(), d("10"));
    f.allow_nonzero_lowest = true;
    assert_eq!(check(&f), Ok(()));
    // "Don't know" given points becomes valid, and the lowest.
    let (_, message) = fault(|f| {
        f.points.insert("dissatisfied".into(), d("20"));
        f.points.insert("unknown".into(), d("5"));
    });
    assert!(message.starts_with("the lowest valid option `unknown` scores 5"), "{message}");
    let (_, message) = fault(|f| {
        f.points = [("satisfied".to_string(), d("0")), ("dissatisfied".to_string(), d("0"))].into();
        f.satisfied_options = vec!["satisfied".into()];
    });
    assert_eq!(message, "at least one valid option must score more than 0");
}

#[test]
fn satisfied_options_must_be_valid_options() {
    let (e, message) = fault(|f| f.satisfied_options.push("unknown".into()));
    assert_eq!(message, "satisfied_options names `unknown`, which is not a valid option (it has no points)");
    assert_eq!(e.field(), "satisfied_options");
    let (_, message) = fault(|f| f.satisfied_options.push("satisfied".into()));
    assert_eq!(message, "satisfied_options names `satisfied` twice");
    let (_, message) = fault(|f| f.satisfied_options.clear());
    assert_eq!(message, "satisfied_options must name at least one option");
}

#[test]
fn component_points_decimals_and_not_ranked_are_checked() {
    let (e, message) = fault(|f| f.component_points = d("0"));
    assert_eq!(message, "component_points must be more than 0 and at most 100, not 0");
    assert_eq!(e.field(), "component_points");
    assert!(fault(|f| f.component_points = d("100.5")).1.ends_with("not 100.5"));
    assert_eq!(check(&Formula { component_points: d("100"), ..Formula::default() }), Ok(()));
    let (e, message) = fault(|f| f.decimals = 7);
    assert_eq!(message, "decimals must be 0 to 6, not 7");
    assert_eq!(e.field(), "decimals");
    let (e, message) = fault(|f| f.not_ranked = vec!["A1".into(), "Z9".into()]);
    assert_eq!(message, "not_ranked names unit `Z9`, which is not in the campaign");
    assert_eq!(e.field(), "not_ranked");
}
