import Placement
import PlacementSimulation

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif
#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

extension Subcommand {
  /// `placement simulate`: replays a workload against a topology on a virtual clock and compares
  /// policy sets and balancers side by side (DESIGN.md section 10).
  static let simulate = Subcommand(
    name: "simulate", summary: "replay a workload against a topology, compare balancers"
  ) { words in
    let arguments = try CommandArguments(
      words,
      options: [
        "--workload", "--topology", "--policies", "--balancers", "--svg", "--seed", "--scaling",
        "--provisioning-delay", "--cool-down", "--bucket",
      ],
      flags: ["--help", "--json"])
    if arguments.isSet("--help") {
      StandardStream.output.write(simulateUsage)
      return 0
    }
    let topology = try Topology.load(contentsOfFile: DefaultLocations.topology(arguments))
    var workload = try Workload.load(
      contentsOfFile: arguments.value("--workload") ?? DefaultLocations.resolve(workloadPath))
    if let seed = arguments.value("--seed") {
      guard let value = UInt64(seed) else {
        throw UsageError("--seed expects a whole number >= 0, found '\(seed)'")
      }
      workload.seed = value
    }
    let variants = try simulationVariants(arguments)
    let simulation = Simulation(
      topology: topology, workload: workload, autoscaling: try autoscaling(arguments, workload))
    let showsProgress = isatty(2) != 0
    let reports = try simulation.compare(variants) { index, share in
      guard showsProgress else { return }
      let percent = Int(share * 100)
      StandardStream.error.write(
        "\rsimulating \(index + 1)/\(variants.count) \(variants[index].name): \(percent)%\u{1B}[K")
    }
    if showsProgress { StandardStream.error.write("\r\u{1B}[K") }
    let report = SimulationReport(
      seed: workload.seed, durationSeconds: workload.durationSeconds,
      gateways: workload.gateways, variants: reports)
    if let path = arguments.value("--svg") {
      do {
        try Data(SimulationChart.svg(reports).utf8).write(to: URL(fileURLWithPath: path))
      } catch {
        throw UsageError("--svg: cannot write \(path) (\(error))")
      }
    }
    if arguments.isSet("--json") {
      StandardStream.output.write(report.json + "\n")
    } else {
      StandardStream.output.write(describe(report))
      if variants.contains(where: { $0.scaling != nil }) {
        StandardStream.output.write("\n" + describeScaling(report))
      }
    }
    return 0
  }

  /// The autoscaler model from `--provisioning-delay`, `--cool-down` and `--bucket`; the
  /// forecaster's season is the workload's daily period, when it has one.
  private static func autoscaling(
    _ arguments: CommandArguments, _ workload: Workload
  ) throws -> SimulatedAutoscaling {
    func seconds(_ option: String, _ fallback: Double) throws -> Double {
      guard let text = arguments.value(option) else { return fallback }
      guard let value = Double(text), value.isFinite, value > 0 else {
        throw UsageError("\(option) expects a number of seconds > 0, found '\(text)'")
      }
      return value
    }
    return SimulatedAutoscaling.model(
      for: workload, bucketSeconds: try seconds("--bucket", 10),
      provisioningDelaySeconds: try seconds("--provisioning-delay", 30),
      coolDownSeconds: try seconds("--cool-down", 60))
  }

  /// The scaling comparison: budget attainment against cloud GPU-hours.
  private static func describeScaling(_ report: SimulationReport) -> String {
    var table = ResultTable(header: [
      "#", "scaling", "in budget", "missed", "GPU-hours", "scale-ups", "scale-downs",
    ])
    for (index, variant) in report.variants.enumerated() {
      table.rows.append([
        "\(index + 1)", variant.scaling,
        ResultTable.format(variant.budgetAttainment * 100, decimals: 2) + "%",
        "\(variant.requests - variant.withinBudget)",
        ResultTable.format(variant.cloudGPUHours, decimals: 2), "\(variant.scaleUps)",
        "\(variant.scaleDowns)",
      ])
    }
    return """
      scaling (cloud pools; GPU-hours: cloud endpoint-hours paid within the duration)
      \(table.text)
      """
  }

  private static let workloadPath = "fixtures/workload-demo.json"

  private static let simulateUsage = """
    usage: placement simulate [--workload FILE] [--topology FILE] [--policies DIR]...
                              [--balancers LIST] [--seed N] [--json] [--svg FILE]

    Replays a workload (JSON: arrivals, request classes, service times, seed, gateways) against
    a topology on a virtual clock, with the real engine and balancers, and reports per variant:
    requests, placements, rejections by reason, budget attainment, latency mean/p50/p95/p99,
    per-endpoint utilization, edge share and cloud GPU cost.

      --policies DIR    a policy set to compare; repeat for several (default: policies/)
      --balancers LIST  comma-separated balancers that each override both tiers' balancer
                        (round_robin, least_connection, weighted, p2c, least_latency, random);
                        default: the topology's own
      --seed N          overrides the workload's seed
      --json            the report as JSON instead of tables
      --svg FILE        also draw latency by percentile and utilization side by side
      --scaling LIST    comma-separated cloud-pool scaling strategies to compare: none (the
                        topology's endpoints), reactive (sized for the observed rate),
                        predictive (sized for the Holt-Winters forecast one provisioning
                        delay ahead); see docs/autoscaling.md
      --provisioning-delay S  seconds from asking for an endpoint to its first request (30)
      --cool-down S     seconds a lower recommendation must hold before a pool shrinks (60)
      --bucket S        the forecaster's bucket and the autoscaler's tick (10); the season is
                        the workload's daily period

    Every policy set runs with every balancer, on the same generated requests. Defaults: the
    demo topology, the default policies and fixtures/workload-demo.json of this checkout.
    Progress goes to standard error when it is a terminal.

    """

