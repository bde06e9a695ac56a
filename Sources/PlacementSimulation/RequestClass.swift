import Placement

/// One kind of request in a workload, drawn in proportion to its share.
///
/// ```json
/// { "name": "frames", "share": 0.7, "model": "detector-s", "latency_budget_ms": 80,
///   "tags": ["pii"], "priority": "standard", "source": "camera",
///   "payload_bytes": { "distribution": "uniform", "min": 20000, "max": 80000 } }
/// ```
///
/// `name`, `share` (number > 0; shares need not sum to 1), `model` and `latency_budget_ms`
/// (number > 0) are required; `tags` (default none), `priority` (`critical`, `standard` or
/// `sheddable`, default `standard`), `source` (default `""`) and `payload_bytes` (a
/// ``SizeDistribution``, default 0) are optional.
public struct RequestClass: Sendable, Hashable {
  /// The class's name, for people.
  public var name: String
  /// Its relative share of the arrivals.
  public var share: Double
  /// The request every arrival of this class makes, with a payload size of 0.
  public var request: PlacementRequest
  /// How its payload sizes spread.
  public var payloadBytes: SizeDistribution

  /// Creates a class.
  public init(
    name: String, share: Double, request: PlacementRequest, payloadBytes: SizeDistribution
  ) {
    self.name = name
    self.share = share
    self.request = request
    self.payloadBytes = payloadBytes
  }
}
