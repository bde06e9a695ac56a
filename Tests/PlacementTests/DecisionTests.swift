import Placement
import Testing

/// DESIGN.md sections 4 and 6, step by step.
@Suite struct DecisionTests {
  typealias F = EngineFixtures

  @Test func theContractExampleDecision() throws {
    let engine = PlacementEngine(
      topology: try Topology.load(contentsOfFile: TopologyFixtures.demoPath),
      policies: try PolicySet.load(directory: TopologyFixtures.policiesPath),
      configuration: EngineConfiguration(seed: 1))
    let decision = try engine.place(
      PlacementRequest(
        id: "r1", model: "detector-s", latencyBudgetMs: 80, payloadBytes: 250_000, tags: ["pii"]))
    let assignment = try #require(decision.assignment)
    #expect(decision.requestID == "r1")
    #expect(assignment.tier == .edge)
    #expect(assignment.pool == "line-3")
    #expect(assignment.endpoint == "jetson-01")
    #expect(
      assignment.estimate == LatencyEstimate(rttMs: 1, transferMs: 2, queueMs: 0, computeMs: 25))
    #expect(assignment.estimate.totalMs == 28)
    #expect(assignment.balancer == .leastConnection)
    #expect(assignment.sealed == false)
    #expect(assignment.lease == decision.id)
    // The edge won, and the pii rule excluded the cloud pools that are not approved for it.
    #expect(decision.rules == ["edge-first", "pii-approved-pools-only"])
  }

  @Test func theEstimateQueuesBeyondCapacity() throws {
    let engine = try F.engine(
      F.topology([
        F.pool("p", .edge, rtt: 2, bandwidth: 8, [F.endpoint("e", capacity: 2, models: ["m": 30])])
      ]))
    var estimates: [LatencyEstimate] = []
    for _ in 0..<4 {
      estimates.append(try #require(try engine.place(F.request(bytes: 1000)).assignment).estimate)
    }
    // transfer = 1000 * 8 / (8 * 1000) = 1 ms; queue = (in_flight - capacity + 1) * compute / capacity.
    #expect(estimates.map(\.transferMs) == [1, 1, 1, 1])
    #expect(estimates.map(\.queueMs) == [0, 0, 15, 30])
    #expect(estimates.map(\.totalMs) == [33, 33, 48, 63])
  }

  @Test func criticalIsPlacedOverBudgetOnTheLowestEstimate() throws {
    let engine = try F.engine(
      F.topology([
        F.pool("slow", .edge, [F.endpoint("a", models: ["m": 50])]),
        F.pool("fast", .cloud, rtt: 10, key: F.key, [F.endpoint("b", models: ["m": 30])]),
      ]), policy: #"prefer "edge" weight 100 when target.tier == "edge";"#)
    let decision = try engine.place(F.request(budget: 20, priority: .critical))
    let assignment = try #require(decision.assignment)
    #expect(assignment.endpoint == "b")  // 40 ms beats 51 ms; prefer scores are ignored
    #expect(assignment.overBudget)
    #expect(assignment.balancer == nil)
    #expect(assignment.lease != nil)
    #expect(F.inFlight(engine)["b"] == 1)
  }

  @Test func criticalTiesGoToTheEdge() throws {
    let engine = try F.engine(
      F.topology([
        F.pool("c", .cloud, key: F.key, [F.endpoint("cloud-first", models: ["m": 50])]),
        F.pool("e", .edge, [F.endpoint("edge-second", models: ["m": 50])]),
      ]))
    let decision = try engine.place(F.request(budget: 1, priority: .critical))
    #expect(decision.assignment?.endpoint == "edge-second")
  }

  @Test func standardIsRejectedOverBudgetWithTheLowestEstimate() throws {
    let engine = try F.engine(
      F.topology([
        F.pool(
          "p", .edge, [F.endpoint("a", models: ["m": 50]), F.endpoint("b", models: ["m": 20])])
      ]))
    let rejection = try #require(try engine.place(F.request(budget: 5)).rejection)
    #expect(rejection.reason == .overBudget)
    #expect(rejection.lowestEstimateMs == 21)
    #expect(F.inFlight(engine) == ["a": 0, "b": 0])
  }

  @Test func sheddableIsShedWhenThePickSetIsFull() throws {
    let engine = try F.engine(
      F.topology([F.pool("p", .edge, [F.endpoint("a", capacity: 1), F.endpoint("b", capacity: 1)])])
    )
    #expect(try engine.place(F.request(priority: .sheddable)).assignment != nil)
    #expect(try engine.place(F.request(priority: .sheddable)).assignment != nil)
    let shed = try engine.place(F.request(priority: .sheddable))
    #expect(shed.rejection?.reason == .shed)
    // A standard request still queues there.
    #expect(try engine.place(F.request()).assignment != nil)
    // Nothing feasible at all: over_budget, not shed.
    #expect(
      try engine.place(F.request(budget: 1, priority: .sheddable)).rejection?.reason == .overBudget)
  }

  @Test func noCandidateForAnUnknownModelOrWhenEverythingIsDown() throws {
    let engine = try F.engine(F.topology([F.pool("p", .edge, [F.endpoint("a")])]))
    #expect(try engine.place(F.request("other")).rejection?.reason == .noCandidate)
    try engine.setHealth(ofEndpoint: "a", up: false)
    let down = try #require(try engine.place(F.request()).rejection)
    #expect(down.reason == .noCandidate)
    #expect(down.detail.contains("healthy"))
    try engine.setHealth(ofEndpoint: "a", up: true)
    #expect(try engine.place(F.request()).assignment?.endpoint == "a")
    #expect(throws: PlacementError.unknownEndpoint("zzz")) {
      try engine.setHealth(ofEndpoint: "zzz", up: false)
    }
  }

  /// Each request goes where its own model is served, however the models alternate (the
  /// engine remembers the last model's route).
  @Test func eachModelIsRoutedToItsOwnEndpointsAsModelsAlternate() throws {
    let engine = try F.engine(
      F.topology([
        F.pool(
          "p", .edge, [F.endpoint("a", models: ["m": 10]), F.endpoint("b", models: ["n": 10])])
      ]))
    for model in ["m", "n", "n", "other", "m", "m", "n", "other", "other", "m"] {
      let decision = try engine.place(F.request(model))
      switch model {
      case "m": #expect(decision.assignment?.endpoint == "a")
      case "n": #expect(decision.assignment?.endpoint == "b")
      default:
        #expect(decision.rejection?.reason == .noCandidate)
        #expect(decision.rejection?.detail == "no endpoint serves model 'other'")
      }
    }
  }

  /// An audited engine reports each candidate's rules as they held for this request, however
  /// the tags that decide them alternate (the engine reuses an endpoint's last rule names when
  /// the same rules held): the same as an engine seeing the request first.
  @Test func candidateReportsFollowTheRulesAsTagsAlternate() throws {
    let topology = F.topology([
      F.pool("site", .edge, [F.endpoint("a"), F.endpoint("b")]),
      F.pool("c", .cloud, key: F.key, [F.endpoint("g")]),
      F.pool("bare", .cloud, [F.endpoint("h")]),
    ])
    let policy = """
      forbid "pii-on-site" when "pii" in request.tags and target.pool == "c";
      encrypt "seal-cloud" when target.tier == "cloud";
      prefer "edge" weight 5 when target.tier == "edge";
      """
    let audited = try F.engine(
      topology, policy: policy, configuration: EngineConfiguration(reportsCandidates: true))
    for tags in [["pii"], [], [], ["pii"], ["pii"], [], ["other"], ["pii", "other"]] {
      let request = F.request(tags: Set(tags))
      let placed = try audited.place(request)
      let fresh = try F.engine(topology, policy: policy).explain(request)
      #expect(placed.candidates.map(\.endpoint) == fresh.candidates.map(\.endpoint))
      #expect(placed.candidates.map(\.rules) == fresh.candidates.map(\.rules), "tags \(tags)")
      #expect(
        placed.candidates.map(\.exclusion) == fresh.candidates.map(\.exclusion), "tags \(tags)")
    }
  }

  @Test func forbiddenComesBeforeOverBudget() throws {
    let engine = try F.engine(
      F.topology([F.pool("c", .cloud, key: F.key, [F.endpoint("a")])]),
      policy: #"forbid "no-cloud" when target.tier == "cloud";"#)
    let decision = try engine.place(F.request(budget: 1))
    #expect(decision.rejection?.reason == .forbidden)
    #expect(decision.rules == ["no-cloud"])
  }

  @Test func forbidAlwaysWinsOverPrefer() throws {
    let engine = try F.engine(
      F.topology([F.pool("e", .edge, [F.endpoint("a"), F.endpoint("b")])]),
      policy: """
        prefer "love-a" weight 100 when target.endpoint == "a";
        forbid "not-a" when target.endpoint == "a";
        """)
    for _ in 0..<5 { #expect(try engine.place(F.request()).assignment?.endpoint == "b") }
  }

  @Test func anEncryptRuleExcludesAKeylessPoolAndSealsForAKeyedOne() throws {
    let sealer = RecordingSealer()
    let engine = try F.engine(
      F.topology([
        F.pool("keyless", .cloud, rtt: 1, [F.endpoint("fast")]),
        F.pool("keyed", .cloud, rtt: 5, key: F.key, [F.endpoint("slow")]),
      ]), policy: #"encrypt "seal" when target.tier == "cloud";"#, sealer: sealer)
    let explained = try engine.explain(F.request())
    #expect(
      explained.candidates.first { $0.endpoint == "fast" }?.exclusion
        == .noPublicKey(rules: ["seal"]))
    let payload: [UInt8] = [1, 2, 3]
    let decision = try engine.place(
      PlacementRequest(model: "m", latencyBudgetMs: 100, payload: payload))
    let assignment = try #require(decision.assignment)
    #expect(assignment.endpoint == "slow")
    #expect(assignment.sealed)
    #expect(assignment.envelope == [0x01, 3, 2, 1])
    #expect(
      sealer.calls.withLock { $0 } == [
        RecordingSealer.Call(payload: payload, key: F.key, pool: "keyed", decision: decision.id)
      ])
    #expect(decision.rules == ["seal"])
  }

  @Test func sealingWithoutASealerFailsAndReleasesTheLease() throws {
    let engine = try F.engine(
      F.topology([F.pool("c", .cloud, key: F.key, [F.endpoint("a")])]),
      policy: #"encrypt "seal" when target.tier == "cloud";"#)
    #expect(throws: PlacementError.self) {
      try engine.place(PlacementRequest(model: "m", latencyBudgetMs: 100, payload: [1]))
    }
    #expect(F.inFlight(engine)["a"] == 0)
    // Without a payload there is nothing to seal: placed, marked sealed.
    #expect(try engine.place(F.request()).assignment?.sealed == true)
  }

  @Test func theTierIsChosenByScoreThenEstimateThenEdge() throws {
    let pools = [
      F.pool("e", .edge, [F.endpoint("edge", models: ["m": 50])]),
      F.pool("c", .cloud, key: F.key, [F.endpoint("cloud", models: ["m": 10])]),
    ]
    let byEstimate = try F.engine(F.topology(pools))
    #expect(try byEstimate.place(F.request()).assignment?.tier == .cloud)
    let byScore = try F.engine(
      F.topology(pools), policy: #"prefer "edge" weight 10 when target.tier == "edge";"#)
    #expect(try byScore.place(F.request()).assignment?.tier == .edge)
    let penalty = try F.engine(
      F.topology(pools), policy: #"prefer "no-cloud" weight -5 when target.tier == "cloud";"#)
    #expect(try penalty.place(F.request()).assignment?.tier == .edge)
    let tie = try F.engine(
      F.topology([
        F.pool("c", .cloud, key: F.key, [F.endpoint("cloud", models: ["m": 10])]),
        F.pool("e", .edge, [F.endpoint("edge", models: ["m": 10])]),
      ]))
    #expect(try tie.place(F.request()).assignment?.tier == .edge)
  }

  @Test func aPreferRuleFavoursOnePoolAndTrafficSpillsWhenItMissesTheBudget() throws {
    let engine = try F.engine(
      F.topology([
        F.pool("other", .edge, [F.endpoint("o1", capacity: 1, models: ["m": 10])]),
        F.pool("favourite", .edge, [F.endpoint("f1", capacity: 1, models: ["m": 10])]),
      ]), policy: #"prefer "fav" weight 5 when target.pool == "favourite";"#)
    // f1 takes requests until its queue pushes it over the 25 ms budget.
    let picks = try (0..<4).map { _ in try engine.place(F.request(budget: 25)).assignment?.endpoint
    }
    #expect(picks == ["f1", "f1", "o1", "o1"])
  }

  @Test func failClosedForbidAndEncryptButNotPrefer() throws {
    // a has capacity 4, so `1 / (target.capacity - 4)` divides by zero on a only.
    let pools = [F.pool("e", .edge, [F.endpoint("a", capacity: 4), F.endpoint("b", capacity: 5)])]
    // A failed condition holds for forbid, even where 'false and' would have skipped the failure.
    let forbid = try F.engine(
      F.topology(pools), policy: #"forbid "broken" when false and 1 / (target.capacity - 4) > 0;"#)
    for _ in 0..<3 { #expect(try forbid.place(F.request()).assignment?.endpoint == "b") }
    let encrypt = try F.engine(
      F.topology(pools), policy: #"encrypt "broken" when false and 1 / (target.capacity - 4) > 0;"#)
    let sealed = try #require(try encrypt.explain(F.request()).candidates.first)
    #expect(sealed.exclusion == .noPublicKey(rules: ["broken"]))  // a's pool has no key
    // A failed condition does not hold for prefer, even where 'or true' would have decided.
    let prefer = try F.engine(
      F.topology(pools),
      policy:
        #"prefer "broken" weight 50 when 1 / (target.capacity - 4) > 0 or target.endpoint == "a";"#)
    let decision = try prefer.place(F.request())
    #expect(decision.assignment?.endpoint == "b")
    #expect(decision.rules == ["broken"])  // held for b (1 / 1 > 0), the chosen one
  }

  @Test func theRulesListIsJudgedBeforeTheLeaseIsTaken() throws {
    // Both rules read target.in_flight: taking the lease must not change what they said.
    let engine = try F.engine(
      F.topology([F.pool("c", .cloud, key: F.key, [F.endpoint("a")])]),
      policy: """
        encrypt "seal-idle" when target.in_flight == 0 and target.tier == "cloud";
        prefer "idle" weight 5 when target.in_flight == 0;
        """)
    let explained = try engine.explain(F.request())
    let decision = try engine.place(F.request())
    #expect(decision.assignment?.sealed == true)
    #expect(decision.rules == ["idle", "seal-idle"])
    #expect(decision.rules == explained.rules)
  }

  @Test func explainListsEveryCandidateAndChangesNothing() throws {
    let engine = try F.engine(
      F.topology(
        edge: .weighted,
        [
          F.pool(
            "e", .edge,
            [
              F.endpoint("a", weight: 3), F.endpoint("b", weight: 1),
              F.endpoint("slow", models: ["m": 500]),
            ])
        ]),
      policy: #"forbid "no-b" when target.endpoint == "b"; prefer "any" when true;"#)
    let twin = try F.engine(
      F.topology(
        edge: .weighted,
        [
          F.pool(
            "e", .edge,
            [
              F.endpoint("a", weight: 3), F.endpoint("b", weight: 1),
              F.endpoint("slow", models: ["m": 500]),
            ])
        ]),
      policy: #"forbid "no-b" when target.endpoint == "b"; prefer "any" when true;"#)
    let explained = try engine.explain(F.request(budget: 100))
    #expect(explained.id == "")
    #expect(explained.assignment?.lease == nil)
    #expect(
      explained.candidates.map(\.exclusion) == [nil, .forbidden(rules: ["no-b"]), .overBudget])
    #expect(explained.candidates[0].rules == ["any"])
    #expect(explained.candidates[0].score == 1)
    #expect(explained.candidates[0].estimate.totalMs == 11)
    #expect(F.inFlight(engine) == ["a": 0, "b": 0, "slow": 0])
    // Interleaving explains does not move the balancer.
    var withExplains: [String?] = []
    var without: [String?] = []
    for _ in 0..<6 {
      _ = try engine.explain(F.request(budget: 1000))
      withExplains.append(try engine.place(F.request(budget: 1000)).assignment?.endpoint)
      without.append(try twin.place(F.request(budget: 1000)).assignment?.endpoint)
    }
    #expect(withExplains == without)
  }

  @Test func invalidRequestsAreRefused() throws {
    let engine = try F.engine(F.topology([F.pool("e", .edge, [F.endpoint("a")])]))
    #expect(throws: PlacementError.self) { try engine.place(F.request(budget: 0)) }
    #expect(throws: PlacementError.self) { try engine.place(F.request(budget: .nan)) }
    #expect(throws: PlacementError.self) { try engine.place(F.request(bytes: -1)) }
    #expect(throws: PlacementError.self) {
      try engine.place(
        PlacementRequest(model: "m", latencyBudgetMs: 10, payloadBytes: 5, payload: [1]))
    }
  }
}

@Suite struct CandidateReportTests {
  typealias F = EngineFixtures

  @Test func placeReportsCandidatesOnlyWhenConfigured() throws {
    let topology = F.topology([F.pool("e", .edge, [F.endpoint("a"), F.endpoint("b")])])
    let quiet = try F.engine(topology, policy: #"forbid "no-b" when target.endpoint == "b";"#)
    #expect(try quiet.place(F.request()).candidates.isEmpty)
    let reporting = try F.engine(
      topology, policy: #"forbid "no-b" when target.endpoint == "b";"#,
      configuration: EngineConfiguration(reportsCandidates: true))
    let decision = try reporting.place(F.request())
    #expect(decision.candidates.map(\.endpoint) == ["a", "b"])
    #expect(decision.candidates.map(\.exclusion) == [nil, .forbidden(rules: ["no-b"])])
    #expect(decision.assignment?.lease != nil)
  }
}
