//! The `f64` recurrence against the closed form in exact rational arithmetic
//! (small cases) and against the recurrence in double-double arithmetic (the whole
//! range from 0.01 to 100,000 Erlangs): relative agreement to 1e-9.

use super::super::exact::BigNat;
use super::*;

fn big(value: u64) -> BigNat {
    BigNat::from_u128(u128::from(value))
}

fn pow2(exponent: u32) -> BigNat {
    let mut out = big(1);
    let mut rest = exponent;
    while rest > 0 {
        let step = rest.min(62);
        out = out.mul(&big(1 << step));
        rest -= step;
    }
    out
}

/// An exact `mantissa × 2^-shift` for a positive normal `f64`.
fn exact_f64(value: f64) -> (BigNat, u32) {
    let bits = value.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as u32;
    let mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
    assert!(exponent > 0 && exponent < 1075, "{value}");
    (big(mantissa), 1075 - exponent)
}

/// Approximates a ratio of big numbers as `f64` (relative error ~1e-16).
fn ratio_f64(numerator: &BigNat, denominator: &BigNat) -> f64 {
    let lead = |b: &BigNat| {
        let limbs = b.limbs();
        let top = limbs.len().saturating_sub(3);
        let mut value = 0.0;
        for &limb in limbs[top..].iter().rev() {
            value = value * 4294967296.0 + f64::from(limb);
        }
        (value, top as i32)
    };
    let (n, nt) = lead(numerator);
    let (d, dt) = lead(denominator);
    n / d * 2f64.powi(32 * (nt - dt))
}

/// Erlang C for traffic p/q with N agents, exactly, as (numerator, denominator):
/// C = X·N·q / ((Nq − p)·Σ_{k<N} p^k q^(N−k) N!/k! + X·N·q), with X = p^N.
fn exact_erlang_c(p: u64, q: u64, n: u64) -> (BigNat, BigNat) {
    let mut sum = BigNat::default();
    for k in 0..n {
        let mut term = big(1);
        for _ in 0..k {
            term = term.mul(&big(p));
        }
        for _ in k..n {
            term = term.mul(&big(q));
        }
        for factor in k + 1..=n {
            term = term.mul(&big(factor));
        }
        sum = sum.add(&term);
    }
    let mut x = big(1);
    for _ in 0..n {
        x = x.mul(&big(p));
    }
    let numerator = x.mul(&big(n * q));
    let denominator = big(n * q - p).mul(&sum).add(&numerator);
    (numerator, denominator)
}

#[test]
fn erlang_c_matches_the_exact_closed_form_on_a_grid() {
    let billion = big(1_000_000_000);
    for q in [1u64, 2, 3, 7, 10] {
        for p in 1..=40u64 {
            let floor = p / q;
            for n in floor + 1..=floor + 6 {
                let traffic = p as f64 / q as f64;
                let agents = u32::try_from(n).unwrap();
                let c = erlang_c(agents, traffic).unwrap();
                let (num, den) = exact_erlang_c(p, q, n);
                // (1 − 1e-9)·num ≤ c·den ≤ (1 + 1e-9)·num, all exactly.
                let (m, shift) = exact_f64(c);
                let scaled = num.mul(&pow2(shift));
                let c_den = m.mul(&den).mul(&billion);
                assert!(
                    scaled.mul(&big(999_999_999)) <= c_den && c_den <= scaled.mul(&big(1_000_000_001)),
                    "C({n}, {p}/{q}) = {c}"
                );
                // SL and ASA follow the closed forms built on the exact C.
                let exact_c = ratio_f64(&num, &den);
                let (aht, t) = (180.0, 20.0);
                let m = erlang_c_metrics(agents, traffic, aht, t);
                let spare = n as f64 - traffic;
                let sl = 1.0 - exact_c * (-spare * t / aht).exp();
                let asa = exact_c * aht / spare;
                assert!((m.service_level - sl).abs() <= 1e-9 * sl, "SL {n} {p}/{q}");
                let got = m.asa_seconds.unwrap();
                assert!((got - asa).abs() <= 1e-9 * asa, "ASA {n} {p}/{q}");
            }
        }
    }
}

