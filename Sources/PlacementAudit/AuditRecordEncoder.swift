import Placement
import PlacementJSON
import PlacementSealing

/// Writes the members of each record type (everything between `type` and `prev`), field by
/// field, into the writer the record's line is built in: records are compact, their field order
/// fixed, and a record costs no buffer of its own beyond its hash.
struct AuditRecordEncoder: Sendable {
  /// The hash chain's hasher: keyed with the audit key itself (DESIGN.md section 9).
  let hasher: GenericHash
  /// Digests of field values (payloads, masked fields), under a key derived from the audit key
  /// for that purpose alone: a payload a client chose can then never be made to carry a valid
  /// chain hash for a forged record.
  let fieldHasher: GenericHash
  let masked: Set<String>

  /// The label the field-digest key is derived with.
  static let fieldDigestPurpose = "placement/v1 audit field digest"

  init(hasher: GenericHash, masked: Set<String>) {
    self.hasher = hasher
    self.fieldHasher = hasher.derived(for: Self.fieldDigestPurpose)
    self.masked = masked
  }

  private func digest(_ text: String) -> String { Hex.string(fieldHasher.hash(text)) }

  private func field(_ name: String, _ value: String) -> String {
    masked.contains(name) ? digest(value) : value
  }

  static func estimate(_ estimate: LatencyEstimate, _ writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("rtt_ms")
    writer.value(estimate.rttMs)
    writer.key("transfer_ms")
    writer.value(estimate.transferMs)
    writer.key("queue_ms")
    writer.value(estimate.queueMs)
    writer.key("compute_ms")
    writer.value(estimate.computeMs)
    writer.key("total_ms")
    writer.value(estimate.totalMs)
    writer.endObject()
  }

  /// A decision record's members up to its digests (see ``digests(topology:policies:into:)``):
  /// written before the log's lock is taken, since they need nothing from its state.
  func decision(
    _ decision: Decision, request: PlacementRequest, into writer: inout JSONWriter
  ) {
    writer.key("decision")
    writer.value(decision.id)
    writer.key("request")
    writer.beginObject()
    writer.key("id")
    writer.value(field("request.id", request.id))
    writer.key("model")
    writer.value(field("request.model", request.model))
    writer.key("budget_ms")
    writer.value(request.latencyBudgetMs)
    writer.key("payload_bytes")
    writer.value(request.payloadBytes)
    writer.key("payload_digest")
    if let payload = request.payload {
      writer.value(Hex.string(fieldHasher.hash(payload)))
    } else {
      writer.null()
    }
    writer.key("tags")
    writer.value(request.tags.sorted().map { field("request.tags", $0) })
    writer.key("priority")
    writer.value(request.priority.rawValue)
    writer.key("source")
    writer.value(field("request.source", request.source))
    writer.endObject()
    if !masked.isEmpty {
      writer.key("masked")
      writer.value(masked.sorted())
    }
    switch decision.outcome {
    case .placed(let assignment):
      writer.key("outcome")
      writer.value(literal: "placed")
      writer.key("tier")
      writer.value(literal: assignment.tier.literal)
      writer.key("pool")
      writer.value(assignment.pool)
      writer.key("endpoint")
      writer.value(assignment.endpoint)
      writer.key("estimate")
      Self.estimate(assignment.estimate, &writer)
      writer.key("balancer")
      if let balancer = assignment.balancer {
        writer.value(literal: balancer.literal)
      } else {
        writer.null()
      }
      writer.key("sealed")
      writer.value(assignment.sealed)
      writer.key("over_budget")
      writer.value(assignment.overBudget)
    case .rejected(let rejection):
      writer.key("outcome")
      writer.value(literal: "rejected")
      writer.key("reason")
      writer.value(rejection.reason.rawValue)
      writer.key("detail")
      writer.value(rejection.detail)
      writer.key("lowest_estimate_ms")
      if let lowest = rejection.lowestEstimateMs { writer.value(lowest) } else { writer.null() }
    }
    writer.key("rules")
    writer.value(decision.rules)
    writer.key("candidates")
    writer.beginArray()
    // By index: each report is read where it lies, not copied out of the array first.
    for index in decision.candidates.indices {
      Self.candidate(decision.candidates[index], into: &writer)
    }
    writer.endArray()
  }

