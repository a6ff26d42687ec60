//! Tests of the quality module: worked examples, published values and properties.

mod alpha;
mod calibration;
mod fixtures;
mod sampling;
mod scoring;
mod stats;