/// Double-double arithmetic: an unevaluated sum hi + lo, about 32 significant digits.
#[derive(Clone, Copy)]
struct Dd(f64, f64);

impl Dd {
    fn from(value: f64) -> Self {
        Dd(value, 0.0)
    }
    fn two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        let v = s - a;
        Dd(s, (a - (s - v)) + (b - v))
    }
    fn add(self, o: Dd) -> Dd {
        let Dd(s, e) = Dd::two_sum(self.0, o.0);
        let Dd(hi, lo) = Dd::two_sum(s, e + self.1 + o.1);
        Dd(hi, lo)
    }
    fn neg(self) -> Dd {
        Dd(-self.0, -self.1)
    }
    fn mul(self, o: Dd) -> Dd {
        let p = self.0 * o.0;
        let e = self.0.mul_add(o.0, -p);
        Dd::two_sum(p, e + self.0 * o.1 + self.1 * o.0)
    }
    fn div(self, o: Dd) -> Dd {
        let q1 = self.0 / o.0;
        let r = self.add(o.mul(Dd::from(q1)).neg());
        let q2 = r.0 / o.0;
        let r = r.add(o.mul(Dd::from(q2)).neg());
        let q3 = r.0 / o.0;
        Dd::two_sum(q1, q2).add(Dd::from(q3))
    }
}

fn erlang_c_double_double(agents: u32, traffic: f64) -> f64 {
    let a = Dd::from(traffic);
    let mut b = Dd::from(1.0);
    for n in 1..=agents {
        let carried = a.mul(b);
        b = carried.div(Dd::from(f64::from(n)).add(carried));
    }
    let n = Dd::from(f64::from(agents));
    let spare = n.add(a.neg());
    let c = n.mul(b).div(spare.add(a.mul(b)));
    c.0 + c.1
}

#[test]
fn erlang_c_matches_high_precision_from_001_to_100000_erlangs() {
    let traffics: [f64; 11] = [0.01, 0.37, 1.0, 3.7, 10.0, 47.3, 333.33, 1234.5, 9999.99, 54321.7, 100_000.0];
    for traffic in traffics {
        let root = traffic.sqrt();
        for k in [0.0, 0.3, 1.0, 2.0, 4.0, 8.0] {
            let agents = (traffic + k * root).floor() as u32 + 1;
            let reference = erlang_c_double_double(agents, traffic);
            let c = erlang_c(agents, traffic).unwrap();
            assert!(c.is_finite() && reference > 0.0, "C({agents}, {traffic})");
            let relative = (c - reference).abs() / reference;
            assert!(relative <= 1e-9, "C({agents}, {traffic}): {c} vs {reference} ({relative:e})");
            let m = erlang_c_metrics(agents, traffic, 300.0, 20.0);
            let spare = f64::from(agents) - traffic;
            let asa = reference * 300.0 / spare;
            assert!((m.asa_seconds.unwrap() - asa).abs() <= 1e-9 * asa);
            let sl = 1.0 - reference * (-spare * 20.0 / 300.0).exp();
            assert!((m.service_level - sl).abs() <= 1e-9 * sl);
        }
    }
}

#[test]
fn large_traffic_search_does_not_overflow() {
    // 100,000 Erlangs: 2,000,000 calls of 90 s in 30 minutes.
    let p = build("2000000", "30", "90", "0.8", "20").shrinkage("0.3").plan();
    assert_eq!(p.traffic_erlangs, 100_000.0);
    assert!(p.agents > 100_000 && p.agents < 100_500, "{}", p.agents);
    assert!(p.metrics.service_level >= 0.8);
    let fewer = evaluate(&build("2000000", "30", "90", "0.8", "20").request(), p.agents - 1);
    assert!(fewer.unwrap().service_level < 0.8);
    assert_eq!(p.scheduled_agents, (u64::from(p.agents) * 10).div_ceil(7));
}
