import Placement
import PlacementAudit
import PlacementJSON

/// `placement audit replay`.
enum AuditReplayCommand {
  static let usage = """
    usage: placement audit replay DIR --policies DIR2 [--topology FILE] [--sample N]

    Re-decides every recorded decision under the policy set in DIR2, against the endpoint
    states the record holds: only the endpoints that were candidates (the others were down,
    ejected or without the model), each with its recorded estimate (compute and queueing as
    recorded; round trip and transfer from the topology). Reports how many decisions would
    change (outcome, tier or pool) and shows up to N of them side by side (default 10).

    The topology defaults to the demo fixture; give the one the log was written under (its
    digest is checked against the records'). Balancers re-pick among equals as 'explain' does,
    without the recorded balancer state, so a different pick counts as a change only when the
    recorded endpoint is no longer eligible (or the outcome or tier differs). Masked request
    fields (model, tags, source) cannot be replayed faithfully; replay says so.

    """

  static func run(_ words: [String]) throws -> Int32 {
    let arguments = try CommandArguments(
      words, options: ["--policies", "--topology", "--sample"], flags: ["--help"])
    if arguments.isSet("--help") {
      StandardStream.output.write(usage)
      return 0
    }
    let directory = try Subcommand.auditDirectory(arguments, command: "replay")
    guard let policiesPath = arguments.value("--policies") else {
      throw UsageError("--policies DIR2 is required: the policy set to replay the decisions under")
    }
    let sampleSize = try arguments.integer("--sample") ?? 10
    let topologyPath = DefaultLocations.topology(arguments)
    let topology = try Topology.load(contentsOfFile: topologyPath)
    let topologyDigest = try AuditDigest.file(topologyPath)
    let policies = try PolicySet.load(directory: policiesPath)
    var total = 0
    var changed = 0
    var skipped = 0
    var otherTopology = 0
    var maskedWarning = false
    var transitions: [String: Int] = [:]
    var sample: [[String]] = []
    let progress = AuditProgress("replaying")
    var reader = AuditReader(directory: directory)
    reader.progress = { progress.update($0, $1) }
    try reader.visit { record in
      guard record.string("type") == "decision" else { return true }
      guard case .object(let fields)? = record.object["request"],
        case .string(let model)? = fields["model"],
        case .number(let budget)? = fields["budget_ms"],
        case .array(let candidates)? = record.object["candidates"]
      else {
        skipped += 1
        return true
      }
      if case .array(let masked)? = record.object["masked"],
        masked.contains(where: { $0 != .string("request.id") })
      {
        maskedWarning = true
      }
      if record.string("topology") != topologyDigest { otherTopology += 1 }
      var tags: Set<String> = []
      if case .array(let list)? = fields["tags"] {
        for case .string(let tag) in list { tags.insert(tag) }
      }
      var bytes = 0
      if case .number(let value)? = fields["payload_bytes"] { bytes = Int(value) }
      var source = ""
      if case .string(let value)? = fields["source"] { source = value }
      var priority = Priority.standard
      if case .string(let value)? = fields["priority"], let parsed = Priority(rawValue: value) {
        priority = parsed
      }
      var id = ""
      if case .string(let value)? = fields["id"] { id = value }
      let request = PlacementRequest(
        id: id, model: model, latencyBudgetMs: budget, payloadBytes: bytes, tags: tags,
        priority: priority, source: source)
      // The recorded endpoint states: compute plus queueing per candidate.
      var recorded: [String: Double] = [:]
      for case .object(let candidate) in candidates {
        guard case .string(let endpoint)? = candidate["endpoint"],
          case .object(let estimate)? = candidate["estimate"],
          case .number(let compute)? = estimate["compute_ms"],
          case .number(let queue)? = estimate["queue_ms"]
        else { continue }
        recorded[endpoint] = compute + queue
      }
      var site = topology
      for pool in site.pools.indices {
        for endpoint in site.pools[pool].endpoints.indices {
          let id = site.pools[pool].endpoints[endpoint].id
          if let compute = recorded[id] {
            site.pools[pool].endpoints[endpoint].models[model] = compute
            site.pools[pool].endpoints[endpoint].capacity = 1 << 20
          } else {
            site.pools[pool].endpoints[endpoint].models.removeValue(forKey: model)
          }
        }
      }
      let engine = PlacementEngine(
        topology: site, policies: policies, configuration: EngineConfiguration(seed: 1))
      let decision: Decision
      do {
        decision = try engine.explain(request)
      } catch {
        skipped += 1
        return true
      }
      total += 1
      let before = describe(
        outcome: record.string("outcome"), tier: record.string("tier"), pool: record.string("pool"),
        endpoint: record.string("endpoint"), reason: record.string("reason"))
      let after: (key: String, text: String)
      switch decision.outcome {
      case .placed(let assignment):
        after = describe(
          outcome: "placed", tier: assignment.tier.rawValue, pool: assignment.pool,
          endpoint: assignment.endpoint, reason: nil)
      case .rejected(let rejection):
        after = describe(
          outcome: "rejected", tier: nil, pool: nil, endpoint: nil,
          reason: rejection.reason.rawValue)
      }
      // Balancers spread work among equals (a weighted tier across pools), and a fresh engine
      // has none of the recorded balancer state: a decision counts as changed only when the
      // outcome or tier differs, or the recorded endpoint is no longer an eligible candidate.
      let recordedStillEligible =
        decision.assignment?.tier.rawValue == record.string("tier")
        && decision.candidates.contains {
          $0.endpoint == record.string("endpoint") && $0.exclusion == nil
        }
      if before.key != after.key, !recordedStillEligible {
        changed += 1
        transitions["\(before.key) -> \(after.key)", default: 0] += 1
        if sample.count < sampleSize {
          sample.append([
            record.object["seq"]?.summary ?? "", id.isEmpty ? "-" : id, model, before.text,
            after.text, decision.rules.joined(separator: ","),
          ])
        }
      }
      return true
    }
    progress.finish()
    var text = "replayed \(total) decisions under \(policiesPath): \(changed) would change"
    text += total > 0 ? " (\(format1(Double(changed) * 100 / Double(total)))%)\n" : "\n"
    if skipped > 0 { text += "skipped \(skipped) records that could not be replayed\n" }
    if otherTopology > 0 {
      text +=
        "warning: \(otherTopology) decisions were recorded under another topology than"
        + " \(topologyPath); pass the one they were made under with --topology\n"
    }
    if maskedWarning {
      text +=
        "warning: some records mask request fields; rules on them cannot be replayed"
        + " faithfully\n"
    }
    if !transitions.isEmpty {
      text +=
        "\n"
        + alignedTable(
          [["change", "count"]]
            + transitions.sorted { $0.value > $1.value }.map { [$0.key, String($0.value)] })
    }
    if !sample.isEmpty {
      text +=
        "\n"
        + alignedTable(
          [["seq", "request", "model", "recorded", "replayed", "rules (replayed)"]] + sample)
    }
    StandardStream.output.write(text)
    return 0
  }

  private static func describe(
    outcome: String?, tier: String?, pool: String?, endpoint: String?, reason: String?
  ) -> (key: String, text: String) {
    if outcome == "placed" {
      return ("\(tier ?? "?")/\(pool ?? "?")", "\(tier ?? "?") \(pool ?? "?")/\(endpoint ?? "?")")
    }
    return ("rejected \(reason ?? "?")", "rejected: \(reason ?? "?")")
  }
}
