import Placement

/// A discrete-event simulation of a site: the real ``PlacementEngine`` and its balancers on a
/// virtual clock (``ManualClock``), with endpoints that serve `capacity` requests at once and
/// queue the rest in order.
///
/// A request's time is network round trip + transfer + queueing + service: it travels half the
/// round trip plus the payload's transfer to the endpoint, waits for a slot, is served for its
/// drawn service time, and travels the other half back; then the gateway's engine gets
/// `complete(lease:observedMs:)` with the whole time, so the estimates (EWMA) learn as they
/// would in production. No wall-clock time and no threads: the same workload, seed and variant
/// give the same report, bit for bit.
///
/// ```swift
/// let simulation = Simulation(topology: topology, workload: workload)
/// let report = try simulation.run(SimulationVariant(policiesName: "policies", policies: set))
/// print(report.budgetAttainment, report.latency.p99)
/// ```
public struct Simulation: Sendable {
  /// The site. A variant's balancer overrides its tiers' balancers.
  public var topology: Topology
  /// What arrives.
  public var workload: Workload
  /// The engines' settings; each gateway's seed is derived from the workload's seed.
  public var engineConfiguration: EngineConfiguration
  /// The autoscaler of the variants that scale (``SimulationVariant/scaling``).
  public var autoscaling: SimulatedAutoscaling

  /// Creates a simulation of `workload` on `topology`.
  public init(
    topology: Topology, workload: Workload, engineConfiguration: EngineConfiguration = .init(),
    autoscaling: SimulatedAutoscaling = .init()
  ) {
    self.topology = topology
    self.workload = workload
    self.engineConfiguration = engineConfiguration
    self.autoscaling = autoscaling
  }

  /// Runs every variant on the same generated requests, one after another.
  ///
  /// - Parameter progress: called now and then with the variant's index and the share of the
  ///   workload's duration simulated so far.
  public func compare(
    _ variants: [SimulationVariant], progress: ((Int, Double) -> Void)? = nil
  ) throws(PlacementError) -> [VariantReport] {
    var reports: [VariantReport] = []
    for (index, variant) in variants.enumerated() {
      reports.append(try run(variant) { progress?(index, $0) })
    }
    return reports
  }

  /// Runs the workload against one variant.
  ///
  /// - Parameter progress: called every few thousand arrivals with the share of the workload's
  ///   duration simulated so far.
  /// - Throws: what the engine throws for a request it refuses outright (none of a validated
  ///   workload's requests).
  public func run(
    _ variant: SimulationVariant, progress: ((Double) -> Void)? = nil
  ) throws(PlacementError) -> VariantReport {
    var site = topology
    if let balancer = variant.balancer {
      for tier in Tier.allCases { site.balancers[tier] = balancer }
    }
    var run = SimulationRun(
      topology: site, policies: variant.policies, workload: workload,
      configuration: engineConfiguration, scaling: variant.scaling ?? .none,
      autoscaling: autoscaling)
    try run.simulate(progress: progress)
    return run.report(variant)
  }
}
