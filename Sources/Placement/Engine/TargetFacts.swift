/// What a policy condition can read about one candidate endpoint (the `target.*` attributes of
/// DESIGN.md section 5): its pool, the endpoint itself, and its live numbers.
///
/// Built once per candidate per decision, so it is cheap to copy: the static part sits behind
/// one reference.
struct TargetFacts {
  /// The endpoint's position in topology order (pools in file order, then their endpoints).
  /// Stable for one topology; a compiled policy may key per-endpoint tables on it.
  var index: Int
  /// The endpoint and its pool, as the topology gives them.
  var statics: EndpointFacts
  /// Leases currently held on the endpoint.
  var inFlight: Int
  /// The endpoint's estimate for the request being placed.
  var estimate: LatencyEstimate

  /// The endpoint's pool.
  var pool: Pool { statics.pool }
  /// The endpoint.
  var endpoint: Endpoint { statics.endpoint }

  init(index: Int, statics: EndpointFacts, inFlight: Int, estimate: LatencyEstimate) {
    self.index = index
    self.statics = statics
    self.inFlight = inFlight
    self.estimate = estimate
  }

  /// Facts for an endpoint outside any engine (tests, tools).
  init(index: Int, pool: Pool, endpoint: Endpoint, inFlight: Int, estimate: LatencyEstimate) {
    self.init(
      index: index, statics: EndpointFacts(pool: pool, endpoint: endpoint), inFlight: inFlight,
      estimate: estimate)
  }
}

/// An endpoint and its pool, fixed for the life of one topology.
final class EndpointFacts: Sendable {
  let pool: Pool
  let endpoint: Endpoint

  init(pool: Pool, endpoint: Endpoint) {
    self.pool = pool
    self.endpoint = endpoint
  }
}
