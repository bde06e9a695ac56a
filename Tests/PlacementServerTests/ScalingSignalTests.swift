import Foundation
import Placement
import PlacementScaling
import PlacementServer
import Testing

/// The autoscaling signal through the `status` and `metrics` ops.
@Suite struct ScalingSignalTests {
  static func handler() throws -> (ProtocolHandler, ManualClock) {
    var topology = try Topology.load(
      contentsOfFile: ProtocolHandlerTests.root.appendingPathComponent(
        "fixtures/demo-topology.json"
      ).path)
    let h100 = try #require(topology.pools.firstIndex { $0.id == "eu-west-h100" })
    topology.pools[h100].minEndpoints = 1
    topology.pools[h100].maxEndpoints = 6
    topology.pools[h100].targetUtilization = 0.5
    topology.balancers[.cloud] = .leastLatency
    let clock = ManualClock()
    let scaling = ScalingForecaster(
      settings: ScalingSettings(
        forecast: ForecastParameters(bucketSeconds: 10, seasonBuckets: 0),
        leadTime: .seconds(60)))
    let engine = PlacementEngine(
      topology: topology, policies: .empty, configuration: EngineConfiguration(seed: 1),
      clock: clock, observer: scaling)
    let metrics = ServerMetrics(scaling: scaling, engine: engine)
    return (ProtocolHandler(engine: engine, metrics: metrics), clock)
  }

  /// 20 llm-8b requests a second for 30 s, each completed at once; with the cloud tier on
  /// `least_latency`, all go to eu-west-h100 (the lowest estimate, 28 + 350 ms).
  static func load(_ handler: ProtocolHandler, _ clock: ManualClock) throws {
    for index in 0..<600 {
      clock.set(to: .milliseconds(index * 50))
      let placed = try ProtocolHandlerTests.send(
        #"{"op":"place","model":"llm-8b","latency_budget_ms":100000,"priority":"critical","tags":[]}"#,
        to: handler)
      let decision = try #require(placed["decision"] as? [String: Any])
      let lease = try #require(decision["lease"] as? String)
      _ = try ProtocolHandlerTests.send(
        #"{"op":"complete","lease":"\#(lease)","observed_ms":378.5}"#, to: handler)
    }
    clock.set(to: .seconds(30))
  }

  @Test func statusShowsEveryPoolsSignal() throws {
    let (handler, clock) = try Self.handler()
    try Self.load(handler, clock)
    let response = try ProtocolHandlerTests.send(#"{"op":"status"}"#, to: handler)
    let status = try #require(response["status"] as? [String: Any])
    let pools = try #require(status["scaling"] as? [[String: Any]])
    #expect(
      pools.map { $0["pool"] as? String } == [
        "line-3", "yard", "eu-west-h100", "eu-central-a100", "us-east-l4",
      ])
    let h100 = try #require(pools.first { $0["pool"] as? String == "eu-west-h100" })
    #expect(h100["observed_rate_per_s"] as? Double == 20)
    #expect(h100["forecast_rate_per_s"] as? Double == 20)
    #expect(h100["lead_time_s"] as? Double == 60)
    // 378.5 ms observed less the 28 ms round trip (no payload): 350.5 ms compute.
    #expect(abs((h100["mean_compute_ms"] as? Double ?? 0) - 350.5) < 1e-9)
    // 20/s x 0.3505 s = 7.01 busy slots; 8 x 0.5 = 4 per endpoint -> 2.
    #expect(h100["desired_endpoints"] as? Int == 2)
    #expect(h100["current_endpoints"] as? Int == 2)
    #expect(h100["min"] as? Int == 1)
    #expect(h100["max"] as? Int == 6)
    #expect(h100["target_utilization"] as? Double == 0.5)
    let l4 = try #require(pools.first { $0["pool"] as? String == "us-east-l4" })
    #expect(l4["observed_rate_per_s"] as? Double == 0)
    #expect(l4["desired_endpoints"] as? Int == 1)
    #expect(l4["max"] == nil)
    #expect(l4["target_utilization"] as? Double == 0.7)
  }

  @Test func metricsExportTheSignal() throws {
    let (handler, clock) = try Self.handler()
    try Self.load(handler, clock)
    let response = try ProtocolHandlerTests.send(#"{"op":"metrics"}"#, to: handler)
    let text = try #require(response["metrics"] as? String)
    let lines = text.split(separator: "\n").map(String.init).filter {
      $0.contains("placement_pool_") || $0.hasPrefix("# TYPE placement_decisions_total")
    }
    #expect(
      lines.contains(#"placement_pool_desired_endpoints{pool="eu-west-h100",tier="cloud"} 2"#))
    #expect(lines.contains(#"placement_pool_arrival_rate{pool="eu-west-h100",tier="cloud"} 20"#))
    #expect(
      lines.contains(#"placement_pool_forecast_arrival_rate{pool="eu-west-h100",tier="cloud"} 20"#))
    #expect(lines.contains(#"placement_pool_current_endpoints{pool="us-east-l4",tier="cloud"} 3"#))
    #expect(lines.contains("# TYPE placement_pool_desired_endpoints gauge"))
    // The existing families are still there.
    #expect(lines.contains("# TYPE placement_decisions_total counter"))
  }

  @Test func withoutAForecasterThereIsNoSignal() throws {
    let handler = ProtocolHandler(
      engine: try ProtocolHandlerTests.handler().engine, metrics: ServerMetrics())
    let status = try ProtocolHandlerTests.send(#"{"op":"status"}"#, to: handler)
    #expect((status["status"] as? [String: Any])?["scaling"] == nil)
    let metrics = try ProtocolHandlerTests.send(#"{"op":"metrics"}"#, to: handler)
    #expect((metrics["metrics"] as? String)?.contains("placement_pool_") == false)
  }
}
