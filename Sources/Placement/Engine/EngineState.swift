/// Everything the engine knows and remembers, and the decision procedure of DESIGN.md section 6.
/// Guarded by ``PlacementEngine``'s lock; nothing here is thread-safe by itself.
struct EngineState {
  /// One endpoint of the topology with its live state.
  struct EndpointRuntime {
    /// The endpoint and its pool: one reference, so copying a runtime is cheap.
    let facts: EndpointFacts
    var pool: Pool { facts.pool }
    var endpoint: Endpoint { facts.endpoint }
    var inFlight = 0
    /// Marked down by a `health` report.
    var markedDown = false
    /// Ejected by outlier detection until this time.
    var ejectedUntil: Duration?
    var consecutiveFailures = 0
    var ejections = 0
    var errors = 0

    func isHealthy(at now: Duration) -> Bool {
      !markedDown && (ejectedUntil.map { $0 <= now } ?? true)
    }
  }

  /// The endpoints serving one model, in topology order, with their compute-estimate slots.
  struct ModelRoute {
    var members: [(endpoint: Int, slot: Int)]
  }

  /// A rule that can hold on one endpoint, with its verdict there when that needs no
  /// evaluation.
  struct RuleCheck {
    var rule: Int
    var known: RuleVerdict?
    /// The scratch slot that holds the rule's verdict on the endpoint once any candidate has
    /// evaluated it for the request (see ``CompiledPolicy/requestMemoSlot(rule:endpoint:)``).
    var memoSlot: Int?
  }

  /// The rules that can hold on one endpoint, by effect, as ranges of `ruleChecks`. A rule
  /// known not to hold there is left out, so most candidates evaluate few rules or none.
  struct EndpointRules {
    var forbid: Range<Int>
    var encrypt: Range<Int>
    var prefer: Range<Int>
    /// Whether the endpoint's pool has a public key to seal to.
    var hasPublicKey: Bool
  }

  /// One candidate of the request being decided.
  struct Candidate {
    var endpoint: Int
    var slot: Int
    /// Leases held on the endpoint when the request was decided.
    var inFlight: Int
    var estimate: LatencyEstimate
    var score = 0.0
    var forbidden = false
    var needsKey = false
    var sealed = false
    var feasible = false
    var excluded: Bool { forbidden || needsKey }
  }

  let configuration: EngineConfiguration
  private(set) var topology: Topology
  private(set) var policy: CompiledPolicy
  private(set) var endpoints: [EndpointRuntime] = []
  private var endpointIndex: [String: Int] = [:]
  private var routes: [String: ModelRoute] = [:]
  /// The last model routed and its route: a device sends the same model every time, and
  /// comparing the name (often the very string of the line before) costs less than hashing it.
  private var lastRoute: (model: String, route: ModelRoute)?
  private(set) var computeEstimates: [Double] = []
  private var slotModels: [(endpoint: Int, model: String)] = []
  var slotModelsSnapshot: [(endpoint: Int, model: String)] { slotModels }
  private var balancers: BalancerState
  private(set) var leases = LeaseTable()
  private var random: SeededGenerator
  private var idPrefix: UInt64
  private var nextSequence: UInt64 = 1
  private(set) var leasesExpired = 0