  /// The digests of the topology and policy set in force: the members of a `reload` record, and
  /// the last of a `start` and a `decision` record (written under the log's lock, so that a
  /// reload cannot come between a decision record and its digests).
  func digests(topology: String, policies: String, into writer: inout JSONWriter) {
    writer.key("topology")
    writer.value(topology)
    writer.key("policies")
    writer.value(policies)
  }

  /// One candidate's object in a decision record.
  static func candidate(_ candidate: borrowing CandidateReport, into writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("endpoint")
    writer.value(candidate.endpoint)
    writer.key("pool")
    writer.value(candidate.pool)
    writer.key("tier")
    writer.value(literal: candidate.tier.literal)
    writer.key("estimate")
    Self.estimate(candidate.estimate, &writer)
    writer.key("score")
    writer.value(candidate.score)
    writer.key("in_flight")
    writer.value(candidate.inFlight)
    writer.key("rules")
    writer.value(candidate.rules)
    writer.key("excluded")
    switch candidate.exclusion {
    case nil: writer.null()
    case .overBudget: writer.value(literal: "over_budget")
    case .forbidden(let rules):
      writer.value(literal: "forbidden")
      writer.key("excluded_by")
      writer.value(rules)
    case .noPublicKey(let rules):
      writer.value(literal: "no_public_key")
      writer.key("excluded_by")
      writer.value(rules)
    }
    writer.endObject()
  }

  func completion(
    _ completion: Completion, lease: String, observedMs: Double, status: CompletionStatus,
    into writer: inout JSONWriter
  ) {
    writer.key("lease")
    writer.value(lease)
    writer.key("endpoint")
    writer.value(completion.endpoint)
    writer.key("model")
    writer.value(field("request.model", completion.model))
    writer.key("status")
    writer.value(status.rawValue)
    writer.key("observed_ms")
    writer.value(observedMs)
    writer.key("compute_estimate_ms")
    writer.value(completion.computeEstimateMs)
    writer.key("ejected")
    writer.value(completion.ejected)
  }

  func start(
    configuration: AuditConfiguration, segment: String, topology: String, policies: String,
    recovery: AuditRecovery, pid: Int, into writer: inout JSONWriter
  ) {
    writer.key("pid")
    writer.value(pid)
    writer.key("durability")
    writer.value(configuration.durability.rawValue)
    writer.key("on_failure")
    writer.value(configuration.failureBehavior.rawValue)
    writer.key("keyed")
    writer.value(hasher.isKeyed)
    writer.key("masked")
    writer.value(masked.sorted())
    writer.key("segment")
    writer.value(segment)
    digests(topology: topology, policies: policies, into: &writer)
    if let file = recovery.tornFile {
      writer.key("recovered")
      writer.beginObject()
      writer.key("file")
      writer.value(file)
      writer.key("line")
      writer.value(recovery.tornLine ?? 0)
      writer.key("torn_bytes")
      writer.value(recovery.tornBytes)
      writer.endObject()
    }
  }

  func stop(reason: String, counters: AuditCounters, into writer: inout JSONWriter) {
    writer.key("reason")
    writer.value(reason)
    writer.key("records_lost")
    writer.value(counters.recordsLost)
  }

  func gap(first: UInt64, last: UInt64, reason: String, into writer: inout JSONWriter) {
    writer.key("lost_first")
    writer.value(first)
    writer.key("lost_last")
    writer.value(last)
    writer.key("lost_records")
    writer.value(last - first + 1)
    writer.key("reason")
    writer.value(reason)
  }
}
