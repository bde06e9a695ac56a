import Testing

@testable import Placement

/// Evaluating compiled rules: attributes, operators, failure, memoisation (DESIGN.md section 5).
struct PolicyEvaluationTests {
  typealias F = PolicyFixtures

  static let busy = F.target(
    "h100-a", inFlight: 3,
    estimate: LatencyEstimate(rttMs: 28, transferMs: 2, queueMs: 3, computeMs: 4))

  static let full = F.request(
    id: "r1", model: "llm-8b", budget: 80, bytes: 250_000, tags: ["pii", "audio"],
    priority: .critical, source: "cam-7")

  @Test(
    "every attribute reads its field",
    arguments: [
      "request.id == \"r1\"", "request.model == \"llm-8b\"", "request.priority == \"critical\"",
      "request.source == \"cam-7\"", "request.latency_budget_ms == 80",
      "request.payload_bytes == 250000", "request.tags == target.tags or \"audio\" in request.tags",
      "target.tier == \"cloud\"", "target.pool == \"eu-west-h100\"",
      "target.endpoint == \"h100-a\"",
      "target.region == \"eu-west-1\"", "target.gpu == \"h100\"", "\"pii-approved\" in target.tags",
      "target.rtt_ms == 28", "target.bandwidth_mbps == 40", "target.cost_per_hour == 4.1",
      "target.capacity == 8", "target.weight == 4", "target.in_flight == 3",
      "target.estimated_ms == 37", "target.transfer_ms == 2", "target.queue_ms == 3",
      "target.compute_ms == 4",
    ])
  func attribute(condition: String) throws {
    #expect(try F.verdict(condition, request: Self.full, target: Self.busy) == .holds)
    // And the negation does not hold: the comparison really tests the value.
    #expect(
      try F.verdict("not (\(condition))", request: Self.full, target: Self.busy) == .doesNotHold)
  }

  @Test("absent request attributes have their defaults")
  func requestDefaults() throws {
    let bare = PlacementRequest(model: "m", latencyBudgetMs: 5)
    for condition in [
      "request.id == \"\"", "request.source == \"\"", "request.priority == \"standard\"",
      "request.tags == target.tags", "request.payload_bytes == 0",
    ] {
      #expect(try F.verdict(condition, request: bare, target: F.target("a100-a")) == .holds)
    }
  }

  @Test(
    "operators",
    arguments: [
      ("1 + 2 == 3", RuleVerdict.holds), ("5 - 7 == 0 - 2", .holds), ("2 * 3 == 6", .holds),
      ("7 / 2 == 3.5", .holds), ("1 < 2", .holds), ("2 < 2", .doesNotHold),
      ("2 <= 2", .holds), ("3 <= 2", .doesNotHold), ("3 > 2", .holds), ("2 > 2", .doesNotHold),
      ("2 >= 2", .holds), ("1 >= 2", .doesNotHold), ("1 == 1.0", .holds), ("1 != 1", .doesNotHold),
      ("\"a\" == \"a\"", .holds), ("\"a\" != \"b\"", .holds),
      ("\"\u{E9}\" == \"e\u{301}\"", .holds),
      ("true == true", .holds), ("true != false", .holds), ("(1 < 2) == (2 < 1)", .doesNotHold),
      ("\"llm-8b\" starts_with \"llm-\"", .holds), ("\"llm\" starts_with \"llm-\"", .doesNotHold),
      ("\"x\" starts_with \"\"", .holds),
      ("\"on-site\" in target.tags", .holds), ("\"cloud\" in target.tags", .doesNotHold),
      ("\"b\" in [\"a\", \"b\"]", .holds), ("\"c\" in [\"a\", \"b\"]", .doesNotHold),
      ("2 in [1, 2]", .holds), ("3 in [1, 2]", .doesNotHold), ("1 in []", .doesNotHold),
      ("false in [true, false]", .holds), ("true in [false]", .doesNotHold),
      ("[1] in [[2], [1]]", .holds), ("[] in [[1]]", .doesNotHold), ("[] in [[]]", .holds),
      ("[1, 2] == [1, 2]", .holds), ("[1, 2] == [2, 1]", .doesNotHold),
      ("[1] == [1, 1]", .doesNotHold),
      ("[] == []", .holds), ("[[], [1]] == [[], [1]]", .holds), ("[\"a\"] != [\"b\"]", .holds),
      ("target.tags == target.tags", .holds), ("request.tags == target.tags", .doesNotHold),
      ("not true", .doesNotHold), ("not false", .holds),
      ("true and true", .holds), ("true and false", .doesNotHold), ("false and true", .doesNotHold),
      ("false or false", .doesNotHold), ("false or true", .holds), ("true or false", .holds),
      ("target.pool in [request.source, \"line-3\"]", .holds),
      ("request.model starts_with target.gpu", .doesNotHold),
      ("target.estimated_ms + 1 > request.latency_budget_ms / 100", .holds),
    ])
  func operators(condition: String, expected: RuleVerdict) throws {
    #expect(try F.verdict(condition) == expected)
  }

  @Test(
    "a division by zero anywhere fails the whole condition (DESIGN.md section 5)",
    arguments: [
      ("1 / 0 > 0", RuleVerdict.failed), ("0 / 0 == 0", .failed), ("1 / (1 - 1) < 5", .failed),
      ("request.payload_bytes / 0 > 1", .failed),
      ("target.in_flight / target.in_flight == 1", .failed),
      ("not (1 / 0 > 0)", .failed), ("(1 / 0 > 0) == true", .failed),
      // Whatever 'and' and 'or' would skip, and in either order:
      ("false and 1 / 0 > 0", .failed), ("1 / 0 > 0 and false", .failed),
      ("true and 1 / 0 > 0", .failed), ("1 / 0 > 0 and true", .failed),
      ("true or 1 / 0 > 0", .failed), ("1 / 0 > 0 or true", .failed),
      ("false or 1 / 0 > 0", .failed), ("1 / 0 > 0 or false", .failed),
      ("1 / 0 > 0 and \"x\" in request.tags", .failed),
      ("target.in_flight / target.in_flight > 0 and target.tier == \"cloud\"", .failed),
      ("target.in_flight / target.in_flight > 0 or target.tier == \"edge\"", .failed),
      ("1 in [1, (1 / 0)]", .failed), ("2 in [1, (1 / 0)]", .failed), ("(1 / 0) in [1]", .failed),
      ("[1, (1 / 0)] == [2, 3]", .failed), ("[1, (1 / 0)] == [1, 3]", .failed),
      // Divisions that do not divide by zero are fine.
      ("0 / 2 == 0", .holds), ("0 - 0 / 1 == 0", .holds),
      ("false and 1 / 2 > 0", .doesNotHold), ("true or 1 / 2 > 0", .holds),
    ])
  func failure(condition: String, expected: RuleVerdict) throws {
    #expect(try F.verdict(condition) == expected)
  }

  @Test("a failure that depends on the live candidate fails only on that candidate")
  func liveFailure() throws {
    let condition = "target.in_flight / target.in_flight == 1"
    #expect(try F.verdict(condition, target: F.target("jetson-01", inFlight: 0)) == .failed)
    #expect(try F.verdict(condition, target: F.target("jetson-01", inFlight: 2)) == .holds)
    let perEndpoint = "target.cost_per_hour / target.cost_per_hour == 1"
    #expect(try F.verdict(perEndpoint, target: F.target("jetson-01")) == .failed)
    #expect(try F.verdict(perEndpoint, target: F.target("h100-a")) == .holds)
  }

  @Test("the example rules of DESIGN.md section 5 load and mean what they say")
  func designExample() throws {
    let text = """
      # Restricted data never leaves the site.
      forbid "restricted-stays-on-site"
        when "restricted" in request.tags and target.tier == "cloud";

      # Personal data goes only to pools approved for it.
      forbid "pii-approved-pools-only"
        when "pii" in request.tags and target.tier == "cloud" and not ("pii-approved" in target.tags);

      # Everything that leaves the site is sealed.
      encrypt "seal-off-site"
        when target.tier == "cloud";

      # Keep work local when the edge can meet the budget.
      prefer "edge-first" weight 10
        when target.tier == "edge";

      # Large language models belong in the cloud.
      prefer "llms-to-cloud" weight 50
        when request.model starts_with "llm-" and target.tier == "cloud";
      """
    let set = try PolicySet(sources: [PolicySource(name: "default.policy", text: text)])
    #expect(
      set.rules.map(\.name) == [
        "edge-first", "llms-to-cloud", "pii-approved-pools-only", "restricted-stays-on-site",
        "seal-off-site",
      ])
    #expect(set.rules.map(\.effect) == [.prefer, .prefer, .forbid, .forbid, .encrypt])
    #expect(set.rules.map(\.weight) == [10, 50, 0, 0, 0])
    #expect(set.rules.map(\.line) == [14, 18, 6, 2, 10])

    let policy = CompiledPolicy(policy: set, topology: F.topology)
    let plain = CompiledPolicy(policy: set, topology: F.topology, stageAnalysis: false)
    /// The names of the rules that hold for `request` on endpoint `id`.
    func holding(_ request: PlacementRequest, _ id: String) -> [String] {
      var scratch = PolicyScratch()
      var plainScratch = PolicyScratch()
      var names: [String] = []
      for (index, rule) in set.rules.enumerated() {
        let verdict = policy.evaluate(
          rule: index, request: request, target: F.target(id), scratch: &scratch)
        let reference = plain.evaluate(
          rule: index, request: request, target: F.target(id), scratch: &plainScratch)
        #expect(verdict == reference)
        if verdict == .holds {
          names.append(rule.name)
        }
      }
      return names
    }
    let plainRequest = F.request()
    #expect(holding(plainRequest, "jetson-01") == ["edge-first"])
    #expect(holding(plainRequest, "h100-a") == ["seal-off-site"])
    let restricted = F.request(tags: ["restricted"])
    #expect(holding(restricted, "jetson-02") == ["edge-first"])
    #expect(holding(restricted, "h100-a") == ["restricted-stays-on-site", "seal-off-site"])
    let pii = F.request(tags: ["pii"])
    #expect(holding(pii, "h100-a") == ["seal-off-site"])
    #expect(holding(pii, "a100-a") == ["pii-approved-pools-only", "seal-off-site"])
    #expect(holding(pii, "jetson-01") == ["edge-first"])
    let llm = F.request(model: "llm-8b")
    #expect(holding(llm, "a100-a") == ["llms-to-cloud", "seal-off-site"])
    #expect(holding(llm, "jetson-01") == ["edge-first"])
  }

  @Test("a rule without 'when' always holds")
  func noCondition() throws {
    let set = try PolicySet(sources: [PolicySource(name: "t.policy", text: "encrypt \"all\";")])
    var scratch = PolicyScratch()
    for id in F.endpointIDs {
      let verdict = CompiledPolicy(policy: set, topology: F.topology).evaluate(
        rule: 0, request: F.request(), target: F.target(id), scratch: &scratch)
      #expect(verdict == .holds)
    }
  }

  @Test("request-only parts are memoised per request, and reset forgets them")
  func memoisation() throws {
    let set = try PolicySet(sources: [
      PolicySource(name: "t.policy", text: "forbid \"pii\" when \"pii\" in request.tags;")
    ])
    let policy = CompiledPolicy(policy: set, topology: F.topology)
    let target = F.target("h100-a")
    var scratch = PolicyScratch()
    #expect(
      policy.evaluate(rule: 0, request: F.request(tags: ["pii"]), target: target, scratch: &scratch)
        == .holds)
    // Without a reset the memo still answers for the previous request: it is really used...
    #expect(
      policy.evaluate(rule: 0, request: F.request(), target: target, scratch: &scratch) == .holds)
    // ...and a reset makes the next request start afresh.
    scratch.reset()
    #expect(
      policy.evaluate(rule: 0, request: F.request(), target: target, scratch: &scratch)
        == .doesNotHold)
    scratch.reset()
    #expect(
      policy.evaluate(rule: 0, request: F.request(tags: ["pii"]), target: target, scratch: &scratch)
        == .holds)
  }

  @Test("rules sharing a request-only sub-condition share its memo, per request")
  func sharedMemo() throws {
    let set = try PolicySet(sources: [
      PolicySource(
        name: "t.policy",
        text: """
          forbid "a" when "pii" in request.tags and target.tier == "cloud";
          prefer "b" when "pii" in request.tags or target.in_flight > 5;
          encrypt "c" when not ("pii" in request.tags);
          """)
    ])
    let policy = CompiledPolicy(policy: set, topology: F.topology)
    var scratch = PolicyScratch()
    for (tags, expected) in [
      (["pii"], [RuleVerdict.holds, .holds, .doesNotHold]),
      ([], [.doesNotHold, .doesNotHold, .holds]),
      (["pii"], [.holds, .holds, .doesNotHold]),
    ] as [(Set<String>, [RuleVerdict])] {
      scratch.reset()
      for id in ["a100-a", "h100-a"] {
        let verdicts = (0..<3).map {
          policy.evaluate(
            rule: $0, request: F.request(tags: tags), target: F.target(id), scratch: &scratch)
        }
        #expect(verdicts == expected, "\(tags) on \(id)")
      }
    }
  }

  @Test("the scratch holds every verdict in its slots, and more slots than it holds still work")
  func manyMemoSlots() throws {
    var scratch = PolicyScratch()
    for slot in 0..<PolicyScratch.capacity {
      #expect(scratch.verdict(slot: slot) == nil)
      let verdict: RuleVerdict = [.holds, .doesNotHold, .failed][slot % 3]
      scratch.record(verdict, slot: slot)
      #expect(scratch.verdict(slot: slot) == verdict)
    }
    scratch.record(.holds, slot: PolicyScratch.capacity)
    #expect(scratch.verdict(slot: PolicyScratch.capacity) == nil)
    scratch.reset()
    #expect((0..<PolicyScratch.capacity).allSatisfy { scratch.verdict(slot: $0) == nil })

    let count = PolicyScratch.capacity + 10
    let text = (0..<count).map { "prefer \"r\($0)\" when request.payload_bytes == \($0);" }
      .joined(separator: "\n")
    let set = try PolicySet(sources: [PolicySource(name: "t.policy", text: text)])
    let policy = CompiledPolicy(policy: set, topology: F.topology)
    for bytes in [0, 5, count - 1] {
      scratch.reset()
      for (index, rule) in set.rules.enumerated() {
        let verdict = policy.evaluate(
          rule: index, request: F.request(bytes: bytes), target: F.target("h100-a"),
          scratch: &scratch)
        #expect(verdict == (rule.name == "r\(bytes)" ? .holds : .doesNotHold))
      }
    }
  }

  @Test("per-endpoint tables answer for every endpoint, and an unknown index falls back")
  func endpointTables() throws {
    let condition =
      "target.tier == \"cloud\" and not (\"pii-approved\" in target.tags) or target.gpu == \"orin-nx\""
    let expected: [String: RuleVerdict] = [
      "jetson-01": .holds, "jetson-02": .holds, "h100-a": .doesNotHold, "a100-a": .holds,
    ]
    for (id, verdict) in expected {
      #expect(try F.verdict(condition, target: F.target(id)) == verdict, "\(id)")
    }
    var stranger = F.target("h100-a")
    stranger.index = 99
    #expect(try F.verdict(condition, target: stranger) == .doesNotHold)
    var untagged = stranger.pool
    untagged.tags = []
    stranger.statics = EndpointFacts(pool: untagged, endpoint: stranger.endpoint)
    #expect(try F.verdict(condition, target: stranger) == .holds)
  }

  @Test("stage analysis agrees with the plain tree walk on every endpoint and request")
  func stagesAgree() throws {
    let conditions = [
      "\"pii\" in request.tags and target.tier == \"cloud\" or target.in_flight > 1",
      "request.model starts_with \"llm-\" and target.cost_per_hour / target.capacity < 1",
      "not (request.payload_bytes / target.bandwidth_mbps > 5000) and true",
      "target.estimated_ms <= request.latency_budget_ms * 0.5 or false",
      "(target.rtt_ms > 10) == (\"audio\" in request.tags)",
      "request.source in [target.pool, \"cam-7\"] or target.queue_ms / target.in_flight > 1",
      "[target.tier, request.priority] == [\"cloud\", \"critical\"]",
      "1 / 0 > 0 or target.weight >= 2 and request.id != \"\"",
    ]
    let requests = [
      F.request(), Self.full, F.request(model: "llm-8b", bytes: 1_000_000, tags: ["audio"]),
    ]
    for condition in conditions {
      for request in requests {
        for id in F.endpointIDs {
          for inFlight in [0, 2] {
            let estimate = LatencyEstimate(
              rttMs: 1, transferMs: 2, queueMs: Double(inFlight), computeMs: 30)
            _ = try F.verdict(
              condition, request: request,
              target: F.target(id, inFlight: inFlight, estimate: estimate))
          }
        }
      }
    }
  }
}