  /// Each rule's name, effect and weight, by rule index: flat copies, so the decision path
  /// never copies a whole rule (its condition tree and strings) to read one field.
  private let ruleNames: [String]
  private let ruleEffects: [PolicyEffect]
  private let ruleWeights: [Double]
  /// By endpoint (topology order).
  private let endpointRules: [EndpointRules]
  private let ruleChecks: [RuleCheck]
  // Buffers reused by every decision, so the decision path does not allocate for them.
  private var scratch = PolicyScratch()
  private var candidates: [Candidate] = []
  private var choices: [BalancerState.Choice] = []
  private var choiceCandidates: [Int] = []
  private var ruleFired: [Bool]
  /// Which rules held for each candidate: `ruleWords` words of bits per candidate, in candidate
  /// order. Filled once by `gatherCandidates`, so no rule is evaluated twice per decision.
  private var heldBits: [UInt64] = []
  /// The rules the last decision fired, by index and by name (see `firedRules`), and a buffer
  /// for the next one's.
  private var lastFired: [Int] = []
  private var lastFiredNames: [String] = []
  private var firedScratch: [Int] = []
  private let ruleWords: Int
  /// Per endpoint, the rule names its last report listed and the held bits they came from: an
  /// endpoint's rules rarely change between decisions, so an audited decision's reports reuse
  /// the arrays instead of building three per candidate.
  private var lastReportRules: [ReportRules?] = []

  /// The rule names of one candidate's report, by what they say.
  private struct ReportRules {
    var bits: [UInt64]
    var held: [String]
    var forbidding: [String]
    var sealing: [String]
  }

  init(topology: Topology, policy: PolicySet, configuration: EngineConfiguration) {
    self.configuration = configuration
    self.topology = topology
    self.policy = CompiledPolicy(policy: policy, topology: topology)
    random = configuration.seed.map(SeededGenerator.init(seed:)) ?? SeededGenerator()
    // Ids must stay unique across runs even when a seed fixes the balancers' draws: they name
    // audit records and bind sealed envelopes.
    var system = SystemRandomNumberGenerator()
    idPrefix = system.next()
    let rules = policy.rules
    ruleFired = Array(repeating: false, count: rules.count)
    ruleNames = rules.map(\.name)
    ruleEffects = rules.map(\.effect)
    ruleWeights = rules.map(\.weight)
    ruleWords = (rules.count + 63) / 64
    for pool in topology.pools {
      for endpoint in pool.endpoints {
        let index = endpoints.count
        endpointIndex[endpoint.id] = index
        endpoints.append(EndpointRuntime(facts: EndpointFacts(pool: pool, endpoint: endpoint)))
        for (model, time) in endpoint.models.sorted(by: { $0.key < $1.key }) {
          routes[model, default: ModelRoute(members: [])].members.append(
            (index, computeEstimates.count))
          computeEstimates.append(time)
          slotModels.append((index, model))
        }
      }
    }
    balancers = BalancerState(endpointCount: endpoints.count)
    var checks: [RuleCheck] = []
    var perEndpoint: [EndpointRules] = []
    for (endpoint, runtime) in endpoints.enumerated() {
      var ranges: [Range<Int>] = []
      for effect in [PolicyEffect.forbid, .encrypt, .prefer] {
        let start = checks.count
        for rule in rules.indices where rules[rule].effect == effect {
          let known = self.policy.knownVerdict(rule: rule, endpoint: endpoint)
          if known != .doesNotHold {
            checks.append(
              RuleCheck(
                rule: rule, known: known,
                memoSlot: self.policy.requestMemoSlot(rule: rule, endpoint: endpoint)))
          }
        }
        ranges.append(start..<checks.count)
      }
      perEndpoint.append(
        EndpointRules(
          forbid: ranges[0], encrypt: ranges[1], prefer: ranges[2],
          hasPublicKey: runtime.pool.publicKey != nil))
    }
    endpointRules = perEndpoint
    ruleChecks = checks
  }

  // MARK: deciding

  /// Decides `request` at `now`. With `commit` (a `place`), the balancer moves and a lease is
  /// taken; without it (an `explain`), nothing changes and every candidate is reported.
  mutating func decide(_ request: PlacementRequest, now: Duration, commit: Bool) -> Decision {
    var unused: [UInt8]?
    return decide(request, now: now, commit: commit, sealingKey: &unused)
  }

