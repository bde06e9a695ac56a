public import Placement
public import PlacementScaling
import Synchronization

/// What the daemon counts, rendered in the Prometheus text exposition format (version 0.0.4)
/// for the `metrics` op and node_exporter's textfile collector.
public final class ServerMetrics: Sendable {
  /// Upper bounds of the decision-time histogram, in seconds.
  static let decisionBuckets: [Double] = [
    1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2,
  ]

  private struct Counts {
    /// Decisions by (tier, pool, outcome, reason); empty strings where a label does not apply.
    /// A short list searched in order: there are a few pools, and comparing names that share
    /// their storage with the topology costs less than hashing them.
    var decisions: [(key: DecisionKey, count: Int)] = []
    var ruleHits: [String: Int] = [:]
    /// The rules of the last decision counted and where they sit in `ruleHits`: the engine
    /// hands out the same list again while the same rules fire, so one comparison of list
    /// identity replaces hashing every name.
    var lastRules: [String] = []
    var lastRuleIndices: [Dictionary<String, Int>.Index] = []
    var decisionBucketCounts = [Int](repeating: 0, count: ServerMetrics.decisionBuckets.count + 1)
    var decisionSeconds = 0.0
    var decisionCount = 0
    /// Request lines by op, indexed as ``ServerMetrics/opLabels``.
    var requests = [Int](repeating: 0, count: ServerMetrics.opLabels.count)
    /// Error responses by code, indexed as `WireError.Code.allCases`.
    var errors = [Int](repeating: 0, count: WireError.Code.allCases.count)
    var reloads: [String: Int] = [:]
    var connectionsRefused = 0

    mutating func countRuleHits(_ rules: [String]) {
      if rules == lastRules {
        for index in lastRuleIndices { ruleHits.values[index] += 1 }
        return
      }
      for rule in rules { ruleHits[rule, default: 0] += 1 }
      // Indices stay valid until a key is added, and every key of `rules` is in now.
      lastRules = rules
      lastRuleIndices = rules.compactMap { ruleHits.index(forKey: $0) }
    }
  }

  private struct DecisionKey: Hashable {
    var tier: String
    var pool: String
    var outcome: String
    var reason: String
  }

  private let counts = Mutex(Counts())
  private let connectionsOpen = Atomic<Int>(0)
  /// Reads every pool's autoscaling signal now; nil where no forecaster is kept.
  private let scaling: (@Sendable () -> [PoolScalingSignal])?

  /// Creates empty counters.
  public init() { scaling = nil }

  /// Creates empty counters that also export the autoscaling signal of every pool of
  /// `engine`'s topology, from `forecaster` (which `engine` must feed: pass the same forecaster
  /// as the engine's `observer`). The `status` op then shows the signal too.
  public init(scaling forecaster: ScalingForecaster, engine: PlacementEngine) {
    scaling = { [weak engine] in
      guard let engine else { return [] }
      return forecaster.signals(for: engine.topology, at: engine.now())
    }
  }

  /// Every pool's autoscaling signal now, or nil when no forecaster is kept.
  public func scalingSignals() -> [PoolScalingSignal]? { scaling?() }

  /// Counts one decision and how long it took.
  func record(_ decision: Decision, seconds: Double) {
    let key: DecisionKey =
      switch decision.outcome {
      case .placed(let assignment):
        DecisionKey(
          tier: assignment.tier.rawValue, pool: assignment.pool, outcome: "placed", reason: "")
      case .rejected(let rejection):
        DecisionKey(tier: "", pool: "", outcome: "rejected", reason: rejection.reason.rawValue)
      }
    counts.withLock { counts in
      if let index = counts.decisions.firstIndex(where: { $0.key == key }) {
        counts.decisions[index].count += 1
      } else {
        counts.decisions.append((key, 1))
      }
      counts.countRuleHits(decision.rules)
      let bucket = Self.decisionBuckets.firstIndex { seconds <= $0 } ?? Self.decisionBuckets.count
      counts.decisionBucketCounts[bucket] += 1
      counts.decisionSeconds += seconds
      counts.decisionCount += 1
    }
  }

  /// The `op` label values: the operations, then `invalid` (not JSON, or no op) and `unknown`.
  static let opLabels = WireRequest.operations + ["invalid", "unknown"]

  /// Counts one request line by its op (`invalid` when it had none).
  func record(op: String) {
    let index =
      WireRequest.operations.firstIndex(of: op)
      ?? (op == "invalid" ? Self.opLabels.count - 2 : Self.opLabels.count - 1)
    counts.withLock { $0.requests[index] += 1 }
  }

  /// Counts one error response by its code.
  func record(error code: WireError.Code) {
    let index = WireError.Code.allCases.firstIndex(of: code) ?? 0
    counts.withLock { $0.errors[index] += 1 }
  }

  /// Counts one reload attempt.
  func record(reloadSucceeded: Bool) {
    counts.withLock { $0.reloads[reloadSucceeded ? "ok" : "failed", default: 0] += 1 }
  }

  func connectionOpened() { connectionsOpen.wrappingAdd(1, ordering: .relaxed) }
  func connectionClosed() { connectionsOpen.wrappingSubtract(1, ordering: .relaxed) }
  func connectionRefused() { counts.withLock { $0.connectionsRefused += 1 } }

