import Synchronization

/// Decides where each inference request runs: on an edge device on the site or in a cloud GPU
/// pool (DESIGN.md sections 4 to 6).
///
/// One engine serves a whole gateway process: it is `Sendable` and safe to call from many
/// threads at once. Each decision takes a short lock; sealing a payload happens outside it.
///
/// ```swift
/// let engine = PlacementEngine(
///   topology: try Topology.load(contentsOfFile: "topology.json"),
///   policies: try PolicySet.load(directory: "policies"),
///   sealer: HPKEPayloadSealer())
/// let decision = try engine.place(
///   PlacementRequest(model: "detector-s", latencyBudgetMs: 80, payload: frame, tags: ["pii"]))
/// if let assignment = decision.assignment {
///   send(assignment.envelope ?? frame, to: assignment.endpoint)
///   try engine.complete(lease: assignment.lease!, observedMs: elapsed)
/// }
/// ```
public final class PlacementEngine: Sendable {
  private let state: Mutex<EngineState>
  private let clock: any PlacementClock
  private let sealer: (any PayloadSealer)?
  private let recorder: (any DecisionRecorder)?
  private let observer: (any PlacementObserver)?

  /// Creates an engine for `topology` under `policies`.
  ///
  /// - Parameters:
  ///   - sealer: seals payloads that an `encrypt` rule sends off site; without one, such a
  ///     request carrying a payload fails with ``PlacementError/sealingFailed(_:)``.
  ///   - recorder: receives every decision and completion (the audit log); nil records nothing.
  ///   - clock: the only time source (lease expiry, ejections); the system's monotonic clock
  ///     unless a simulation supplies its own.
  ///   - observer: told of every placement and every `ok` completion, under the lock (the
  ///     autoscaling forecaster); nil tells nobody.
  public init(
    topology: Topology, policies: PolicySet, configuration: EngineConfiguration = .init(),
    sealer: (any PayloadSealer)? = nil, recorder: (any DecisionRecorder)? = nil,
    clock: any PlacementClock = MonotonicClock(), observer: (any PlacementObserver)? = nil
  ) {
    state = Mutex(EngineState(topology: topology, policy: policies, configuration: configuration))
    self.clock = clock
    self.sealer = sealer
    self.recorder = recorder
    self.observer = observer
  }

  /// The engine's clock now: the time base of its leases, and of what its observer is told.
  public func now() -> Duration { clock.now() }

  /// Places `request`: picks an endpoint, takes a lease on it and seals the payload when a rule
  /// says so; or rejects it with a reason.
  ///
  /// - Throws: ``PlacementError/invalidRequest(_:)`` for a request that breaks the wire
  ///   protocol's rules; ``PlacementError/auditUnavailable(_:)`` when the recorder refused the
  ///   decision; ``PlacementError/sealingFailed(_:)`` when a payload had to be sealed and could
  ///   not be. In both of the last cases the lease is released again.
  public func place(_ request: PlacementRequest) throws(PlacementError) -> Decision {
    try Self.validate(request)
    // One lock hold decides, records and reads the key to seal to, all under one topology; the
    // clock is read inside it so that leases are taken in time order.
    var (decision, key) = try state.withLock {
      (state) throws(PlacementError) -> (Decision, [UInt8]?) in
      let now = clock.now()
      var key: [UInt8]?
      var decision = state.decide(request, now: now, commit: true, sealingKey: &key)
      if let recorder {
        do {
          decision.auditSequence = try recorder.record(decision, for: request)
        } catch {
          if let lease = decision.assignment?.lease {
            _ = try? state.complete(
              lease: lease, observedMs: 0, status: .error, now: now, learn: false)
          }
          throw .auditUnavailable("\(error)")
        }
      }
      if let observer, let assignment = decision.assignment {
        observer.placed(onPool: assignment.pool, at: now)
      }
      return (decision, key)
    }
    // The payload first: most requests carry none, and then the assignment is not copied out.
    guard let payload = request.payload, case .placed(var assignment) = decision.outcome,
      assignment.sealed
    else { return decision }
    do {
      guard let sealer else { throw PlacementError.sealingFailed("no sealer is configured") }
      guard let key else {
        throw PlacementError.sealingFailed("pool '\(assignment.pool)' has no public key")
      }
      assignment.envelope = try sealer.seal(
        payload, toPublicKey: key, poolID: assignment.pool, decisionID: decision.id)
    } catch {
      // Release the lease, and tell the log the placed request never ran. (The balancer's
      // memory has moved on; that is harmless.)
      state.withLock { state in
        let now = clock.now()
        guard
          let released = try? state.complete(
            lease: decision.id, observedMs: 0, status: .error, now: now, learn: false)
        else { return }
        _ = try? recorder?.record(released, lease: decision.id, observedMs: 0, status: .error)
      }
      if let error = error as? PlacementError { throw error }
      throw .sealingFailed("\(error)")
    }
    decision.outcome = .placed(assignment)
    return decision
  }

