//! Golden campaigns. Every expected figure below was worked out by hand from the rules in
//! docs/SCORING.md (the arithmetic is in the comments), not taken from the code's output.
//! Campaign (a) is the worked example of docs/SCORING.md.
//!
//! Points: satisfied 100, basically satisfied 80, dissatisfied 0, unknown not valid.
//! Counters are written [satisfied, basically_satisfied, dissatisfied, unknown].

use std::collections::BTreeMap;

use super::support::{dec, ranks, s, unit, Campaign};
use crate::scoring::formula::{Formula, MissingClass, Rounding};
use crate::scoring::{flags, Results};

const CLOSE: &str = flags::INDISTINGUISHABLE;

/// (a) Ties within a category, a half-way rounding case, min_valid and not_ranked.
fn campaign_a() -> Campaign {
    let mut c = Campaign::new(&[("A", &["A1", "A2", "A3", "A4"]), ("B", &["B1", "B2", "B3", "B4"])]);
    c.rate("A1", "panel", "", [10, 0, 0, 3]).rate("A1", "public", "", [10, 0, 0, 0]);
    c.rate("A2", "panel", "", [8, 2, 0, 0]).rate("A2", "public", "", [5, 5, 0, 0]);
    c.rate("A3", "panel", "", [27, 4, 1, 0]).rate("A3", "public", "", [5, 3, 0, 0]);
    c.rate("A4", "panel", "", [5, 5, 0, 0]).rate("A4", "public", "", [4, 4, 2, 0]);
    c.rate("B1", "panel", "", [9, 0, 1, 0]).rate("B1", "public", "", [6, 2, 2, 0]);
    c.rate("B2", "panel", "", [18, 0, 2, 0]).rate("B2", "public", "", [3, 1, 1, 0]);
    c.rate("B3", "panel", "", [5, 0, 0, 0]).rate("B3", "public", "", [3, 0, 0, 0]);
    c.rate("B4", "panel", "", [10, 0, 0, 0]).rate("B4", "public", "", [10, 0, 0, 0]);
    c
}

fn formula_a(rounding: Rounding) -> Formula {
    Formula {
        min_valid: 10,
        min_class_valid: 1,
        not_ranked: vec!["B4".into()],
        rounding,
        ..Formula::default()
    }
}

