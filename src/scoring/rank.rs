//! Ranks within a category, and which ranks the satisfaction rates cannot tell apart.

use num_bigint::BigInt;

/// Competition ranks ("1224") of one category's published score components, highest first:
/// a unit's rank is 1 + the number of ranked units with a strictly higher value, so equal
/// published values share a rank and the next rank is skipped. `None` (not ranked) stays `None`.
pub(crate) fn competition_ranks(values: &[Option<&BigInt>]) -> Vec<Option<u32>> {
    let mut order: Vec<usize> = (0..values.len()).filter(|i| values[*i].is_some()).collect();
    order.sort_by(|a, b| values[*b].cmp(&values[*a]));
    let mut ranks = vec![None; values.len()];
    for (position, &i) in order.iter().enumerate() {
        let rank = match position {
            0 => 1,
            _ if values[order[position - 1]] == values[i] => ranks[order[position - 1]].expect("ranked"),
            _ => position as u32 + 1,
        };
        ranks[i] = Some(rank);
    }
    ranks
}

/// For each ranked unit, whether its published Wilson interval overlaps (or touches) that of
/// any unit at the nearest rank above or the nearest rank below it. Units sharing its own rank
/// are not compared: a shared rank already says they are not told apart.
pub(crate) fn indistinguishable(ranks: &[Option<u32>], intervals: &[Option<(u32, u32)>]) -> Vec<bool> {
    let ranked: Vec<(usize, u32)> = ranks.iter().enumerate().filter_map(|(i, r)| r.map(|r| (i, r))).collect();
    let overlap = |i: usize, j: usize| match (intervals[i], intervals[j]) {
        (Some((low_i, high_i)), Some((low_j, high_j))) => low_i <= high_j && low_j <= high_i,
        _ => false,
    };
    let mut flagged = vec![false; ranks.len()];
    for &(i, rank) in &ranked {
        let above = ranked.iter().map(|(_, r)| *r).filter(|r| *r < rank).max();
        let below = ranked.iter().map(|(_, r)| *r).filter(|r| *r > rank).min();
        flagged[i] = (ranked.iter())
            .filter(|(_, r)| Some(*r) == above || Some(*r) == below)
            .any(|&(j, _)| overlap(i, j));
    }
    flagged
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ranks_of(values: &[Option<i64>]) -> Vec<Option<u32>> {
        let owned: Vec<Option<BigInt>> = values.iter().map(|v| v.map(BigInt::from)).collect();
        competition_ranks(&owned.iter().map(Option::as_ref).collect::<Vec<_>>())
    }

    #[test]
    fn ties_share_a_rank_and_the_next_is_skipped() {
        assert_eq!(
            ranks_of(&[Some(1872), Some(2000), Some(1872), Some(1656)]),
            [Some(2), Some(1), Some(2), Some(4)]
        );
        assert_eq!(ranks_of(&[Some(5), None, Some(5)]), [Some(1), None, Some(1)]);
        assert_eq!(ranks_of(&[]), []);
    }

    #[test]
    fn neighbours_are_the_nearest_ranks_above_and_below() {
        let ranks = [Some(1), Some(2), Some(2), Some(4), None];
        let intervals = [
            Some((9000, 9900)),
            Some((8000, 8900)),
            Some((8500, 8800)),
            Some((8800, 8850)),
            Some((0, 10000)),
        ];
        // 1 vs {2, 2}: 9000 > 8900 → apart. The 2s vs 1 apart, vs 4: [8000, 8900] and
        // [8500, 8800] overlap [8800, 8850]. The unranked unit is never a neighbour.
        assert_eq!(indistinguishable(&ranks, &intervals), [false, true, true, true, false]);
        let touching = [Some((5000, 6000)), Some((6000, 7000))];
        assert_eq!(indistinguishable(&[Some(2), Some(1)], &touching), [true, true]);
    }

    proptest! {
        #[test]
        fn each_rank_counts_the_units_strictly_above(values in proptest::collection::vec(proptest::option::of(0i64..8), 0..20)) {
            let ranks = ranks_of(&values);
            let ranked = values.iter().filter(|v| v.is_some()).count() as u32;
            for (i, rank) in ranks.iter().enumerate() {
                prop_assert_eq!(rank.is_some(), values[i].is_some());
                if let (Some(rank), Some(value)) = (rank, values[i]) {
                    let higher = values.iter().flatten().filter(|v| **v > value).count() as u32;
                    prop_assert_eq!(*rank, higher + 1);
                    prop_assert!((1..=ranked).contains(rank));
                }
            }
        }
    }
}