  /// Decides as ``decide(_:now:commit:)`` does, and sets `sealingKey` to the chosen pool's
  /// public key when the payload must be sealed to it.
  mutating func decide(
    _ request: PlacementRequest, now: Duration, commit: Bool, sealingKey: inout [UInt8]?
  ) -> Decision {
    expireLeases(at: now)
    let id = commit ? nextDecisionID() : ""
    var decision = Decision(
      id: id, requestID: request.id,
      outcome: .rejected(Rejection(reason: .noCandidate, detail: "")),
      rules: [], candidates: [])
    scratch.reset()
    for index in ruleFired.indices { ruleFired[index] = false }
    let reporting = !commit || configuration.reportsCandidates
    gatherCandidates(for: request, at: now, explaining: reporting)
    if reporting {
      decision.candidates.reserveCapacity(candidates.count)
      for position in candidates.indices { decision.candidates.append(report(position)) }
    }

    guard !candidates.isEmpty else {
      let served = routes[request.model] != nil
      decision.outcome = .rejected(
        Rejection(
          reason: .noCandidate,
          detail: served
            ? "no healthy endpoint serves model '\(request.model)'"
            : "no endpoint serves model '\(request.model)'"))
      return decision
    }

    var chosen: Int?
    var balancer: BalancerKind?
    if let best = bestFeasible() {
      let tier = endpoints[candidates[best].endpoint].pool.tier
      let score = candidates[best].score
      choices.removeAll(keepingCapacity: true)
      choiceCandidates.removeAll(keepingCapacity: true)
      for (position, candidate) in candidates.enumerated()
      where candidate.feasible && candidate.score == score
        && endpoints[candidate.endpoint].pool.tier == tier
      {
        let runtime = endpoints[candidate.endpoint]
        choices.append(
          .init(
            endpoint: candidate.endpoint, weight: runtime.endpoint.weight,
            inFlight: runtime.inFlight, estimateMs: candidate.estimate.totalMs))
        choiceCandidates.append(position)
      }
      if request.priority == .sheddable,
        choices.allSatisfy({ $0.inFlight >= endpoints[$0.endpoint].endpoint.capacity })
      {
        decision.rules = firedRules(chosen: nil)
        decision.outcome = .rejected(
          Rejection(
            reason: .shed,
            detail: "every \(tier.rawValue) endpoint that meets the budget is at capacity"))
        return decision
      }
      let kind = topology.balancer(for: tier)
      let position = choices.withUnsafeBufferPointer {
        balancers.pick(kind, tier: tier, among: $0, random: &random, commit: commit)
      }
      chosen = choiceCandidates[position]
      balancer = kind
    } else if let lowest = lowestEligible() {
      if request.priority == .critical {
        chosen = lowest
      } else {
        let estimate = candidates[lowest].estimate.totalMs
        decision.rules = firedRules(chosen: nil)
        decision.outcome = .rejected(
          Rejection(
            reason: .overBudget,
            detail:
              "no eligible endpoint meets the \(request.latencyBudgetMs) ms budget; the lowest estimate is \(estimate) ms on \(endpoints[candidates[lowest].endpoint].endpoint.id)",
            lowestEstimateMs: estimate))
        return decision
      }
    }

    guard let chosen else {
      decision.rules = firedRules(chosen: nil)
      decision.outcome = .rejected(
        Rejection(
          reason: .forbidden,
          detail: "every endpoint serving '\(request.model)' is excluded by the policy"))
      return decision
    }

    let candidate = candidates[chosen]
    let runtime = endpoints[candidate.endpoint]
    decision.rules = firedRules(chosen: chosen)
    if candidate.sealed { sealingKey = runtime.pool.publicKey }
    var lease: String?
    if commit {
      let sequence = nextSequence &- 1
      leases.insert(
        LeaseTable.Lease(
          endpoint: candidate.endpoint, estimateSlot: candidate.slot, model: request.model,
          networkMs: candidate.estimate.rttMs + candidate.estimate.transferMs,
          expiresAt: now + configuration.leaseTimeout),
        sequence: sequence)
      endpoints[candidate.endpoint].inFlight += 1
      lease = id
    }
    decision.outcome = .placed(
      Assignment(
        tier: runtime.pool.tier, pool: runtime.pool.id, endpoint: runtime.endpoint.id,
        estimate: candidate.estimate, lease: lease, balancer: balancer, sealed: candidate.sealed,
        envelope: nil, overBudget: balancer == nil))
    return decision
  }