#[test]
fn a_scores_by_hand() {
    let r = campaign_a().compute(&formula_a(Rounding::HalfUp));

    // A1: panel 10 valid (the 3 "unknown" are not valid): 10×100/10 = 100; public 100.
    // unit 0.6×100 + 0.4×100 = 100; component 100/100 × 20 = 20.
    let a1 = unit(&r, "A1");
    assert_eq!(a1.counts["panel"]["unknown"], 3);
    assert_eq!((a1.valid_n, a1.satisfied_n), (20, 20));
    assert_eq!(
        a1.class_scores,
        BTreeMap::from([("panel".into(), s("100.00")), ("public".into(), s("100.00"))])
    );
    assert_eq!((a1.unit_score.clone(), a1.score_component.clone()), (s("100.00"), s("20.00")));
    // Wilson, 20 of 20: low = 20/(20 + z²) = 20/23.8415 = 0.838875 → down to 0.8388; high 1.
    assert_eq!(
        (a1.satisfaction_rate.clone(), a1.wilson_low.clone(), a1.wilson_high.clone()),
        (s("1.0000"), s("0.8388"), s("1.0000"))
    );

    // A2: panel (8×100 + 2×80)/10 = 960/10 = 96; public (5×100 + 5×80)/10 = 900/10 = 90.
    // unit 0.6×96 + 0.4×90 = 57.6 + 36 = 93.6; component 93.6 × 20/100 = 18.72.
    let a2 = unit(&r, "A2");
    assert_eq!(a2.class_scores["panel"], s("96.00"));
    assert_eq!(a2.class_scores["public"], s("90.00"));
    assert_eq!((a2.unit_score.clone(), a2.score_component.clone()), (s("93.60"), s("18.72")));

    // A3: panel (27×100 + 4×80 + 1×0)/32 = 3020/32 = 94.375; public (5×100 + 3×80)/8 = 740/8 = 92.5.
    // unit 0.6×94.375 + 0.4×92.5 = 56.625 + 37 = 93.625; component 93.625 × 0.2 = 18.725.
    // Half-way: half_up gives 94.38, 93.63, 18.73.
    let a3 = unit(&r, "A3");
    assert_eq!(a3.class_scores["panel"], s("94.38"));
    assert_eq!(a3.class_scores["public"], s("92.50"));
    assert_eq!((a3.unit_score.clone(), a3.score_component.clone()), (s("93.63"), s("18.73")));
    // 39 satisfied (27 + 4 + 5 + 3) of 40 valid = 0.975; Wilson 0.871186… to 0.995573….
    assert_eq!((a3.valid_n, a3.satisfied_n), (40, 39));
    assert_eq!(
        (a3.satisfaction_rate.clone(), a3.wilson_low.clone(), a3.wilson_high.clone()),
        (s("0.9750"), s("0.8711"), s("0.9956"))
    );

    // A4: panel (500 + 400)/10 = 90; public (400 + 320 + 0)/10 = 72; unit 54 + 28.8 = 82.8;
    // component 16.56. 18 satisfied of 20 = 0.9000.
    let a4 = unit(&r, "A4");
    assert_eq!((a4.unit_score.clone(), a4.score_component.clone()), (s("82.80"), s("16.56")));
    assert_eq!(a4.satisfaction_rate, s("0.9000"));

    // Published components in A: 20.00, 18.72, 18.73, 16.56 → ranks 1, 3, 2, 4.
    assert_eq!(ranks(&r, &["A1", "A2", "A3", "A4"]), [Some(1), Some(3), Some(2), Some(4)]);
    // With 20 to 40 ballots each interval overlaps its neighbours': all four are flagged.
    for code in ["A1", "A2", "A3", "A4"] {
        assert_eq!(unit(&r, code).flags, [CLOSE], "{code}");
    }

    // B1: panel 900/10 = 90; public (600 + 160 + 0)/10 = 76; unit 54 + 30.4 = 84.4; 16.88.
    // B2: panel 1800/20 = 90; public (300 + 80 + 0)/5 = 76; the same 84.4 and 16.88: a tie.
    // B3: 100 and 20.00 but 8 valid < 10: not ranked. B4: 20.00 but in not_ranked.
    for code in ["B1", "B2"] {
        assert_eq!(unit(&r, code).score_component, s("16.88"), "{code}");
        assert!(unit(&r, code).flags.is_empty(), "units sharing a rank are not compared with each other");
    }
    assert_eq!(ranks(&r, &["B1", "B2", "B3", "B4"]), [Some(1), Some(1), None, None]);
    assert_eq!(unit(&r, "B3").score_component, s("20.00"));
    assert_eq!(unit(&r, "B3").flags, [flags::BELOW_MINIMUM]);
    assert_eq!(unit(&r, "B4").score_component, s("20.00"));
    assert_eq!(unit(&r, "B4").flags, [flags::NOT_RANKED]);
    assert_eq!(unit(&r, "B1").satisfaction_rate, s("0.8500"), "17 of 20");
    assert_eq!(unit(&r, "B2").satisfaction_rate, s("0.8800"), "22 of 25");

    // Summaries. A: valid 20 + 20 + 40 + 20 = 100, satisfied 20 + 20 + 39 + 18 = 97;
    // mean component (20 + 18.72 + 18.725 + 16.56)/4 = 74.005/4 = 18.50125 → 18.50.
    let a = &r.categories[0].totals;
    assert_eq!((a.units, a.scored_units, a.ranked_units, a.valid_n, a.satisfied_n), (4, 4, 4, 100, 97));
    assert_eq!((a.satisfaction_rate.clone(), a.mean_score_component.clone()), (s("0.9700"), s("18.50")));
    // B: valid 20 + 25 + 8 + 20 = 73, satisfied 17 + 22 + 8 + 20 = 67, 67/73 = 0.917808…;
    // mean (16.88 + 16.88 + 20 + 20)/4 = 73.76/4 = 18.44.
    let b = &r.categories[1].totals;
    assert_eq!((b.units, b.scored_units, b.ranked_units, b.valid_n, b.satisfied_n), (4, 4, 2, 73, 67));
    assert_eq!((b.satisfaction_rate.clone(), b.mean_score_component.clone()), (s("0.9178"), s("18.44")));
    // Overall: 164/173 = 0.947977…; (74.005 + 73.76)/8 = 147.765/8 = 18.470625 → 18.47.
    let o = &r.overall;
    assert_eq!(
        (o.units, o.scored_units, o.ranked_units, o.valid_n, o.satisfied_n, o.flagged_n),
        (8, 8, 6, 173, 164, 0)
    );
    assert_eq!((o.satisfaction_rate.clone(), o.mean_score_component.clone()), (s("0.9480"), s("18.47")));
}

