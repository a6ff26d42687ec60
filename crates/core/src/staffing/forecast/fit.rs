//! Choosing smoothing parameters: a deterministic coarse grid, then a compass
//! (pattern) search from the best grid point.
//!
//! Deterministic so that the same history always gives the same forecast (a
//! planner re-running last week's numbers must see last week's numbers). A grid
//! alone is too coarse and Nelder–Mead needs care at the box edges; the compass
//! search is simple, stays inside [0, 1] by clamping and is good enough for the
//! smooth, low-dimensional one-step squared-error surface.

/// The smallest step of the compass search: finer than this changes forecasts
/// by far less than the noise in contact volumes.
const FINEST_STEP: f64 = 0.002;

/// A cap on compass moves, so that a flat valley cannot keep the search going.
const MAX_MOVES: usize = 400;

/// Minimises `cost` over the box [0, 1]^n, where n = `grids.len()` and `grids[i]`
/// are the starting values tried for parameter i. Returns the parameters and
/// their cost; a cost that is not finite counts as infinitely bad.
pub(super) fn minimise(grids: &[&[f64]], mut cost: impl FnMut(&[f64]) -> f64) -> (Vec<f64>, f64) {
    let mut eval = |p: &[f64]| {
        let c = cost(p);
        if c.is_finite() { c } else { f64::INFINITY }
    };
    let dims = grids.len();
    let mut best = grids.iter().map(|g| g[0]).collect::<Vec<_>>();
    let mut best_cost = f64::INFINITY;
    // Odometer over every combination of the grids.
    let mut digits = vec![0usize; dims];
    let mut point = best.clone();
    loop {
        for (i, d) in digits.iter().enumerate() {
            point[i] = grids[i][*d];
        }
        let c = eval(&point);
        if c < best_cost {
            best_cost = c;
            best.clone_from(&point);
        }
        let mut i = 0;
        while i < dims {
            digits[i] += 1;
            if digits[i] < grids[i].len() {
                break;
            }
            digits[i] = 0;
            i += 1;
        }
        if i == dims {
            break;
        }
    }
    let mut step = 0.05;
    let mut moves = 0;
    while step >= FINEST_STEP && moves < MAX_MOVES {
        let mut improved = false;
        for i in 0..dims {
            for direction in [1.0, -1.0] {
                let mut trial = best.clone();
                trial[i] = (trial[i] + direction * step).clamp(0.0, 1.0);
                if trial[i] == best[i] {
                    continue;
                }
                let c = eval(&trial);
                if c < best_cost {
                    best_cost = c;
                    best = trial;
                    improved = true;
                    moves += 1;
                    break;
                }
            }
        }
        if !improved {
            step /= 2.0;
        }
    }
    (best, best_cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_a_bowl_inside_the_box() {
        let (p, c) = minimise(&[&[0.1, 0.5, 0.9], &[0.1, 0.5, 0.9]], |p| (p[0] - 0.37).powi(2) + (p[1] - 0.81).powi(2));
        assert!((p[0] - 0.37).abs() < 0.005, "{p:?}");
        assert!((p[1] - 0.81).abs() < 0.005, "{p:?}");
        assert!(c < 1e-4);
    }

    #[test]
    fn stays_in_the_box_when_the_minimum_lies_outside() {
        let (p, _) = minimise(&[&[0.5]], |p| (p[0] + 3.0).powi(2));
        // Ten steps of 0.05 from 0.5 land within rounding of 0, where the cost
        // no longer changes in f64.
        assert!((0.0..1e-12).contains(&p[0]), "{p:?}");
    }

    #[test]
    fn treats_non_finite_costs_as_worst() {
        let (p, c) = minimise(&[&[0.2, 0.8]], |p| if p[0] > 0.5 { f64::NAN } else { p[0] });
        assert!(p[0] <= 0.5 && c.is_finite());
    }
}
