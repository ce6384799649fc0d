//! Scoring: tallies → satisfaction rates, scores, the score component and ranks. Pure: no I/O.
