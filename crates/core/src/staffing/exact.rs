//! Exact decimals and the exact whole-number comparisons built on them.
//!
//! The occupancy cap and the shrinkage ceiling are decided on the decimals the
//! planner typed, not on their nearest binary fractions: in `f64`, 21 / (1 − 0.3)
//! is 30.000000000000004, whose ceiling would wrongly be 31. A [`Decimal`] holds
//! the typed digits; [`BigNat`] multiplies them without overflow so that any
//! comparison of products of decimals is exact.

use std::cmp::Ordering;

use crate::fields::FieldError;

/// A non-negative decimal number held exactly as `mantissa / 10^scale`.
///
/// Trailing zeros after the point are dropped, so `0.850` and `0.85` are equal
/// values with equal representations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: u64,
    scale: u32,
}

/// The most digits after the point that a [`Decimal`] keeps: 10^18 fits in `u64`.
const MAX_SCALE: u32 = 18;

/// Every whole number up to 2^53 is exact in `f64`.
const EXACT_F64_INTEGERS: u64 = 1 << 53;

/// 10^0 to 10^MAX_SCALE, each exact in `f64` (powers of ten are exact up to 10^22).
const POWERS_OF_TEN: [f64; MAX_SCALE as usize + 1] =
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { mantissa: 0, scale: 0 };
    /// One.
    pub const ONE: Decimal = Decimal { mantissa: 1, scale: 0 };

    /// Accepts plain decimal text such as `100`, `0.85` or `.5` (no sign, no
    /// exponent), naming `field` in the error.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        match Self::parse_plain(text.as_bytes()) {
            Some(plain) => Ok(plain),
            None => Self::parse_full(field, text),
        }
    }

    /// [`Decimal::parse`] for any text, with the reason when it is refused.
    fn parse_full(field: &str, text: &str) -> Result<Self, FieldError> {
        let trimmed = text.trim();
        let reject =
            |advice: &str| Err(FieldError::new(field, format!("{advice} (you entered \u{201c}{trimmed}\u{201d}).")));
        if trimmed.is_empty() {
            return Err(FieldError::new(field, "Enter a number, such as 30 or 0.85."));
        }
        if trimmed.starts_with('-') {
            return reject("Enter a number of 0 or more");
        }
        let (whole, fraction) = match trimmed.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (trimmed, ""),
        };
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !digits_only(whole) || !digits_only(fraction) {
            return reject("Enter a plain number with digits and at most one decimal point, such as 30 or 0.85");
        }
        let fraction = fraction.trim_end_matches('0');
        let scale = u32::try_from(fraction.len()).unwrap_or(u32::MAX);
        if scale > MAX_SCALE {
            return reject("Enter at most 18 digits after the decimal point");
        }
        let mut mantissa: u64 = 0;
        for byte in whole.bytes().chain(fraction.bytes()) {
            let digit = u64::from(byte - b'0');
            match mantissa.checked_mul(10).and_then(|m| m.checked_add(digit)) {
                Some(next) => mantissa = next,
                None => return reject("Enter a number with at most 19 significant digits"),
            }
        }
        Ok(Self::normalised(mantissa, scale))
    }

    /// The usual text in one pass: digits with at most one point, at most 19
    /// digits in all, nothing else. `None` leaves the text to the full reading, which trims, explains what is wrong, and takes the rarer
    /// forms (such as trailing zeros past the 19th digit). A batch reads two of
    /// these per row, and the full reading was a tenth of its instructions.
    fn parse_plain(text: &[u8]) -> Option<Self> {
        let (mut mantissa, mut scale, mut digits, mut point) = (0_u64, 0_u32, 0_u32, false);
        for &byte in text {
            match byte {
                b'0'..=b'9' if digits < 19 => {
                    // 19 digits stay below 10^19, well inside a u64.
                    mantissa = mantissa * 10 + u64::from(byte - b'0');
                    digits += 1;
                    scale += u32::from(point);
                }
                b'.' if !point => point = true,
                _ => return None,
            }
        }
        (digits > 0 && scale <= MAX_SCALE).then(|| Self::normalised(mantissa, scale))
    }

    /// A whole number.
    pub fn from_integer(value: u64) -> Self {
        Self { mantissa: value, scale: 0 }
    }

    fn normalised(mut mantissa: u64, mut scale: u32) -> Self {
        if mantissa == 0 {
            return Self::ZERO;
        }
        while scale > 0 && mantissa.is_multiple_of(10) {
            mantissa /= 10;
            scale -= 1;
        }
        Self { mantissa, scale }
    }

    /// The digits without the point: the value is `mantissa() / 10^scale()`.
    pub fn mantissa(self) -> u64 {
        self.mantissa
    }

    /// How many digits follow the point.
    pub fn scale(self) -> u32 {
        self.scale
    }

    /// `10^scale()`, the denominator of the value.
    pub fn denominator(self) -> u64 {
        10u64.pow(self.scale)
    }

    /// True for zero.
    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// The nearest `f64`, for the floating-point queueing formulas.
    pub fn to_f64(self) -> f64 {
        // When the mantissa and 10^scale are both exact in `f64` (mantissa ≤ 2^53,
        // scale ≤ 18 < 22), one IEEE division rounds the exact quotient once, so it
        // gives the same nearest `f64` as parsing the text, without the string the
        // parse needs. This runs once per interval in a batch.
        if self.mantissa <= EXACT_F64_INTEGERS {
            return self.mantissa as f64 / POWERS_OF_TEN[self.scale as usize];
        }
        self.to_f64_by_parsing()
    }

    /// The nearest `f64` through the standard library's correctly rounded parse.
    fn to_f64_by_parsing(self) -> f64 {
        // One rounding in the parse of the exact decimal text is better than
        // two (mantissa to f64, then division).
        format!("{}e-{}", self.mantissa, self.scale)
            .parse()
            .unwrap_or(self.mantissa as f64 / 10f64.powi(self.scale as i32))
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        // A product of two u64 always fits in u128: no big numbers needed.
        (u128::from(self.mantissa) * u128::from(other.denominator()))
            .cmp(&(u128::from(other.mantissa) * u128::from(self.denominator())))
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.mantissa.to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return f.write_str(&digits);
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{whole}.{fraction}")
    }
}

