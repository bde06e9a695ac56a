/// What a policy condition can read about one candidate endpoint (the `target.*` attributes of
/// DESIGN.md section 5): its pool, the endpoint itself, and its live numbers.
struct TargetFacts {
  /// The endpoint's position in topology order (pools in file order, then their endpoints).
  /// Stable for one topology; a compiled policy may key per-endpoint tables on it.
  var index: Int
  /// The endpoint's pool.
  var pool: Pool
  /// The endpoint.
  var endpoint: Endpoint
  /// Leases currently held on the endpoint.
  var inFlight: Int
  /// The endpoint's estimate for the request being placed.
  var estimate: LatencyEstimate
}