  private static func simulationVariants(_ arguments: CommandArguments) throws
    -> [SimulationVariant]
  {
    let directories = arguments.allValues("--policies")
    var policySets: [(name: String, policies: PolicySet)] = []
    for directory in directories.isEmpty ? [DefaultLocations.policies(arguments)] : directories {
      var name = URL(fileURLWithPath: directory).lastPathComponent
      if policySets.contains(where: { $0.name == name }) { name = directory }
      policySets.append((name, try PolicySet.load(directory: directory)))
    }
    var balancers: [BalancerKind?] = [nil]
    if let list = arguments.value("--balancers") {
      balancers = []
      for name in list.split(separator: ",", omittingEmptySubsequences: false) {
        let name = trimmed(name)
        guard let kind = BalancerKind(rawValue: name) else {
          let known = BalancerKind.allCases.map(\.rawValue).joined(separator: ", ")
          throw UsageError("--balancers: unknown balancer '\(name)' (known: \(known))")
        }
        balancers.append(kind)
      }
    }
    var strategies: [ScalingStrategy?] = [nil]
    if let list = arguments.value("--scaling") {
      strategies = []
      for name in list.split(separator: ",", omittingEmptySubsequences: false) {
        let name = trimmed(name)
        guard let strategy = ScalingStrategy(rawValue: name) else {
          let known = ScalingStrategy.allCases.map(\.rawValue).joined(separator: ", ")
          throw UsageError("--scaling: unknown strategy '\(name)' (known: \(known))")
        }
        strategies.append(strategy)
      }
    }
    return policySets.flatMap { set in
      balancers.flatMap { balancer in
        strategies.map {
          SimulationVariant(
            policiesName: set.name, policies: set.policies, balancer: balancer, scaling: $0)
        }
      }
    }
  }

  /// The report as two tables: the variants' figures, then utilization per endpoint.
  private static func describe(_ report: SimulationReport) -> String {
    func percent(_ share: Double) -> String {
      share.isFinite ? ResultTable.format(share * 100, decimals: 1) + "%" : "-"
    }
    func ms(_ value: Double) -> String { ResultTable.format(value, decimals: 1) }
    var summary = ResultTable(header: [
      "#", "variant", "requests", "placed", "rejected", "in budget", "mean ms", "p50", "p95", "p99",
      "edge", "cloud $",
    ])
    for (index, variant) in report.variants.enumerated() {
      let reasons = RejectionReason.allCases.compactMap { reason in
        variant.rejected[reason].map { "\(reason.rawValue) \($0)" }
      }
      summary.rows.append([
        "\(index + 1)", variant.variant, "\(variant.requests)", "\(variant.placed)",
        reasons.isEmpty ? "0" : "\(variant.rejectedTotal) (\(reasons.joined(separator: ", ")))",
        percent(variant.budgetAttainment), ms(variant.latency.mean), ms(variant.latency.p50),
        ms(variant.latency.p95), ms(variant.latency.p99), percent(variant.edgeShare),
        ResultTable.format(variant.cloudCostBusy),
      ])
    }
    var utilization = ResultTable(
      header: ["endpoint", "tier"] + report.variants.indices.map { "#\($0 + 1)" })
    for (row, endpoint) in (report.variants.first?.utilization ?? []).enumerated() {
      utilization.rows.append(
        [endpoint.endpoint, endpoint.tier.rawValue]
          + report.variants.map { percent($0.utilization[row].share) })
    }
    let gateways = report.gateways == 1 ? "1 gateway" : "\(report.gateways) gateways"
    return """
      \(ResultTable.format(report.durationSeconds, decimals: 0)) s simulated, seed \(report.seed), \(gateways)

      \(summary.text)
      in budget: requests finished within their budget, rejected ones counted as misses.
      cloud $: busy-time cost, cost_per_hour x busy slot-hours / capacity of each cloud endpoint.

      utilization (busy slots / capacity, averaged over the duration)
      \(utilization.text)
      """
  }
}

/// `text` without white space at either end.
private func trimmed(_ text: Substring) -> String {
  guard let first = text.firstIndex(where: { !$0.isWhitespace }),
    let last = text.lastIndex(where: { !$0.isWhitespace })
  else { return "" }
  return String(text[first...last])
}
