import Testing

@testable import Placement

/// Topologies, requests and helpers the policy tests share.
enum PolicyFixtures {
  /// An edge pool of two Jetsons, a keyed EU H100 pool approved for personal data, and a
  /// keyless US A100 pool.
  static let topology = Topology(
    site: "plant-7",
    balancers: [.edge: .leastConnection, .cloud: .weighted],
    pools: [
      Pool(
        id: "line-3", tier: .edge, region: "on-site", rttMs: 1, bandwidthMbps: 1000,
        costPerHour: 0, tags: ["on-site"], publicKey: nil,
        endpoints: [
          Endpoint(
            id: "jetson-01", gpu: "orin-nx", weight: 1, capacity: 2,
            models: ["detector-s": 25]),
          Endpoint(
            id: "jetson-02", gpu: "orin-nx", weight: 2, capacity: 1,
            models: ["detector-s": 30]),
        ]),
      Pool(
        id: "eu-west-h100", tier: .cloud, region: "eu-west-1", rttMs: 28, bandwidthMbps: 40,
        costPerHour: 4.1, tags: ["pii-approved"], publicKey: Array(repeating: 7, count: 32),
        endpoints: [
          Endpoint(
            id: "h100-a", gpu: "h100", weight: 4, capacity: 8,
            models: ["detector-s": 4, "llm-8b": 350])
        ]),
      Pool(
        id: "us-east-a100", tier: .cloud, region: "us-east-1", rttMs: 80, bandwidthMbps: 20,
        costPerHour: 2.5, tags: [], publicKey: nil,
        endpoints: [
          Endpoint(
            id: "a100-a", gpu: "a100", weight: 2, capacity: 4,
            models: ["detector-s": 6, "llm-8b": 420])
        ]),
    ])

  /// Every endpoint id of ``topology``, in topology order.
  static let endpointIDs = ["jetson-01", "jetson-02", "h100-a", "a100-a"]

  /// The facts of endpoint `id` of ``topology``.
  static func target(
    _ id: String, inFlight: Int = 0,
    estimate: LatencyEstimate = LatencyEstimate(rttMs: 0, transferMs: 0, queueMs: 0, computeMs: 0)
  ) -> TargetFacts {
    var index = 0
    for pool in topology.pools {
      for endpoint in pool.endpoints {
        if endpoint.id == id {
          return TargetFacts(
            index: index, pool: pool, endpoint: endpoint, inFlight: inFlight, estimate: estimate)
        }
        index += 1
      }
    }
    fatalError("no endpoint \(id) in the test topology")
  }

  /// A request for `detector-s` with an 80 ms budget unless told otherwise.
  static func request(
    id: String = "", model: String = "detector-s", budget: Double = 80, bytes: Int? = nil,
    tags: Set<String> = [], priority: Priority = .standard, source: String = ""
  ) -> PlacementRequest {
    PlacementRequest(
      id: id, model: model, latencyBudgetMs: budget, payloadBytes: bytes, tags: tags,
      priority: priority, source: source)
  }

  /// The diagnostics of checking `sources`, as `file:line:column: message` lines; empty when
  /// they check.
  static func errors(_ sources: [PolicySource]) -> [String] {
    do {
      _ = try PolicySet(sources: sources)
      return []
    } catch {
      return error.diagnostics.map(\.description)
    }
  }

  /// The diagnostics of checking `text` as `t.policy`.
  static func errors(_ text: String) -> [String] {
    errors([PolicySource(name: "t.policy", text: text)])
  }

  /// The messages (without position) of checking the rule `forbid "r" when CONDITION;`.
  static func messages(condition: String) -> [String] {
    errors("forbid \"r\" when \(condition);").map {
      String($0.split(separator: ": ", maxSplits: 1)[1])
    }
  }

  /// `condition` as the parser groups it, fully parenthesised; nil when it does not parse.
  static func grouping(_ condition: String) -> String? {
    let result = PolicyParser.parse(
      PolicySource(name: "t.policy", text: "forbid \"r\" when \(condition);"))
    guard result.diagnostics.isEmpty, let rule = result.rules.first else {
      return nil
    }
    return rule.condition?.description
  }

  /// The verdict of `condition` for `request` on `target`, after checking that the plain and
  /// the stage-analysed compilations agree and that a memoised second evaluation agrees.
  static func verdict(
    _ condition: String, request: PlacementRequest = request(),
    target: TargetFacts = target("jetson-01"),
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws -> RuleVerdict {
    let policy = try PolicySet(sources: [
      PolicySource(name: "t.policy", text: "prefer \"r\" when \(condition);")
    ])
    let optimised = CompiledPolicy(policy: policy, topology: topology)
    let plain = CompiledPolicy(policy: policy, topology: topology, stageAnalysis: false)
    var scratch = PolicyScratch()
    let first = optimised.evaluate(rule: 0, request: request, target: target, scratch: &scratch)
    let again = optimised.evaluate(rule: 0, request: request, target: target, scratch: &scratch)
    var plainScratch = PolicyScratch()
    let reference = plain.evaluate(
      rule: 0, request: request, target: target, scratch: &plainScratch)
    #expect(
      first == reference, "optimised and plain disagree on \(condition)",
      sourceLocation: sourceLocation)
    #expect(
      first == again, "memoised evaluation differs on \(condition)", sourceLocation: sourceLocation)
    // The engine skips evaluating a rule whose verdict on an endpoint is known in advance.
    if let known = optimised.knownVerdict(rule: 0, endpoint: target.index) {
      #expect(
        known == first, "the known verdict differs on \(condition)", sourceLocation: sourceLocation)
    }
    // And takes a rule's verdict from the memo once a candidate has evaluated it.
    if let slot = optimised.requestMemoSlot(rule: 0, endpoint: target.index) {
      #expect(
        scratch.verdict(slot: slot) == first, "the memoised rule differs on \(condition)",
        sourceLocation: sourceLocation)
    }
    return first
  }
}