#[test]
fn a_half_even_turns_a_half_way_case_into_a_tie_1224() {
    let r = campaign_a().compute(&formula_a(Rounding::HalfEven));
    // 94.375 → 94.38 (7 is odd, so up to 8); 93.625 → 93.62 and 18.725 → 18.72 (2 is even).
    let a3 = unit(&r, "A3");
    assert_eq!(a3.class_scores["panel"], s("94.38"));
    assert_eq!((a3.unit_score.clone(), a3.score_component.clone()), (s("93.62"), s("18.72")));
    // Published 20.00, 18.72, 18.72, 16.56: A2 and A3 share rank 2, rank 3 is skipped.
    assert_eq!(ranks(&r, &["A1", "A2", "A3", "A4"]), [Some(1), Some(2), Some(2), Some(4)]);
    assert_eq!(r.categories[0].totals.mean_score_component, s("18.50"), "18.50125 is not half-way");
}

/// (b) A class with no valid ballot for a unit, and flagged ballots.
fn campaign_b() -> Campaign {
    let mut c = Campaign::new(&[("C", &["C1", "C2", "C3", "C4"])]);
    c.rate("C1", "panel", "", [8, 2, 0, 0]).rate("C1", "public", "", [0, 0, 0, 5]);
    c.rate("C2", "panel", "", [6, 4, 0, 0]).rate("C2", "public", "", [4, 0, 1, 0]);
    c.rate_flagged("C2", "public", [0, 0, 2, 0]);
    c.rate("C3", "panel", "", [0, 0, 0, 2]);
    c.rate("C4", "public", "", [6, 2, 0, 0]);
    c
}

fn formula_b(missing_class: MissingClass, count_flagged: bool) -> Formula {
    Formula { min_valid: 5, min_class_valid: 1, missing_class, count_flagged, ..Formula::default() }
}

#[test]
fn b_a_missing_class_is_renormalised() {
    let r = campaign_b().compute(&formula_b(MissingClass::Renormalise, false));
    // C1: panel (800 + 160)/10 = 96; public has 5 "unknown", no valid ballot: missing.
    // unit (0.6 × 96)/0.6 = 96; component 96 × 0.2 = 19.20.
    let c1 = unit(&r, "C1");
    assert_eq!(c1.class_scores, BTreeMap::from([("panel".into(), s("96.00")), ("public".into(), None)]));
    assert_eq!((c1.unit_score.clone(), c1.score_component.clone()), (s("96.00"), s("19.20")));
    assert_eq!(c1.flags, [flags::class_missing("public"), CLOSE.into()]);
    // C2: the 2 flagged public ballots are left out. panel (600 + 320)/10 = 92;
    // public (400 + 0)/5 = 80; unit 55.2 + 32 = 87.2; component 17.44. 14 of 15 satisfied.
    let c2 = unit(&r, "C2");
    assert_eq!((c2.unit_score.clone(), c2.score_component.clone()), (s("87.20"), s("17.44")));
    assert_eq!(c2.counts["public"]["dissatisfied"], 1);
    assert_eq!(c2.counts_flagged["public"]["dissatisfied"], 2);
    assert_eq!(c2.counts_flagged["panel"]["satisfied"], 0);
    assert_eq!((c2.valid_n, c2.satisfaction_rate.clone()), (15, s("0.9333")));
    assert_eq!(c2.flags, [flags::FLAGGED_EXCLUDED, CLOSE]);
    // C3: two "unknown" only: no valid ballot at all, no score, and 0 < 5.
    let c3 = unit(&r, "C3");
    assert_eq!(
        (c3.unit_score.clone(), c3.satisfaction_rate.clone(), c3.wilson_low.clone(), c3.rank),
        (None, None, None, None)
    );
    assert_eq!(c3.flags, [flags::NO_VALID_BALLOTS, flags::BELOW_MINIMUM]);
    // C4: public only, (600 + 160)/8 = 95; renormalised 95; component 19.00.
    let c4 = unit(&r, "C4");
    assert_eq!((c4.unit_score.clone(), c4.score_component.clone()), (s("95.00"), s("19.00")));
    assert_eq!(c4.flags, [flags::class_missing("panel"), CLOSE.into()]);
    // 19.20, 17.44, none, 19.00.
    assert_eq!(ranks(&r, &["C1", "C2", "C3", "C4"]), [Some(1), Some(3), None, Some(2)]);
    assert_eq!(r.overall.flagged_n, 2);
    assert_eq!((r.overall.scored_units, r.overall.ranked_units), (3, 3));
}

