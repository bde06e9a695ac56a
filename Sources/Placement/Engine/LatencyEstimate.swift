/// The terms of one endpoint's latency estimate for one request (DESIGN.md section 4).
public struct LatencyEstimate: Sendable, Hashable {
  /// Round trip from the gateway to the endpoint's pool.
  public var rttMs: Double
  /// Time to send the payload over the pool's link.
  public var transferMs: Double
  /// Time waiting behind in-flight requests beyond the endpoint's capacity.
  public var queueMs: Double
  /// The endpoint's current compute estimate for the model.
  public var computeMs: Double

  /// The whole estimate: `rtt + transfer + queue + compute`.
  public var totalMs: Double { rttMs + transferMs + queueMs + computeMs }

  /// Creates an estimate from its terms.
  public init(rttMs: Double, transferMs: Double, queueMs: Double, computeMs: Double) {
    self.rttMs = rttMs
    self.transferMs = transferMs
    self.queueMs = queueMs
    self.computeMs = computeMs
  }
}
