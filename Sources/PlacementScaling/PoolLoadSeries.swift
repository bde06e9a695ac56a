/// One pool's load on the bucket grid: the open bucket's counts, the forecaster fed with every
/// closed bucket, and the running mean compute time.
struct PoolLoadSeries {
  /// The open bucket's number (time / bucket width, rounded down); nil before any event.
  var openBucket: Int64?
  var arrivals = 0
  var computeSumMs = 0.0
  var completions = 0
  /// The running mean compute time; nil until a completion was seen.
  var meanComputeMs: Double?
  var forecaster: HoltWintersForecaster

  init(parameters: ForecastParameters) {
    forecaster = HoltWintersForecaster(parameters: parameters)
  }

  /// Buckets closed at most in one catch-up; after a longer silence the series starts over.
  static let maximumCatchUp: Int64 = 100_000

  /// Closes every bucket before `bucket`, feeding each closed bucket's rate (0 for the empty
  /// ones) to the forecaster, and opens `bucket`.
  mutating func advance(to bucket: Int64, settings: ScalingSettings) {
    guard let open = openBucket else {
      openBucket = bucket
      return
    }
    guard bucket > open else { return }
    let width = settings.forecast.bucketSeconds
    forecaster.observe(Double(arrivals) / width, bucket: open)
    if completions > 0 {
      let mean = computeSumMs / Double(completions)
      meanComputeMs = meanComputeMs.map { $0 + settings.computeSmoothing * (mean - $0) } ?? mean
    }
    arrivals = 0
    computeSumMs = 0
    completions = 0
    if bucket - open > Self.maximumCatchUp {
      forecaster = HoltWintersForecaster(parameters: settings.forecast)
    } else {
      var empty = open + 1
      while empty < bucket {
        forecaster.observe(0, bucket: empty)
        empty += 1
      }
    }
    openBucket = bucket
  }
}