  /// Fills `candidates`: the healthy endpoints serving the model, estimated and judged by the
  /// policy. `explaining` scores excluded candidates too, for their reports.
  private mutating func gatherCandidates(
    for request: PlacementRequest, at now: Duration, explaining: Bool
  ) {
    candidates.removeAll(keepingCapacity: true)
    heldBits.removeAll(keepingCapacity: true)
    guard let route = route(for: request.model) else { return }
    for member in route.members where endpoints[member.endpoint].isHealthy(at: now) {
      let endpoint = member.endpoint
      let inFlight = endpoints[endpoint].inFlight
      let estimate = estimate(
        request, on: endpoints[endpoint].facts, inFlight: inFlight,
        computeMs: computeEstimates[member.slot])
      let facts = TargetFacts(
        index: endpoint, statics: endpoints[endpoint].facts, inFlight: inFlight,
        estimate: estimate)
      var candidate = Candidate(
        endpoint: endpoint, slot: member.slot, inFlight: inFlight, estimate: estimate)
      let bits = heldBits.count
      for _ in 0..<ruleWords { heldBits.append(0) }
      let rules = endpointRules[endpoint]
      for position in rules.forbid {
        let check = ruleChecks[position]
        guard holds(check, request, facts, failClosed: true) else { continue }
        candidate.forbidden = true
        ruleFired[check.rule] = true
        heldBits[bits + check.rule >> 6] |= 1 << UInt64(check.rule & 63)
      }
      for position in rules.encrypt {
        let check = ruleChecks[position]
        guard holds(check, request, facts, failClosed: true) else { continue }
        heldBits[bits + check.rule >> 6] |= 1 << UInt64(check.rule & 63)
        if rules.hasPublicKey {
          candidate.sealed = true
        } else {
          candidate.needsKey = true
          ruleFired[check.rule] = true
        }
      }
      if !candidate.excluded || explaining {
        for position in rules.prefer {
          let check = ruleChecks[position]
          guard holds(check, request, facts, failClosed: false) else { continue }
          heldBits[bits + check.rule >> 6] |= 1 << UInt64(check.rule & 63)
          candidate.score += ruleWeights[check.rule]
        }
      }
      candidate.feasible = !candidate.excluded && estimate.totalMs <= request.latencyBudgetMs
      candidates.append(candidate)
    }
  }

  /// The endpoints serving `model`; nil when none does.
  private mutating func route(for model: String) -> ModelRoute? {
    if let lastRoute, lastRoute.model == model { return lastRoute.route }
    guard let route = routes[model] else { return nil }
    lastRoute = (model, route)
    return route
  }

  /// DESIGN.md section 4.
  private func estimate(
    _ request: PlacementRequest, on facts: EndpointFacts, inFlight: Int, computeMs: Double
  ) -> LatencyEstimate {
    let capacity = facts.endpoint.capacity
    let queue =
      inFlight < capacity ? 0 : Double(inFlight - capacity + 1) * computeMs / Double(capacity)
    return LatencyEstimate(
      rttMs: facts.pool.rttMs,
      transferMs: Double(request.payloadBytes) * 8 / (facts.pool.bandwidthMbps * 1000),
      queueMs: queue, computeMs: computeMs)
  }

