import Placement

/// The in-process decision time: `place` on the demo site, and on generated sites of growing
/// size with 50 rules, to show the cost per candidate stays flat.
struct DecisionBenchmark {
  var decisions: Int
  /// Which sites to measure: `demo` and generated sizes (numbers of endpoints).
  var sites: [String] = ["demo", "10", "100", "1000"]

  /// Six requests of the kinds in `fixtures/requests.jsonl`: a pii frame, a large frame, an LLM
  /// prompt, eu-only audio, a restricted frame, a sheddable sensor window.
  static let demoRequests: [PlacementRequest] = [
    PlacementRequest(
      model: "detector-s", latencyBudgetMs: 80, payloadBytes: 250_000, tags: ["pii"]),
    PlacementRequest(model: "detector-xl", latencyBudgetMs: 200, payloadBytes: 400_000),
    PlacementRequest(model: "llm-8b", latencyBudgetMs: 2000, payloadBytes: 4000),
    PlacementRequest(
      model: "asr-small", latencyBudgetMs: 100, payloadBytes: 64000, tags: ["pii", "eu-only"]),
    PlacementRequest(
      model: "detector-xl", latencyBudgetMs: 60, payloadBytes: 300_000, tags: ["restricted"]),
    PlacementRequest(
      model: "anomaly-lstm", latencyBudgetMs: 20, payloadBytes: 16000, priority: .sheddable),
  ]

  func run(topology: Topology, policies: PolicySet) throws -> String {
    var output = "decision time, in-process `place` (then `complete`, so in-flight stays level)\n"
    let timerCost = Samples.measure(decisions) { _ in }.median
    var table = ResultTable(header: [
      "site", "candidates", "rules", "decisions", "p50 ns", "p99 ns", "p50 ns/candidate",
    ])
    if sites.contains("demo") {
      try measureDemo(topology: topology, policies: policies, into: &table)
    }
    for endpoints in sites.compactMap({ Int($0) }) {
      let site = try GeneratedSite(endpoints: endpoints, rules: 50)
      let engine = PlacementEngine(
        topology: site.topology, policies: site.policies, configuration: .init(seed: 1))
      let count = endpoints >= 1000 ? max(decisions, 100_000) : decisions
      let samples = try measure(engine, requests: site.requests, count: count)
      table.rows.append([
        "generated", String(endpoints), "50", String(samples.count),
        ResultTable.format(samples.median, decimals: 0),
        ResultTable.format(samples.percentile(0.99), decimals: 0),
        ResultTable.format(samples.median / Double(endpoints), decimals: 1),
      ])
    }
    output += table.text
    output +=
      "timer overhead (an empty timed call), included above: \(ResultTable.format(timerCost, decimals: 0)) ns p50\n"
    return output
  }

  private func measureDemo(
    topology: Topology, policies: PolicySet, into table: inout ResultTable
  ) throws {
    let demo = try measure(
      PlacementEngine(topology: topology, policies: policies, configuration: .init(seed: 1)),
      requests: Self.demoRequests, count: decisions)
    let demoCandidates = Self.demoRequests.map { request in
      topology.pools.flatMap(\.endpoints).filter { $0.models[request.model] != nil }.count
    }
    let meanCandidates = Double(demoCandidates.reduce(0, +)) / Double(demoCandidates.count)
    table.rows.append([
      "demo fixtures", ResultTable.format(meanCandidates, decimals: 1),
      String(policies.rules.count), String(demo.count),
      ResultTable.format(demo.median, decimals: 0),
      ResultTable.format(demo.percentile(0.99), decimals: 0),
      ResultTable.format(demo.median / meanCandidates, decimals: 1),
    ])
  }

  private func measure(
    _ engine: PlacementEngine, requests: [PlacementRequest], count: Int
  ) throws -> Samples {
    // Warm up caches and the allocator before timing.
    for index in 0..<min(count, 10_000) {
      try placeAndComplete(engine, requests[index % requests.count])
    }
    var samples = Samples(capacity: count)
    for index in 0..<count {
      let request = requests[index % requests.count]
      let start = Samples.now()
      let decision = try engine.place(request)
      samples.append(Double(Samples.now() - start))
      if let lease = decision.assignment?.lease {
        try engine.complete(lease: lease, observedMs: decision.assignment!.estimate.totalMs)
      }
    }
    return samples
  }

