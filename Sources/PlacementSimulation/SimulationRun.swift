import Placement
import PlacementScaling

/// The state of one simulated run: the clock, the engines, the endpoints, the requests in
/// flight and the pending events.
struct SimulationRun {
  /// What happens next.
  struct Event: Comparable, Sendable {
    enum Kind: UInt8, Sendable {
      /// The next request of the stream arrives at its gateway.
      case arrival
      /// A placed request reaches its endpoint (half the round trip plus the transfer later).
      case reach
      /// An endpoint finishes serving a request.
      case finish
      /// The answer is back at the gateway (half the round trip later): `complete`.
      case response
      /// The autoscaler reads the signal (every bucket).
      case tick
      /// A provisioned endpoint is ready; `flight` is its scaled pool.
      case ready
    }

    var time: Double
    /// Breaks ties in the order events were scheduled, so equal times stay deterministic.
    var sequence: UInt64
    var kind: Kind
    var flight: Int32

    static func < (lhs: Event, rhs: Event) -> Bool {
      lhs.time != rhs.time ? lhs.time < rhs.time : lhs.sequence < rhs.sequence
    }
  }

  /// A placed request on its way.
  struct Flight {
    var arrivalMs: Double
    var budgetMs: Double
    var halfRttMs: Double
    var serviceMs: Double
    var lease: String
    var gateway: Int
    var endpoint: Int
  }

  let clock = ManualClock()
  let engines: [PlacementEngine]
  let windowEnd: Double
  let durationSeconds: Double
  var stream: RequestStream
  var events = EventQueue<Event>()
  var sequence: UInt64 = 0
  var endpoints: [SimulatedEndpoint] = []
  var endpointIndex: [String: Int] = [:]
  var flights: [Flight] = []
  var freeFlights: [Int32] = []
  var latencies: [Double] = []
  var requests = 0
  var rejected: [RejectionReason: Int] = [:]
  var placedOverBudget = 0
  var withinBudget = 0
  var placedOnEdge = 0
  var leasesExpired = 0
  var now = 0.0
  /// Requests placed on each endpoint and not answered yet.
  var outstanding: [Int] = []
  // Autoscaling (see SimulatedAutoscaling).
  var topology: Topology
  let policies: PolicySet
  let scaling: ScalingStrategy
  let autoscaling: SimulatedAutoscaling
  let forecaster: ScalingForecaster?
  var scaledPools: [ScaledPool] = []
  /// Billed cloud endpoint-seconds within the window of endpoints no longer billed, and when
  /// each billed endpoint started.
  var billedSeconds = 0.0
  var billedSince: [String: Double] = [:]
  var scaleUps = 0
  var scaleDowns = 0

  init(
    topology: Topology, policies: PolicySet, workload: Workload,
    configuration: EngineConfiguration, scaling: ScalingStrategy = .none,
    autoscaling: SimulatedAutoscaling = .init()
  ) {
    self.topology = topology
    self.policies = policies
    self.scaling = scaling
    self.autoscaling = autoscaling
    forecaster =
      scaling == .none ? nil : ScalingForecaster(settings: autoscaling.settings)
    var engines: [PlacementEngine] = []
    for gateway in 0..<workload.gateways {
      var settings = configuration
      settings.seed = workload.seed &+ 0x5EED &* UInt64(gateway + 1)
      engines.append(
        PlacementEngine(
          topology: topology, policies: policies, configuration: settings, clock: clock,
          observer: forecaster))
    }
    self.engines = engines
    windowEnd = workload.durationSeconds * 1000
    durationSeconds = workload.durationSeconds
    stream = RequestStream(workload: workload, seed: workload.seed)
    addEndpoints(of: topology)
    for (index, pool) in topology.pools.enumerated() where pool.tier == .cloud {
      for endpoint in pool.endpoints { billedSince[endpoint.id] = 0 }
      if scaling != .none {
        scaledPools.append(ScaledPool(pool: index, id: pool.id, active: pool.endpoints.map(\.id)))
      }
    }
  }

  /// Adds the endpoints of `topology` the site does not have yet (endpoints may join mid-run,
  /// for example when a pool scales; an engine learns of them through `reconfigure`).
  mutating func addEndpoints(of topology: Topology) {
    for pool in topology.pools {
      for endpoint in pool.endpoints where endpointIndex[endpoint.id] == nil {
        endpointIndex[endpoint.id] = endpoints.count
        endpoints.append(SimulatedEndpoint(pool: pool, endpoint: endpoint))
        outstanding.append(0)
      }
    }
  }

  mutating func schedule(_ kind: Event.Kind, at time: Double, flight: Int32 = -1) {
    sequence &+= 1
    events.push(Event(time: time, sequence: sequence, kind: kind, flight: flight))
  }