  /// Whether `check`'s rule holds for `request` on `facts`; a failed condition counts as
  /// holding when `failClosed` (`forbid` and `encrypt`, DESIGN.md section 5).
  private mutating func holds(
    _ check: RuleCheck, _ request: PlacementRequest, _ facts: TargetFacts, failClosed: Bool
  ) -> Bool {
    let verdict =
      check.known ?? check.memoSlot.flatMap { scratch.verdict(slot: $0) }
      ?? policy.evaluate(rule: check.rule, request: request, target: facts, scratch: &scratch)
    switch verdict {
    case .holds: return true
    case .doesNotHold: return false
    case .failed: return failClosed
    }
  }

  /// The best feasible candidate: highest score, then lowest estimate, then edge, then
  /// topology order.
  private func bestFeasible() -> Int? {
    var best: Int?
    for (position, candidate) in candidates.enumerated() where candidate.feasible {
      guard let current = best else {
        best = position
        continue
      }
      let incumbent = candidates[current]
      if candidate.score != incumbent.score {
        if candidate.score > incumbent.score { best = position }
      } else if candidate.estimate.totalMs != incumbent.estimate.totalMs {
        if candidate.estimate.totalMs < incumbent.estimate.totalMs { best = position }
      } else if endpoints[candidate.endpoint].pool.tier < endpoints[incumbent.endpoint].pool.tier {
        best = position
      }
    }
    return best
  }

  /// The eligible candidate with the lowest estimate: ties to edge, then topology order.
  private func lowestEligible() -> Int? {
    var best: Int?
    for (position, candidate) in candidates.enumerated() where !candidate.excluded {
      guard let current = best else {
        best = position
        continue
      }
      let incumbent = candidates[current]
      if candidate.estimate.totalMs != incumbent.estimate.totalMs {
        if candidate.estimate.totalMs < incumbent.estimate.totalMs { best = position }
      } else if endpoints[candidate.endpoint].pool.tier < endpoints[incumbent.endpoint].pool.tier {
        best = position
      }
    }
    return best
  }

  /// The decision's `rules` (DESIGN.md section 6, step 9), sorted by name because the policy's
  /// rules are: those that excluded a candidate, and the `encrypt` and `prefer` rules that held
  /// for the chosen one.
  ///
  /// Consecutive decisions mostly fire the same rules: the list of the last one is handed out
  /// again when it is the same, rather than built anew.
  private mutating func firedRules(chosen: Int?) -> [String] {
    firedScratch.removeAll(keepingCapacity: true)
    for rule in ruleNames.indices {
      let heldForChosen =
        chosen.map { ruleHeld(rule, forCandidate: $0) && ruleEffects[rule] != .forbid } ?? false
      if ruleFired[rule] || heldForChosen { firedScratch.append(rule) }
    }
    if firedScratch != lastFired {
      swap(&firedScratch, &lastFired)
      lastFiredNames = lastFired.map { ruleNames[$0] }
    }
    return lastFiredNames
  }

  /// Whether `rule` held for the candidate at `position`, as `gatherCandidates` found.
  private func ruleHeld(_ rule: Int, forCandidate position: Int) -> Bool {
    heldBits[position * ruleWords + rule >> 6] & (1 << UInt64(rule & 63)) != 0
  }

  /// An explanation's view of one candidate: every rule that held for it, and why it was
  /// excluded.
  private mutating func report(_ position: Int) -> CandidateReport {
    let candidate = candidates[position]
    let runtime = endpoints[candidate.endpoint]
    let rules = reportRules(position)
    let exclusion: Exclusion? =
      if candidate.forbidden {
        .forbidden(rules: rules.forbidding)
      } else if candidate.needsKey {
        .noPublicKey(rules: rules.sealing)
      } else if !candidate.feasible {
        .overBudget
      } else {
        nil
      }
    return CandidateReport(
      endpoint: runtime.endpoint.id, pool: runtime.pool.id, tier: runtime.pool.tier,
      estimate: candidate.estimate, score: candidate.score, inFlight: candidate.inFlight,
      rules: rules.held, exclusion: exclusion)
  }

