import Placement
import PlacementSimulation

/// Topologies and workloads built in code for the simulator's tests.
enum SimulationFixtures {
  /// An edge pool with no network cost (rtt 0, payloads of 0 bytes travel in no time).
  static func pool(_ endpoints: [Endpoint], tier: Tier = .edge, id: String = "pool") -> Pool {
    Pool(
      id: id, tier: tier, region: "on-site", rttMs: 0, bandwidthMbps: 1000, costPerHour: 0,
      tags: [], publicKey: nil, endpoints: endpoints)
  }

  static func endpoint(
    _ id: String, computeMs: Double, capacity: Int = 1, weight: Double = 1
  ) -> Endpoint {
    Endpoint(id: id, gpu: "gpu", weight: weight, capacity: capacity, models: ["m": computeMs])
  }

  static func topology(_ pools: [Pool], balancer: BalancerKind = .random) -> Topology {
    Topology(site: "test", balancers: [.edge: balancer, .cloud: balancer], pools: pools)
  }

  /// Poisson arrivals of one class (model `m`, 0 bytes) with a budget nothing misses.
  static func poisson(
    ratePerSecond: Double, seconds: Double, service: ServiceTimeDistribution = .exponential,
    seed: UInt64 = 1, gateways: Int = 1, budgetMs: Double = 1e9
  ) -> Workload {
    Workload(
      durationSeconds: seconds, seed: seed, gateways: gateways,
      arrivals: .poisson(ratePerSecond: ratePerSecond),
      classes: [
        RequestClass(
          name: "all", share: 1,
          request: PlacementRequest(model: "m", latencyBudgetMs: budgetMs, priority: .critical),
          payloadBytes: .fixed(0))
      ], service: service)
  }

  static let noPolicy = SimulationVariant(policiesName: "none", policies: .empty)

  static func run(
    _ topology: Topology, _ workload: Workload, variant: SimulationVariant = noPolicy
  ) throws -> VariantReport {
    try Simulation(topology: topology, workload: workload).run(variant)
  }
}
