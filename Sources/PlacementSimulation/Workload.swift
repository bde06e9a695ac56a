import Placement

/// What a simulation replays: how requests arrive, what they ask for, and how long endpoints
/// take to serve them.
///
/// Read one from a JSON file with ``Workload/load(contentsOfFile:)``, which validates every field
/// and reports every problem with its JSON path (as the topology loader does). The file format:
///
/// ```json
/// {
///   "duration_s": 600,
///   "seed": 7,
///   "gateways": 1,
///   "arrivals": { "process": "poisson", "rate_per_s": 120 },
///   "service": { "distribution": "lognormal", "cv": 0.3 },
///   "classes": [
///     { "name": "frames", "share": 0.7, "model": "detector-s", "latency_budget_ms": 80,
///       "tags": ["pii"], "priority": "standard",
///       "payload_bytes": { "distribution": "lognormal", "mean": 60000, "cv": 0.5 } }
///   ]
/// }
/// ```
///
/// - `duration_s` (number > 0): requests arrive during `[0, duration_s)`; the run then drains.
///   Optional with a trace, whose last timestamp ends it by default.
/// - `seed` (integer >= 0, default 1): fixes every draw; `--seed` overrides it.
/// - `gateways` (integer >= 1, default 1): fleet mode; each request goes to a gateway drawn
///   uniformly, each gateway runs its own engine, and all share the endpoints.
/// - `arrivals`: see ``ArrivalProcess``. `service`: see ``ServiceTimeDistribution`` (default
///   `fixed`). `classes`: see ``RequestClass`` (required unless the arrivals are a trace).
public struct Workload: Sendable, Hashable {
  /// How long requests arrive, in seconds.
  public var durationSeconds: Double
  /// The seed of every draw: arrivals, classes, payload sizes, service times, gateways, and the
  /// engines' own balancers.
  public var seed: UInt64
  /// Gateways in the fleet, each with its own engine (1: a single gateway).
  public var gateways: Int
  /// When requests arrive.
  public var arrivals: ArrivalProcess
  /// The kinds of request, drawn by share; empty for a trace, which carries its requests.
  public var classes: [RequestClass]
  /// How an endpoint's service time spreads around its topology compute time.
  public var service: ServiceTimeDistribution

  /// Creates a workload from values that are already valid.
  public init(
    durationSeconds: Double, seed: UInt64 = 1, gateways: Int = 1, arrivals: ArrivalProcess,
    classes: [RequestClass], service: ServiceTimeDistribution = .fixed
  ) {
    self.durationSeconds = durationSeconds
    self.seed = seed
    self.gateways = gateways
    self.arrivals = arrivals
    self.classes = classes
    self.service = service
  }
}