  private func placeAndComplete(_ engine: PlacementEngine, _ request: PlacementRequest) throws {
    if let assignment = try engine.place(request).assignment, let lease = assignment.lease {
      try engine.complete(lease: lease, observedMs: assignment.estimate.totalMs)
    }
  }
}

/// A site of `endpoints` endpoints, every one serving model `m`, under `rules` rules that read
/// request tags, target tags, regions, prices and in-flight counts.
struct GeneratedSite {
  var topology: Topology
  var policies: PolicySet
  var requests: [PlacementRequest]

  init(endpoints count: Int, rules ruleCount: Int) throws {
    var generator = SeededGenerator(seed: UInt64(count))
    let regions = ["on-site", "eu-west-1", "eu-central-1", "us-east-1", "ap-south-1"]
    let tags = ["pii-approved", "gold", "spot", "gpu-new", "eu"]
    var pools: [Pool] = []
    let perPool = max(1, min(10, count / 4))
    var made = 0
    while made < count {
      let index = pools.count
      let tier: Tier = index % 3 == 0 ? .edge : .cloud
      var endpoints: [Endpoint] = []
      for _ in 0..<min(perPool, count - made) {
        made += 1
        endpoints.append(
          Endpoint(
            id: "ep-\(made)", gpu: ["h100", "a100", "l4", "orin"][made % 4],
            weight: Double(1 + made % 4), capacity: 1 + made % 8,
            models: ["m": Double(5 + Int(generator.next() % 60))]))
      }
      pools.append(
        Pool(
          id: "pool-\(index)", tier: tier,
          region: tier == .edge ? "on-site" : regions[1 + index % (regions.count - 1)],
          rttMs: tier == .edge ? 1 : Double(10 + index % 80),
          bandwidthMbps: tier == .edge ? 1000 : 50,
          costPerHour: tier == .edge ? 0 : Double(index % 5),
          tags: Set(tags.filter { _ in generator.next() % 3 == 0 }),
          publicKey: tier == .cloud ? [UInt8](repeating: UInt8(index % 251), count: 32) : nil,
          endpoints: endpoints))
    }
    topology = Topology(
      site: "generated-\(count)", balancers: [.edge: .leastConnection, .cloud: .weighted],
      pools: pools)
    var text = ""
    for rule in 0..<ruleCount {
      switch rule % 10 {
      case 0:
        text +=
          "forbid \"f\(rule)\" when \"restricted\" in request.tags and target.tier == \"cloud\";\n"
      case 1:
        text +=
          "forbid \"f\(rule)\" when \"pii\" in request.tags and not (\"pii-approved\" in target.tags);\n"
      case 2:
        text +=
          "forbid \"f\(rule)\" when \"eu-only\" in request.tags and not (target.region starts_with \"eu-\") and target.tier == \"cloud\";\n"
      case 3:
        text +=
          "encrypt \"e\(rule)\" when target.tier == \"cloud\" and target.cost_per_hour >= 0;\n"
      case 4:
        text += "prefer \"p\(rule)\" weight 3 when target.tier == \"edge\";\n"
      case 5:
        text += "prefer \"p\(rule)\" weight 2 when target.cost_per_hour < \(rule % 4 + 1);\n"
      case 6:
        text += "prefer \"p\(rule)\" weight -1 when target.in_flight >= target.capacity;\n"
      case 7:
        text +=
          "prefer \"p\(rule)\" when \"gold\" in target.tags and request.priority == \"critical\";\n"
      case 8:
        text +=
          "prefer \"p\(rule)\" when target.gpu in [\"h100\", \"a100\"] and request.payload_bytes > 100000;\n"
      default:
        text +=
          "prefer \"p\(rule)\" weight 0.5 when target.estimated_ms < request.latency_budget_ms / 2;\n"
      }
    }
    policies = try PolicySet(sources: [PolicySource(name: "generated.policy", text: text)])
    requests = [
      PlacementRequest(model: "m", latencyBudgetMs: 80, payloadBytes: 200_000, tags: ["pii"]),
      PlacementRequest(model: "m", latencyBudgetMs: 150, payloadBytes: 20000),
      PlacementRequest(model: "m", latencyBudgetMs: 60, payloadBytes: 50000, tags: ["eu-only"]),
      PlacementRequest(
        model: "m", latencyBudgetMs: 40, payloadBytes: 300_000, tags: ["restricted"],
        priority: .critical),
    ]
  }
}
