public import Placement

/// One pool's autoscaling signal at one moment: what it sees, what it expects one lead time
/// ahead, and how many endpoints that needs.
public struct PoolScalingSignal: Sendable, Hashable {
  /// The pool's id.
  public var pool: String
  /// Its tier.
  public var tier: Tier
  /// Requests placed on the pool per second in the last whole bucket.
  public var observedRatePerSecond: Double
  /// The forecast of that rate one ``leadTime`` from now.
  public var forecastRatePerSecond: Double
  /// How far ahead the forecast looks.
  public var leadTime: Duration
  /// The running mean of the compute time of the pool's `ok` completions, in milliseconds (the
  /// topology's mean model time until a completion arrives).
  public var meanComputeMs: Double
  /// The mean `capacity` of the pool's endpoints.
  public var capacityPerEndpoint: Double
  /// Endpoints recommended for the forecast rate: ``recommendedEndpoints(ratePerSecond:meanServiceMs:capacityPerEndpoint:targetUtilization:minimum:maximum:)``.
  public var desiredEndpoints: Int
  /// Endpoints recommended for the observed rate (what a reactive autoscaler would hold).
  public var reactiveEndpoints: Int
  /// Endpoints the pool has now.
  public var currentEndpoints: Int
  /// The bound below: the pool's `min`, or 0 when it gives none.
  public var minEndpoints: Int
  /// The bound above: the pool's `max`, or nil (no bound: the autoscaler's own maximum
  /// applies) when it gives none.
  public var maxEndpoints: Int?
  /// The utilization the recommendation holds: the pool's `target_utilization`, or the
  /// settings' default.
  public var targetUtilization: Double

  /// Creates a signal from its parts.
  public init(
    pool: String, tier: Tier, observedRatePerSecond: Double, forecastRatePerSecond: Double,
    leadTime: Duration, meanComputeMs: Double, capacityPerEndpoint: Double,
    desiredEndpoints: Int, reactiveEndpoints: Int, currentEndpoints: Int, minEndpoints: Int,
    maxEndpoints: Int?, targetUtilization: Double
  ) {
    self.pool = pool
    self.tier = tier
    self.observedRatePerSecond = observedRatePerSecond
    self.forecastRatePerSecond = forecastRatePerSecond
    self.leadTime = leadTime
    self.meanComputeMs = meanComputeMs
    self.capacityPerEndpoint = capacityPerEndpoint
    self.desiredEndpoints = desiredEndpoints
    self.reactiveEndpoints = reactiveEndpoints
    self.currentEndpoints = currentEndpoints
    self.minEndpoints = minEndpoints
    self.maxEndpoints = maxEndpoints
    self.targetUtilization = targetUtilization
  }

  /// Endpoints needed to hold `targetUtilization` at `ratePerSecond` (Little's law: busy slots
  /// = rate x mean service time), clamped to `[minimum, maximum]`:
  ///
  /// `ceil(rate x mean service time / (capacity per endpoint x target utilization))`
  ///
  /// A product within 1e-9 of a whole number counts as that number, so float rounding never
  /// asks for one endpoint more. `maximum` nil means no bound above.
  public static func recommendedEndpoints(
    ratePerSecond: Double, meanServiceMs: Double, capacityPerEndpoint: Double,
    targetUtilization: Double, minimum: Int, maximum: Int?
  ) -> Int {
    let slots = ratePerSecond * meanServiceMs / 1000
    let perEndpoint = capacityPerEndpoint * targetUtilization
    var needed = 0
    if slots.isFinite, slots > 0, perEndpoint > 0 {
      let exact = slots / perEndpoint
      needed = Int(min((exact - 1e-9).rounded(.up), Double(Int32.max)))
    }
    needed = max(minimum, needed)
    if let maximum { needed = min(maximum, needed) }
    return needed
  }
}