  /// The names of the rules that held for the candidate at `position`: all of them, the
  /// `forbid` ones and the `encrypt` ones; the endpoint's last ones when the same rules held.
  private mutating func reportRules(_ position: Int) -> ReportRules {
    let endpoint = candidates[position].endpoint
    let bits = heldBits[(position * ruleWords)..<((position + 1) * ruleWords)]
    if lastReportRules.isEmpty {
      lastReportRules = Array(repeating: nil, count: endpoints.count)
    }
    if let last = lastReportRules[endpoint], last.bits.elementsEqual(bits) { return last }
    var rules = ReportRules(bits: Array(bits), held: [], forbidding: [], sealing: [])
    for rule in ruleNames.indices where ruleHeld(rule, forCandidate: position) {
      rules.held.append(ruleNames[rule])
      if ruleEffects[rule] == .forbid { rules.forbidding.append(ruleNames[rule]) }
      if ruleEffects[rule] == .encrypt { rules.sealing.append(ruleNames[rule]) }
    }
    lastReportRules[endpoint] = rules
    return rules
  }

  // MARK: ids

  /// 32 hex digits: this engine's random prefix, then the decision's sequence number. Unique
  /// across restarts (the prefix) and cheap to map back to a lease (the sequence).
  private mutating func nextDecisionID() -> String {
    let sequence = nextSequence
    nextSequence &+= 1
    return String(unsafeUninitializedCapacity: 32) { buffer in
      HexDigits.write(idPrefix, sequence, to: buffer.baseAddress!)
      return 32
    }
  }

  /// The sequence number in a lease id this engine issued, or nil.
  private func sequence(ofLease lease: String) -> UInt64? {
    guard lease.utf8.count == 32 else { return nil }
    let parsed =
      lease.utf8.withContiguousStorageIfAvailable { HexDigits.read(from: $0.baseAddress!) }
      ?? Array(lease.utf8).withUnsafeBytes { HexDigits.read(from: $0.baseAddress!) }
    guard let (prefix, sequence) = parsed, prefix == idPrefix else { return nil }
    return sequence
  }

  // MARK: leases and feedback

  mutating func expireLeases(at now: Duration) {
    var expired: [Int] = []
    leases.expire(at: now) { expired.append($0.endpoint) }
    for endpoint in expired {
      endpoints[endpoint].inFlight = max(0, endpoints[endpoint].inFlight - 1)
    }
    leasesExpired += expired.count
  }

  /// Releases `lease` (DESIGN.md sections 4 and 6, step 10).
  mutating func complete(
    lease: String, observedMs: Double, status: CompletionStatus, now: Duration, learn: Bool
  ) throws(PlacementError) -> Completion {
    expireLeases(at: now)
    guard let sequence = sequence(ofLease: lease), let held = leases.remove(sequence) else {
      throw .unknownLease(lease)
    }
    endpoints[held.endpoint].inFlight = max(0, endpoints[held.endpoint].inFlight - 1)
    let observedCompute = max(0, observedMs - held.networkMs)
    var ejected = false
    switch status {
    case _ where !learn:
      // An undone placement: it never ran, so there is nothing to learn or count.
      break
    case .ok:
      let alpha = configuration.estimateSmoothing
      let previous = computeEstimates[held.estimateSlot]
      computeEstimates[held.estimateSlot] = previous + alpha * (observedCompute - previous)
      endpoints[held.endpoint].consecutiveFailures = 0
    case .error, .timeout:
      endpoints[held.endpoint].errors += 1
      endpoints[held.endpoint].consecutiveFailures += 1
      ejected = ejectIfFailing(held.endpoint, now: now)
    }
    return Completion(
      endpoint: endpoints[held.endpoint].endpoint.id, pool: endpoints[held.endpoint].pool.id,
      model: held.model, computeEstimateMs: computeEstimates[held.estimateSlot], ejected: ejected,
      computeMs: observedCompute)
  }

