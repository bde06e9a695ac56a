import Placement
import Testing

/// Seeded random topologies and requests, checked against the invariants users rely on.
@Suite struct PlacementPropertyTests {
  typealias F = EngineFixtures

  /// A small deterministic generator for the test inputs (separate from the engine's).
  struct Inputs {
    var random: SeededGenerator
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func double(_ range: ClosedRange<Double>) -> Double {
      Double.random(in: range, using: &random)
    }
    mutating func chance(_ p: Double) -> Bool { double(0...1) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
  }

  static let models = ["m1", "m2", "m3"]
  static let tags = ["pii", "restricted", "eu-only", "bulk"]
  static let policy = """
    forbid "restricted" when "restricted" in request.tags and target.tier == "cloud";
    forbid "pii" when "pii" in request.tags and not ("approved" in target.tags);
    forbid "eu" when "eu-only" in request.tags and not (target.region starts_with "eu-");
    forbid "bulk-not-fast" when "bulk" in request.tags and target.rtt_ms < 3;
    encrypt "seal" when target.tier == "cloud";
    prefer "edge" weight 5 when target.tier == "edge";
    prefer "cheap" weight 2 when target.cost_per_hour < 1;
    prefer "busy" weight -1 when target.in_flight >= target.capacity;
    """

  static func randomTopology(_ inputs: inout Inputs, balancer: BalancerKind) -> Topology {
    var pools: [Pool] = []
    var counter = 0
    for tier in Tier.allCases {
      for poolNumber in 0..<inputs.int(1...3) {
        var endpoints: [Endpoint] = []
        for _ in 0..<inputs.int(1...4) {
          counter += 1
          var models: [String: Double] = [:]
          for model in Self.models where inputs.chance(0.7) {
            models[model] = inputs.double(1...80)
          }
          endpoints.append(
            Endpoint(
              id: "e\(counter)", gpu: "g", weight: Double(inputs.int(1...4)),
              capacity: inputs.int(1...4),
              models: models))
        }
        pools.append(
          Pool(
            id: "\(tier.rawValue)-\(poolNumber)", tier: tier,
            region: inputs.pick(["on-site", "eu-west-1", "us-east-1"]),
            rttMs: inputs.double(0...60),
            bandwidthMbps: inputs.double(5...1000), costPerHour: inputs.double(0...5),
            tags: inputs.chance(0.5) ? ["approved"] : [],
            publicKey: inputs.chance(0.7) ? F.key : nil,
            endpoints: endpoints))
      }
    }
    return Topology(site: "random", balancers: [.edge: balancer, .cloud: balancer], pools: pools)
  }

  @Test(arguments: BalancerKind.allCases)
  func invariantsHoldOnRandomSites(balancer: BalancerKind) throws {
    for seed in UInt64(1)...UInt64(25) {
      var inputs = Inputs(
        random: SeededGenerator(seed: seed &* 7919 &+ UInt64(balancer.hashValue & 0xFF)))
      let topology = Self.randomTopology(&inputs, balancer: balancer)
      let engine = PlacementEngine(
        topology: topology, policies: try F.policy(Self.policy),
        configuration: EngineConfiguration(seed: seed))
      var held: [(lease: String, endpoint: String)] = []
      var expectedInFlight: [String: Int] = [:]
      for _ in 0..<120 {
        let request = F.request(
          inputs.pick(Self.models), budget: inputs.double(5...150), bytes: inputs.int(0...400_000),
          tags: Set(Self.tags.filter { _ in inputs.chance(0.25) }),
          priority: inputs.pick([.critical, .standard, .sheddable]))
        let explained = try engine.explain(request)
        let decision = try engine.place(request)
        if let assignment = decision.assignment {
          // The policy's predicates, judged here from the topology itself, not by the engine.
          let pool = try #require(topology.pools.first { $0.id == assignment.pool })
          let tags = request.tags
          let forbidden =
            (tags.contains("restricted") && pool.tier == .cloud)
            || (tags.contains("pii") && !pool.tags.contains("approved"))
            || (tags.contains("eu-only") && !pool.region.hasPrefix("eu-"))
            || (tags.contains("bulk") && pool.rttMs < 3)
            || (pool.tier == .cloud && pool.publicKey == nil)
          #expect(!forbidden, "placed on excluded \(assignment.endpoint) for \(tags)")
          let candidate = try #require(
            explained.candidates.first { $0.endpoint == assignment.endpoint })
          // A forbidden endpoint, or one that cannot be sealed to, is never chosen.
          switch candidate.exclusion {
          case .forbidden?, .noPublicKey?: Issue.record("chose excluded \(assignment.endpoint)")
          case .overBudget?, nil: break
          }
          // The chosen endpoint meets the budget unless the decision says it does not.
          #expect(assignment.overBudget || assignment.estimate.totalMs <= request.latencyBudgetMs)
          #expect(
            assignment.overBudget
              == (request.priority == .critical && candidate.exclusion == .overBudget))
          // Sealed exactly when it leaves the site under these rules.
          #expect(assignment.sealed == (assignment.tier == .cloud))
          if balancer == .leastConnection, !assignment.overBudget {
            let pickSet = explained.candidates.filter {
              $0.exclusion == nil && $0.tier == assignment.tier && $0.score == candidate.score
            }
            #expect(candidate.inFlight == pickSet.map(\.inFlight).min())
          }
          held.append((assignment.lease!, assignment.endpoint))
          expectedInFlight[assignment.endpoint, default: 0] += 1
        } else {
          // Rejected only when nothing was feasible (or shed).
          let reason = try #require(decision.rejection?.reason)
          if reason != .shed, reason != .noCandidate {
            #expect(!explained.candidates.contains { $0.exclusion == nil })
          }
        }
        if !held.isEmpty, inputs.chance(0.45) {
          let (lease, endpoint) = held.remove(at: inputs.int(0...held.count - 1))
          try engine.complete(
            lease: lease, observedMs: inputs.double(0...200),
            status: inputs.pick([.ok, .ok, .error, .timeout]))
          expectedInFlight[endpoint, default: 0] -= 1
          #expect(throws: PlacementError.self) { try engine.complete(lease: lease, observedMs: 1) }
        }
        for endpoint in engine.status().endpoints {
          #expect(endpoint.inFlight >= 0)
          #expect(endpoint.inFlight == expectedInFlight[endpoint.endpoint, default: 0])
        }
      }
    }
  }
}
