/// A snapshot of the engine's live state, for `status` and metrics.
public struct EngineStatus: Sendable, Hashable {
  /// Every endpoint, in topology order.
  public var endpoints: [EndpointStatus]
  /// Leases held now.
  public var activeLeases: Int
  /// Leases that lapsed without a completion since the engine started.
  public var leasesExpired: Int
}

/// One endpoint's live state.
public struct EndpointStatus: Sendable, Hashable {
  /// The endpoint's id.
  public var endpoint: String
  /// Its pool's id.
  public var pool: String
  /// Its tier.
  public var tier: Tier
  /// `up`, `down` (marked by a health report) or `ejected` (outlier detection).
  public var state: String
  /// When an ejection ends, on the engine's clock.
  public var ejectedUntil: Duration?
  /// Leases held on it.
  public var inFlight: Int
  /// Requests it runs at once.
  public var capacity: Int
  /// Its current compute estimate per model, in milliseconds.
  public var computeEstimatesMs: [String: Double]
  /// `error` and `timeout` completions since the engine started.
  public var errors: Int
}

extension EngineState {
  func status(at now: Duration) -> EngineStatus {
    var estimates = Array(repeating: [String: Double](), count: endpoints.count)
    for (slot, owner) in slotModelsSnapshot.enumerated() {
      estimates[owner.endpoint][owner.model] = computeEstimates[slot]
    }
    let reports = endpoints.enumerated().map { index, runtime in
      let ejected = runtime.ejectedUntil.map { $0 > now } ?? false
      return EndpointStatus(
        endpoint: runtime.endpoint.id, pool: runtime.pool.id, tier: runtime.pool.tier,
        state: runtime.markedDown ? "down" : ejected ? "ejected" : "up",
        ejectedUntil: ejected ? runtime.ejectedUntil : nil, inFlight: runtime.inFlight,
        capacity: runtime.endpoint.capacity, computeEstimatesMs: estimates[index],
        errors: runtime.errors)
    }
    return EngineStatus(
      endpoints: reports, activeLeases: leases.count, leasesExpired: leasesExpired)
  }
}
