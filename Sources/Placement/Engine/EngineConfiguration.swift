/// How a ``PlacementEngine`` behaves beyond what the topology and policies say.
public struct EngineConfiguration: Sendable, Hashable {
  /// How long a lease lives when `complete` never comes; then the endpoint's in-flight count
  /// drops as if it had completed, so in-flight cannot leak.
  public var leaseTimeout: Duration
  /// The EWMA weight of a new observation in an endpoint's compute estimate (DESIGN.md
  /// section 4): 0.2 unless configured.
  public var estimateSmoothing: Double
  /// Fixes the random draws (`p2c`, `random`, decision ids); nil seeds from the system.
  public var seed: UInt64?
  /// When a failing endpoint is taken out of rotation.
  public var outlierDetection: OutlierDetection
  /// Whether `place` fills ``Decision/candidates`` as `explain` does, for an audit log that
  /// records every candidate and why it was excluded. Off by default: it costs allocations on
  /// every decision.
  public var reportsCandidates: Bool

  /// Creates a configuration; every value has a sensible default.
  public init(
    leaseTimeout: Duration = .seconds(60), estimateSmoothing: Double = 0.2, seed: UInt64? = nil,
    outlierDetection: OutlierDetection = OutlierDetection(), reportsCandidates: Bool = false
  ) {
    self.leaseTimeout = leaseTimeout
    self.estimateSmoothing = estimateSmoothing
    self.seed = seed
    self.outlierDetection = outlierDetection
    self.reportsCandidates = reportsCandidates
  }
}

/// Passive outlier detection: an endpoint whose completions keep failing is ejected for a
/// cool-down that doubles on every repeat, up to a maximum.
public struct OutlierDetection: Sendable, Hashable {
  /// Consecutive `error` or `timeout` completions that eject an endpoint; 0 turns ejection off.
  public var consecutiveErrors: Int
  /// The first ejection's length; each further ejection of the same endpoint doubles it.
  public var baseEjection: Duration
  /// The longest an ejection lasts.
  public var maximumEjection: Duration
  /// The largest share of a tier's endpoints that may be ejected at once (0 to 1).
  public var maximumEjectedShare: Double

  /// Creates the settings; the defaults are 5 errors, 30 s doubling to 5 min, half a tier.
  public init(
    consecutiveErrors: Int = 5, baseEjection: Duration = .seconds(30),
    maximumEjection: Duration = .seconds(300), maximumEjectedShare: Double = 0.5
  ) {
    self.consecutiveErrors = consecutiveErrors
    self.baseEjection = baseEjection
    self.maximumEjection = maximumEjection
    self.maximumEjectedShare = maximumEjectedShare
  }
}
