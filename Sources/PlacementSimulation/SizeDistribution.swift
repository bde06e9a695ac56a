/// How a request class's payload sizes spread (its `payload_bytes`): a plain integer, or
///
/// ```json
/// { "distribution": "fixed", "bytes": 50000 }
/// { "distribution": "uniform", "min": 20000, "max": 80000 }
/// { "distribution": "lognormal", "mean": 60000, "cv": 0.5 }
/// ```
///
/// Draws are rounded to whole bytes.
public enum SizeDistribution: Sendable, Hashable {
  /// Always this many bytes.
  case fixed(Int)
  /// Uniform between the two bounds, both included.
  case uniform(min: Int, max: Int)
  /// Lognormal with this mean and coefficient of variation (standard deviation / mean).
  case lognormal(mean: Double, cv: Double)
}
