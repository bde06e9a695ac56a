/// How a simulated run sizes its cloud pools.
public enum ScalingStrategy: String, Sendable, Hashable, CaseIterable {
  /// The pools keep the endpoints the topology lists.
  case none
  /// Each tick, the pools are sized for the rate observed in the last bucket.
  case reactive
  /// Each tick, the pools are sized for the forecast rate one lead time ahead.
  case predictive
}