  /// Ejects `endpoint` when it has failed often enough in a row and its tier can spare it.
  private mutating func ejectIfFailing(_ endpoint: Int, now: Duration) -> Bool {
    let settings = configuration.outlierDetection
    guard settings.consecutiveErrors > 0,
      endpoints[endpoint].consecutiveFailures >= settings.consecutiveErrors,
      endpoints[endpoint].ejectedUntil.map({ $0 <= now }) ?? true
    else { return false }
    let tier = endpoints[endpoint].pool.tier
    let tierEndpoints = endpoints.filter { $0.pool.tier == tier }
    let ejectedNow = tierEndpoints.filter { ($0.ejectedUntil ?? .zero) > now }.count
    guard Double(ejectedNow + 1) <= settings.maximumEjectedShare * Double(tierEndpoints.count)
    else { return false }
    let doublings = min(endpoints[endpoint].ejections, 30)
    let length = min(settings.baseEjection * (1 << doublings), settings.maximumEjection)
    endpoints[endpoint].ejections += 1
    endpoints[endpoint].consecutiveFailures = 0
    endpoints[endpoint].ejectedUntil = now + length
    return true
  }

  /// Marks an endpoint up or down (a `health` report). Marking it up also ends an ejection.
  mutating func setHealth(of id: String, up: Bool) throws(PlacementError) {
    guard let index = endpointIndex[id] else { throw .unknownEndpoint(id) }
    endpoints[index].markedDown = !up
    if up {
      endpoints[index].ejectedUntil = nil
      endpoints[index].consecutiveFailures = 0
    }
  }

  // MARK: reload

  /// The state for a new topology and policy, keeping what still applies: leases and health
  /// of endpoints that still exist, learnt compute estimates whose topology value did not
  /// change, balancer memory, the id sequence and the random stream.
  func reconfigured(topology: Topology, policy: PolicySet) -> EngineState {
    var next = EngineState(topology: topology, policy: policy, configuration: configuration)
    next.random = random
    next.nextSequence = nextSequence
    next.leasesExpired = leasesExpired
    next.idPrefix = idPrefix
    // Old topology index -> new one, and (new index, model) -> slot, as plain values so that
    // no closure below reads `next` while a part of it is being changed.
    let newIndexOf: [Int?] = endpoints.map { next.endpointIndex[$0.endpoint.id] }
    let lookup = next
    for (old, runtime) in endpoints.enumerated() {
      guard let new = newIndexOf[old] else { continue }
      next.endpoints[new].markedDown = runtime.markedDown
      next.endpoints[new].ejectedUntil = runtime.ejectedUntil
      next.endpoints[new].consecutiveFailures = runtime.consecutiveFailures
      next.endpoints[new].ejections = runtime.ejections
      next.endpoints[new].errors = runtime.errors
    }
    for (slot, owner) in slotModels.enumerated() {
      guard let new = newIndexOf[owner.endpoint], let newSlot = lookup.slot(new, owner.model),
        lookup.endpoints[new].endpoint.models[owner.model]
          == endpoints[owner.endpoint].endpoint.models[owner.model]
      else { continue }
      next.computeEstimates[newSlot] = computeEstimates[slot]
    }
    next.leases = leases
    next.leases.remap { lease in
      guard let new = newIndexOf[lease.endpoint], let slot = lookup.slot(new, lease.model) else {
        return nil
      }
      var moved = lease
      moved.endpoint = new
      moved.estimateSlot = slot
      return moved
    }
    for lease in next.leases.active.values { next.endpoints[lease.endpoint].inFlight += 1 }
    next.balancers = balancers
    next.balancers.remap(endpointCount: next.endpoints.count) { newIndexOf[$0] }
    return next
  }

  private func slot(_ endpoint: Int, _ model: String) -> Int? {
    routes[model]?.members.first { $0.endpoint == endpoint }?.slot
  }
}