#[test]
fn b_under_the_missing_rule_a_unit_without_a_class_has_no_score() {
    let r = campaign_b().compute(&formula_b(MissingClass::Missing, false));
    let c1 = unit(&r, "C1");
    assert_eq!(c1.class_scores["panel"], s("96.00"), "the class present is still reported");
    assert_eq!((c1.unit_score.clone(), c1.score_component.clone(), c1.rank), (None, None, None));
    assert_eq!(c1.flags, [flags::class_missing("public")]);
    assert_eq!(unit(&r, "C4").flags, [flags::class_missing("panel")]);
    assert_eq!(unit(&r, "C2").score_component, s("17.44"));
    // C2 alone is ranked, so it has no neighbour to be confused with.
    assert_eq!(unit(&r, "C2").flags, [flags::FLAGGED_EXCLUDED]);
    assert_eq!(ranks(&r, &["C1", "C2", "C3", "C4"]), [None, Some(1), None, None]);
    assert_eq!(r.categories[0].totals.mean_score_component, s("17.44"));
}

#[test]
fn b_flagged_ballots_count_when_the_formula_says_so() {
    let r = campaign_b().compute(&formula_b(MissingClass::Renormalise, true));
    // C2 public now (400 + 0 + 0)/7 = 57.142857…; unit 0.6×92 + 0.4×400/7 = 55.2 + 22.857142…
    // = 78.057142…; component 15.611428… → 15.61. 14 of 17 satisfied = 0.823529….
    let c2 = unit(&r, "C2");
    assert_eq!(c2.class_scores["public"], s("57.14"));
    assert_eq!((c2.unit_score.clone(), c2.score_component.clone()), (s("78.06"), s("15.61")));
    assert_eq!(c2.counts["public"]["dissatisfied"], 3);
    assert_eq!(c2.counts_flagged["public"]["dissatisfied"], 2);
    assert_eq!((c2.valid_n, c2.satisfaction_rate.clone()), (17, s("0.8235")));
    assert!(!c2.flags.contains(&flags::FLAGGED_EXCLUDED.to_string()));
}

/// (c) Segment weights inside the panel's class score.
fn campaign_c() -> Campaign {
    let mut c = Campaign::new(&[("S", &["S1", "S2", "S3"])]);
    c.rate("S1", "panel", "基层群众", [8, 2, 0, 0]).rate("S1", "panel", "企业代表", [3, 0, 1, 0]);
    c.rate("S1", "panel", "人大代表", [2, 0, 0, 0]).rate("S1", "public", "", [5, 5, 0, 0]);
    c.rate("S2", "panel", "基层群众", [4, 1, 0, 0]).rate("S2", "panel", "企业代表", [1, 1, 0, 0]);
    c.rate("S2", "panel", "其他", [0, 0, 2, 0]).rate("S2", "public", "", [1, 2, 1, 0]);
    c.rate("S3", "panel", "基层群众", [0, 500, 0, 0]).rate("S3", "panel", "企业代表", [0, 300, 0, 0]);
    c.rate("S3", "panel", "人大代表", [0, 200, 0, 0]).rate("S3", "public", "", [0, 500, 0, 0]);
    c
}

fn formula_c() -> Formula {
    let segments = [("基层群众", "0.5"), ("企业代表", "0.3"), ("人大代表", "0.2")];
    let segment_weights = Some(segments.iter().map(|(k, v)| (k.to_string(), dec(v))).collect());
    Formula { min_valid: 10, min_class_valid: 1, segment_weights, ..Formula::default() }
}

