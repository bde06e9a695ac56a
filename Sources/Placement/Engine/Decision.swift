/// The answer to one request: where it runs, or why it does not (DESIGN.md section 6).
public struct Decision: Sendable, Hashable {
  /// Unique per placed or rejected request; `""` for an explanation, which decides nothing.
  public var id: String
  /// The request's own id, as given.
  public var requestID: String
  /// Placed (where) or rejected (why).
  public var outcome: Outcome
  /// Sorted by name: the `forbid` rules (and `encrypt` rules on keyless pools) that excluded at
  /// least one candidate, and the `encrypt` and `prefer` rules that held for the chosen endpoint.
  public var rules: [String]
  /// Every candidate with its estimate, score, rules and exclusion; filled by
  /// ``PlacementEngine/explain(_:)``, and by `place` when
  /// ``EngineConfiguration/reportsCandidates`` is set.
  public var candidates: [CandidateReport]
  /// The sequence number of the decision's audit record, when a recorder took it.
  public var auditSequence: UInt64?

  /// Placed or rejected.
  public enum Outcome: Sendable, Hashable {
    /// The request runs on the assignment's endpoint.
    case placed(Assignment)
    /// The request runs nowhere.
    case rejected(Rejection)
  }

  /// The assignment, when placed.
  public var assignment: Assignment? {
    if case .placed(let assignment) = outcome { return assignment }
    return nil
  }

  /// The rejection, when rejected.
  public var rejection: Rejection? {
    if case .rejected(let rejection) = outcome { return rejection }
    return nil
  }
}

/// Where a placed request runs.
public struct Assignment: Sendable, Hashable {
  /// The chosen endpoint's tier.
  public var tier: Tier
  /// The chosen endpoint's pool id.
  public var pool: String
  /// The chosen endpoint's id.
  public var endpoint: String
  /// The estimate that chose it (unrounded).
  public var estimate: LatencyEstimate
  /// The lease to pass to `complete`; nil for an explanation.
  public var lease: String?
  /// The balancer that picked the endpoint; nil when a critical request was placed over budget
  /// on the lowest estimate.
  public var balancer: BalancerKind?
  /// Whether an `encrypt` rule held: the payload may leave only sealed to the pool's key.
  public var sealed: Bool
  /// The sealed payload, when `sealed` and the request carried a payload.
  public var envelope: [UInt8]?
  /// True when a critical request was placed although no endpoint met its budget.
  public var overBudget: Bool
}

/// Why a request was not placed.
public struct Rejection: Sendable, Hashable {
  /// The first reason that applies.
  public var reason: RejectionReason
  /// The reason in words, for people.
  public var detail: String
  /// For `over_budget`: the lowest estimate among eligible endpoints.
  public var lowestEstimateMs: Double?
}

/// Why a request was rejected, in the order they are tested (DESIGN.md section 6, step 8).
public enum RejectionReason: String, Sendable, Hashable, CaseIterable {
  /// No healthy endpoint serves the model.
  case noCandidate = "no_candidate"
  /// Every candidate was excluded by a `forbid` rule, or by an `encrypt` rule its pool has no
  /// key for.
  case forbidden
  /// A sheddable request met a pick set that is entirely at or over capacity.
  case shed
  /// No eligible endpoint meets the budget.
  case overBudget = "over_budget"
}

/// One candidate endpoint as an explanation shows it.
public struct CandidateReport: Sendable, Hashable {
  /// The endpoint's id.
  public var endpoint: String
  /// Its pool's id.
  public var pool: String
  /// Its tier.
  public var tier: Tier
  /// Its estimate for the request.
  public var estimate: LatencyEstimate
  /// The sum of the weights of the `prefer` rules that held for it.
  public var score: Double
  /// Leases held on it when the request was explained.
  public var inFlight: Int
  /// The rules whose condition held for it, sorted by name.
  public var rules: [String]
  /// Why it could not be chosen; nil when it was eligible and met the budget.
  public var exclusion: Exclusion?
}

/// Why a candidate could not be chosen.
public enum Exclusion: Sendable, Hashable {
  /// `forbid` rules held for it.
  case forbidden(rules: [String])
  /// `encrypt` rules held for it but its pool has no public key to seal to.
  case noPublicKey(rules: [String])
  /// Its estimate exceeds the request's budget.
  case overBudget
}

/// How an inference ended, as reported to ``PlacementEngine/complete(lease:observedMs:status:)``.
public enum CompletionStatus: String, Sendable, Hashable, CaseIterable {
  /// It ran; the observed time updates the endpoint's compute estimate.
  case ok
  /// It failed; counts toward outlier detection.
  case error
  /// It took too long; counts toward outlier detection.
  case timeout
}

/// What a completion changed.
public struct Completion: Sendable, Hashable {
  /// The sequence number of the completion's audit record, when a recorder took it.
  public var auditSequence: UInt64?
  /// The endpoint the lease was on.
  public var endpoint: String
  /// The endpoint's pool.
  public var pool: String
  /// The model that ran.
  public var model: String
  /// The endpoint's compute estimate for the model after the update.
  public var computeEstimateMs: Double
  /// True when this completion ejected the endpoint (outlier detection).
  public var ejected: Bool
  /// The observed time less the lease's network terms (round trip and transfer), in
  /// milliseconds, never negative: what an `ok` completion teaches the compute estimate.
  public var computeMs: Double
}
