public import PlacementScaling

/// The autoscaler a simulated run models for its cloud pools (edge pools never scale).
///
/// Every ``ScalingSettings`` bucket (a tick), each cloud pool's signal is read from a
/// ``ScalingForecaster`` that the run's engines feed: the reactive strategy takes
/// ``PoolScalingSignal/reactiveEndpoints``, the predictive one
/// ``PoolScalingSignal/desiredEndpoints``, never fewer than 1 (placement sees demand only on a
/// pool that can take it, so a pool at 0 would never be asked to grow again).
///
/// - Scale up: endpoints draining are put back into rotation at once; the rest are
///   provisioned and join after ``provisioningDelaySeconds`` (billed from the request on, as a
///   cloud instance is). A new endpoint is a copy of the pool's first endpoint.
/// - Scale down: only to the largest recommendation of the last ``coolDownSeconds`` (as a
///   HorizontalPodAutoscaler's stabilization window). Surplus endpoints are drained (marked
///   down in every engine, so nothing new is placed on them) and removed, and no longer billed,
///   at the first tick they hold no request.
public struct SimulatedAutoscaling: Sendable, Hashable {
  /// The time from asking for an endpoint to its first request, in seconds.
  public var provisioningDelaySeconds: Double
  /// How long a lower recommendation must hold before a pool shrinks, in seconds.
  public var coolDownSeconds: Double
  /// The forecaster's settings; its bucket width is the tick.
  public var settings: ScalingSettings

  /// Creates the model. The defaults suit a compressed "day" of 20 minutes: a 30 s provisioning
  /// delay (the lead time), a 60 s cool-down, 10 s buckets and no seasonality (set
  /// `settings.forecast.seasonBuckets` to the day's length in buckets for Holt-Winters).
  public init(
    provisioningDelaySeconds: Double = 30, coolDownSeconds: Double = 60,
    settings: ScalingSettings = ScalingSettings(
      forecast: ForecastParameters(bucketSeconds: 10, seasonBuckets: 0), leadTime: .seconds(30))
  ) {
    self.provisioningDelaySeconds = provisioningDelaySeconds
    self.coolDownSeconds = coolDownSeconds
    self.settings = settings
  }
}

extension SimulatedAutoscaling {
  /// The model `placement simulate --scaling` uses for `workload`: the lead time is the
  /// provisioning delay, the season is the workload's daily period in buckets (none without a
  /// daily curve), and the smoothing is alpha 0.4, beta 0.02, gamma 0.3 (a steadier level and
  /// trend than the daemon's defaults: the simulated buckets are 10 s, so they hold a sixth of
  /// the arrivals of one-minute buckets and are noisier).
  public static func model(
    for workload: Workload, bucketSeconds: Double = 10, provisioningDelaySeconds: Double = 30,
    coolDownSeconds: Double = 60
  ) -> SimulatedAutoscaling {
    var season = 0
    if case .bursty(let profile) = workload.arrivals, let daily = profile.daily {
      season = Int((daily.periodSeconds / bucketSeconds).rounded())
    }
    return SimulatedAutoscaling(
      provisioningDelaySeconds: provisioningDelaySeconds, coolDownSeconds: coolDownSeconds,
      settings: ScalingSettings(
        forecast: ForecastParameters(
          alpha: 0.4, beta: 0.02, gamma: 0.3, bucketSeconds: bucketSeconds,
          seasonBuckets: season),
        leadTime: .milliseconds(Int64((provisioningDelaySeconds * 1000).rounded()))))
  }
}
