import Foundation
import Placement
import PlacementAudit
import PlacementJSON
import Testing

/// What a decision record says, member by member and in order, checked against a reference
/// built here from the engine's own `Decision`: the record encoder is written for speed, this
/// reference for reading.
@Suite struct DecisionRecordTests {
  @Test func decisionRecordsHoldTheDecisionMemberByMember() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let digests = try demoDigests()
    let log = try AuditLog(
      configuration: AuditConfiguration(directory: directory), topologyHash: digests.topology,
      policyHash: digests.policies)
    let engine = try demoEngine(recorder: log)
    // Placed and rejected requests, with and without payloads and tags; text that needs
    // escaping; leases left open, so in-flight counts and queue estimates vary.
    var requests = (0..<48).map(sampleRequest)
    requests.append(
      PlacementRequest(
        id: "quote \" backslash \\ newline \n tab \t", model: "detector-s",
        latencyBudgetMs: 1000, tags: ["zeta", "pii", "alpha\u{1}"], source: "caméra 7 ✓"))
    var decisions: [(request: PlacementRequest, decision: Decision)] = []
    for (index, request) in requests.enumerated() {
      let decision = try engine.place(request)
      decisions.append((request, decision))
      if let lease = decision.assignment?.lease, index % 3 == 0 {
        try engine.complete(lease: lease, observedMs: 17.25 + Double(index), status: .ok)
      }
    }
    try log.close()

    let lines = try segmentLines(directory).flatMap(\.lines)
      .filter { $0.contains(#""type":"decision""#) }
    try #require(lines.count == decisions.count)
    #expect(decisions.contains { $0.decision.assignment == nil })
    #expect(decisions.contains { $0.decision.candidates.contains { $0.exclusion != nil } })
    for (line, (request, decision)) in zip(lines, decisions) {
      guard case .object(let record) = try JSONReader.parse(line) else {
        Issue.record("not an object: \(line)")
        continue
      }
      // Between `type` and `prev`: the members the decision itself gives.
      var members = Array(record.members.dropFirst(3).dropLast(2))
      if let digest = members.firstIndex(where: { $0.key == "request" }),
        case .object(var fields) = members[digest].value,
        let position = fields.members.firstIndex(where: { $0.key == "payload_digest" })
      {
        // The digest is keyed (FieldDigestTests checks it): here, that one is there.
        if case .string(let hex) = fields.members[position].value {
          #expect(hex.count == 64 && request.payload != nil)
          fields.members[position].value = .string("<digest>")
        }
        members[digest].value = .object(fields)
      }
      let expected = Self.reference(
        decision, request: request, topology: digests.topology, policies: digests.policies)
      #expect(members.map(\.key) == expected.map(\.key), "record \(decision.id)")
      for (member, reference) in zip(members, expected) where member != reference {
        Issue.record(
          "record \(decision.id), member \(member.key): \(member.value) != \(reference.value)")
      }
    }
  }

  // MARK: the reference

  static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
    .object(JSONObject(members.map { JSONObject.Member(key: $0.key, value: $0.value) }))
  }

  static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

  static func estimate(_ estimate: LatencyEstimate) -> JSONValue {
    object([
      "rtt_ms": .number(estimate.rttMs), "transfer_ms": .number(estimate.transferMs),
      "queue_ms": .number(estimate.queueMs), "compute_ms": .number(estimate.computeMs),
      "total_ms": .number(estimate.totalMs),
    ])
  }

  static func reference(
    _ decision: Decision, request: PlacementRequest, topology: String, policies: String
  ) -> [JSONObject.Member] {
    var members: [JSONObject.Member] = []
    func add(_ key: String, _ value: JSONValue) {
      members.append(JSONObject.Member(key: key, value: value))
    }
    add("decision", .string(decision.id))
    add(
      "request",
      object([
        "id": .string(request.id), "model": .string(request.model),
        "budget_ms": .number(request.latencyBudgetMs),
        "payload_bytes": .number(Double(request.payloadBytes)),
        "payload_digest": request.payload == nil ? .null : .string("<digest>"),
        "tags": strings(request.tags.sorted()), "priority": .string(request.priority.rawValue),
        "source": .string(request.source),
      ]))
    switch decision.outcome {
    case .placed(let assignment):
      add("outcome", .string("placed"))
      add("tier", .string(assignment.tier.rawValue))
      add("pool", .string(assignment.pool))
      add("endpoint", .string(assignment.endpoint))
      add("estimate", estimate(assignment.estimate))
      add("balancer", assignment.balancer.map { .string($0.rawValue) } ?? .null)
      add("sealed", .bool(assignment.sealed))
      add("over_budget", .bool(assignment.overBudget))
    case .rejected(let rejection):
      add("outcome", .string("rejected"))
      add("reason", .string(rejection.reason.rawValue))
      add("detail", .string(rejection.detail))
      add("lowest_estimate_ms", rejection.lowestEstimateMs.map { .number($0) } ?? .null)
    }
    add("rules", strings(decision.rules))
    add(
      "candidates",
      .array(
        decision.candidates.map { candidate in
          var fields: [JSONObject.Member] = [
            .init(key: "endpoint", value: .string(candidate.endpoint)),
            .init(key: "pool", value: .string(candidate.pool)),
            .init(key: "tier", value: .string(candidate.tier.rawValue)),
            .init(key: "estimate", value: estimate(candidate.estimate)),
            .init(key: "score", value: .number(candidate.score)),
            .init(key: "in_flight", value: .number(Double(candidate.inFlight))),
            .init(key: "rules", value: strings(candidate.rules)),
          ]
          switch candidate.exclusion {
          case nil:
            fields.append(.init(key: "excluded", value: .null))
          case .overBudget:
            fields.append(.init(key: "excluded", value: .string("over_budget")))
          case .forbidden(let rules):
            fields.append(.init(key: "excluded", value: .string("forbidden")))
            fields.append(.init(key: "excluded_by", value: strings(rules)))
          case .noPublicKey(let rules):
            fields.append(.init(key: "excluded", value: .string("no_public_key")))
            fields.append(.init(key: "excluded_by", value: strings(rules)))
          }
          return .object(JSONObject(fields))
        }))
    add("topology", .string(topology))
    add("policies", .string(policies))
    return members
  }
}
