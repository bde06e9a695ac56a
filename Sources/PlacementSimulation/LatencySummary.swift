/// End-to-end latencies of the placed requests, in milliseconds.
public struct LatencySummary: Sendable, Hashable {
  /// The probabilities of ``quantiles``: 0.5 % steps to 99 %, then 99.5 %, 99.9 %, 100 %.
  public static let quantileProbabilities: [Double] =
    (1...198).map { Double($0) / 200 } + [0.995, 0.999, 1]

  /// The mean; NaN when nothing was placed.
  public var mean: Double
  /// The median (nearest rank).
  public var p50: Double
  /// The 95th percentile (nearest rank).
  public var p95: Double
  /// The 99th percentile (nearest rank).
  public var p99: Double
  /// The largest.
  public var max: Double
  /// The latency at each of ``quantileProbabilities``, for distribution charts.
  public var quantiles: [Double]

  /// Summarises `latencies` (sorted in place).
  init(latencies: inout [Double]) {
    latencies.sort()
    let sorted = latencies
    func rank(_ fraction: Double) -> Double {
      guard !sorted.isEmpty else { return .nan }
      let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
      return sorted[Swift.min(Swift.max(index, 0), sorted.count - 1)]
    }
    // Summed in ascending order: small rounding error, and the same result every run.
    mean = sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count)
    p50 = rank(0.5)
    p95 = rank(0.95)
    p99 = rank(0.99)
    max = sorted.last ?? .nan
    quantiles = Self.quantileProbabilities.map(rank)
  }
}