/// An arbitrary-size natural number, just big enough for exact comparisons of
/// products of decimals (little-endian base-2^32 limbs, no leading zero limbs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BigNat {
    limbs: Vec<u32>,
}

impl BigNat {
    /// The number `value`.
    pub fn from_u128(value: u128) -> Self {
        let mut limbs = Vec::new();
        let mut rest = value;
        while rest > 0 {
            limbs.push((rest & 0xffff_ffff) as u32);
            rest >>= 32;
        }
        Self { limbs }
    }

    /// The product of `factors` (one for an empty list).
    pub fn product(factors: &[u64]) -> Self {
        factors.iter().fold(Self::from_u128(1), |acc, &f| acc.mul(&Self::from_u128(u128::from(f))))
    }

    /// `self × other`.
    pub fn mul(&self, other: &Self) -> Self {
        if self.limbs.is_empty() || other.limbs.is_empty() {
            return Self::default();
        }
        let mut out = vec![0u32; self.limbs.len() + other.limbs.len()];
        for (i, &a) in self.limbs.iter().enumerate() {
            let mut carry: u64 = 0;
            for (j, &b) in other.limbs.iter().enumerate() {
                let cell = u64::from(out[i + j]) + u64::from(a) * u64::from(b) + carry;
                out[i + j] = (cell & 0xffff_ffff) as u32;
                carry = cell >> 32;
            }
            out[i + other.limbs.len()] = carry as u32;
        }
        Self::trimmed(out)
    }

    /// `self + other`.
    pub fn add(&self, other: &Self) -> Self {
        let len = self.limbs.len().max(other.limbs.len());
        let mut out = Vec::with_capacity(len + 1);
        let mut carry: u64 = 0;
        for i in 0..len {
            let a = u64::from(self.limbs.get(i).copied().unwrap_or(0));
            let b = u64::from(other.limbs.get(i).copied().unwrap_or(0));
            let cell = a + b + carry;
            out.push((cell & 0xffff_ffff) as u32);
            carry = cell >> 32;
        }
        out.push(carry as u32);
        Self::trimmed(out)
    }

