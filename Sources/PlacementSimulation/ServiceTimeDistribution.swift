/// How an endpoint's service time spreads around its topology compute time for the model (the
/// workload's `service`), always with that compute time as its mean:
///
/// ```json
/// { "distribution": "fixed" }
/// { "distribution": "exponential" }
/// { "distribution": "lognormal", "cv": 0.3 }
/// ```
///
/// A request draws one factor with mean 1 when it is generated, so every variant of a
/// comparison serves it with the same factor times the chosen endpoint's compute time.
public enum ServiceTimeDistribution: Sendable, Hashable {
  /// Exactly the compute time.
  case fixed
  /// Exponential with the compute time as mean (the M of M/M/1).
  case exponential
  /// Lognormal with the compute time as mean and this coefficient of variation.
  case lognormal(cv: Double)
}
