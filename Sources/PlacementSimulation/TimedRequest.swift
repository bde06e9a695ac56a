import Placement

/// One line of a trace file: a `place` request of the wire protocol (DESIGN.md section 7) with
/// the time it arrives.
///
/// ```json
/// {"at_s": 0.125, "op": "place", "model": "detector-s", "latency_budget_ms": 80,
///  "payload_bytes": 250000, "tags": ["pii"], "priority": "standard"}
/// ```
///
/// `at_s` (number >= 0, non-decreasing from line to line) is required; `op`, when given, must be
/// `place`; the other fields are those of `place`, checked as strictly (unknown fields are
/// errors). A `payload` counts only by its length: the simulator never seals.
public struct TimedRequest: Sendable, Hashable {
  /// When the request arrives, in seconds from the start.
  public var atSeconds: Double
  /// The request.
  public var request: PlacementRequest

  /// Creates a timed request.
  public init(atSeconds: Double, request: PlacementRequest) {
    self.atSeconds = atSeconds
    self.request = request
  }
}