  /// Decides `request` as ``place(_:)`` would, but takes no lease, moves no balancer, draws
  /// nothing and seals nothing; the decision lists every candidate with its estimate terms,
  /// score, the rules that held for it and why it was excluded.
  ///
  /// The random balancers show the endpoint they favour (`p2c`: fewest in flight per unit of
  /// weight; `random`: the largest weight).
  public func explain(_ request: PlacementRequest) throws(PlacementError) -> Decision {
    try Self.validate(request)
    return state.withLock { $0.decide(request, now: clock.now(), commit: false) }
  }

  /// Releases `lease`, reporting how the inference went. `ok` moves the endpoint's compute
  /// estimate toward `observedMs - rtt - transfer`; `error` and `timeout` count toward outlier
  /// detection.
  ///
  /// - Throws: ``PlacementError/unknownLease(_:)`` when the lease is not held (never issued,
  ///   completed already, or expired); ``PlacementError/invalidRequest(_:)`` for a negative or
  ///   non-finite `observedMs`; ``PlacementError/auditUnavailable(_:)`` when the recorder refused
  ///   the completion (the lease is released all the same: the inference did end).
  @discardableResult
  public func complete(
    lease: String, observedMs: Double, status: CompletionStatus = .ok
  ) throws(PlacementError) -> Completion {
    guard observedMs.isFinite, observedMs >= 0 else {
      throw .invalidRequest("observed_ms: expected a number >= 0, found \(observedMs)")
    }
    return try state.withLock { (state) throws(PlacementError) in
      let now = clock.now()
      var completion = try state.complete(
        lease: lease, observedMs: observedMs, status: status, now: now, learn: true)
      if let observer, status == .ok {
        observer.completed(onPool: completion.pool, computeMs: completion.computeMs, at: now)
      }
      guard let recorder else { return completion }
      do {
        completion.auditSequence = try recorder.record(
          completion, lease: lease, observedMs: observedMs, status: status)
      } catch {
        throw .auditUnavailable("\(error)")
      }
      return completion
    }
  }

  /// Releases `lease` as if its request never ran: no estimate is learnt and no error counted.
  /// For a placement whose answer never reached its client (a server replaced it with
  /// `audit_unavailable`); the recorder, if it can, gets a completion with status `error`.
  /// An unknown lease is ignored: it was completed or expired already.
  public func cancel(lease: String) {
    state.withLock { state in
      let now = clock.now()
      guard
        let released = try? state.complete(
          lease: lease, observedMs: 0, status: .error, now: now, learn: false)
      else { return }
      _ = try? recorder?.record(released, lease: lease, observedMs: 0, status: .error)
    }
  }

  /// Marks endpoint `id` up or down. A down endpoint is no candidate; marking it up also ends
  /// an outlier ejection.
  public func setHealth(ofEndpoint id: String, up: Bool) throws(PlacementError) {
    try state.withLock { (state) throws(PlacementError) in try state.setHealth(of: id, up: up) }
  }

  /// Swaps in a new topology and policy set atomically. Leases and health of endpoints that
  /// still exist carry over, and so do learnt compute estimates whose topology value is
  /// unchanged.
  public func reconfigure(topology: Topology, policies: PolicySet) {
    state.withLock { $0 = $0.reconfigured(topology: topology, policy: policies) }
  }

  /// Swaps in a new topology and policy set as ``reconfigure(topology:policies:)`` does, after
  /// `commit` ran under the engine's lock: an audit log records the reload there, so that every
  /// decision recorded before it was made under the old configuration and every one after it
  /// under the new. When `commit` throws, nothing is swapped and the error propagates.
  public func reconfigure<Failure: Error>(
    topology: Topology, policies: PolicySet, commit: () throws(Failure) -> Void
  ) throws(Failure) {
    try state.withLock { (state) throws(Failure) in
      try commit()
      state = state.reconfigured(topology: topology, policy: policies)
    }
  }

  /// The topology in force.
  public var topology: Topology { state.withLock { $0.topology } }

  /// The policy set in force.
  public var policies: PolicySet { state.withLock { $0.policy.policy } }

  /// A snapshot of every endpoint's live state.
  public func status() -> EngineStatus {
    state.withLock { state in
      let now = clock.now()
      state.expireLeases(at: now)
      return state.status(at: now)
    }
  }

  private static func validate(_ request: PlacementRequest) throws(PlacementError) {
    guard request.latencyBudgetMs.isFinite, request.latencyBudgetMs > 0 else {
      throw .invalidRequest(
        "latency_budget_ms: expected a number > 0, found \(request.latencyBudgetMs)")
    }
    guard request.payloadBytes >= 0 else {
      throw .invalidRequest(
        "payload_bytes: expected an integer >= 0, found \(request.payloadBytes)")
    }
    if let payload = request.payload, payload.count != request.payloadBytes {
      throw .invalidRequest(
        "payload_bytes: \(request.payloadBytes) differs from the payload's length \(payload.count)")
    }
  }
}