#[test]
fn c_segment_weights_shape_the_panel_score() {
    let r = campaign_c().compute(&formula_c());
    // S1: 基层群众 960/10 = 96, 企业代表 (300 + 0)/4 = 75, 人大代表 200/2 = 100.
    // panel 0.5×96 + 0.3×75 + 0.2×100 = 48 + 22.5 + 20 = 90.5 (pooled it would be 1460/16 = 91.25).
    // public 900/10 = 90; unit 0.6×90.5 + 0.4×90 = 54.3 + 36 = 90.3; component 18.06.
    let s1 = unit(&r, "S1");
    assert_eq!(s1.segments["基层群众"].score, s("96.00"));
    assert_eq!(s1.segments["企业代表"].score, s("75.00"));
    assert_eq!(s1.segments["企业代表"].weight, s("0.3"));
    assert_eq!(s1.segments["人大代表"].valid_n, 2);
    assert_eq!(s1.class_scores["panel"], s("90.50"));
    assert_eq!((s1.unit_score.clone(), s1.score_component.clone()), (s("90.30"), s("18.06")));
    // 25 satisfied of 26 = 0.961538…; Wilson 0.811072… to 0.993178….
    assert_eq!(
        (s1.satisfaction_rate.clone(), s1.wilson_low.clone(), s1.wilson_high.clone()),
        (s("0.9615"), s("0.8110"), s("0.9932"))
    );
    assert_eq!(s1.flags, [CLOSE]);

    // S2: 人大代表 has no ballot: the other weights are rescaled, 0.5/0.8 and 0.3/0.8.
    // 基层群众 480/5 = 96, 企业代表 180/2 = 90: panel (48 + 27)/0.8 = 93.75.
    // 其他 is not weighted: its 2 dissatisfied are left out of the panel score, but count in
    // valid n and the satisfaction rate. public (100 + 160 + 0)/4 = 65.
    // unit 0.6×93.75 + 0.4×65 = 56.25 + 26 = 82.25; component 16.45.
    // valid 5 + 2 + 2 + 4 = 13, satisfied 5 + 2 + 0 + 3 = 10: 0.769231…; Wilson 0.497436… to 0.918205….
    let s2 = unit(&r, "S2");
    assert_eq!(s2.class_scores["panel"], s("93.75"));
    assert_eq!(s2.segments["人大代表"].score, None);
    assert_eq!(s2.segments["其他"].weight, None);
    assert_eq!(s2.segments["其他"].score, s("0.00"));
    assert_eq!((s2.unit_score.clone(), s2.score_component.clone()), (s("82.25"), s("16.45")));
    assert_eq!((s2.valid_n, s2.satisfied_n), (13, 10));
    assert_eq!(
        (s2.satisfaction_rate.clone(), s2.wilson_low.clone(), s2.wilson_high.clone()),
        (s("0.7692"), s("0.4974"), s("0.9183"))
    );
    assert_eq!(
        s2.flags,
        [flags::segment_missing("人大代表"), flags::segment_unweighted("其他"), CLOSE.into()]
    );

    // S3: every option "basically satisfied": every score 80, component 16.00. 1500 of 1500
    // satisfied: Wilson low 1500/(1500 + z²) = 0.997445… → 0.9974.
    let s3 = unit(&r, "S3");
    assert_eq!((s3.unit_score.clone(), s3.score_component.clone()), (s("80.00"), s("16.00")));
    assert_eq!((s3.wilson_low.clone(), s3.wilson_high.clone()), (s("0.9974"), s("1.0000")));
    // 18.06, 16.45, 16.00. S1 [0.8110, 0.9932] overlaps S2 [0.4974, 0.9183]; S3 [0.9974, 1]
    // does not overlap S2, its only neighbour, so S3 is told apart.
    assert_eq!(ranks(&r, &["S1", "S2", "S3"]), [Some(1), Some(2), Some(3)]);
    assert!(s3.flags.is_empty(), "{:?}", s3.flags);
}

#[test]
fn c_without_segment_weights_the_panel_is_pooled() {
    let r = campaign_c().compute(&Formula { min_valid: 10, min_class_valid: 1, ..Formula::default() });
    // S1 panel (13×100 + 2×80 + 1×0)/16 = 1460/16 = 91.25; unit 0.6×91.25 + 36 = 90.75.
    let s1 = unit(&r, "S1");
    assert_eq!(s1.class_scores["panel"], s("91.25"));
    assert_eq!(s1.unit_score, s("90.75"));
    assert!(s1.segments.is_empty());
}

/// (d) One ballot must not move a rank: a class counts in a unit's score only with at
/// least `min_class_valid` valid ballots. 40 panel ballots, all satisfied, on every unit of
/// a category of 16; one public ballot, dissatisfied, on A02. Default formula (panel 0.6,
/// public 0.4, renormalise, min_class_valid 30).
fn campaign_d() -> Campaign {
    let codes: Vec<String> = (1..=16).map(|i| format!("A{i:02}")).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let mut c = Campaign::new(&[("A", &codes)]);
    for code in &codes {
        c.rate(code, "panel", "", [40, 0, 0, 0]);
    }
    c.rate("A02", "public", "", [0, 0, 1, 0]);
    c
}

