/// How a ``ScalingForecaster`` turns load into a recommendation.
public struct ScalingSettings: Sendable, Hashable {
  /// The forecasting method's constants and time grid.
  public var forecast: ForecastParameters
  /// How far ahead the forecast looks: the time a new GPU instance needs to become ready
  /// (default 5 minutes).
  public var leadTime: Duration
  /// The target utilization of a pool whose topology gives no `target_utilization` (0.7).
  public var defaultTargetUtilization: Double
  /// The weight of a bucket's mean compute time in the pool's running mean (EWMA, 0.3).
  public var computeSmoothing: Double

  /// Creates settings; the defaults suit a daemon (one-minute buckets, a daily season, a
  /// five-minute lead time, 70 % target utilization).
  public init(
    forecast: ForecastParameters = .init(), leadTime: Duration = .seconds(300),
    defaultTargetUtilization: Double = 0.7, computeSmoothing: Double = 0.3
  ) {
    self.forecast = forecast
    self.leadTime = leadTime
    self.defaultTargetUtilization = defaultTargetUtilization
    self.computeSmoothing = computeSmoothing
  }
}