  mutating func simulate(progress: ((Double) -> Void)?) throws(PlacementError) {
    var pending = stream.next()
    if let first = pending { schedule(.arrival, at: first.atMs) }
    let tickMs = autoscaling.settings.forecast.bucketSeconds * 1000
    if !scaledPools.isEmpty, tickMs < windowEnd { schedule(.tick, at: tickMs) }
    var arrivals = 0
    while let event = events.pop() {
      now = event.time
      switch event.kind {
      case .arrival:
        guard let arriving = pending else { continue }
        try arrive(arriving)
        arrivals += 1
        if arrivals & 0xFFF == 0, let progress { progress(min(1, now / windowEnd)) }
        pending = stream.next()
        if let next = pending { schedule(.arrival, at: next.atMs) }
      case .reach:
        let flight = Int(event.flight)
        let endpoint = flights[flight].endpoint
        if endpoints[endpoint].admit(event.flight, at: now, windowEnd: windowEnd) {
          schedule(.finish, at: now + flights[flight].serviceMs, flight: event.flight)
        }
      case .finish:
        let flight = Int(event.flight)
        let endpoint = flights[flight].endpoint
        schedule(.response, at: now + flights[flight].halfRttMs, flight: event.flight)
        if let next = endpoints[endpoint].release(at: now, windowEnd: windowEnd) {
          schedule(.finish, at: now + flights[Int(next)].serviceMs, flight: next)
        }
      case .response:
        try respond(event.flight)
      case .tick:
        try tick()
        if now + tickMs < windowEnd { schedule(.tick, at: now + tickMs) }
      case .ready:
        try ready(Int(event.flight))
      }
    }
    for index in endpoints.indices { endpoints[index].account(until: now, windowEnd: windowEnd) }
    progress?(1)
  }

  private mutating func arrive(_ arriving: GeneratedRequest) throws(PlacementError) {
    requests += 1
    clock.set(to: Self.duration(ms: now))
    let decision = try engines[arriving.gateway].place(arriving.request)
    guard case .placed(let assignment) = decision.outcome else {
      if let rejection = decision.rejection { rejected[rejection.reason, default: 0] += 1 }
      return
    }
    if assignment.overBudget { placedOverBudget += 1 }
    if assignment.tier == .edge { placedOnEdge += 1 }
    guard let endpoint = endpointIndex[assignment.endpoint] else {
      preconditionFailure("the engine placed on \(assignment.endpoint), unknown to the site")
    }
    outstanding[endpoint] += 1
    let compute = endpoints[endpoint].computeMs[arriving.request.model] ?? 0
    let flight = Flight(
      arrivalMs: now, budgetMs: arriving.request.latencyBudgetMs,
      halfRttMs: assignment.estimate.rttMs / 2,
      serviceMs: compute * arriving.serviceFactor, lease: assignment.lease ?? "",
      gateway: arriving.gateway, endpoint: endpoint)
    let slot: Int32
    if let free = freeFlights.popLast() {
      slot = free
      flights[Int(free)] = flight
    } else {
      slot = Int32(flights.count)
      flights.append(flight)
    }
    schedule(
      .reach, at: now + flight.halfRttMs + assignment.estimate.transferMs, flight: slot)
  }

  private mutating func respond(_ slot: Int32) throws(PlacementError) {
    let flight = flights[Int(slot)]
    let observed = now - flight.arrivalMs
    outstanding[flight.endpoint] -= 1
    latencies.append(observed)
    if observed <= flight.budgetMs { withinBudget += 1 }
    clock.set(to: Self.duration(ms: now))
    do {
      try engines[flight.gateway].complete(lease: flight.lease, observedMs: observed)
    } catch .unknownLease {
      leasesExpired += 1
    }
    flights[Int(slot)].lease = ""
    freeFlights.append(slot)
  }

  static func duration(ms: Double) -> Duration {
    .nanoseconds(Int64((ms * 1_000_000).rounded()))
  }

  mutating func report(_ variant: SimulationVariant) -> VariantReport {
    let windowEnd = windowEnd
    let utilization = endpoints.map { endpoint in
      VariantReport.EndpointUtilization(
        endpoint: endpoint.id, tier: endpoint.tier,
        share: windowEnd > 0
          ? endpoint.busyWithinWindow / (Double(endpoint.capacity) * windowEnd)
          : 0)
    }
    var busyCost = 0.0
    var provisionedCost = 0.0
    for endpoint in endpoints where endpoint.tier == .cloud {
      busyCost += endpoint.costPerHour * endpoint.busyTotal / Double(endpoint.capacity) / 3_600_000
      provisionedCost += endpoint.costPerHour * durationSeconds / 3600
    }
    var gpuSeconds = billedSeconds
    // In key order: a sum over a dictionary's own order differs in its last bits between
    // processes, and a run must reproduce bit for bit.
    for (_, since) in billedSince.sorted(by: { $0.key < $1.key }) {
      gpuSeconds += max(0, durationSeconds - min(since, durationSeconds))
    }
    let placed = latencies.count
    return VariantReport(
      variant: variant.name, policies: variant.policiesName,
      balancer: variant.balancer?.rawValue ?? "topology", requests: requests, placed: placed,
      rejected: rejected, placedOverBudget: placedOverBudget, withinBudget: withinBudget,
      latency: LatencySummary(latencies: &latencies), utilization: utilization,
      placedOnEdge: placedOnEdge, cloudCostBusy: busyCost, cloudCostProvisioned: provisionedCost,
      leasesExpired: leasesExpired, scaling: scaling.rawValue, cloudGPUHours: gpuSeconds / 3600,
      scaleUps: scaleUps, scaleDowns: scaleDowns, finishedSeconds: now / 1000)
  }
}