    /// The base-2^32 digits, least significant first (for tests that convert).
    #[cfg(test)]
    pub(crate) fn limbs(&self) -> &[u32] {
        &self.limbs
    }

    fn trimmed(mut limbs: Vec<u32>) -> Self {
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        Self { limbs }
    }
}

impl PartialOrd for BigNat {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for BigNat {
    fn cmp(&self, other: &Self) -> Ordering {
        self.limbs.len().cmp(&other.limbs.len()).then_with(|| self.limbs.iter().rev().cmp(other.limbs.iter().rev()))
    }
}

/// The product of `factors` in `u128`, or `None` if it overflows.
///
/// A zero factor makes the product 0 however large the others are: without
/// this check a running product could overflow before reaching the zero, and
/// "0 agents" compared as larger than any traffic (a stable queue with nobody).
pub(crate) fn checked_product(factors: &[u64]) -> Option<u128> {
    if factors.contains(&0) {
        return Some(0);
    }
    factors.iter().try_fold(1u128, |acc, &f| acc.checked_mul(u128::from(f)))
}

/// Exactly compares the product of `left` with the product of `right`.
///
/// Decided in `u128` whenever a product fits (every realistic input: volumes,
/// handle times and shares with a few decimals), so the common case allocates
/// nothing; [`BigNat`] is the fallback when both products overflow.
pub(crate) fn compare_products(left: &[u64], right: &[u64]) -> Ordering {
    match (checked_product(left), checked_product(right)) {
        (Some(l), Some(r)) => l.cmp(&r),
        // An overflowing product exceeds any product that fits.
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (None, None) => BigNat::product(left).cmp(&BigNat::product(right)),
    }
}

/// The smallest `n ≥ 0` for which the monotone predicate `holds` is true,
/// searched from a floating-point `guess` that is off by at most a few units.
///
/// `holds` must be false below some threshold and true from it on, and must be
/// true for some `n ≤ u64::MAX`.
pub(crate) fn smallest_from_guess(guess: f64, holds: impl Fn(u64) -> bool) -> u64 {
    let mut n = if guess.is_finite() && guess > 0.0 {
        // Saturating float-to-int cast is the intent: the search corrects it.
        guess as u64
    } else {
        0
    };
    while n > 0 && holds(n - 1) {
        n -= 1;
    }
    while !holds(n) {
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse("x", text).unwrap()
    }

    #[test]
    fn a_zero_factor_makes_the_product_zero_even_after_an_overflow() {
        let huge = [u64::MAX, u64::MAX, u64::MAX];
        assert_eq!(checked_product(&[u64::MAX, u64::MAX, u64::MAX, 0]), Some(0));
        assert_eq!(compare_products(&[1], &[u64::MAX, u64::MAX, u64::MAX, 0]), Ordering::Greater);
        assert_eq!(compare_products(&huge, &[0]), Ordering::Greater);
    }

    proptest! {
        #[test]
        fn the_one_pass_reading_agrees_with_the_full_one(text in "[0-9.]{0,24}|[ 0-9.x-]{0,6}") {
            if let Some(plain) = Decimal::parse_plain(text.as_bytes()) {
                prop_assert_eq!(Ok(plain), Decimal::parse_full("x", &text).map_err(|e| e.to_string()));
            }
            prop_assert_eq!(
                Decimal::parse("x", &text).map_err(|e| e.to_string()),
                Decimal::parse_full("x", &text).map_err(|e| e.to_string())
            );
        }
    }

    #[test]
    fn the_one_pass_reading_takes_the_usual_forms() {
        for text in ["0", "30", "0.85", ".5", "5.", "12.50", "9999999999999999999", "0.000000000000000001"] {
            assert_eq!(Decimal::parse_plain(text.as_bytes()), Decimal::parse_full("x", text).ok(), "{text}");
            assert!(Decimal::parse_plain(text.as_bytes()).is_some(), "{text}");
        }
        for text in ["", ".", " 1", "1 ", "1.2.3", "-1", "1e3", "10000000000000000000", "0.0000000000000000001"] {
            assert_eq!(Decimal::parse_plain(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn parses_plain_decimals_exactly() {
        assert_eq!((d("0.85").mantissa(), d("0.85").scale()), (85, 2));
        assert_eq!(d("0.850"), d("0.85"));
        assert_eq!(d(".5"), d("0.5"));
        assert_eq!(d("5."), Decimal::from_integer(5));
        assert_eq!(d(" 30 "), Decimal::from_integer(30));
        assert_eq!(d("0.000"), Decimal::ZERO);
        assert_eq!(d("0.3").to_f64(), 0.3);
        assert_eq!(d("12.50").to_string(), "12.5");
        assert_eq!(d("0.05").to_string(), "0.05");
    }

    #[test]
    fn rejects_what_is_not_a_plain_non_negative_decimal() {
        for bad in ["", "-1", "1e3", "abc", ".", "1.2.3", "0x10", "NaN", "inf", "+-1", "1,5"] {
            let error = Decimal::parse("--volume", bad).unwrap_err();
            assert_eq!(error.field, "--volume", "{bad}");
        }
        assert!(Decimal::parse("v", "99999999999999999999").is_err());
        assert!(Decimal::parse("v", "0.0000000000000000001").is_err());
        assert!(Decimal::parse("v", "-1").unwrap_err().message.contains("0 or more"));
    }

    #[test]
    fn orders_by_value() {
        assert!(d("0.85") < d("0.9"));
        assert!(d("1") > d("0.999999999999999999"));
        assert_eq!(d("2.50").cmp(&d("2.5")), Ordering::Equal);
    }

    #[test]
    fn smallest_from_guess_corrects_a_poor_guess() {
        assert_eq!(smallest_from_guess(31.0, |n| n >= 30), 30);
        assert_eq!(smallest_from_guess(27.0, |n| n >= 30), 30);
        assert_eq!(smallest_from_guess(f64::NAN, |n| n >= 3), 3);
        assert_eq!(smallest_from_guess(5.0, |_| true), 0);
    }

    proptest! {
        #[test]
        fn bignat_agrees_with_u128(a in any::<u64>(), b in any::<u64>(), c in any::<u64>()) {
            let ab = BigNat::product(&[a, b]);
            prop_assert_eq!(&ab, &BigNat::from_u128(u128::from(a) * u128::from(b)));
            let sum = BigNat::from_u128(u128::from(a)).add(&BigNat::from_u128(u128::from(c)));
            prop_assert_eq!(sum, BigNat::from_u128(u128::from(a) + u128::from(c)));
            prop_assert_eq!(
                BigNat::from_u128(u128::from(a)).cmp(&BigNat::from_u128(u128::from(c))),
                a.cmp(&c)
            );
            // Associativity across limb boundaries exercises the carries.
            let left = ab.mul(&BigNat::from_u128(u128::from(c)));
            let right = BigNat::from_u128(u128::from(a)).mul(&BigNat::product(&[b, c]));
            prop_assert_eq!(left, right);
        }

        #[test]
        fn to_f64_fast_path_agrees_with_the_parse(m in any::<u64>(), s in 0u32..=18) {
            let value = Decimal::normalised(m, s);
            prop_assert_eq!(value.to_f64().to_bits(), value.to_f64_by_parsing().to_bits());
            let small = Decimal::normalised(m % (EXACT_F64_INTEGERS + 1), s);
            prop_assert_eq!(small.to_f64().to_bits(), small.to_f64_by_parsing().to_bits());
        }

        #[test]
        fn compare_products_agrees_with_bignat(
            left in proptest::collection::vec(any::<u64>(), 0..5),
            right in proptest::collection::vec(any::<u64>(), 0..5),
            small in proptest::collection::vec(0u64..1_000_000, 0..5),
        ) {
            for (l, r) in [(&left, &right), (&small, &right), (&left, &small), (&small, &small)] {
                prop_assert_eq!(compare_products(l, r), BigNat::product(l).cmp(&BigNat::product(r)));
            }
        }

        #[test]
        fn decimal_round_trips_through_display(m in any::<u64>(), s in 0u32..=18) {
            let text = Decimal::normalised(m, s).to_string();
            prop_assert_eq!(Decimal::parse("x", &text).unwrap(), Decimal::normalised(m, s));
        }
    }
}
