import Foundation
import Placement
import PlacementSimulation
import Testing

/// The demo fixtures: the default policy against the edge-only and cloud-only baselines, and
/// the reproducibility of a run.
@Suite struct DemoComparisonTests {
  /// The package root, found from this file's path.
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

  static func variant(_ directory: String, balancer: BalancerKind? = nil) throws
    -> SimulationVariant
  {
    SimulationVariant(
      policiesName: URL(fileURLWithPath: directory).lastPathComponent,
      policies: try PolicySet.load(directory: path(directory)), balancer: balancer)
  }

  static func simulation() throws -> Simulation {
    Simulation(
      topology: try Topology.load(contentsOfFile: path("fixtures/demo-topology.json")),
      workload: try Workload.load(contentsOfFile: path("fixtures/workload-demo.json")))
  }

  @Test func defaultPolicyBeatsBothBaselinesForLessThanTheCloud() throws {
    let reports = try Self.simulation().compare([
      try Self.variant("policies"), try Self.variant("fixtures/policies-edge-only"),
      try Self.variant("fixtures/policies-cloud-only"),
    ])
    let (mixed, edge, cloud) = (reports[0], reports[1], reports[2])
    #expect(mixed.requests == edge.requests && edge.requests == cloud.requests)
    #expect(mixed.requests > 100_000)
    #expect(
      mixed.budgetAttainment >= max(edge.budgetAttainment, cloud.budgetAttainment),
      "default \(mixed.budgetAttainment), edge-only \(edge.budgetAttainment), cloud-only \(cloud.budgetAttainment)"
    )
    #expect(mixed.cloudCostBusy < cloud.cloudCostBusy)
    // The baselines are what they say.
    #expect(edge.edgeShare == 1 && edge.cloudCostBusy == 0)
    #expect(cloud.edgeShare == 0)
    #expect(mixed.edgeShare > 0 && mixed.edgeShare < 1)
    // Restricted sensor data may not leave the site: the cloud-only policy rejects it.
    #expect((cloud.rejected[.forbidden] ?? 0) > 0)
  }

  @Test func theSameSeedGivesTheSameReportBitForBit() throws {
    var simulation = try Self.simulation()
    simulation.workload.durationSeconds = 60
    simulation.workload.gateways = 3
    // p2c and random draw from the engines' generators; fleet mode draws gateways.
    let variants = [
      try Self.variant("policies", balancer: .p2c), try Self.variant("policies", balancer: .random),
    ]
    func json(_ simulation: Simulation) throws -> String {
      SimulationReport(
        seed: simulation.workload.seed, durationSeconds: simulation.workload.durationSeconds,
        gateways: simulation.workload.gateways, variants: try simulation.compare(variants)
      ).json
    }
    let first = try json(simulation)
    #expect(try json(simulation) == first)
    simulation.workload.seed += 1
    #expect(try json(simulation) != first)
    #expect(first.contains("\"budget_attainment\":"))
  }

  @Test func reportJSONHasTheContractKeys() throws {
    var simulation = try Self.simulation()
    simulation.workload.durationSeconds = 5
    let report = SimulationReport(
      seed: 7, durationSeconds: 5, gateways: 1,
      variants: try simulation.compare([try Self.variant("policies")]))
    let document = try JSONSerialization.jsonObject(with: Data(report.json.utf8))
    let variants = try #require((document as? [String: Any])?["variants"] as? [[String: Any]])
    let variant = try #require(variants.first)
    for key in [
      "variant", "requests", "rejected", "budget_attainment", "latency_ms", "utilization",
    ] {
      #expect(variant[key] != nil, "missing \(key)")
    }
    let latency = try #require(variant["latency_ms"] as? [String: Any])
    #expect(Set(latency.keys).isSuperset(of: ["mean", "p50", "p95", "p99"]))
    let utilization = try #require(variant["utilization"] as? [String: Double])
    #expect(utilization.count == 11 && utilization["h100-a"] != nil)
    #expect(utilization.values.allSatisfy { $0 >= 0 && $0 <= 1 })
    let svg = SimulationChart.svg(report.variants)
    #expect(svg.hasPrefix("<svg") && svg.contains("jetson-01") && svg.contains("polyline"))
  }
}
