/// Forecasts a rate series with Holt-Winters' additive method: a level, a linear trend and,
/// optionally, a seasonal offset per slot of the season (for example per minute of the day).
///
/// For each observation `y` at bucket `k`, with `s = S[k mod m]` the slot's offset learnt one
/// season earlier (0 without seasonality):
///
/// ```
/// level  L' = alpha * (y - s) + (1 - alpha) * (L + T)
/// trend  T' = beta * (L' - L) + (1 - beta) * T
/// season S[k mod m] = gamma * (y - L') + (1 - gamma) * s
/// ```
///
/// and the forecast `h` buckets after the last observation is `L + h * T + S[(k + h) mod m]`,
/// never below 0. The first observation sets the level; until one whole season has been seen
/// the method is Holt's linear trend (offsets 0). At the end of the first season the offsets
/// start as each slot's observation less the season's mean, the level as that mean and the
/// trend as 0 (the usual initialisation from one season). Pure: it reads no clock, and the
/// same observations give the same forecasts.
public struct HoltWintersForecaster: Sendable, Hashable {
  /// The constants and grid.
  public let parameters: ForecastParameters
  /// The smoothed rate at the last observation (seasonal offset removed).
  public private(set) var level = 0.0
  /// The smoothed change of the level per bucket.
  public private(set) var trend = 0.0
  /// Observations taken so far.
  public private(set) var observations = 0
  /// The bucket number (on the caller's grid) of the last observation.
  public private(set) var lastBucket: Int64 = 0
  /// The last observation.
  public private(set) var lastObservation = 0.0
  private var seasonal: [Double]
  private var firstSeason: [Double]
  private var seasonReady = false

  /// Creates a forecaster that has seen nothing (forecasts 0).
  public init(parameters: ForecastParameters = .init()) {
    self.parameters = parameters
    let slots = max(0, parameters.seasonBuckets)
    seasonal = Array(repeating: 0, count: slots)
    firstSeason = []
    firstSeason.reserveCapacity(slots)
  }

  /// Whether the seasonal offsets are in use (one whole season has been observed).
  public var isSeasonal: Bool { seasonReady }

  /// Takes the rate observed in bucket `bucket` (bucket numbers must increase; a caller fills
  /// gaps with zeros).
  public mutating func observe(_ rate: Double, bucket: Int64) {
    let slots = seasonal.count
    let slot = slots > 0 ? Int(((bucket % Int64(slots)) + Int64(slots)) % Int64(slots)) : 0
    defer {
      observations += 1
      lastBucket = bucket
      lastObservation = rate
    }
    guard observations > 0 else {
      level = rate
      if slots > 0 { firstSeason.append(rate) }
      return
    }
    let offset = seasonReady ? seasonal[slot] : 0
    let previous = level
    level = parameters.alpha * (rate - offset) + (1 - parameters.alpha) * (level + trend)
    trend = parameters.beta * (level - previous) + (1 - parameters.beta) * trend
    guard slots > 0 else { return }
    if seasonReady {
      seasonal[slot] = parameters.gamma * (rate - level) + (1 - parameters.gamma) * offset
      return
    }
    firstSeason.append(rate)
    if firstSeason.count == slots {
      // One season seen: offsets from its observations, level at its mean, no trend.
      let mean = firstSeason.reduce(0, +) / Double(slots)
      let firstBucket = bucket - Int64(slots - 1)
      for (index, value) in firstSeason.enumerated() {
        let at = firstBucket + Int64(index)
        seasonal[Int(((at % Int64(slots)) + Int64(slots)) % Int64(slots))] = value - mean
      }
      level = mean
      trend = 0
      seasonReady = true
      firstSeason = []
    }
  }

  /// The rate forecast `buckets` buckets after the last observation (>= 0; 0 before any
  /// observation).
  public func forecast(bucketsAhead buckets: Int) -> Double {
    guard observations > 0 else { return 0 }
    var value = level + Double(buckets) * trend
    if seasonReady {
      let slots = Int64(seasonal.count)
      let at = lastBucket + Int64(buckets)
      value += seasonal[Int(((at % slots) + slots) % slots)]
    }
    return max(0, value)
  }
}
