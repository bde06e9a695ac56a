import Placement

/// A synthetic decision workload for exercising an ``AuditLog``: the crash and disk-full tests
/// (through the `placement-audit-writer-load` test tool) and the audit benchmark use it. Not
/// meant for production use.
public enum AuditLoad {
  /// A small built-in site: two edge devices and a cloud pool, so the load needs no files.
  public static let topologyJSON = """
    {"site":"load","tiers":{"edge":{"balancer":"least_connection"},"cloud":{"balancer":"weighted"}},
     "pools":[
      {"id":"line","tier":"edge","region":"on-site","rtt_ms":1,"bandwidth_mbps":1000,
       "cost_per_hour":0,"tags":["on-site"],"endpoints":[
        {"id":"edge-1","gpu":"orin","weight":1,"capacity":4,"models":{"detector-s":25}},
        {"id":"edge-2","gpu":"orin","weight":1,"capacity":4,"models":{"detector-s":25}}]},
      {"id":"cloud","tier":"cloud","region":"eu","rtt_ms":28,"bandwidth_mbps":40,
       "cost_per_hour":4,"tags":["eu"],"endpoints":[
        {"id":"gpu-1","gpu":"h100","weight":1,"capacity":64,"models":{"detector-s":6}}]}]}
    """

  /// An engine on the built-in site that records into `log` (candidates reported, as a daemon
  /// with an audit log runs).
  public static func engine(recordingInto log: AuditLog?) throws -> PlacementEngine {
    PlacementEngine(
      topology: try Topology(json: Array(topologyJSON.utf8), source: "load"),
      policies: .empty, configuration: EngineConfiguration(seed: 1, reportsCandidates: true),
      recorder: log)
  }

  /// The `index`th request of the workload.
  public static func request(_ index: Int) -> PlacementRequest {
    PlacementRequest(
      id: "load-\(index)", model: "detector-s", latencyBudgetMs: index % 10 == 0 ? 20 : 80,
      payloadBytes: 40_000, tags: index % 4 == 0 ? ["pii"] : [], source: "camera-\(index % 8)")
  }

  /// Places request `index` and completes it at once when placed, so leases do not pile up.
  /// Returns the decision's audit sequence number.
  public static func step(_ engine: PlacementEngine, _ index: Int) throws -> UInt64? {
    let decision = try engine.place(request(index))
    if let lease = decision.assignment?.lease {
      _ = try? engine.complete(lease: lease, observedMs: 30, status: .ok)
    }
    return decision.auditSequence
  }
}