  /// The Prometheus text for these counters and the engine's live state.
  public func render(engine: EngineStatus) -> String {
    let counts = counts.withLock { $0 }
    var text = ""
    func family(_ name: String, _ type: String, _ help: String) {
      text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }
    func sample(_ name: String, _ labels: KeyValuePairs<String, String> = [:], _ value: Double) {
      let rendered = labels.filter { !$0.value.isEmpty }
        .map { "\($0.key)=\"\(Self.escape($0.value))\"" }.joined(separator: ",")
      text += rendered.isEmpty ? name : "\(name){\(rendered)}"
      text += " \(Self.format(value))\n"
    }
    family("placement_decisions_total", "counter", "Decisions by tier, pool and outcome.")
    for (key, count) in counts.decisions.sorted(by: { "\($0.key)" < "\($1.key)" }) {
      sample(
        "placement_decisions_total",
        ["tier": key.tier, "pool": key.pool, "outcome": key.outcome, "reason": key.reason],
        Double(count))
    }
    family("placement_rule_hits_total", "counter", "Decisions whose rules list named the rule.")
    for (rule, count) in counts.ruleHits.sorted(by: { $0.key < $1.key }) {
      sample("placement_rule_hits_total", ["rule": rule], Double(count))
    }
    family("placement_decision_seconds", "histogram", "Time to decide a place request.")
    var cumulative = 0
    for (index, bound) in Self.decisionBuckets.enumerated() {
      cumulative += counts.decisionBucketCounts[index]
      sample("placement_decision_seconds_bucket", ["le": Self.format(bound)], Double(cumulative))
    }
    sample("placement_decision_seconds_bucket", ["le": "+Inf"], Double(counts.decisionCount))
    sample("placement_decision_seconds_sum", [:], counts.decisionSeconds)
    sample("placement_decision_seconds_count", [:], Double(counts.decisionCount))
    family("placement_endpoint_in_flight", "gauge", "Leases held on the endpoint.")
    for endpoint in engine.endpoints {
      sample(
        "placement_endpoint_in_flight",
        ["endpoint": endpoint.endpoint, "pool": endpoint.pool, "tier": endpoint.tier.rawValue],
        Double(endpoint.inFlight))
    }
    family(
      "placement_endpoint_up", "gauge",
      "1 when the endpoint is a candidate, 0 when down or ejected.")
    for endpoint in engine.endpoints {
      sample(
        "placement_endpoint_up",
        ["endpoint": endpoint.endpoint, "pool": endpoint.pool, "state": endpoint.state],
        endpoint.state == "up" ? 1 : 0)
    }
    family("placement_endpoint_errors_total", "counter", "Error and timeout completions.")
    for endpoint in engine.endpoints {
      sample(
        "placement_endpoint_errors_total", ["endpoint": endpoint.endpoint], Double(endpoint.errors))
    }
    family("placement_leases_active", "gauge", "Leases held now.")
    sample("placement_leases_active", [:], Double(engine.activeLeases))
    family("placement_leases_expired_total", "counter", "Leases that lapsed without a completion.")
    sample("placement_leases_expired_total", [:], Double(engine.leasesExpired))
    family("placement_requests_total", "counter", "Request lines by op.")
    for (op, count) in zip(Self.opLabels, counts.requests).sorted(by: { $0.0 < $1.0 })
    where count > 0 {
      sample("placement_requests_total", ["op": op], Double(count))
    }
    family("placement_errors_total", "counter", "Error responses by code.")
    for (code, count) in zip(WireError.Code.allCases.map(\.rawValue), counts.errors)
      .sorted(by: { $0.0 < $1.0 }) where count > 0
    {
      sample("placement_errors_total", ["code": code], Double(count))
    }
    family("placement_reloads_total", "counter", "Reloads by result.")
    for (result, count) in counts.reloads.sorted(by: { $0.key < $1.key }) {
      sample("placement_reloads_total", ["result": result], Double(count))
    }
    family("placement_connections_open", "gauge", "Client connections open now.")
    sample("placement_connections_open", [:], Double(connectionsOpen.load(ordering: .relaxed)))
    family("placement_connections_refused_total", "counter", "Connections refused (limit or peer).")
    sample("placement_connections_refused_total", [:], Double(counts.connectionsRefused))
    if let signals = scaling?() {
      let gauges: [(name: String, help: String, value: (PoolScalingSignal) -> Double)] = [
        (
          "placement_pool_desired_endpoints",
          "Endpoints that hold the pool's target utilization at the forecast arrival rate.",
          { Double($0.desiredEndpoints) }
        ),
        (
          "placement_pool_current_endpoints", "Endpoints the pool has in the topology.",
          { Double($0.currentEndpoints) }
        ),
        (
          "placement_pool_arrival_rate",
          "Requests placed on the pool per second, over the last whole bucket.",
          { $0.observedRatePerSecond }
        ),
        (
          "placement_pool_forecast_arrival_rate",
          "Holt-Winters forecast of the pool's arrival rate one lead time ahead, per second.",
          { $0.forecastRatePerSecond }
        ),
      ]
      for gauge in gauges {
        family(gauge.name, "gauge", gauge.help)
        for signal in signals {
          sample(
            gauge.name, ["pool": signal.pool, "tier": signal.tier.rawValue], gauge.value(signal))
        }
      }
    }
    return text
  }

  /// A label value with `\`, `"` and newlines escaped.
  static func escape(_ value: String) -> String {
    var escaped = ""
    for character in value {
      switch character {
      case "\\": escaped += "\\\\"
      case "\"": escaped += "\\\""
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  static func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }
}