#[test]
fn d_one_public_ballot_does_not_move_a_unit() {
    let r = campaign_d().compute(&Formula::default());
    // Before the rule: public 0 × 0.4 + panel 100 × 0.6 = 60, component 12.00, rank 16 of 16.
    // Now the public class has 1 valid ballot < 30: it is left out like a missing class,
    // the panel's weight is rescaled to 1, and A02 scores 100 like A01.
    let (a01, a02) = (unit(&r, "A01"), unit(&r, "A02"));
    assert_eq!((a02.unit_score.clone(), a02.score_component.clone()), (s("100.00"), s("20.00")));
    assert_eq!(
        (a02.unit_score.clone(), a02.score_component.clone()),
        (a01.unit_score.clone(), a01.score_component.clone())
    );
    assert_eq!(a02.rank, a01.rank);
    assert_eq!(a02.class_scores.get("public"), Some(&None));
    assert!(a02.flags.contains(&flags::class_insufficient("public")), "{:?}", a02.flags);
    // The satisfaction rate still counts every valid ballot: 40 of 41.
    assert_eq!(a02.satisfied_n, 40);
    assert_eq!(a02.valid_n, 41);
}

#[test]
fn d_under_the_missing_rule_a_short_class_leaves_the_unit_without_a_score() {
    let formula = Formula { missing_class: MissingClass::Missing, ..Formula::default() };
    let r = campaign_d().compute(&formula);
    // A02 as A01: A01 has no public ballot (missing), A02 too few (insufficient); under
    // `missing` neither gets a score.
    assert_eq!(unit(&r, "A02").unit_score, None);
    assert_eq!(unit(&r, "A01").unit_score, None);
    assert!(unit(&r, "A02").flags.contains(&flags::class_insufficient("public")));
    assert!(unit(&r, "A01").flags.contains(&flags::class_missing("public")));
}

#[test]
fn d_a_class_at_the_floor_counts() {
    let mut c = campaign_d();
    c.rate("A03", "public", "", [0, 0, 30, 0]);
    let r = c.compute(&Formula::default());
    // 30 public ballots, all dissatisfied: 0.6 × 100 + 0.4 × 0 = 60.
    assert_eq!(unit(&r, "A03").unit_score, s("60.00"));
    assert!(!unit(&r, "A03").flags.iter().any(|f| f.starts_with("class_insufficient")));
}

#[test]
fn d_a_short_segment_is_left_out_of_the_panel_score() {
    let mut c = Campaign::new(&[("S", &["S1"])]);
    c.rate("S1", "panel", "委员", [12, 0, 0, 0]).rate("S1", "panel", "群众", [0, 0, 3, 0]);
    let segment_weights = Some(BTreeMap::from([("委员".into(), dec("0.5")), ("群众".into(), dec("0.5"))]));
    let formula = Formula {
        class_weights: BTreeMap::from([("panel".into(), dec("1"))]),
        segment_weights,
        min_class_valid: 10,
        min_valid: 1,
        ..Formula::default()
    };
    let r = c.compute(&formula);
    // 群众 has 3 valid ballots < 10: its weight goes to 委员, whose 12 ballots score 100.
    let s1 = unit(&r, "S1");
    assert_eq!(s1.unit_score, s("100.00"));
    assert!(s1.flags.contains(&flags::segment_insufficient("群众")), "{:?}", s1.flags);
}

#[test]
fn results_serialise_with_stable_keys_and_string_decimals() {
    let r: Results = campaign_a().compute(&formula_a(Rounding::HalfUp));
    let json = serde_json::to_value(&r).unwrap();
    let a3 = &json["units"][2];
    assert_eq!(a3["code"], "A3");
    assert_eq!(a3["category"], "A");
    assert_eq!(a3["score_component"], "18.73");
    assert_eq!(a3["rank"], 2);
    assert_eq!(a3["counts"]["panel"]["dissatisfied"], 1);
    assert_eq!(json["categories"][0]["code"], "A");
    assert_eq!(json["categories"][0]["valid_n"], 100, "category totals are flattened");
    assert_eq!(json["overall"]["satisfaction_rate"], "0.9480");
    let back: Results = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
}
